/* devuse: see devuse.h. */
#define _GNU_SOURCE
#include "devuse.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "rootpath.h"
#include "sgio.h"
#include "sigscan.h"
#include "vpd.h"
#include "strcopy.h"

/* A block device of the disk (itself, a partition, a loop device an image is
 * attached to, or one of that loop device's partitions). */
struct blockdev {
    unsigned major, minor;
    char name[64];       /* kernel name */
    char sysdir[64];     /* host path of its sysfs directory, /sys/dev/block/M:m */
};

struct devlist {
    struct blockdev *v;
    size_t n;
};

static int grow(void **v, size_t n, size_t size)
{
    void *p = realloc(*v, (n + 1) * size);
    if (!p)
        return -ENOMEM;
    *v = p;
    memset((char *)p + n * size, 0, size);
    return 0;
}

int devuse_disk_path(const char *arg, char *out, size_t outlen)
{
    char box[PATH_MAX];

    if (!arg || !*arg)
        return -EINVAL;
    if (strchr(arg, '/') && arg[0] != '/')
        return -EINVAL;
    if ((size_t)snprintf(box, sizeof(box), "%s%s", arg[0] == '/' ? "" : "/dev/", arg) >= sizeof(box))
        return -ENAMETOOLONG;
    return rootpath_resolve(box, out, outlen, 0);
}

/* ---- libblkid ---------------------------------------------------------------- */

static int add_sig(struct devuse *u, int partno, const char *type, const char *usage,
                   const char *label, const char *uuid)
{
    struct devuse_sig *s;

    if (grow((void **)&u->sigs, u->n_sigs, sizeof(*u->sigs)) < 0)
        return -ENOMEM;
    s = &u->sigs[u->n_sigs++];
    str_copy(s->type, sizeof(s->type), type);
    str_copy(s->usage, sizeof(s->usage), usage);
    str_copy(s->label, sizeof(s->label), label);
    str_copy(s->uuid, sizeof(s->uuid), uuid);
    s->partno = partno;
    return 0;
}

static const char *lookup(blkid_probe pr, const char *name)
{
    const char *v = NULL;
    if (blkid_probe_lookup_value(pr, name, &v, NULL) < 0)
        return NULL;
    return v;
}

/* Every signature in [off, off+size) of fd, the way wipefs lists them:
 * blkid_do_probe() returns one signature per call until there are no more. */
static int probe_sigs(int fd, uint64_t off, uint64_t size, int partno, struct devuse *u)
{
    int r = 0, rc;
    blkid_probe pr = sigscan_sb_probe(fd, off, size, BLKID_SUBLKS_LABEL | BLKID_SUBLKS_UUID | BLKID_SUBLKS_TYPE |
                                                         BLKID_SUBLKS_USAGE, &r);

    if (!pr)
        return r;
    /* Partition tables only on the whole disk: a table inside a partition
     * (BSD label, nested msdos) is still found as "data" by the superblock
     * chain's failure to be empty, and is rare enough not to matter here. */
    blkid_probe_enable_partitions(pr, partno == 0);
    while ((rc = blkid_do_probe(pr)) == 0) {
        const char *type = lookup(pr, "TYPE");
        if (type)
            r = add_sig(u, partno, type, lookup(pr, "USAGE"), lookup(pr, "LABEL"), lookup(pr, "UUID"));
        else if ((type = lookup(pr, "PTTYPE"))) {
            const char *id = lookup(pr, "PTUUID"); /* libblkid >= 2.23; NULL before */
            r = add_sig(u, partno, type, "partition_table", NULL, id);
            if (partno == 0) {
                str_copy(u->pttype, sizeof(u->pttype), type);
                str_copy(u->ptuuid, sizeof(u->ptuuid), id);
            }
        }
        if (r < 0)
            break;
    }
    blkid_free_probe(pr);
    if (rc < 0 && r == 0)
        r = -EIO;
    return r;
}

/* The partition table of the whole disk, and the signatures inside each partition. */
static int probe_parts(int fd, struct devuse *u)
{
    blkid_partlist ls;
    int i, n, r = 0;
    blkid_probe pr = sigscan_parts_probe(fd, BLKID_PARTS_ENTRY_DETAILS, &r);

    if (!pr)
        return r;
    ls = blkid_probe_get_partitions(pr);
    n = ls ? blkid_partlist_numof_partitions(ls) : 0;
    for (i = 0; i < n && r == 0; i++) {
        blkid_partition par = blkid_partlist_get_partition(ls, i);
        struct devuse_part *p;

        if (!par)
            continue;
        if ((r = grow((void **)&u->parts, u->n_parts, sizeof(*u->parts))) < 0)
            break;
        p = &u->parts[u->n_parts++];
        p->partno = blkid_partition_get_partno(par);
        p->start_bytes = (uint64_t)blkid_partition_get_start(par) * 512;
        p->size_bytes = (uint64_t)blkid_partition_get_size(par) * 512;
        p->type = (unsigned)blkid_partition_get_type(par);
        p->boot = (blkid_partition_get_flags(par) & 0x80) != 0;
        p->extended = blkid_partition_is_extended(par) != 0;
    }
    if (!u->pttype[0] && ls) {
        blkid_parttable tab = blkid_partlist_get_table(ls);
        if (tab)
            str_copy(u->pttype, sizeof(u->pttype), blkid_parttable_get_type(tab));
    }
    blkid_free_probe(pr);
    if (r < 0)
        return r;
    for (i = 0; i < (int)u->n_parts; i++) {
        const struct devuse_part *p = &u->parts[i];
        if (p->extended || p->size_bytes == 0)
            continue;
        r = probe_sigs(fd, p->start_bytes, p->size_bytes, p->partno, u);
        if (r < 0)
            return r;
    }
    return 0;
}

/* ---- sysfs, mountinfo, swaps --------------------------------------------------- */

static int read_devnum(const char *sysdir, const char *attr, unsigned *maj, unsigned *min)
{
    char p[PATH_MAX + 32], line[64];
    int r;

    snprintf(p, sizeof(p), "%s/%s", sysdir, attr);
    r = rootpath_read_line(p, line, sizeof(line));
    if (r < 0)
        return r;
    if (sscanf(line, "%u:%u", maj, min) != 2)
        return -EINVAL;
    return 0;
}

static bool host_exists(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    return rootpath_resolve(path, real, sizeof(real), 0) == 0 && stat(real, &st) == 0;
}

/* The kernel name of M:m: the last component of the /sys/dev/block/M:m link. */
static int sysfs_name(unsigned maj, unsigned min, char *name, size_t len)
{
    char p[64], real[PATH_MAX];
    const char *slash;
    int r;

    snprintf(p, sizeof(p), "/sys/dev/block/%u:%u", maj, min);
    r = rootpath_resolve(p, real, sizeof(real), 0);
    if (r < 0)
        return r;
    if (!host_exists(p))
        return -ENOENT;
    slash = strrchr(real, '/');
    str_copy(name, len, slash ? slash + 1 : real);
    return 0;
}

static int devlist_add(struct devlist *l, unsigned maj, unsigned min, const char *name)
{
    struct blockdev *b;
    size_t i;

    for (i = 0; i < l->n; i++)
        if (l->v[i].major == maj && l->v[i].minor == min)
            return 0;
    if (grow((void **)&l->v, l->n, sizeof(*l->v)) < 0)
        return -ENOMEM;
    b = &l->v[l->n++];
    b->major = maj;
    b->minor = min;
    str_copy(b->name, sizeof(b->name), name);
    snprintf(b->sysdir, sizeof(b->sysdir), "/sys/dev/block/%u:%u", maj, min);
    return 0;
}

/* Add disk M:m and every partition of it (sysfs subdirectories with a "partition" file). */
static int devlist_add_disk(struct devlist *l, unsigned maj, unsigned min)
{
    char name[64], sysdir[64], real[PATH_MAX], sub[PATH_MAX + 300];
    DIR *d;
    struct dirent *e;
    int r;

    if (sysfs_name(maj, min, name, sizeof(name)) < 0)
        name[0] = '\0';
    r = devlist_add(l, maj, min, name);
    if (r < 0 || !name[0])
        return r;
    snprintf(sysdir, sizeof(sysdir), "/sys/dev/block/%u:%u", maj, min);
    if (rootpath_resolve(sysdir, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return 0;
    while ((e = readdir(d))) {
        unsigned pmaj, pmin;
        if (strncmp(e->d_name, name, strlen(name)) != 0)
            continue;
        snprintf(sub, sizeof(sub), "%s/%s/partition", sysdir, e->d_name);
        if (!host_exists(sub))
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", sysdir, e->d_name);
        if (read_devnum(sub, "dev", &pmaj, &pmin) == 0 && (r = devlist_add(l, pmaj, pmin, e->d_name)) < 0)
            break;
    }
    closedir(d);
    return r;
}

static const struct blockdev *devlist_find(const struct devlist *l, unsigned maj, unsigned min)
{
    size_t i;
    for (i = 0; i < l->n; i++)
        if (l->v[i].major == maj && l->v[i].minor == min)
            return &l->v[i];
    return NULL;
}

static int add_use(struct devuse_use **v, size_t *n, const char *node, const char *what)
{
    if (grow((void **)v, *n, sizeof(**v)) < 0)
        return -ENOMEM;
    str_copy((*v)[*n].node, sizeof((*v)[*n].node), node);
    str_copy((*v)[*n].what, sizeof((*v)[*n].what), what);
    (*n)++;
    return 0;
}

static void node_of(const struct blockdev *b, char *out, size_t len)
{
    if (b->name[0])
        snprintf(out, len, "/dev/%s", b->name);
    else
        snprintf(out, len, "block %u:%u", b->major, b->minor);
}

/* mountinfo and /proc/swaps escape blanks as \040 (octal). */
static void unescape_octal(char *s)
{
    char *o = s;
    while (*s) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
            s[3] <= '7') {
            *o++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
            s += 4;
        } else
            *o++ = *s++;
    }
    *o = '\0';
}

/* Is M:m (or a device-mapper / md device built on it) the running root? Walks
 * the slaves of the root device down to the disks it sits on. */
static bool stacked_on(unsigned maj, unsigned min, const struct devlist *l, int depth, const struct blockdev **hit)
{
    char p[PATH_MAX], real[PATH_MAX + 64];
    DIR *d;
    struct dirent *e;
    bool found = false;

    if ((*hit = devlist_find(l, maj, min)))
        return true;
    if (depth > 8)
        return false;
    snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/slaves", maj, min);
    if (rootpath_resolve(p, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return false;
    while (!found && (e = readdir(d))) {
        char dev[PATH_MAX];
        unsigned smaj, smin;
        if (e->d_name[0] == '.')
            continue;
        snprintf(dev, sizeof(dev), "/sys/class/block/%s", e->d_name);
        if (read_devnum(dev, "dev", &smaj, &smin) == 0)
            found = stacked_on(smaj, smin, l, depth + 1, hit);
    }
    closedir(d);
    return found;
}

/* given: the text of /proc/self/mountinfo, or NULL to read it */
static int scan_mountinfo(const struct devlist *l, const char *given, struct devuse *u)
{
    char *text = NULL, *line, *save = NULL;
    ssize_t n = given ? 0 : rootpath_read_file("/proc/self/mountinfo", &text, 16 << 20);
    unsigned root_maj = 0, root_min = 0;
    bool have_root = false;
    int r = 0;

    if (n < 0)
        return (int)n;
    if (given && !(text = strdup(given)))
        return -ENOMEM;
    for (line = strtok_r(text, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save)) {
        unsigned maj, min;
        char mnt[PATH_MAX];
        const struct blockdev *b;
        char node[PATH_MAX];

        /* id parent maj:min root mountpoint ... */
        if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3)
            continue;
        unescape_octal(mnt);
        if (strcmp(mnt, "/") == 0) { /* the last "/" entry is the one in effect */
            root_maj = maj;
            root_min = min;
            have_root = true;
        }
        if ((b = devlist_find(l, maj, min))) {
            node_of(b, node, sizeof(node));
            r = add_use(&u->mounts, &u->n_mounts, node, mnt);
        }
    }
    free(text);
    if (r == 0 && have_root && root_maj != 0) {
        const struct blockdev *hit = NULL;
        if (stacked_on(root_maj, root_min, l, 0, &hit) && hit)
            node_of(hit, u->running_root, sizeof(u->running_root));
    }
    return r;
}

/* A swap device named /dev/NAME that no stat() could match (a fixture tree has no /dev). */
static bool named_in(const struct devlist *l, const char *name)
{
    size_t i;
    if (strncmp(name, "/dev/", 5) != 0)
        return false;
    for (i = 0; i < l->n; i++)
        if (l->v[i].name[0] && strcmp(name + 5, l->v[i].name) == 0)
            return true;
    return false;
}

/* given: the text of /proc/swaps, or NULL to read it */
static int scan_swaps(const struct devlist *l, const char *given, struct devuse *u)
{
    char *text = NULL, *line, *save = NULL;
    ssize_t n = given ? 0 : rootpath_read_file("/proc/swaps", &text, 1 << 20);
    int r = 0;

    if (n == -ENOENT)
        return 0;
    if (n < 0)
        return (int)n;
    if (given && !(text = strdup(given)))
        return -ENOMEM;
    for (line = strtok_r(text, "\n", &save); line && r == 0; line = strtok_r(NULL, "\n", &save)) {
        char name[PATH_MAX], real[PATH_MAX];
        struct stat st;

        if (sscanf(line, "%4095s", name) != 1 || strcmp(name, "Filename") == 0)
            continue;
        unescape_octal(name);
        if (rootpath_resolve(name, real, sizeof(real), 0) < 0 || stat(real, &st) < 0) {
            if (named_in(l, name))
                r = add_use(&u->swaps, &u->n_swaps, name, "swap");
            continue;
        }
        if (S_ISBLK(st.st_mode) && devlist_find(l, major(st.st_rdev), minor(st.st_rdev)))
            r = add_use(&u->swaps, &u->n_swaps, name, "swap");
        else if (!u->is_block && S_ISREG(st.st_mode) && strcmp(real, u->real) == 0)
            r = add_use(&u->swaps, &u->n_swaps, name, "swap");
    }
    free(text);
    return r;
}

static int scan_holders(const struct devlist *l, struct devuse *u)
{
    size_t i;
    int r = 0;

    for (i = 0; i < l->n && r == 0; i++) {
        char p[128], real[PATH_MAX + 64], node[PATH_MAX];
        DIR *d;
        struct dirent *e;

        snprintf(p, sizeof(p), "%s/holders", l->v[i].sysdir);
        if (rootpath_resolve(p, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
            continue;
        node_of(&l->v[i], node, sizeof(node));
        while ((e = readdir(d)) && r == 0)
            if (e->d_name[0] != '.')
                r = add_use(&u->holders, &u->n_holders, node, e->d_name);
        closedir(d);
    }
    return r;
}

/* The loop devices whose backing file is this image. */
static int scan_loops(struct devlist *l, struct devuse *u)
{
    char real[PATH_MAX], canon[PATH_MAX];
    DIR *d;
    struct dirent *e;
    int r = 0;

    if (!realpath(u->real, canon))
        str_copy(canon, sizeof(canon), u->real);
    if (rootpath_resolve("/sys/block", real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return 0;
    while ((e = readdir(d)) && r == 0) {
        char p[PATH_MAX], back[PATH_MAX];
        unsigned maj, min;
        size_t bl;

        if (strncmp(e->d_name, "loop", 4) != 0)
            continue;
        snprintf(p, sizeof(p), "/sys/block/%s/loop/backing_file", e->d_name);
        if (rootpath_read_line(p, back, sizeof(back)) < 0)
            continue;
        bl = strlen(back);
        if (bl > 10 && strcmp(back + bl - 10, " (deleted)") == 0)
            continue;
        if (strcmp(back, canon) != 0 && strcmp(back, u->real) != 0)
            continue;
        snprintf(p, sizeof(p), "/sys/block/%s", e->d_name);
        if (read_devnum(p, "dev", &maj, &min) < 0)
            continue;
        if ((r = grow((void **)&u->loops, u->n_loops, sizeof(*u->loops))) < 0)
            break;
        snprintf(u->loops[u->n_loops++], sizeof(*u->loops), "/dev/%.58s", e->d_name);
        r = devlist_add_disk(l, maj, min);
    }
    closedir(d);
    return r;
}

/* Disk NAME and its partitions by /sys/block/NAME (what a fixture tree has). */
static int devlist_add_named(struct devlist *l, const char *name)
{
    char p[PATH_MAX], real[PATH_MAX];
    unsigned maj, min;
    DIR *d;
    struct dirent *e;
    int r;

    snprintf(p, sizeof(p), "/sys/block/%.64s", name);
    if (read_devnum(p, "dev", &maj, &min) < 0)
        return -ENOENT;
    if ((r = devlist_add(l, maj, min, name)) < 0)
        return r;
    if (rootpath_resolve(p, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return 0;
    while ((e = readdir(d)) && r == 0) {
        char sub[PATH_MAX];
        unsigned pmaj, pmin;
        if (strncmp(e->d_name, name, strlen(name)) != 0)
            continue;
        snprintf(sub, sizeof(sub), "/sys/block/%.64s/%.64s/partition", name, e->d_name);
        if (!host_exists(sub))
            continue;
        snprintf(sub, sizeof(sub), "/sys/block/%.64s/%.64s", name, e->d_name);
        if (read_devnum(sub, "dev", &pmaj, &pmin) == 0)
            r = devlist_add(l, pmaj, pmin, e->d_name);
    }
    closedir(d);
    return r;
}

int devuse_scan_use(const char *sysname, const char *mountinfo, const char *swaps, struct devuse *u)
{
    struct devlist l = {NULL, 0};
    int r;

    memset(u, 0, sizeof(*u));
    u->is_block = true;
    snprintf(u->path, sizeof(u->path), "/dev/%.64s", sysname);
    str_copy(u->sysname, sizeof(u->sysname), sysname);
    r = devlist_add_named(&l, sysname);
    if (r == 0) {
        u->major = l.v[0].major;
        u->minor = l.v[0].minor;
        r = scan_mountinfo(&l, mountinfo, u);
    }
    if (r == 0)
        r = scan_swaps(&l, swaps, u);
    if (r == 0)
        r = scan_holders(&l, u);
    free(l.v);
    return r;
}

/* ---- identity ------------------------------------------------------------------- */

/* The disk's SCSI identity by SG_IO INQUIRY: the NAA designator of VPD 0x83,
 * else the VPD 0x80 serial. Silent when the device is not SCSI (loop, virtio). */
static void scsi_identity(int fd, struct devuse *u)
{
    uint8_t page[SGIO_VPD_MAX];
    size_t got = 0;
    char why[VPD_REASON_MAX], serial[256];
    struct vpd_pg83 *pg;

    if (sgio_vpd_page(fd, u->path, 0x83, page, sizeof(page), &got, NULL) == 0 && (pg = calloc(1, sizeof(*pg)))) {
        const struct vpd_designator *naa;
        char hex[80];
        if (vpd_parse_pg83(page, got, pg, why, sizeof(why)) == 0 && (naa = vpd_find_naa(pg))) {
            vpd_designator_value(naa, hex, sizeof(hex));
            snprintf(u->scsi_id, sizeof(u->scsi_id), "naa.%s", hex);
        }
        free(pg);
        if (u->scsi_id[0])
            return;
    }
    if (sgio_vpd_page(fd, u->path, 0x80, page, sizeof(page), &got, NULL) == 0 &&
        vpd_parse_pg80(page, got, serial, sizeof(serial), why, sizeof(why)) == 0 && serial[0])
        snprintf(u->scsi_id, sizeof(u->scsi_id), "serial.%.80s", serial);
}

/* ---- the probe ------------------------------------------------------------------ */

static int probe(const char *path, struct devuse *u, struct mt_err *err);

int devuse_probe(const char *path, struct devuse *u, struct mt_err *err)
{
    int r;

    memset(u, 0, sizeof(*u));
    str_copy(u->path, sizeof(u->path), path);
    r = rootpath_resolve(path, u->real, sizeof(u->real), 0);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve the path", path);
    return probe(path, u, err);
}

int devuse_probe_resolved(const char *path, struct devuse *u, struct mt_err *err)
{
    memset(u, 0, sizeof(*u));
    str_copy(u->path, sizeof(u->path), path);
    str_copy(u->real, sizeof(u->real), path);
    return probe(path, u, err);
}

/* The probe proper: u->path (shown) and u->real (opened) are set. */
static int probe(const char *path, struct devuse *u, struct mt_err *err)
{
    struct devlist l = {NULL, 0};
    struct stat st;
    int fd, r;

    if (stat(u->real, &st) < 0)
        return mt_err_errno(err, -errno, "%s: no such disk or image file; name a block device (sda, /dev/sdb) or an image file", path);
    if (S_ISBLK(st.st_mode)) {
        u->is_block = true;
        u->major = major(st.st_rdev);
        u->minor = minor(st.st_rdev);
    } else if (!S_ISREG(st.st_mode))
        return mt_err_set(err, -ENOTBLK, "%s: neither a block device nor an image file", path);

    fd = open(u->real, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open for reading", path);
    u->sector_size = 512;
    if (u->is_block) {
        int ss = 0;
        if (ioctl(fd, BLKGETSIZE64, &u->size_bytes) < 0) {
            r = mt_err_errno(err, -errno, "%s: cannot read the device size", path);
            goto out;
        }
        if (ioctl(fd, BLKSSZGET, &ss) == 0 && ss > 0)
            u->sector_size = (unsigned)ss;
        /* What was written through a partition's node (mkfs) is not in the
         * whole disk's page cache: drop it so libblkid reads the disk. Needs
         * CAP_SYS_ADMIN; without it the cache may be stale, nothing worse. */
        ioctl(fd, BLKFLSBUF, 0);
        scsi_identity(fd, u);
    } else
        u->size_bytes = (uint64_t)st.st_size;

    r = probe_sigs(fd, 0, 0, 0, u);
    if (r == 0)
        r = probe_parts(fd, u);
    if (r == 0)
        r = sigscan_disk(fd, u->size_bytes, &u->scan);
    if (r < 0) {
        r = mt_err_errno(err, r, "%s: libblkid could not probe the signatures", path);
        goto out;
    }

    if (u->is_block) {
        char p[64];
        snprintf(p, sizeof(p), "/sys/dev/block/%u:%u/partition", u->major, u->minor);
        u->is_partition = host_exists(p);
        if (sysfs_name(u->major, u->minor, u->sysname, sizeof(u->sysname)) < 0)
            u->sysname[0] = '\0';
        r = devlist_add_disk(&l, u->major, u->minor);
    } else
        r = scan_loops(&l, u);
    if (r == 0)
        r = scan_mountinfo(&l, NULL, u);
    if (r == 0)
        r = scan_swaps(&l, NULL, u);
    if (r == 0)
        r = scan_holders(&l, u);
    if (r < 0)
        r = mt_err_errno(err, r, "%s: cannot tell whether the disk is in use (/proc/self/mountinfo, /proc/swaps, /sys)", path);
out:
    free(l.v);
    close(fd);
    return r;
}

void devuse_free(struct devuse *u)
{
    free(u->parts);
    free(u->sigs);
    free(u->mounts);
    free(u->swaps);
    free(u->holders);
    free(u->loops);
    sigscan_free(&u->scan);
    u->parts = NULL;
    u->sigs = NULL;
    u->mounts = u->swaps = u->holders = NULL;
    u->loops = NULL;
    u->n_parts = u->n_sigs = u->n_mounts = u->n_swaps = u->n_holders = u->n_loops = 0;
}

bool devuse_busy(const struct devuse *u)
{
    return u->n_mounts || u->n_swaps || u->n_holders || u->running_root[0] || u->n_loops;
}

bool devuse_has_data(const struct devuse *u)
{
    return u->n_sigs > 0 || u->pttype[0] || u->n_parts > 0 || u->scan.n > 0;
}

const struct devuse_sig *devuse_find_label(const struct devuse *u, const char *label)
{
    size_t i;
    for (i = 0; i < u->n_sigs; i++)
        if (strcmp(u->sigs[i].label, label) == 0)
            return &u->sigs[i];
    return NULL;
}

size_t devuse_sigs_of(const struct devuse *u, int partno, const struct devuse_sig **out, size_t n)
{
    size_t i, k = 0;
    for (i = 0; i < u->n_sigs; i++) {
        if (u->sigs[i].partno != partno || strcmp(u->sigs[i].usage, "partition_table") == 0)
            continue;
        if (k < n)
            out[k] = &u->sigs[i];
        k++;
    }
    return k;
}

struct strbuf {
    char *buf;
    size_t len, used;
    int want;
};

static void sb_add(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct strbuf *b, const char *fmt, ...)
{
    va_list ap;
    int n;
    const char *sep = b->want > 0 ? "; " : "";

    n = snprintf(b->buf + b->used, b->len > b->used ? b->len - b->used : 0, "%s", sep);
    b->want += n;
    b->used = b->used + (size_t)n < b->len ? b->used + (size_t)n : (b->len ? b->len - 1 : 0);
    va_start(ap, fmt);
    n = vsnprintf(b->buf + b->used, b->len > b->used ? b->len - b->used : 0, fmt, ap);
    va_end(ap);
    b->want += n;
    b->used = b->used + (size_t)n < b->len ? b->used + (size_t)n : (b->len ? b->len - 1 : 0);
}

int devuse_describe(const struct devuse *u, char *buf, size_t len)
{
    struct strbuf b = {buf, len, 0, 0};
    size_t i;

    if (len)
        buf[0] = '\0';
    if (u->running_root[0])
        sb_add(&b, "%s holds the running root file system", u->running_root);
    for (i = 0; i < u->n_mounts; i++)
        sb_add(&b, "%s mounted at %s", u->mounts[i].node, u->mounts[i].what);
    for (i = 0; i < u->n_swaps; i++)
        sb_add(&b, "%s in use as swap", u->swaps[i].node);
    for (i = 0; i < u->n_holders; i++)
        sb_add(&b, "%s held by %s", u->holders[i].node, u->holders[i].what);
    for (i = 0; i < u->n_loops; i++)
        sb_add(&b, "attached to %s", u->loops[i]);
    for (i = 0; i < u->scan.n; i++) {
        const struct sigscan_finding *f = &u->scan.v[i];
        char what[512];
        if (strcmp(f->kind, "partition_table") == 0 && f->offset < 1024 * 1024 && strcmp(f->type, u->pttype) == 0)
            sb_add(&b, "%s partition table with %zu partition%s at byte %llu (%s)", f->type, u->n_parts,
                   u->n_parts == 1 ? "" : "s", (unsigned long long)f->offset, f->source);
        else {
            sigscan_describe(f, what, sizeof(what));
            sb_add(&b, "%s", what);
        }
    }
    return b.want;
}

static json_object *uses_json(const struct devuse_use *v, size_t n, const char *key)
{
    json_object *a = json_object_new_array();
    size_t i;
    for (i = 0; i < n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "node", json_object_new_string(v[i].node));
        json_object_object_add(o, key, json_object_new_string(v[i].what));
        json_object_array_add(a, o);
    }
    return a;
}

json_object *devuse_findings_json(const struct sigscan *scan)
{
    json_object *a = json_object_new_array();
    size_t i;
    for (i = 0; i < scan->n; i++) {
        const struct sigscan_finding *f = &scan->v[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "kind", json_object_new_string(f->kind));
        json_object_object_add(o, "type", json_object_new_string(f->type));
        json_object_object_add(o, "label", f->label[0] ? json_object_new_string(f->label) : NULL);
        json_object_object_add(o, "uuid", f->uuid[0] ? json_object_new_string(f->uuid) : NULL);
        json_object_object_add(o, "offset", json_object_new_int64((int64_t)f->offset));
        json_object_object_add(o, "length", json_object_new_int64((int64_t)f->len));
        json_object_object_add(o, "source", json_object_new_string(f->source));
        json_object_array_add(a, o);
    }
    return a;
}

json_object *devuse_to_json(const struct devuse *u)
{
    json_object *o = json_object_new_object(), *a;
    char desc[4096];
    size_t i;

    json_object_object_add(o, "path", json_object_new_string(u->path));
    json_object_object_add(o, "block", json_object_new_boolean(u->is_block));
    json_object_object_add(o, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
    json_object_object_add(o, "pttype", u->pttype[0] ? json_object_new_string(u->pttype) : NULL);
    a = json_object_new_array();
    for (i = 0; i < u->n_parts; i++) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "number", json_object_new_int(u->parts[i].partno));
        json_object_object_add(p, "start_bytes", json_object_new_int64((int64_t)u->parts[i].start_bytes));
        json_object_object_add(p, "size_bytes", json_object_new_int64((int64_t)u->parts[i].size_bytes));
        json_object_object_add(p, "type", json_object_new_int((int)u->parts[i].type));
        json_object_object_add(p, "boot", json_object_new_boolean(u->parts[i].boot));
        json_object_array_add(a, p);
    }
    json_object_object_add(o, "partitions", a);
    a = json_object_new_array();
    for (i = 0; i < u->n_sigs; i++) {
        json_object *s = json_object_new_object();
        json_object_object_add(s, "type", json_object_new_string(u->sigs[i].type));
        json_object_object_add(s, "usage", json_object_new_string(u->sigs[i].usage));
        json_object_object_add(s, "label", u->sigs[i].label[0] ? json_object_new_string(u->sigs[i].label) : NULL);
        json_object_object_add(s, "uuid", u->sigs[i].uuid[0] ? json_object_new_string(u->sigs[i].uuid) : NULL);
        json_object_object_add(s, "partition", json_object_new_int(u->sigs[i].partno));
        json_object_array_add(a, s);
    }
    json_object_object_add(o, "signatures", a);
    json_object_object_add(o, "findings", devuse_findings_json(&u->scan));
    json_object_object_add(o, "scsi_id", u->scsi_id[0] ? json_object_new_string(u->scsi_id) : NULL);
    json_object_object_add(o, "mounts", uses_json(u->mounts, u->n_mounts, "mountpoint"));
    json_object_object_add(o, "swaps", uses_json(u->swaps, u->n_swaps, "use"));
    json_object_object_add(o, "holders", uses_json(u->holders, u->n_holders, "holder"));
    json_object_object_add(o, "running_root", u->running_root[0] ? json_object_new_string(u->running_root) : NULL);
    a = json_object_new_array();
    for (i = 0; i < u->n_loops; i++)
        json_object_array_add(a, json_object_new_string(u->loops[i]));
    json_object_object_add(o, "loops", a);
    json_object_object_add(o, "busy", json_object_new_boolean(devuse_busy(u)));
    json_object_object_add(o, "has_data", json_object_new_boolean(devuse_has_data(u)));
    devuse_describe(u, desc, sizeof(desc));
    json_object_object_add(o, "description", json_object_new_string(desc));
    return o;
}

int devuse_mounted_at(const char *mountpoint, char *node, size_t len)
{
    char *text = NULL, *line, *save = NULL, real[PATH_MAX], name[64];
    ssize_t n = rootpath_read_file("/proc/self/mountinfo", &text, 16 << 20);
    unsigned fmaj = 0, fmin = 0;
    bool found = false;

    if (n < 0)
        return (int)n;
    if (rootpath_resolve(mountpoint, real, sizeof(real), 0) < 0)
        str_copy(real, sizeof(real), mountpoint);
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned maj, min;
        char mnt[PATH_MAX];
        if (sscanf(line, "%*u %*u %u:%u %*s %4095s", &maj, &min, mnt) != 3)
            continue;
        unescape_octal(mnt);
        if (strcmp(mnt, real) == 0 || strcmp(mnt, mountpoint) == 0) {
            fmaj = maj;
            fmin = min;
            found = true;
        }
    }
    free(text);
    if (!found || fmaj == 0 || sysfs_name(fmaj, fmin, name, sizeof(name)) < 0)
        return -ENOENT;
    snprintf(node, len, "/dev/%s", name);
    return 0;
}

bool devuse_exclusive_busy(const struct devuse *u)
{
    int fd;

    if (!u->is_block)
        return false;
    fd = open(u->real, O_RDONLY | O_EXCL | O_CLOEXEC);
    if (fd < 0)
        return errno == EBUSY;
    close(fd);
    return false;
}
