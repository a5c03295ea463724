/* sigscan: everything on a disk that can be named, the way wipefs names it.
 *
 * A disk is blank only when nothing on it can be named. sigscan_disk() looks
 * in four places and lists every finding with the byte offset of its magic:
 *  1. the whole disk, every superblock and partition-table prober of libblkid
 *     enumerated as `wipefs --no-act` does (blkid_do_probe in a loop, each
 *     magic hidden and the prober stepped back so a second copy is found too;
 *     BLKID_PARTS_FORCE_GPT so a GPT whose only surviving header is the backup
 *     one, or whose protective MBR is gone, still counts);
 *  2. the start of every partition of every table found (each table type
 *     probed on its own: a dos table does not hide a GPT behind it; a GPT
 *     with a broken primary header is read from its backup);
 *  3. the offsets where partitions usually start, for a table that is gone
 *     (SIGSCAN_USUAL_STARTS, in 512-byte sectors, with the reason for each);
 *  4. the first and last MiB: non-zero bytes there that no finding explains
 *     are "unrecognised data at offset N".
 * One finding per (type, offset): the first probe that saw it is its source.
 *
 * Old libblkid (CentOS 6: 2.17) lacks blkid_probe_hide_range (2.31, detected
 * by the Makefile as MT_BLKID_HIDE_RANGE), FORCE_GPT and the magic offsets:
 * there the loop still visits every prober once, the offsets are those of the
 * probe range, and a backup-only GPT is left to step 4 (its bytes are in the
 * last MiB). */
#ifndef MT_SIGSCAN_H
#define MT_SIGSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIGSCAN_REGION (1024 * 1024) /* the first and last MiB, checked byte by byte */

struct sigscan_finding {
    char kind[24];      /* filesystem, raid, crypto, other (libblkid USAGE), partition_table, unrecognised */
    char type[32];      /* ext4, xfs, LVM2_member, crypto_LUKS, bcache, gpt, dos, PMBR; "data" when unrecognised */
    char label[128];    /* "" when none */
    char uuid[64];      /* file system / PV / table id, "" when none */
    uint64_t offset;    /* bytes from the start of the disk: the magic (unrecognised: the first non-zero byte) */
    uint64_t len;       /* bytes of the magic (what a wipe zeroes); unrecognised: to the end of its region */
    char source[96];    /* which probe: "whole disk", "partition 1 of gpt", "usual start 63 (DOS cylinder ...)",
                           "first MiB", "last MiB" */
};

/* A partition of one of the tables found (for callers that match a plan). */
struct sigscan_part {
    char table[16];     /* dos, gpt, ... */
    int partno;
    uint64_t start, size; /* bytes */
};

struct sigscan {
    struct sigscan_finding *v;
    size_t n;
    struct sigscan_part *parts;
    size_t n_parts;
};

/* The usual first-partition starts, in 512-byte sectors; n set to the count. */
struct sigscan_start {
    uint64_t sector;
    const char *why;
};
const struct sigscan_start *sigscan_usual_starts(size_t *n);

/* Scan the open disk fd of `size` bytes (read only). Returns 0, or -ENOMEM,
 * -EIO (a read failed: the disk cannot be judged blank). Free with sigscan_free
 * (also after an error). */
int sigscan_disk(int fd, uint64_t size, struct sigscan *s);
void sigscan_free(struct sigscan *s);

/* A libblkid probe of fd for its partition tables alone (superblocks off),
 * with blkid_probe_set_partitions_flags(flags), for devuse and sigscan. The
 * probe (a blkid_probe, blkid_free_probe() it), or NULL with *r set: -ENOMEM,
 * -EIO (libblkid cannot use fd). */
void *sigscan_parts_probe(int fd, int flags, int *r);

/* The same for superblocks over [off, off+size) (size 0: to the end), with
 * blkid_probe_set_superblocks_flags(flags); partitions as libblkid's default
 * (the caller enables or disables them). */
void *sigscan_sb_probe(int fd, uint64_t off, uint64_t size, int flags, int *r);

/* The first non-zero byte of buf[0, len) that lies outside every range of
 * `skip` (pairs of [start, end) relative to buf), or -1. Pure. */
long sigscan_first_nonzero(const unsigned char *buf, size_t len, const uint64_t (*skip)[2], size_t n_skip);

/* "ext4 'OLDDATA' at byte 1049656 (partition 1 of gpt)", "unrecognised data at
 * offset 4096 (first MiB)". Returns what snprintf returns. */
int sigscan_describe(const struct sigscan_finding *f, char *buf, size_t len);

#endif
