/* journal: the agent's state, /var/lib/mt-agent/state.json.
 *
 * One JSON object {"version": 1, "<section>": {...}, ...}. Written atomically
 * (temp file, fsync, rename, fsync of the directory) so a crash leaves the old
 * or the new journal, never a mix. A journal that cannot be parsed is moved
 * aside (state.json.corrupt-<unix time>) and reported, never silently reset.
 * An exclusive lock (state.json.lock) is held from load to free, so two agents
 * (firstboot and an operator) never interleave their updates. */
#ifndef MT_JOURNAL_H
#define MT_JOURNAL_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

#include "mterr.h"

#define JOURNAL_PATH "/var/lib/mt-agent/state.json"
#define JOURNAL_VERSION 1
#define JOURNAL_MAX_BYTES (16 << 20) /* a larger state.json is refused, not read */

struct journal {
    json_object *root;
    char path[PATH_MAX];          /* real path (after the root resolver) */
    char moved_aside[PATH_MAX];   /* non-empty when a corrupt journal was kept aside */
    int lock_fd;
};

/* Load the journal (a new empty one when none exists), taking the lock.
 * When the file is corrupt it is renamed aside, j->moved_aside names it, a new
 * journal is started and err (if given) describes what happened; returns 0.
 * A journal of a newer version is refused (-EPROTO): it is not ours to rewrite.
 * state.json and its lock are never opened through a symbolic link: a link, a
 * FIFO or a directory there is refused (-ELOOP / -EINVAL, naming the path),
 * never read, moved aside or written through. */
int journal_load(struct journal *j, struct mt_err *err);

/* Same, at an explicit real path (tests). */
int journal_load_path(struct journal *j, const char *path, struct mt_err *err);

/* Read the journal without taking the lock (status, check): the atomic rename
 * lets a reader see the old or the new file, never a mix, so reading never
 * waits for a verb running a long step. Missing: an empty journal. Corrupt:
 * -EBADMSG, left in place for the next writer to keep aside. A journal read
 * this way cannot be committed (-EPERM). */
int journal_read(struct journal *j, struct mt_err *err);

/* The object under `name`, created empty when missing (owned by the journal). */
json_object *journal_section(struct journal *j, const char *name);

/* The journal's one form of a timestamp: a new JSON string, ISO 8601 UTC
 * ("2026-11-25T15:45:27Z", timefmt.h). */
json_object *journal_now(void);

/* Write the journal atomically. */
int journal_commit(struct journal *j, struct mt_err *err);

/* Release the journal and its lock (without writing). */
void journal_free(struct journal *j);

/* Atomically replace `path` with `len` bytes of `data` (temp file in the same
 * directory, fsync, rename, fsync of the directory). Used for every file the
 * agent rewrites (journal, fstab). A symbolic link or anything but a regular
 * file at `path` is refused (-ELOOP / -EINVAL); the temp file is created with
 * O_EXCL|O_NOFOLLOW. */
int write_file_atomic(const char *path, const void *data, size_t len, int mode, struct mt_err *err);

#endif
