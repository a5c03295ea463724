/* regfile: open a file the agent was given to read, and make sure it is one.
 *
 * Every input file (configuration, state journal and its lock, passphrase file,
 * Unified Agent tarball, module packages, manifest) goes through regfile_open():
 * a FIFO, a device, a socket or a directory is refused at once with a message
 * naming the path and what it is, instead of hanging the agent (a FIFO without
 * a writer blocks open() and read() forever; /dev/zero never ends) or being
 * read as an empty file (a directory). The device the operator names with
 * --disk is opened by its own code (provision/disk/devuse.c), not here. */
#ifndef MT_REGFILE_H
#define MT_REGFILE_H

#include <stddef.h>
#include <sys/stat.h>

#include "mterr.h"

#define RF_NOFOLLOW 0x1 /* refuse a symbolic link in the last component (-ELOOP) */

/* Open `path` (a real path, already resolved) read-only. It is looked at with
 * stat/lstat first, so a device is never opened, then opened with O_NONBLOCK
 * (a FIFO that appeared in between cannot block), checked again with fstat and
 * O_NONBLOCK cleared. `what` names the file in messages ("configuration file").
 * st (may be NULL) receives fstat's answer. Returns the descriptor (O_CLOEXEC),
 * or -errno with err set: -ENOENT, -EISDIR (a directory), -EINVAL (FIFO,
 * device, socket), -ELOOP (a link, with RF_NOFOLLOW), or open's own errno. */
int regfile_open(const char *path, int flags, const char *what, struct stat *st, struct mt_err *err);

/* The same, naming `shown` in messages (the path as the operator wrote it,
 * when `path` is its resolution under --root). */
int regfile_open_as(const char *path, const char *shown, int flags, const char *what, struct stat *st,
                    struct mt_err *err);

/* Read the whole regular file `path` into a new NUL-terminated buffer (*out,
 * free() it; *len without the NUL, may be NULL). More than `max` bytes is
 * -EFBIG. Errors as regfile_open, plus -EIO / -ENOMEM. */
int regfile_read(const char *path, int flags, const char *what, size_t max, char **out, size_t *len,
                 struct mt_err *err);

/* Open the log file `path` (real path) for appending, creating it with `mode`:
 * never through a symbolic link (-ELOOP), never a FIFO or device that would
 * block or swallow the output (-EINVAL). Returns the descriptor (O_CLOEXEC) or
 * -errno. */
int regfile_open_append(const char *path, mode_t mode);

/* What a file of mode `mode` is, in words: "a directory", "a FIFO (named pipe)". */
const char *regfile_kind(mode_t mode);

#endif
