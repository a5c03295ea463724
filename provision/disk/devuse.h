/* devuse: is a disk (block device or image file) in use, and what does it hold?
 *
 * Before anything writes to a disk it asks devuse: is the disk or one of its
 * partitions mounted (/proc/self/mountinfo), used as swap (/proc/swaps), the
 * running root (directly or under device-mapper), held by another device
 * (sysfs holders/: LVM, dm, md), or, for an image file, attached to a loop
 * device; and which signatures libblkid finds on the whole disk and inside each
 * partition (file systems with their labels, swap, LVM2_member, RAID members,
 * partition tables); and everything on it that can be named at any offset
 * (sigscan: the blank test). Every host path (/dev, /sys, /proc, the image) goes
 * through the root resolver, so fixture trees work the same way. */
#ifndef MT_DEVUSE_H
#define MT_DEVUSE_H

#include <json-c/json.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"
#include "sigscan.h"

/* One signature libblkid found. */
struct devuse_sig {
    char type[32];      /* ext4, xfs, swap, LVM2_member, linux_raid_member, or a table: dos, gpt */
    char usage[24];     /* filesystem, raid, crypto, other, partition_table */
    char label[128];    /* "" when none */
    char uuid[64];      /* "" when none */
    int partno;         /* 0: on the whole disk; N: inside partition N */
};

/* One partition of the table libblkid found on the whole disk. */
struct devuse_part {
    int partno;
    uint64_t start_bytes, size_bytes;
    unsigned type;      /* msdos system id (0x83 Linux, 0x82 swap, 0x05 extended); 0 on GPT */
    bool boot;          /* msdos active flag */
    bool extended;      /* an msdos extended container */
};

/* One mount or swap use, of the disk itself or one of its partitions (or of a
 * loop device an image file is attached to). */
struct devuse_use {
    char node[PATH_MAX];   /* the device in use, e.g. /dev/loop0p1 */
    char what[PATH_MAX];   /* mount point, "swap", or the holder's name */
};

struct devuse {
    char path[PATH_MAX];       /* the host path probed (/dev/sda, /var/tmp/disk.img) */
    char real[PATH_MAX];       /* the same after the root resolver */
    bool is_block;             /* block device (else a regular file: an image) */
    bool is_partition;         /* a partition, not a whole disk */
    unsigned major, minor;     /* block devices */
    char sysname[64];          /* kernel name (sda, loop0); "" for an image */
    uint64_t size_bytes;
    unsigned sector_size;      /* logical sector size; 512 for an image */

    char pttype[16];           /* dos, gpt, "" when no partition table */
    char ptuuid[64];           /* msdos disk identifier or GPT disk GUID, "" when none */
    struct devuse_part *parts;
    size_t n_parts;
    struct devuse_sig *sigs;   /* every signature: the table, whole-disk ones, inside partitions */
    size_t n_sigs;
    struct sigscan scan;       /* every finding at any offset (sigscan.h): empty = blank */
    char scsi_id[96];          /* "naa.<hex>" (VPD 0x83 NAA) or "serial.<VPD 0x80>", "" when the
                                  disk answers neither (loop devices, image files) */

    struct devuse_use *mounts; /* what = mount point */
    size_t n_mounts;
    struct devuse_use *swaps;  /* what = "swap" */
    size_t n_swaps;
    struct devuse_use *holders;/* node = the held device, what = the holder (dm-0, md0) */
    size_t n_holders;
    char running_root[PATH_MAX]; /* the node that holds the running root ("" when none) */
    char (*loops)[64];         /* an image file: the loop devices it is attached to (/dev/loop3) */
    size_t n_loops;
};

/* A disk the box names ([layout] disk, the journal, a kernel name) as a path
 * this process opens: "sda" -> "/dev/sda", then resolved under --root; an
 * absolute path is resolved under --root. A relative path is -EINVAL (the
 * operator's relative paths are theirs, taken from the working directory by
 * the command line, never here). Returns 0, -EINVAL or -ENAMETOOLONG. */
int devuse_disk_path(const char *arg, char *out, size_t outlen);

/* Probe `path`, a box path (/dev/sda1) resolved under --root. Returns 0, or
 * -errno with err naming the device (missing, not a block device or regular
 * file, unreadable, libblkid failure). Release with devuse_free (also after an
 * error). */
int devuse_probe(const char *path, struct devuse *u, struct mt_err *err);
/* The same for a path already resolved (the operator's host path, or a box
 * path resolved where it was parsed): opened as given, never resolved again. */
int devuse_probe_resolved(const char *path, struct devuse *u, struct mt_err *err);
void devuse_free(struct devuse *u);

/* Only the use of disk `sysname` (sda) and its partitions, found by
 * /sys/block/NAME: mounts and running root from `mountinfo`, swap from `swaps`
 * (the texts of /proc/self/mountinfo and /proc/swaps read once by a caller
 * looking at many disks; NULL: read here), holders. The inventory's view of
 * "who uses this disk", the same code provision and retention judge by.
 * Nothing is opened or probed. 0 or -errno (-ENOENT: no such disk in sysfs).
 * Release with devuse_free. */
int devuse_scan_use(const char *sysname, const char *mountinfo, const char *swaps, struct devuse *u);

/* In use by the running system: mounted, swap, running root, holders, or (an
 * image) attached to a loop device. */
bool devuse_busy(const struct devuse *u);

/* Carries a partition table, any signature or unrecognised data (any sigscan finding). */
bool devuse_has_data(const struct devuse *u);

/* The first signature with this label (whole disk or inside a partition), or NULL. */
const struct devuse_sig *devuse_find_label(const struct devuse *u, const char *label);

/* The signatures found inside partition partno (0: the whole disk), at most n,
 * into out; returns how many there are (may exceed n). */
size_t devuse_sigs_of(const struct devuse *u, int partno, const struct devuse_sig **out, size_t n);

/* One line naming every use and every finding, e.g. "/dev/loop0p1 mounted at /mnt;
 * dos partition table with 1 partition at byte 510 (whole disk); ext4 'MT_ROOT' at byte
 * 1049656 (partition 1 of dos)".
 * Returns the length it wanted (like snprintf). Empty when the disk is blank and unused. */
int devuse_describe(const struct devuse *u, char *buf, size_t len);

/* The same as a JSON object (stable keys: path, block, size_bytes, scsi_id, pttype, partitions,
 * signatures, findings [{kind, type, label, uuid, offset, length, source}], mounts, swaps,
 * holders, running_root, loops, busy, has_data, description). */
json_object *devuse_to_json(const struct devuse *u);

/* The findings alone, as that JSON array. */
json_object *devuse_findings_json(const struct sigscan *scan);

/* The block device mounted at `mountpoint` (a host path; the last mount
 * there wins), as a host path in node (/dev/sdb1). 0, or -ENOENT when nothing
 * is mounted there. */
int devuse_mounted_at(const char *mountpoint, char *node, size_t len);

/* A block device someone holds open exclusively (a mount, md, dm, a running
 * mkfs): opening it O_EXCL fails with EBUSY. False for image files. */
bool devuse_exclusive_busy(const struct devuse *u);

#endif
