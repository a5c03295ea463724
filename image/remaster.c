/* remaster: see remaster.h. */
#define _GNU_SOURCE
#include "remaster.h"
#include "pxetree.h"

#include "arraysize.h"
#include "tmpguard.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dirs.h"
#include "isovd.h"

#define COPY_BUF (1u << 20)
#define ISOLINUX_BIN "isolinux/isolinux.bin"
#define ISOLINUX_CFG "isolinux/isolinux.cfg"
#define DEFAULT_SYSLINUX_PXE "/usr/lib/PXELINUX/pxelinux.0"
#define DEFAULT_SYSLINUX_MODS "/usr/lib/syslinux/modules/bios"

/* snprintf for names built from the base's paths: a name too long is cut, never
 * overflowed (PATH_MAX-long ISO names do not occur in boot media). */
static void pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pathf(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    if (vsnprintf(buf, len, fmt, ap) < 0)
        buf[0] = '\0';
    va_end(ap);
}

/* What the first pass over the base learned. */
struct base_scan {
    char **paths;
    size_t n, cap;
    char *cfg;                /* isolinux/isolinux.cfg, when present */
    char catalog[256];        /* path of the base's boot catalog, when found */
    char boot_image[256];     /* path of the default El Torito image, when found */
};

static void scan_free(struct base_scan *s)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        free(s->paths[i]);
    free(s->paths);
    free(s->cfg);
    memset(s, 0, sizeof(*s));
}

static const char *norm(const char *p)
{
    while (p[0] == '.' && p[1] == '/')
        p += 2;
    while (*p == '/')
        p++;
    return p;
}

static bool scan_has(const struct base_scan *s, const char *path)
{
    size_t i;

    path = norm(path);
    for (i = 0; i < s->n; i++)
        if (!strcmp(s->paths[i], path))
            return true;
    return false;
}

static struct archive *open_base(const char *base, struct mt_err *err)
{
    struct archive *a = archive_read_new();

    archive_read_support_format_iso9660(a);
    if (archive_read_open_filename(a, base, COPY_BUF) != ARCHIVE_OK) {
        mt_err_set(err, -EINVAL, "%s: cannot read it as an ISO 9660 image: %s", base,
                   archive_error_string(a));
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Pass 1: names, isolinux.cfg, and which files are the boot catalog and image. */
static int scan_base(const char *base, const struct iso_info *info, bool want_image,
                     const unsigned char *cat_head, struct base_scan *s, struct mt_err *err)
{
    struct archive *a = open_base(base, err);
    struct archive_entry *e;
    unsigned char *head = malloc(ISO_SECTOR);
    int r = 0, rr;

    if (!a || !head) {
        free(head);
        if (a)
            archive_read_free(a);
        return a ? mt_err_set(err, -ENOMEM, "out of memory") : -EINVAL;
    }
    while ((rr = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *p = norm(archive_entry_pathname(e));
        int64_t size = archive_entry_size(e);
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 256;
            char **np = realloc(s->paths, cap * sizeof(*np));
            if (!np) {
                r = mt_err_set(err, -ENOMEM, "out of memory");
                break;
            }
            s->paths = np;
            s->cap = cap;
        }
        if (!(s->paths[s->n] = strdup(p))) {
            r = mt_err_set(err, -ENOMEM, "out of memory");
            break;
        }
        s->n++;
        if (archive_entry_filetype(e) != AE_IFREG)
            continue;
        if (!strcmp(p, ISOLINUX_CFG) && size < (1 << 20)) {
            s->cfg = malloc((size_t)size + 1);
            if (!s->cfg || archive_read_data(a, s->cfg, (size_t)size) != size) {
                r = mt_err_set(err, -EIO, "%s: reading %s: %s", base, p, archive_error_string(a));
                break;
            }
            s->cfg[size] = '\0';
            continue;
        }
        /* The catalog is one small file; the image is looked for only when needed. */
        if ((cat_head && size > 0 && size <= 8 * ISO_SECTOR) ||
            (want_image && info->boot.head_len && size >= 512 && size <= (64 << 20))) {
            la_ssize_t n = archive_read_data(a, head, ISO_SECTOR);
            if (n < 0) {
                r = mt_err_set(err, -EIO, "%s: reading %s: %s", base, p, archive_error_string(a));
                break;
            }
            if (cat_head && n >= 64 && !memcmp(head, cat_head, 64) && !s->catalog[0])
                pathf(s->catalog, sizeof(s->catalog), "%s", p);
            else if (want_image && !s->boot_image[0] && (size_t)n <= info->boot.head_len &&
                     n > 0 && !memcmp(head, info->boot.head, (size_t)n))
                pathf(s->boot_image, sizeof(s->boot_image), "%s", p);
        }
    }
    if (r == 0 && rr != ARCHIVE_EOF)
        r = mt_err_set(err, -EIO, "%s: a broken ISO 9660 image: %s", base, archive_error_string(a));
    if (r == 0 && s->n == 0)
        r = mt_err_set(err, -EINVAL, "%s: an empty ISO 9660 image (no files)", base);
    free(head);
    archive_read_free(a);
    return r;
}

/* Reads the catalog's first 64 bytes (validation + default entry) to find its file. */
static int catalog_head(const char *base, const struct iso_info *info, unsigned char *out)
{
    int fd = open(base, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = pread(fd, out, 64, (off_t)info->boot.catalog_lba * ISO_SECTOR);
    close(fd);
    return n == 64 ? 0 : -EIO;
}

/* initrd=a,b in an append line: each must be in the base (relative to dir). */
static int check_initrds(const char *base, const struct base_scan *s, const char *dir,
                         const char *append, char *first, size_t first_len, struct mt_err *err)
{
    const char *p = append;

    first[0] = '\0';
    while ((p = strstr(p, "initrd=")) != NULL) {
        char list[512], *tok, *save = NULL;
        size_t n = strcspn(p + 7, " \t");
        if (p != append && p[-1] != ' ' && p[-1] != '\t') {
            p += 7;
            continue;
        }
        pathf(list, sizeof(list), "%.*s", (int)n, p + 7);
        for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char path[512];
            pathf(path, sizeof(path), "%s%s", tok[0] == '/' ? "" : dir, tok);
            if (!scan_has(s, path))
                return mt_err_set(err, -ENOENT, "%s: lacks the initrd %s named in %s", base,
                                  norm(path), ISOLINUX_CFG);
            if (!first[0])
                pathf(first, first_len, "%s", norm(path));
        }
        p += 7 + n;
    }
    return 0;
}

/* The kickstart entry: found in isolinux.cfg and checked against the base's files. */
static int isolinux_entry(const char *base, const struct base_scan *s, struct boot_entry *be,
                          struct remaster_result *res, struct mt_err *err)
{
    struct mt_err sub = {0};
    char kpath[512];
    int r;

    if (!scan_has(s, ISOLINUX_BIN))
        return mt_err_set(err, -ENOENT, "%s: no %s: not a CentOS boot ISO (give --no-isolinux "
                                        "to keep the base's own boot loader)", base, ISOLINUX_BIN);
    if (!s->cfg)
        return mt_err_set(err, -ENOENT, "%s: no %s: not a CentOS boot ISO (give --no-isolinux "
                                        "to keep the base's own boot loader)", base, ISOLINUX_CFG);
    r = isolinux_cfg_default_entry(s->cfg, be, &sub);
    if (r < 0)
        return mt_err_set(err, r, "%s: %s: %s", base, ISOLINUX_CFG, sub.msg);
    pathf(kpath, sizeof(kpath), "%s%s", be->kernel[0] == '/' ? "" : "isolinux/", be->kernel);
    if (!scan_has(s, kpath))
        return mt_err_set(err, -ENOENT, "%s: lacks the kernel %s named in %s", base, norm(kpath),
                          ISOLINUX_CFG);
    pathf(res->kernel, sizeof(res->kernel), "%s", norm(kpath));
    return check_initrds(base, s, "isolinux/", be->append, res->initrd, sizeof(res->initrd), err);
}

/* ---- output through callbacks: counts bytes for the progress bar ---- */

struct out_file {
    int fd;
    uint64_t done, total;
    const struct remaster_opts *o;
};

static la_ssize_t out_write(struct archive *a, void *arg, const void *buf, size_t n)
{
    struct out_file *of = arg;
    size_t done = 0;

    while (done < n) {
        ssize_t w = write(of->fd, (const char *)buf + done, n - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            archive_set_error(a, errno, "%s", strerror(errno));
            return -1;
        }
        done += (size_t)w;
    }
    of->done += n;
    if (of->o->progress)
        of->o->progress(of->o->progress_arg, "writing", of->done, of->total);
    return (la_ssize_t)n;
}

static int set_opt(struct archive *w, const char *k, const char *v, struct mt_err *err)
{
    if (archive_write_set_format_option(w, "iso9660", k, v) != ARCHIVE_OK)
        return mt_err_set(err, -EINVAL, "iso9660 writer option %s=%s: %s", k, v ? v : "",
                          archive_error_string(w));
    return 0;
}

static int copy_data(struct archive *in, struct archive *w, unsigned char *buf, const char *what,
                     const struct remaster_opts *o, uint64_t *read_total, uint64_t total,
                     struct mt_err *err)
{
    la_ssize_t n;

    while ((n = archive_read_data(in, buf, COPY_BUF)) > 0) {
        if (archive_write_data(w, buf, (size_t)n) != n)
            return mt_err_set(err, -EIO, "%s: writing %s: %s", o->out, what, archive_error_string(w));
        *read_total += (uint64_t)n;
        if (o->progress)
            o->progress(o->progress_arg, "reading", *read_total, total);
    }
    if (n < 0)
        return mt_err_set(err, -EIO, "%s: reading %s: %s", o->base, what, archive_error_string(in));
    return 0;
}

/* Writes one media item into an archive (ISO writer). */
static int write_item(struct archive *w, const struct media_item *it, unsigned char *buf,
                      const char *out, struct mt_err *err)
{
    struct archive_entry *e = archive_entry_new();
    int fd = -1, r = 0;
    ssize_t n;

    archive_entry_set_pathname(e, it->path);
    archive_entry_set_mode(e, it->mode);
    archive_entry_set_size(e, S_ISREG(it->mode) ? (la_int64_t)it->size : 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_mtime(e, time(NULL), 0);
    if (S_ISREG(it->mode) && it->src) {
        fd = open(it->src, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            archive_entry_free(e);
            return mt_err_errno(err, -errno, "%s", it->src);
        }
    }
    if (archive_write_header(w, e) != ARCHIVE_OK) {
        r = mt_err_set(err, -EIO, "%s: adding %s: %s", out, it->path, archive_error_string(w));
    } else if (S_ISREG(it->mode) && it->src) {
        uint64_t left = it->size;
        while (left > 0 && (n = read(fd, buf, COPY_BUF)) != 0) {
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                r = mt_err_errno(err, -errno, "%s", it->src);
                break;
            }
            if ((uint64_t)n > left)
                n = (ssize_t)left; /* the file grew meanwhile: the header holds its old size */
            if (archive_write_data(w, buf, (size_t)n) != n) {
                r = mt_err_set(err, -EIO, "%s: adding %s: %s", out, it->path, archive_error_string(w));
                break;
            }
            left -= (uint64_t)n;
        }
        if (r == 0 && left > 0)
            r = mt_err_set(err, -EIO, "%s: shrank while mt-image read it", it->src);
    } else if (S_ISREG(it->mode) && it->size) {
        if (archive_write_data(w, it->data, (size_t)it->size) != (la_ssize_t)it->size)
            r = mt_err_set(err, -EIO, "%s: adding %s: %s", out, it->path, archive_error_string(w));
    }
    if (fd >= 0)
        close(fd);
    archive_entry_free(e);
    return r;
}

/* The kernel arguments mt-image adds after the base entry's own (entry_len bytes):
 * the kickstart location (`ks`, e.g. "ks=cdrom:/mt/ks.cfg"), the host's network
 * and OS disk when there is one, then --append. A command line longer than the
 * kernel takes (2.6.32 x86: COMMAND_LINE_SIZE 2048 with its NUL) is an error. */
#define KERNEL_CMDLINE_MAX 2048
static int kernel_extra(const struct remaster_opts *o, const char *ks, const struct host_entry *h,
                        size_t entry_len, char *buf, size_t len, struct mt_err *err)
{
    char hostargs[1024] = "";
    int n;

    if (h && hosts_kernel_args(h, hostargs, sizeof(hostargs)) < 0)
        return mt_err_set(err, -ENAMETOOLONG, "host %s: its kernel arguments are too long", h->hostname);
    n = snprintf(buf, len, "%s%s%s%s%s", ks, hostargs[0] ? " " : "", hostargs, o->append ? " " : "",
                 o->append ? o->append : "");
    if (n < 0 || (size_t)n >= len || entry_len + 1 + (size_t)n >= KERNEL_CMDLINE_MAX)
        return mt_err_set(err, -ENAMETOOLONG, "the kernel command line%s%s would be %zu bytes, more than the "
                          "%d the kernel takes: shorten --append", h ? " of " : "", h ? h->hostname : "",
                          entry_len + 1 + (n < 0 ? 0 : (size_t)n), KERNEL_CMDLINE_MAX - 1);
    return 0;
}

/* --base's volume descriptors; a message naming the option and what to give it. */
static int base_info(const char *base, struct iso_info *info, struct mt_err *err)
{
    struct mt_err sub = {0};
    int r = iso_read_info(base, info, &sub);

    if (r < 0)
        return mt_err_set(err, r, "--base %s; give --base the CentOS 6.6 boot ISO (the minimal or DVD ISO as "
                          "downloaded)", sub.msg);
    return 0;
}

/* What iso_remaster works with, phase to phase. */
struct iso_job {
    const struct remaster_opts *o;
    struct remaster_result *res;
    struct iso_info info;
    struct base_scan s;
    struct boot_entry be;
    char *cfg_out;            /* the edited isolinux.cfg, with the entry "mt" */
    char tmp[PATH_MAX];       /* OUT.tmp */
    struct out_file of;
    struct archive *w;
    unsigned char *buf;
};

/* Phase 1: what the base holds and which boot image the output boots, the
 * isolinux.cfg edit; and what the output will not keep (UEFI, isohybrid MBR). */
static int iso_plan(struct iso_job *j, struct mt_err *err)
{
    const struct remaster_opts *o = j->o;
    struct remaster_result *res = j->res;
    unsigned char cat[64];
    char extra[4096], ks[64];
    int r;

    r = base_info(o->base, &j->info, err);
    if (r < 0)
        return r;
    pathf(res->volume_id, sizeof(res->volume_id), "%s", j->info.volume_id);
    res->base_uefi = j->info.boot.uefi;
    res->base_mbr = j->info.mbr;
    if (!j->info.boot.present && o->no_isolinux)
        return mt_err_set(err, -EINVAL, "%s: has no El Torito boot record: not a bootable ISO", o->base);
    if (o->no_isolinux && j->info.boot.platform == 0xef)
        return mt_err_set(err, -EINVAL, "%s: its default El Torito entry boots UEFI (platform 0xEF); the output "
                                        "carries one BIOS entry, and BIOS is the supported firmware: start from a "
                                        "BIOS-bootable base", o->base);
    r = scan_base(o->base, &j->info, o->no_isolinux,
                  j->info.boot.present && catalog_head(o->base, &j->info, cat) == 0 ? cat : NULL, &j->s, err);
    if (r < 0)
        return r;
    if (!o->no_isolinux) {
        r = isolinux_entry(o->base, &j->s, &j->be, res, err);
        if (r < 0)
            return r;
        /* the host's NIC by its MAC: on a VM with two NICs, eth0 need not be the one its ip= belongs to */
        pathf(ks, sizeof(ks), "ks=cdrom:/mt/ks.cfg%s%s", o->host ? " ksdevice=" : "", o->host ? o->host->mac : "");
        r = kernel_extra(o, ks, o->host, strlen(j->be.append), extra, sizeof(extra), err);
        if (r < 0)
            return r;
        r = isolinux_cfg_add_entry(j->s.cfg, &j->be, extra, o->title, &j->cfg_out, err);
        if (r < 0)
            return r;
        res->isolinux = true;
        pathf(res->boot_image, sizeof(res->boot_image), "%s", ISOLINUX_BIN);
    } else {
        if (!j->s.boot_image[0])
            return mt_err_set(err, -ENOENT, "%s: the El Torito boot image (at sector %u) is not a file of the "
                                            "image: cannot keep it", o->base, j->info.boot.image_lba);
        pathf(res->boot_image, sizeof(res->boot_image), "%s", j->s.boot_image);
    }
    pathf(res->boot_catalog, sizeof(res->boot_catalog), "%s",
          j->s.catalog[0] ? j->s.catalog : (res->isolinux ? "isolinux/boot.cat" : "boot.catalog"));
    return 0;
}

/* Phase 2: OUT.tmp, guarded against signals, and libarchive's ISO 9660 writer
 * with El Torito set up like the base's default entry. */
static int iso_writer_open(struct iso_job *j, struct mt_err *err)
{
    const struct remaster_opts *o = j->o;
    const struct iso_info *info = &j->info;
    struct remaster_result *res = j->res;
    struct stat st;
    char num[16];
    int r;

    j->of.total = (stat(o->base, &st) == 0 ? (uint64_t)st.st_size : 0) + o->media->bytes;
    /* a new OUT.tmp.XXXXXX of ours: a file the operator named OUT.tmp is not overwritten */
    pathf(j->tmp, sizeof(j->tmp), "%s.tmp.XXXXXX", o->out);
    j->of.fd = mkostemp(j->tmp, O_CLOEXEC);
    if (j->of.fd < 0) {
        /* bad --out (exit 2), whatever the errno: EPERM here is no refusal for safety */
        r = mt_err_set(err, -EINVAL, "--out %s: cannot create %s beside it (%s); give --out in a directory you "
                       "can write to", o->out, j->tmp, strerror(errno));
        j->tmp[0] = '\0';
        return r;
    }
    tmpguard(j->tmp);
    fchmod(j->of.fd, 0644);
    j->buf = malloc(COPY_BUF);
    j->w = archive_write_new();
    if (!j->buf || !j->w)
        return mt_err_set(err, -ENOMEM, "out of memory");
    archive_write_set_format_iso9660(j->w);
    /* 1 MiB writes instead of libarchive's 10 KiB blocks; no padding of the last one */
    archive_write_set_bytes_per_block(j->w, (int)COPY_BUF);
    archive_write_set_bytes_in_last_block(j->w, 1);
    pathf(num, sizeof(num), "%u", res->isolinux ? 4u : (unsigned)info->boot.load_sectors);
    if ((r = set_opt(j->w, "boot", res->boot_image, err)) < 0 ||
        (r = set_opt(j->w, "boot-catalog", res->boot_catalog, err)) < 0 ||
        (r = set_opt(j->w, "boot-type", (res->isolinux || info->boot.media == 0) ? "no-emulation" :
                                        info->boot.media == 4 ? "hd" : "fd", err)) < 0 ||
        (r = set_opt(j->w, "rockridge", "1", err)) < 0 ||
        (info->volume_id[0] && (r = set_opt(j->w, "volume-id", info->volume_id, err)) < 0))
        return r;
    if ((res->isolinux || info->boot.media == 0) && num[0] != '0' &&
        (r = set_opt(j->w, "boot-load-size", num, err)) < 0)
        return r;
    if ((res->isolinux || info->boot.info_table) && (r = set_opt(j->w, "boot-info-table", "1", err)) < 0)
        return r;
    if (archive_write_open(j->w, &j->of, NULL, out_write, NULL) != ARCHIVE_OK)
        return mt_err_set(err, -EIO, "%s: %s", j->tmp, archive_error_string(j->w));
    return 0;
}

/* Phase 3: every file of the base but mt/ and its boot catalog (the writer makes
 * one), isolinux.cfg replaced by the edited copy. */
static int iso_copy_base(struct iso_job *j, struct mt_err *err)
{
    const struct remaster_opts *o = j->o;
    struct archive *in = open_base(o->base, err);
    struct archive_entry *e;
    uint64_t read_total = 0;
    size_t len = j->cfg_out ? strlen(j->cfg_out) : 0;
    int r = 0, rr;

    if (!in)
        return -EINVAL;
    while ((rr = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
        const char *p = norm(archive_entry_pathname(e));
        if (!strcmp(p, "mt") || !strncmp(p, "mt/", 3) || !strcmp(p, j->res->boot_catalog))
            continue; /* replaced: our media, and the catalog the writer makes */
        j->res->files++;
        if (j->res->isolinux && !strcmp(p, ISOLINUX_CFG)) {
            archive_entry_set_size(e, (la_int64_t)len);
            if (archive_write_header(j->w, e) != ARCHIVE_OK ||
                archive_write_data(j->w, j->cfg_out, len) != (la_ssize_t)len) {
                r = mt_err_set(err, -EIO, "%s: writing %s: %s", j->tmp, p, archive_error_string(j->w));
                break;
            }
            continue;
        }
        if (archive_write_header(j->w, e) != ARCHIVE_OK) {
            r = mt_err_set(err, -EIO, "%s: adding %s: %s", j->tmp, p, archive_error_string(j->w));
            break;
        }
        if (archive_entry_filetype(e) == AE_IFREG && archive_entry_size(e) > 0 &&
            (r = copy_data(in, j->w, j->buf, p, o, &read_total, j->of.total, err)) < 0)
            break;
    }
    if (r == 0 && rr != ARCHIVE_EOF)
        r = mt_err_set(err, -EIO, "%s: a broken ISO 9660 image: %s", o->base, archive_error_string(in));
    archive_read_free(in);
    return r;
}

/* Phase 4: the image closed, the base's volume id put back, synced and renamed
 * into place. */
static int iso_finish(struct iso_job *j, struct mt_err *err)
{
    int r;

    if (archive_write_close(j->w) != ARCHIVE_OK)
        return mt_err_set(err, -EIO, "%s: %s", j->tmp, archive_error_string(j->w));
    if (j->info.volume_id[0] && (r = iso_set_volume_id(j->tmp, j->info.volume_id, err)) < 0)
        return r;
    r = fsync(j->of.fd) < 0 ? -errno : 0;
    if (close(j->of.fd) < 0 && r == 0)
        r = -errno;
    j->of.fd = -1;
    if (r < 0)
        return mt_err_errno(err, r, "%s", j->tmp);
    if (rename(j->tmp, j->o->out) < 0)
        return mt_err_errno(err, -errno, "renaming %s to %s", j->tmp, j->o->out);
    j->res->bytes_out = j->of.done;
    return 0;
}

int iso_remaster(const struct remaster_opts *o, struct remaster_result *res, struct mt_err *err)
{
    struct iso_job j;
    size_t i;
    int r;

    memset(&j, 0, sizeof(j));
    memset(res, 0, sizeof(*res));
    j.o = o;
    j.res = res;
    j.of.fd = -1;
    j.of.o = o;
    r = iso_plan(&j, err);
    if (r == 0) {
        r = iso_writer_open(&j, err);
        if (r == 0)
            r = iso_copy_base(&j, err);
        for (i = 0; r == 0 && i < o->media->n; i++)
            r = write_item(j.w, &o->media->items[i], j.buf, j.tmp, err);
        if (r == 0)
            r = iso_finish(&j, err);
        if (r < 0 && j.tmp[0]) {
            if (j.of.fd >= 0)
                close(j.of.fd);
            j.of.fd = -1;
            unlink(j.tmp);
        }
    }
    tmpguard(NULL);
    if (j.w)
        archive_write_free(j.w);
    if (j.of.fd >= 0)
        close(j.of.fd);
    free(j.buf);
    free(j.cfg_out);
    scan_free(&j.s);
    return r;
}

/* ---- PXE ---- */

static int write_file(const char *path, const void *data, size_t len, mode_t mode, struct mt_err *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    size_t done = 0;
    ssize_t n;

    if (fd < 0)
        return mt_err_errno(err, -errno, "%s", path);
    while (done < len) {
        n = write(fd, (const char *)data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = -errno;
            close(fd);
            return mt_err_errno(err, e, "%s", path);
        }
        done += (size_t)n;
    }
    if (close(fd) < 0)
        return mt_err_errno(err, -errno, "%s", path);
    return 0;
}

static int copy_file(const char *src, const char *dst, mode_t mode, unsigned char *buf,
                     struct mt_err *err)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out;
    ssize_t n;
    int r = 0;

    if (in < 0)
        return mt_err_errno(err, -errno, "%s", src);
    out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (out < 0) {
        r = mt_err_errno(err, -errno, "%s", dst);
        close(in);
        return r;
    }
    while ((n = read(in, buf, COPY_BUF)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || write(out, buf, (size_t)n) != n) {
            r = mt_err_errno(err, -errno, "copying %s to %s", src, dst);
            break;
        }
    }
    close(in);
    if (close(out) < 0 && r == 0)
        r = mt_err_errno(err, -errno, "%s", dst);
    return r;
}

static int mkdirs(const char *path, struct mt_err *err)
{
    int r = dirs_make(path, 0755);
    return r < 0 ? mt_err_errno(err, r, "%s: cannot create the directory", path) : 0;
}

static void rm_tree(const char *dir)
{
    dirs_remove_tree(dir);
}

/* What extract_base works with, entry to entry. */
struct extract_job {
    const struct remaster_opts *o;
    const char *tmp;          /* DIR.tmp.XXXXXX */
    struct archive *in, *d;   /* the base; the disk writer for http/os */
    unsigned char *buf;
    uint64_t done, total;     /* bytes to http/os, the base's size: the progress bar */
};

/* The kernel or the initrd (orig in the base) into tftp/DST; when the base is the
 * install source also into http/os/ORIG, copied from the tftp/ file (the entry's
 * data was consumed). */
static int extract_boot_file(struct extract_job *j, const char *orig, const char *dst, bool all,
                             struct mt_err *err)
{
    char path[PATH_MAX], os_path[PATH_MAX], *slash;
    la_ssize_t n;
    int fd, r = 0;

    pathf(path, sizeof(path), "%s/%s", j->tmp, dst);
    if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) < 0)
        return mt_err_errno(err, -errno, "%s", path);
    while ((n = archive_read_data(j->in, j->buf, COPY_BUF)) > 0)
        if (write(fd, j->buf, (size_t)n) != n) {
            r = mt_err_errno(err, -errno, "%s", path);
            break;
        }
    close(fd);
    if (n < 0 && r == 0)
        r = mt_err_set(err, -EIO, "%s: reading %s: %s", j->o->base, orig, archive_error_string(j->in));
    if (r < 0 || !all)
        return r;
    pathf(os_path, sizeof(os_path), "%s/http/os/%s", j->tmp, orig);
    slash = strrchr(os_path, '/');
    *slash = '\0';
    if ((r = mkdirs(os_path, err)) < 0)
        return r;
    *slash = '/';
    return copy_file(path, os_path, 0644, j->buf, err);
}

/* Any other entry into http/os/ORIG through the disk writer (its links kept). */
static int extract_os_entry(struct extract_job *j, struct archive_entry *e, const char *orig, struct mt_err *err)
{
    char path[PATH_MAX];
    la_ssize_t n = 0;

    pathf(path, sizeof(path), "%s/http/os/%s", j->tmp, orig);
    archive_entry_set_pathname(e, path);
    if (archive_entry_hardlink(e)) {
        char hl[PATH_MAX];
        pathf(hl, sizeof(hl), "%s/http/os/%s", j->tmp, norm(archive_entry_hardlink(e)));
        archive_entry_set_hardlink(e, hl);
    }
    if (archive_write_header(j->d, e) != ARCHIVE_OK)
        return mt_err_set(err, -EIO, "%s: %s", path, archive_error_string(j->d));
    if (archive_entry_filetype(e) == AE_IFREG) {
        while ((n = archive_read_data(j->in, j->buf, COPY_BUF)) > 0) {
            if (archive_write_data(j->d, j->buf, (size_t)n) != n)
                return mt_err_set(err, -EIO, "%s: %s", path, archive_error_string(j->d));
            j->done += (uint64_t)n;
            if (j->o->progress)
                j->o->progress(j->o->progress_arg, "extracting", j->done, j->total);
        }
        if (n < 0)
            return mt_err_set(err, -EIO, "%s: reading %s: %s", j->o->base, orig, archive_error_string(j->in));
    }
    if (archive_write_finish_entry(j->d) != ARCHIVE_OK)
        return mt_err_set(err, -EIO, "%s: %s", path, archive_error_string(j->d));
    return 0;
}

/* Every entry of the base: the kernel and initrd to tftp/, the rest to http/os
 * when all. found gets how many of the kernel and initrd were met. */
static int extract_entries(struct extract_job *j, const char *kernel, const char *initrd, bool all, int *found,
                           struct mt_err *err)
{
    struct archive_entry *e;
    int r = 0, rr;

    while (r == 0 && (rr = archive_read_next_header(j->in, &e)) == ARCHIVE_OK) {
        char orig[PATH_MAX];
        const char *dst = NULL;

        pathf(orig, sizeof(orig), "%s", norm(archive_entry_pathname(e)));
        if (archive_entry_filetype(e) == AE_IFREG && !strcmp(orig, kernel))
            dst = "tftp/vmlinuz";
        else if (archive_entry_filetype(e) == AE_IFREG && !strcmp(orig, initrd))
            dst = "tftp/initrd.img";
        if (dst) {
            r = extract_boot_file(j, orig, dst, all, err);
            (*found)++;
        } else if (all && orig[0] && strcmp(orig, ".") != 0) {
            r = extract_os_entry(j, e, orig, err);
        }
    }
    if (r == 0 && rr != ARCHIVE_EOF)
        r = mt_err_set(err, -EIO, "%s: a broken ISO 9660 image: %s", j->o->base, archive_error_string(j->in));
    return r;
}

/* Extracts the base: the kernel and initrd into tftp/, everything into http/os/
 * when it is the install source. archive_write_disk refuses .., absolute paths and
 * writing through links. */
static int extract_base(const struct remaster_opts *o, const char *tmp, const char *kernel,
                        const char *initrd, bool all, struct mt_err *err)
{
    struct extract_job j = {o, tmp, open_base(o->base, err), archive_write_disk_new(), malloc(COPY_BUF), 0, 0};
    struct stat st;
    int r, found = 0;

    if (!j.in || !j.buf) {
        archive_write_free(j.d);
        if (j.in)
            archive_read_free(j.in);
        free(j.buf);
        return j.in ? mt_err_set(err, -ENOMEM, "out of memory") : -EINVAL;
    }
    if (stat(o->base, &st) == 0)
        j.total = (uint64_t)st.st_size;
    /* Paths are made absolute under DIR.tmp/http/os here, so the absolute-path guard
     * cannot be used: the base's names were made relative (norm) before. */
    archive_write_disk_set_options(j.d, ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                            ARCHIVE_EXTRACT_TIME);
    r = extract_entries(&j, kernel, initrd, all, &found, err);
    if (r == 0 && found < 2)
        r = mt_err_set(err, -ENOENT, "%s: lacks the kernel or the initrd", o->base);
    archive_write_close(j.d);
    archive_write_free(j.d);
    archive_read_free(j.in);
    free(j.buf);
    return r;
}

/* Phase 1: the base's kernel and initrd for PXE (its images/pxeboot when it has
 * them, else the CD entry's) and that entry's arguments in *be. */
static int pxe_pick_images(const struct remaster_opts *o, struct base_scan *s, struct boot_entry *be,
                           struct remaster_result *res, struct mt_err *err)
{
    struct iso_info info;
    int r;

    r = base_info(o->base, &info, err);
    if (r < 0)
        return r;
    pathf(res->volume_id, sizeof(res->volume_id), "%s", info.volume_id);
    if (strncmp(o->url, "http://", 7) && strncmp(o->url, "https://", 8))
        return mt_err_set(err, -EINVAL, "--url %s: not an http:// or https:// URL", o->url);
    r = scan_base(o->base, &info, false, NULL, s, err);
    if (r < 0)
        return r;
    if (scan_has(s, "images/pxeboot/vmlinuz") && scan_has(s, "images/pxeboot/initrd.img")) {
        pathf(res->kernel, sizeof(res->kernel), "images/pxeboot/vmlinuz");
        pathf(res->initrd, sizeof(res->initrd), "images/pxeboot/initrd.img");
        /* the CD entry's other arguments are kept (not its initrd path) when it has one */
        if (s->cfg)
            isolinux_cfg_default_entry(s->cfg, be, NULL);
        return 0;
    }
    r = isolinux_entry(o->base, s, be, res, err);
    if (r == -ENOENT && !scan_has(s, ISOLINUX_CFG))
        return mt_err_set(err, -ENOENT, "%s: lacks the kernel: neither images/pxeboot/vmlinuz nor "
                                        "isolinux/isolinux.cfg", o->base);
    if (r < 0)
        return r;
    if (!res->initrd[0])
        return mt_err_set(err, -ENOENT, "%s: the default entry of %s has no initrd=", o->base, ISOLINUX_CFG);
    return 0;
}

/* Phase 2: pxelinux.0 and ldlinux.c32 on this host. */
static int pxe_find_syslinux(const struct remaster_opts *o, char *pxelinux, char *ldlinux, size_t len,
                             struct mt_err *err)
{
    struct stat st;

    pathf(pxelinux, len, "%s", o->syslinux_dir ? o->syslinux_dir : DEFAULT_SYSLINUX_PXE);
    if (o->syslinux_dir)
        pathf(pxelinux, len, "%s/pxelinux.0", o->syslinux_dir);
    if (stat(pxelinux, &st) < 0)
        return mt_err_errno(err, -errno, "%s (install Debian's pxelinux package, or give --syslinux-dir)",
                            pxelinux);
    pathf(ldlinux, len, "%s/ldlinux.c32", o->syslinux_dir ? o->syslinux_dir : DEFAULT_SYSLINUX_MODS);
    if (stat(ldlinux, &st) < 0)
        return mt_err_errno(err, -errno, "%s (install Debian's syslinux-common package, or give "
                                         "--syslinux-dir)", ldlinux);
    return 0;
}

/* Phase 3: DIR.tmp with tftp/ (boot loader, kernel, initrd) and http/os/ filled. */
static int pxe_fill_boot(const struct remaster_opts *o, const char *tmp, const char *pxelinux,
                         const char *ldlinux, const struct remaster_result *res, unsigned char *buf,
                         struct mt_err *err)
{
    char path[PATH_MAX];
    int r;

    pathf(path, sizeof(path), "%s/tftp/pxelinux.cfg", tmp);
    if ((r = mkdirs(path, err)) < 0)
        return r;
    pathf(path, sizeof(path), "%s/http/mt/payload", tmp);
    if ((r = mkdirs(path, err)) < 0)
        return r;
    pathf(path, sizeof(path), "%s/tftp/pxelinux.0", tmp);
    if ((r = copy_file(pxelinux, path, 0644, buf, err)) < 0)
        return r;
    pathf(path, sizeof(path), "%s/tftp/ldlinux.c32", tmp);
    if ((r = copy_file(ldlinux, path, 0644, buf, err)) < 0)
        return r;
    return extract_base(o, tmp, res->kernel, res->initrd, o->repo == NULL, err);
}

/* One pxelinux.cfg file: the entry's arguments plus ks=, the host's, --append. */
static int pxe_write_entry(const struct remaster_opts *o, const char *tmp, const struct boot_entry *pxe,
                           const struct host_entry *h, struct mt_err *err)
{
    char ks[2048], extra[4096], path[PATH_MAX], name[21], comment[512];
    size_t ul = strlen(o->url);
    char *cfg = NULL;
    int r;

    pathf(ks, sizeof(ks), "ks=%.*s/mt/ks.cfg ksdevice=bootif",
          (int)(ul && o->url[ul - 1] == '/' ? ul - 1 : ul), o->url);
    if ((r = kernel_extra(o, ks, h, strlen(pxe->append), extra, sizeof(extra), err)) < 0)
        return r;
    if (h) {
        hosts_pxelinux_name(h, name);
        pathf(comment, sizeof(comment), "pxelinux.cfg/%s written by mt-image: %s (%s), hosts file line %u",
              name, h->hostname, h->mac, h->line);
    } else {
        pathf(name, sizeof(name), "default");
        pathf(comment, sizeof(comment), "pxelinux.cfg/default written by mt-image: boots the mt-agent "
                                        "kickstart at once.%s", o->hosts ? " For a MAC without its own "
                                        "01-<mac> file: no static network (DHCP)." : "");
    }
    r = pxelinux_cfg_render_for(pxe, extra, comment, &cfg, err);
    if (r < 0)
        return r;
    pathf(path, sizeof(path), "%s/tftp/pxelinux.cfg/%s", tmp, name);
    r = write_file(path, cfg, strlen(cfg), 0644, err);
    free(cfg);
    return r;
}

/* DIR as an absolute path, without trailing slashes (for dnsmasq's tftp-root). */
static int abs_out(const char *out, char *buf, size_t len, struct mt_err *err)
{
    char cwd[PATH_MAX];
    size_t n;
    int w;

    if (out[0] == '/')
        w = snprintf(buf, len, "%s", out);
    else if (!getcwd(cwd, sizeof(cwd)))
        return mt_err_errno(err, -errno, "%s: the working directory", out);
    else
        w = snprintf(buf, len, "%s/%s", cwd, out);
    if (w < 0 || (size_t)w >= len)
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", out);
    for (n = strlen(buf); n > 1 && buf[n - 1] == '/'; n--)
        buf[n - 1] = '\0';
    return 0;
}

/* The dnsmasq configuration beside the trees: DIR/dnsmasq.conf. */
static int pxe_write_dnsmasq(const struct remaster_opts *o, const char *tmp, struct mt_err *err)
{
    char root[PATH_MAX], header[PATH_MAX + 256], path[PATH_MAX];
    char *conf = NULL;
    int r;

    if ((r = abs_out(o->out, root, sizeof(root) - 5, err)) < 0)
        return r;
    strcat(root, "/tftp");
    pathf(header, sizeof(header), "dnsmasq configuration written by mt-image for the PXE tree %s (%zu hosts; "
          "the HTTP tree is served at %s)", o->out, o->hosts->n, o->url);
    if ((r = hosts_dnsmasq_conf(o->hosts, root, header, &conf, err)) < 0)
        return r;
    pathf(path, sizeof(path), "%s/dnsmasq.conf", tmp);
    r = write_file(path, conf, strlen(conf), 0644, err);
    free(conf);
    return r;
}

/* Phase 4: pxelinux.cfg/default (any MAC not listed), one pxelinux.cfg/01-<mac>
 * per host, and the dnsmasq configuration for the hosts. */
static int pxe_write_configs(const struct remaster_opts *o, const char *tmp, const struct boot_entry *be,
                             struct mt_err *err)
{
    struct boot_entry pxe;
    char args[sizeof(be->append)], *tok, *save = NULL;
    size_t len, i;
    int r;

    /* The CD entry's arguments without its initrd= and ks=, then ours. */
    memset(&pxe, 0, sizeof(pxe));
    pathf(pxe.kernel, sizeof(pxe.kernel), "vmlinuz");
    pathf(args, sizeof(args), "%s", be->append);
    len = (size_t)snprintf(pxe.append, sizeof(pxe.append), "initrd=initrd.img");
    for (tok = strtok_r(args, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
        if (!strncmp(tok, "initrd=", 7) || !strncmp(tok, "ks=", 3))
            continue;
        if (len + 1 + strlen(tok) >= sizeof(pxe.append))
            return mt_err_set(err, -ENAMETOOLONG, "%s: the boot entry's arguments are too long", o->base);
        len += (size_t)snprintf(pxe.append + len, sizeof(pxe.append) - len, " %s", tok);
    }
    if ((r = pxe_write_entry(o, tmp, &pxe, NULL, err)) < 0)
        return r;
    if (!o->hosts)
        return 0;
    for (i = 0; i < o->hosts->n; i++)
        if ((r = pxe_write_entry(o, tmp, &pxe, &o->hosts->v[i], err)) < 0)
            return r;
    return pxe_write_dnsmasq(o, tmp, err);
}

/* Phase 5: the media (kickstart, agent, overlay, payloads) into http/. */
static int pxe_copy_media(const struct remaster_opts *o, const char *tmp, unsigned char *buf, struct mt_err *err)
{
    char path[PATH_MAX];
    size_t i;
    int r = 0;

    for (i = 0; i < o->media->n && r == 0; i++) {
        const struct media_item *it = &o->media->items[i];
        pathf(path, sizeof(path), "%s/http/%s", tmp, it->path);
        if (S_ISDIR(it->mode))
            r = mkdirs(path, err);
        else if (it->src)
            r = copy_file(it->src, path, it->mode & 07777, buf, err);
        else
            r = write_file(path, it->data, (size_t)it->size, it->mode & 07777, err);
    }
    return r;
}

/* Phase 6: DIR.tmp.XXXXXX becomes DIR; an existing DIR (--force, proved to be an
 * earlier mt-image pxe tree: pxetree.h) is moved aside to an empty DIR.old.XXXXXX
 * of ours first and put back when the rename fails. Nothing of another name is
 * removed. */
static int pxe_commit(const struct remaster_opts *o, const char *tmp, struct mt_err *err)
{
    char old[PATH_MAX];
    struct stat st;
    int r;

    if ((r = pxe_tree_mark(tmp, err)) < 0)
        return r;
    if (lstat(o->out, &st) < 0) {
        if (rename(tmp, o->out) < 0)
            return mt_err_errno(err, -errno, "renaming %s to %s", tmp, o->out);
        return 0;
    }
    if ((r = pxe_tree_owned(o->out, err)) < 0)
        return r;
    pathf(old, sizeof(old), "%s.old.XXXXXX", o->out);
    if (!mkdtemp(old))
        return mt_err_errno(err, -errno, "%s: creating the directory to move the old tree to", old);
    if (rename(o->out, old) < 0) {
        r = mt_err_errno(err, -errno, "renaming %s to %s", o->out, old);
        rmdir(old);
        return r;
    }
    if (rename(tmp, o->out) < 0) {
        r = mt_err_errno(err, -errno, "renaming %s to %s", tmp, o->out);
        rename(old, o->out);
        return r;
    }
    rm_tree(old);
    return 0;
}

int pxe_build(const struct remaster_opts *o, struct remaster_result *res, struct mt_err *err)
{
    struct base_scan s = {0};
    struct boot_entry be = {"", ""};
    char tmp[PATH_MAX], pxelinux[PATH_MAX], ldlinux[PATH_MAX];
    unsigned char *buf = NULL;
    struct stat st;
    int r;

    memset(res, 0, sizeof(*res));
    if ((r = pxe_pick_images(o, &s, &be, res, err)) < 0 ||
        (r = pxe_find_syslinux(o, pxelinux, ldlinux, sizeof(pxelinux), err)) < 0)
        goto out;
    if (lstat(o->out, &st) == 0 && !o->force) {
        r = mt_err_set(err, -EEXIST, "%s: exists; remove it, or give --force if mt-image pxe wrote it", o->out);
        goto out;
    }
    if (lstat(o->out, &st) == 0 && (r = pxe_tree_owned(o->out, err)) < 0)
        goto out;
    pathf(tmp, sizeof(tmp), "%s.tmp.XXXXXX", o->out);
    if ((r = dirs_make_parent(tmp, 0755)) < 0 || !mkdtemp(tmp)) {
        /* bad --out (exit 2), whatever the errno: EPERM here is no refusal for safety */
        r = mt_err_set(err, -EINVAL, "--out %s: cannot create the directory %s beside it to build in (%s); give "
                       "--out where you can write", o->out, tmp, strerror(r < 0 ? -r : errno));
        goto out;
    }
    chmod(tmp, 0755); /* mkdtemp made it 0700: the trees are served to anyone */
    if (!(buf = malloc(COPY_BUF))) {
        rm_tree(tmp);
        r = mt_err_set(err, -ENOMEM, "out of memory");
        goto out;
    }
    if ((r = pxe_fill_boot(o, tmp, pxelinux, ldlinux, res, buf, err)) < 0 ||
        (r = pxe_write_configs(o, tmp, &be, err)) < 0 || (r = pxe_copy_media(o, tmp, buf, err)) < 0 ||
        (r = pxe_commit(o, tmp, err)) < 0)
        rm_tree(tmp);
out:
    free(buf);
    scan_free(&s);
    return r;
}
