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
 * "Empty" is sigscan's blank (devuse.h): nothing on the disk can be named.
 * The journal's "retention" section records the disk (path, size, SCSI id)
 * and the UUID given to mkfs before mkfs starts, so a run killed mid-mkfs is
 * finished by the next one: on that disk only, and only while it carries
 * nothing but that mkfs's ext4 (another disk put at the same path is refused
 * like any disk with data). */
#ifndef MT_RETENTION_H
#define MT_RETENTION_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>

#include "journal.h"
#include "mterr.h"

enum retention_verdict {
    RETENTION_REUSE,    /* an ext4 labelled MT_RETENTION exists: reused, never reformatted */
    RETENTION_CREATE,   /* blank: mkfs */
    RETENTION_RESUME,   /* the killed run's own unfinished mkfs: mkfs again, same UUID */
    RETENTION_BUSY,     /* in use: refused */
    RETENTION_FOREIGN,  /* other data: refused */
};

const char *retention_verdict_name(enum retention_verdict v);

struct retention_result {
    enum retention_verdict verdict;
    json_object *findings;    /* what the inspection found (devuse_findings_json); the caller puts it */
    char node[PATH_MAX];      /* the device holding the volume (/dev/sdb, /dev/sdb1, /dev/loop3) */
    char uuid[64];
    int partno;               /* 0: the whole disk */
    bool created;             /* mkfs ran, or would (no_act) (else an existing volume was reused) */
    bool mounted_now;         /* mounted by this run, or would be (else it already was) */
    bool fstab_changed;       /* rewritten, or would be */
    char found[4096];         /* what was on the disk before */
};

/* Make or reuse the retention volume on `disk` (host path), mounted at
 * `mountpoint` (host path) with an entry in /etc/fstab. no_act: the same run
 * without mkfs, mount, fstab or journal writes (res says what would be done).
 * Returns 0, or: -EBUSY (in use by something else), -EEXIST (other data on the
 * disk), -EILSEQ / -E2BIG / -EFBIG (/etc/fstab cannot be read as text): refused
 * for safety, nothing written, err says what was found; other -errno: failed. */
int retention_apply(const char *disk, const char *mountpoint, const char *label, bool no_act, struct journal *j,
                    struct retention_result *res, struct mt_err *err);

#endif
