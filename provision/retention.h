/* retention: the retention volume, created once and then only ever reused.
 *
 * An ext4 file system labelled MT_RETENTION ([layout] retention_label) holds
 * the master target's recovery points. retention_apply() finds it on the disk
 * (the whole disk, or a partition made by an older procedure) and reuses it,
 * never reformatting it; on a blank disk it makes one over the whole disk (no
 * partition table: the volume can grow with its virtual disk, resize2fs alone).
 * A disk with any other data, or in use, is refused. The volume is mounted at
 * the mount point (/mnt/retention) and gets an fstab entry by UUID.
 *
 * The journal's "retention" section records the disk before mkfs starts, so a
 * run killed mid-mkfs is finished by the next one instead of being refused as
 * foreign data. */
#ifndef MT_RETENTION_H
#define MT_RETENTION_H

#include <limits.h>
#include <stdbool.h>

#include "journal.h"
#include "mterr.h"

struct retention_result {
    char node[PATH_MAX];      /* the device holding the volume (/dev/sdb, /dev/sdb1, /dev/loop3) */
    char uuid[64];
    int partno;               /* 0: the whole disk */
    bool created;             /* mkfs ran (else an existing volume was reused) */
    bool mounted_now;         /* mounted by this run (else it already was) */
    bool fstab_changed;
    char found[4096];         /* what was on the disk before */
};

/* Make or reuse the retention volume on `disk` (host path), mounted at
 * `mountpoint` (host path) with an entry in /etc/fstab. Returns 0, or:
 * -EBUSY (in use by something else), -EEXIST (other data on the disk),
 * -EPERM: refused for safety, err says what was found; other -errno: failed. */
int retention_apply(const char *disk, const char *mountpoint, const char *label, struct journal *j,
                    struct retention_result *res, struct mt_err *err);

#endif
