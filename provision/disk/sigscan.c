/* sigscan: see sigscan.h. */
#define _GNU_SOURCE
#include "sigscan.h"
#include "strcopy.h"

#include <blkid/blkid.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef BLKID_SUBLKS_BADCSUM
#define BLKID_SUBLKS_BADCSUM 0 /* libblkid < 2.27: damaged superblocks are not reported */
#endif
#ifndef BLKID_SUBLKS_MAGIC
#define BLKID_SUBLKS_MAGIC 0
#endif
#ifndef BLKID_PARTS_MAGIC
#define BLKID_PARTS_MAGIC 0
#endif
#ifndef BLKID_PARTS_FORCE_GPT
#define BLKID_PARTS_FORCE_GPT 0
#endif

#define MAX_ROUNDS 256 /* signatures one probe range may yield; a bound, not an expectation */

/* Where a first partition starts when its table is gone. A file system at
 * one of these offsets is found even though nothing points at it any more. */
static const struct sigscan_start USUAL_STARTS[] = {
    {34, "GPT's first usable sector, unaligned (old gdisk, parted before 2.x)"},
    {40, "GPT, 4 KiB aligned (macOS, some installers)"},
    {63, "DOS cylinder alignment (fdisk before 2010, RHEL 5 and older)"},
    {64, "32 KiB alignment (fdisk -u on some distributions)"},
    {128, "64 KiB alignment (VMware VMFS 3, diskpart align=64)"},
    {256, "128 KiB alignment (some RAID controllers)"},
    {2048, "1 MiB alignment (parted, fdisk, anaconda since RHEL 6, Windows since Vista)"},
    {4096, "2 MiB alignment (fdisk/sfdisk on devices with a large optimal I/O size)"},
    {16065, "DOS cylinder 1 (255 heads x 63 sectors; tools leaving cylinder 0 empty)"},
};

const struct sigscan_start *sigscan_usual_starts(size_t *n)
{
    *n = sizeof(USUAL_STARTS) / sizeof(USUAL_STARTS[0]);
    return USUAL_STARTS;
}

static const char *lookup(blkid_probe pr, const char *name, size_t *len)
{
    const char *v = NULL;
    size_t l = 0;
    if (blkid_probe_lookup_value(pr, name, &v, &l) < 0)
        return NULL;
    if (len)
        *len = l;
    return v;
}

static bool seen(const struct sigscan *s, const char *type, uint64_t offset)
{
    size_t i;
    for (i = 0; i < s->n; i++)
        if (s->v[i].offset == offset && strcmp(s->v[i].type, type) == 0)
            return true;
    return false;
}

static int add(struct sigscan *s, const struct sigscan_finding *f)
{
    struct sigscan_finding *v;

    if (seen(s, f->type, f->offset))
        return 0;
    v = realloc(s->v, (s->n + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    s->v = v;
    s->v[s->n++] = *f;
    return 0;
}

/* The finding blkid_do_probe() just returned, offsets made absolute with `base`. */
static int record(blkid_probe pr, uint64_t base, const char *source, struct sigscan *s, uint64_t *rel, size_t *mlen)
{
    struct sigscan_finding f;
    const char *type = lookup(pr, "TYPE", NULL), *off;
    bool table = false;

    memset(&f, 0, sizeof(f));
    *mlen = 0;
    *rel = 0;
    if (!type) {
        if (!(type = lookup(pr, "PTTYPE", NULL)))
            return 0;
        table = true;
    }
    str_copy(f.type, sizeof(f.type), type);
    str_copy(f.kind, sizeof(f.kind), table ? "partition_table" : lookup(pr, "USAGE", NULL));
    if (!f.kind[0])
        str_copy(f.kind, sizeof(f.kind), "other");
    str_copy(f.label, sizeof(f.label), table ? NULL : lookup(pr, "LABEL", NULL));
    str_copy(f.uuid, sizeof(f.uuid), lookup(pr, table ? "PTUUID" : "UUID", NULL));
    str_copy(f.source, sizeof(f.source), source);
    if (lookup(pr, table ? "PTMAGIC" : "SBMAGIC", mlen) && (off = lookup(pr, table ? "PTMAGIC_OFFSET" : "SBMAGIC_OFFSET", NULL)))
        *rel = strtoull(off, NULL, 10);
    else
        *mlen = 0;
    f.offset = base + *rel;
    f.len = *mlen;
    return add(s, &f);
}

/* Every signature in [off, off+size) (size 0: to the end), wipefs' way:
 * after each one its magic is hidden and the same prober runs again. */
static int enumerate(int fd, uint64_t off, uint64_t size, bool tables, const char *source, struct sigscan *s)
{
    int rc = 1, r = 0, rounds = 0;
    blkid_probe pr = sigscan_sb_probe(fd, off, size, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
                                                         BLKID_SUBLKS_USAGE | BLKID_SUBLKS_MAGIC |
                                                         BLKID_SUBLKS_BADCSUM, &r);

    if (!pr)
        return r;
    blkid_probe_enable_partitions(pr, tables);
    if (tables)
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC | BLKID_PARTS_FORCE_GPT);
    while (r == 0 && rounds++ < MAX_ROUNDS && (rc = blkid_do_probe(pr)) == 0) {
        uint64_t rel;
        size_t mlen;
        r = record(pr, off, source, s, &rel, &mlen);
#ifdef MT_BLKID_HIDE_RANGE
        if (r == 0 && mlen && blkid_probe_hide_range(pr, rel, mlen) == 0)
            blkid_probe_step_back(pr);
#endif
    }
    blkid_free_probe(pr);
    if (r == 0 && rc < 0)
        r = -EIO;
    return r;
}

static int add_part(struct sigscan *s, const char *table, int partno, uint64_t start, uint64_t size)
{
    struct sigscan_part *v = realloc(s->parts, (s->n_parts + 1) * sizeof(*v));
    if (!v)
        return -ENOMEM;
    s->parts = v;
    memset(&v[s->n_parts], 0, sizeof(*v));
    str_copy(v[s->n_parts].table, sizeof(v[s->n_parts].table), table);
    v[s->n_parts].partno = partno;
    v[s->n_parts].start = start;
    v[s->n_parts].size = size;
    s->n_parts++;
    return 0;
}

/* A libblkid probe of fd over [off, off+size), or NULL with *r set. */
static blkid_probe new_probe(int fd, uint64_t off, uint64_t size, int *r)
{
    blkid_probe pr = blkid_new_probe();

    *r = 0;
    if (!pr) {
        *r = -ENOMEM;
        return NULL;
    }
    if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)size) < 0) {
        blkid_free_probe(pr);
        *r = -EIO;
        return NULL;
    }
    return pr;
}

void *sigscan_parts_probe(int fd, int flags, int *r)
{
    blkid_probe pr = new_probe(fd, 0, 0, r);

    if (!pr)
        return NULL;
    blkid_probe_enable_superblocks(pr, 0);
    blkid_probe_enable_partitions(pr, 1);
    blkid_probe_set_partitions_flags(pr, flags);
    return pr;
}

void *sigscan_sb_probe(int fd, uint64_t off, uint64_t size, int flags, int *r)
{
    blkid_probe pr = new_probe(fd, off, size, r);

    if (!pr)
        return NULL;
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, flags);
    return pr;
}

/* The partitions of the table of type `table` alone (the others filtered out). */
static int table_parts(int fd, const char *table, struct sigscan *s)
{
    char *only[2];
    blkid_partlist ls;
    int i, n, r = 0;
    blkid_probe pr = sigscan_parts_probe(fd, BLKID_PARTS_FORCE_GPT, &r);

    only[0] = (char *)table;
    only[1] = NULL;
    if (!pr)
        return r;
    blkid_probe_filter_partitions_type(pr, BLKID_FLTR_ONLYIN, only);
    ls = blkid_probe_get_partitions(pr);
    n = ls ? blkid_partlist_numof_partitions(ls) : 0;
    for (i = 0; i < n && r == 0; i++) {
        blkid_partition par = blkid_partlist_get_partition(ls, i);
        if (!par || blkid_partition_is_extended(par) || blkid_partition_get_size(par) <= 0)
            continue;
        r = add_part(s, table, blkid_partition_get_partno(par), (uint64_t)blkid_partition_get_start(par) * 512,
                     (uint64_t)blkid_partition_get_size(par) * 512);
    }
    blkid_free_probe(pr);
    return r;
}

static bool all_zero(const unsigned char *buf, size_t len)
{
    static const unsigned char zero[4096];
    size_t n;
    for (; len; buf += n, len -= n) {
        n = len < sizeof(zero) ? len : sizeof(zero);
        if (memcmp(buf, zero, n) != 0)
            return false;
    }
    return true;
}

static bool is_table(const struct sigscan_finding *f, const char *type)
{
    return strcmp(f->kind, "partition_table") == 0 && strcmp(f->type, type) == 0;
}

/* Steps 2: the partitions of every table type found (once per type), and their contents. */
static int scan_partitions(int fd, struct sigscan *s)
{
    size_t i, j, n_tables = s->n;
    int r = 0;

    for (i = 0; i < n_tables && r == 0; i++) {
        bool again = false;
        if (strcmp(s->v[i].kind, "partition_table") != 0 || strcmp(s->v[i].type, "PMBR") == 0)
            continue;
        for (j = 0; j < i; j++)
            again = again || is_table(&s->v[j], s->v[i].type);
        if (!again)
            r = table_parts(fd, s->v[i].type, s);
    }
    for (i = 0; i < s->n_parts && r == 0; i++) {
        char src[96];
        snprintf(src, sizeof(src), "partition %d of %s", s->parts[i].partno, s->parts[i].table);
        r = enumerate(fd, s->parts[i].start, s->parts[i].size, false, src, s);
    }
    return r;
}

/* Where a file system keeps what libblkid looks for when probed from its
 * start: every start-anchored magic lies in its first 4 MiB (the farthest,
 * LUKS2's last secondary header, at 4 MiB - 4 KiB); the end-anchored ones
 * (md 0.90/1.0, DDF and other firmware RAID, ZFS's and UDF's last copies) in
 * the disk's last MiB. A usual start whose window is all zeros, on a disk whose
 * last MiB is all zeros, holds nothing any prober could name: not probed
 * (a blank disk costs one read instead of nine probes). */
#define START_WINDOW (4u << 20)
#define HEAD_BYTES (16065u * 512 + START_WINDOW)

/* Which parts of the disk are zeros: an image file answers from its holes
 * (SEEK_DATA, nothing read); a block device from one read of its first
 * HEAD_BYTES, made on first use. */
struct zeromap {
    int fd;
    uint64_t size;
    bool sparse_file;        /* a regular file: SEEK_DATA works */
    unsigned char *head;     /* block device: the first head_len bytes */
    size_t head_len;
    bool head_failed;
};

/* [off, off+len) is a hole of the image file (no byte was ever written there). */
static bool file_hole(int fd, uint64_t off, uint64_t len)
{
#ifdef SEEK_DATA /* glibc >= 2.14 and Linux >= 3.1; else (CentOS 6) the bytes are read */
    off_t d = lseek(fd, (off_t)off, SEEK_DATA);
    return (d < 0 && errno == ENXIO) || (d >= 0 && (uint64_t)d >= off + len);
#else
    (void)fd, (void)off, (void)len;
    return false;
#endif
}

static bool zeromap_zero(struct zeromap *z, uint64_t off, uint64_t len)
{
    if (off + len > z->size)
        return false;
    if (z->sparse_file && file_hole(z->fd, off, len))
        return true;
    if (!z->head && !z->head_failed) {
        z->head_len = z->size < HEAD_BYTES ? (size_t)z->size : HEAD_BYTES;
        z->head = malloc(z->head_len);
        if (!z->head || pread(z->fd, z->head, z->head_len, 0) != (ssize_t)z->head_len) {
            free(z->head);
            z->head = NULL;
            z->head_failed = true;
        }
    }
    return z->head && off + len <= z->head_len && all_zero(z->head + off, (size_t)len);
}

/* The disk's last MiB is zeros (read once: an image answers from its holes). */
static bool tail_zero(struct zeromap *z)
{
    size_t tail = z->size < SIGSCAN_REGION ? (size_t)z->size : SIGSCAN_REGION;
    unsigned char *buf;
    bool zero;

    if (z->sparse_file && file_hole(z->fd, z->size - tail, tail))
        return true;
    if (!(buf = malloc(tail)))
        return false;
    zero = pread(z->fd, buf, tail, (off_t)(z->size - tail)) == (ssize_t)tail && all_zero(buf, tail);
    free(buf);
    return zero;
}

/* Step 3: the usual starts no table pointed at. */
static int scan_usual_starts(int fd, uint64_t size, struct sigscan *s)
{
    struct zeromap z;
    struct stat st;
    bool tail_zeros;
    size_t i, j;
    int r = 0;

    memset(&z, 0, sizeof(z));
    z.fd = fd;
    z.size = size;
    z.sparse_file = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    tail_zeros = tail_zero(&z);

    for (i = 0; i < sizeof(USUAL_STARTS) / sizeof(USUAL_STARTS[0]) && r == 0; i++) {
        uint64_t off = USUAL_STARTS[i].sector * 512;
        bool covered = false;
        char src[96];

        for (j = 0; j < s->n_parts; j++)
            covered = covered || s->parts[j].start == off;
        if (covered || off + 64 * 1024 > size || (tail_zeros && zeromap_zero(&z, off, START_WINDOW)))
            continue;
        snprintf(src, sizeof(src), "usual start %" PRIu64 " (%s)", USUAL_STARTS[i].sector, USUAL_STARTS[i].why);
        r = enumerate(fd, off, 0, false, src, s);
    }
    free(z.head);
    return r;
}

long sigscan_first_nonzero(const unsigned char *buf, size_t len, const uint64_t (*skip)[2], size_t n_skip)
{
    size_t i = 0, k;

    if (all_zero(buf, len)) /* the common case, a blank region, without the byte loop */
        return -1;

    while (i < len) {
        bool skipped = false;
        for (k = 0; k < n_skip; k++)
            if (i >= skip[k][0] && i < skip[k][1]) {
                i = (size_t)skip[k][1];
                skipped = true;
                break;
            }
        if (skipped)
            continue;
        if (buf[i])
            return (long)i;
        i++;
    }
    return -1;
}

/* Step 4 for the region [at, at+len): its non-zero bytes are explained when a
 * finding lies in the region, or when they lie inside a partition that holds
 * a finding (a file system's data reaching the last MiB). */
static int check_region(int fd, uint64_t at, size_t len, const char *name, struct sigscan *s, unsigned char *buf)
{
    uint64_t(*skip)[2] = NULL;
    size_t i, j, n_skip = 0;
    ssize_t got;
    long nz;
    int r = 0;

    struct stat st;

    for (i = 0; i < s->n; i++)
        if (s->v[i].offset >= at && s->v[i].offset < at + len)
            return 0;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && file_hole(fd, at, len))
        return 0;
    got = pread(fd, buf, len, (off_t)at);
    if (got != (ssize_t)len)
        return got < 0 ? -errno : -EIO;
    if (s->n_parts && !(skip = calloc(s->n_parts, sizeof(*skip))))
        return -ENOMEM;
    for (i = 0; i < s->n_parts; i++) {
        const struct sigscan_part *p = &s->parts[i];
        bool held = false;
        for (j = 0; j < s->n; j++)
            held = held || (s->v[j].offset >= p->start && s->v[j].offset < p->start + p->size);
        if (!held || p->start + p->size <= at || p->start >= at + len)
            continue;
        skip[n_skip][0] = p->start > at ? p->start - at : 0;
        skip[n_skip][1] = p->start + p->size - at < len ? p->start + p->size - at : len;
        n_skip++;
    }
    nz = sigscan_first_nonzero(buf, len, (const uint64_t(*)[2])skip, n_skip);
    if (nz >= 0) {
        struct sigscan_finding f;
        memset(&f, 0, sizeof(f));
        str_copy(f.kind, sizeof(f.kind), "unrecognised");
        str_copy(f.type, sizeof(f.type), "data");
        str_copy(f.source, sizeof(f.source), name);
        f.offset = at + (uint64_t)nz;
        f.len = len - (size_t)nz;
        r = add(s, &f);
    }
    free(skip);
    return r;
}

int sigscan_disk(int fd, uint64_t size, struct sigscan *s)
{
    size_t region = size < SIGSCAN_REGION ? (size_t)size : SIGSCAN_REGION;
    unsigned char *buf;
    int r;

    memset(s, 0, sizeof(*s));
    r = enumerate(fd, 0, 0, true, "whole disk", s);
    if (r == 0)
        r = scan_partitions(fd, s);
    if (r == 0)
        r = scan_usual_starts(fd, size, s);
    if (r < 0 || region == 0)
        return r;
    if (!(buf = malloc(region)))
        return -ENOMEM;
    r = check_region(fd, 0, region, "first MiB", s, buf);
    if (r == 0 && size > region)
        r = check_region(fd, size - region < region ? region : size - region,
                         size - region < region ? (size_t)(size - region) : region, "last MiB", s, buf);
    free(buf);
    return r;
}

void sigscan_free(struct sigscan *s)
{
    free(s->v);
    free(s->parts);
    memset(s, 0, sizeof(*s));
}

int sigscan_describe(const struct sigscan_finding *f, char *buf, size_t len)
{
    if (strcmp(f->kind, "unrecognised") == 0)
        return snprintf(buf, len, "unrecognised data at offset %" PRIu64 " (%s)", f->offset, f->source);
    if (strcmp(f->kind, "partition_table") == 0)
        return snprintf(buf, len, "%s partition table at byte %" PRIu64 " (%s)", f->type, f->offset, f->source);
    if (f->label[0])
        return snprintf(buf, len, "%s '%s' at byte %" PRIu64 " (%s)", f->type, f->label, f->offset, f->source);
    return snprintf(buf, len, "%s at byte %" PRIu64 " (%s)", f->type, f->offset, f->source);
}
