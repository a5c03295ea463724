/* provision: lay the planned layout onto the OS disk without ever losing data.
 *
 * Two steps, like sfdisk's --no-act: provision_inspect() probes the disk
 * (devuse), plans it (layout_plan) and gives a verdict without writing;
 * provision_apply() acts on the verdict.
 *
 * Verdicts: a disk in use (mounted, swap, running root, holders, loop-attached,
 * opened exclusively) is BUSY and a retention volume is RETENTION: both refused
 * whatever the flags. A disk that already carries the plan (same msdos table,
 * ext4/swap with the planned labels, nothing else) is ALREADY: not one byte is
 * written. A disk our journal says we were provisioning ("provision" section:
 * same disk and size, state partitioning/formatting, same msdos disk id once
 * written) is RESUME: its half-made file systems are ours, not foreign data.
 * A disk with nothing on it is BLANK; anything else is FOREIGN and only
 * provisioned after the caller obtained consent (--wipe, --yes).
 *
 * Crash safety: the journal is committed before each step that writes
 * (partitioning, then each mkfs with the UUID it produced), so a re-run after a
 * kill at any point recognises the disk as its own, keeps the file systems whose
 * mkfs completed and was recorded, and redoes the rest. */
#ifndef MT_PROVISION_H
#define MT_PROVISION_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "devuse.h"
#include "journal.h"
#include "layout.h"
#include "mterr.h"

enum provision_verdict {
    PROVISION_BLANK,
    PROVISION_ALREADY,
    PROVISION_RESUME,
    PROVISION_FOREIGN,
    PROVISION_BUSY,
    PROVISION_RETENTION,
};

struct provision_inspection {
    struct devuse use;
    struct layout_plan plan;
    enum provision_verdict verdict;
    bool owned;                              /* our journal says we were provisioning it */
    bool exclusive_busy;                     /* block device: another process holds it O_EXCL */
    bool table_matches;                      /* msdos table = the plan */
    bool fs_matches[LAYOUT_MAX_PARTS];       /* partition N+1 carries the planned fs and label, alone */
    char found[4096];                        /* what is on / using the disk, one line */
    char not_ours[512];                      /* why a disk the journal names is not the killed run's, "" */
};

/* Probe and plan `disk` (a host path), and judge it. The journal section may
 * be NULL (no ownership). Returns 0 (see in->verdict) or -errno with err
 * (no such disk, a partition named instead of a disk, plan impossible). */
int provision_inspect(const char *disk, uint64_t ram_bytes, const struct layout_policy *pol,
                      const char *retention_label, json_object *journal_provision,
                      struct provision_inspection *in, struct mt_err *err);
void provision_inspection_free(struct provision_inspection *in);

const char *provision_verdict_name(enum provision_verdict v);

/* True when waiting may clear a BUSY verdict: the disk is ours mid-provision
 * and only a leftover process of the killed run holds it (an mkfs still
 * writing, keeping its loop device or its exclusive open). */
bool provision_busy_may_clear(const struct provision_inspection *in);

struct provision_opts {
    const char *target_root;   /* host path of the installed system's root: its etc/fstab gets
                                  the entries; NULL: no fstab written */
    bool lazy_init;            /* mkfs.ext4 -E lazy_journal_init=1 too (large thin disks) */
    bool no_act;               /* the whole run without the writes (wipe, table, mkfs, fstab, journal):
                                  every action is reported with "no_act": true */
    /* Progress of the current step and each action as it is taken (may be NULL). */
    void (*progress)(void *data, const char *label, uint64_t done, uint64_t total);
    void (*action)(void *data, const json_object *action);
    void *data;
};

/* The files provision_apply will edit (the target root's etc/fstab) can be
 * read whole as text: checked before anything is written. 0, or -EILSEQ /
 * -E2BIG / -EFBIG (refused, err names file:line) or -errno. */
int provision_check_files(const struct provision_opts *o, struct mt_err *err);

/* Act on an inspection whose verdict is ALREADY, BLANK, RESUME, or FOREIGN
 * (the caller has the operator's consent to destroy what in->found lists).
 * Appends every action taken to `actions` (a JSON array) and keeps the
 * journal's "provision" section current, committing it before each write.
 * Returns 0 or -errno with err naming the device and the step. */
int provision_apply(struct provision_inspection *in, const struct provision_opts *o, struct journal *j,
                    json_object *actions, struct mt_err *err);

/* The node of partition `partno` of a whole block device (/dev/sda2, /dev/loop0p2),
 * waiting up to timeout_ms for it to appear. 0 or -ENOENT. */
int provision_partition_node(unsigned major, unsigned minor, int partno, char *node, size_t len, int timeout_ms);

/* Run mkfs for `fstype` ("ext4" or "swap") with `label` and `uuid` (NULL: mkfs
 * picks one) on the real path `node`. Shared with retention. Returns 0 or -errno
 * with err (the command's last lines). */
int provision_mkfs(const char *node, const char *fstype, const char *label, const char *uuid, bool lazy_init,
                   void (*progress)(void *data, const char *label, uint64_t done, uint64_t total), void *data,
                   struct mt_err *err);

#endif
