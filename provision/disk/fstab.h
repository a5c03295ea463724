/* fstab: add or replace the agent's entries in an fstab, keeping every other line.
 *
 * provision writes the OS disk's four entries into the target root's
 * etc/fstab, retention its /mnt/retention entry into /etc/fstab; both by UUID.
 * A line is the agent's to replace when it mounts the same mount point, or,
 * for swap, names the same device (UUID=, LABEL=). Comments, blank lines and
 * every other entry stay as they were, in their order. The file is rewritten
 * atomically, and only when its content changes. */
#ifndef MT_FSTAB_H
#define MT_FSTAB_H

#include <stdbool.h>
#include <stddef.h>

#include "mterr.h"

struct fstab_entry {
    char source[128];       /* UUID=... */
    char label[64];         /* the file system's label: a LABEL= line for it is ours too */
    char mountpoint[256];   /* "/", "/var/crash", "swap", "/mnt/retention" */
    char fstype[16];
    char options[64];       /* "defaults" */
    int freq, passno;
};

/* The new text of an fstab: `old` (may be NULL) with the lines the entries
 * replace removed and the entries appended after a comment line `comment`.
 * New string (free it) or NULL when out of memory. Pure. */
char *fstab_merge(const char *old, const struct fstab_entry *e, size_t n, const char *comment);

/* Apply fstab_merge to the real file `path` (already resolved; created when
 * missing). *changed tells whether it was (with no_act: would be) rewritten.
 * A file that cannot be read whole as text (textfile.h: NUL bytes, an
 * over-long line) is refused, -EILSEQ / -E2BIG / -EFBIG, naming path:line,
 * and not written. Returns 0 or -errno. */
int fstab_update(const char *path, const struct fstab_entry *e, size_t n, const char *comment, bool no_act,
                 bool *changed, struct mt_err *err);

/* The same refusal alone, before anything else is written: 0 (also when the
 * file does not exist) or -EILSEQ / -E2BIG / -EFBIG / -errno. */
int fstab_check(const char *path, struct mt_err *err);

#endif
