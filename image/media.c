/* media: see media.h. */
#define _GNU_SOURCE
#include "media.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdbool.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bootcfg.h"
#include "regfile.h"

#define CONF_PATH "etc/mt-agent/mt-agent.conf"

static int add_item(struct media *m, const char *path, mode_t mode, const char *src,
                    unsigned char *data, uint64_t size, struct mt_err *err)
{
    struct media_item *it;

    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        it = realloc(m->items, cap * sizeof(*it));
        if (!it)
            return mt_err_set(err, -ENOMEM, "out of memory");
        m->items = it;
        m->cap = cap;
    }
    it = &m->items[m->n];
    memset(it, 0, sizeof(*it));
    it->path = strdup(path);
    it->src = src ? strdup(src) : NULL;
    if (!it->path || (src && !it->src)) {
        free(it->path);
        free(it->src);
        return mt_err_set(err, -ENOMEM, "out of memory");
    }
    it->mode = mode;
    it->data = data;
    it->size = size;
    m->n++;
    m->bytes += size;
    return 0;
}

void media_free(struct media *m)
{
    size_t i;

    for (i = 0; i < m->n; i++) {
        free(m->items[i].path);
        free(m->items[i].src);
        free(m->items[i].data);
    }
    free(m->items);
    memset(m, 0, sizeof(*m));
}

int media_slurp(const char *path, size_t max, char **out, size_t *len, struct mt_err *err)
{
    struct stat st;
    char *buf;
    size_t done = 0;
    ssize_t n;
    int fd = regfile_open(path, 0, "input file", &st, err); /* a FIFO must not hang mt-image */

    if (fd < 0)
        return fd;
    if ((uint64_t)st.st_size > max) {
        close(fd);
        return mt_err_set(err, -EFBIG, "%s: larger than %zu bytes", path, max);
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return mt_err_set(err, -ENOMEM, "out of memory reading %s", path);
    }
    while (done < (size_t)st.st_size) {
        n = read(fd, buf + done, (size_t)st.st_size - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        done += (size_t)n;
    }
    close(fd);
    buf[done] = '\0';
    *out = buf;
    if (len)
        *len = done;
    return 0;
}

/* ---- rootfs.tar: the overlay as a ustar archive in memory, every file root's ---- */

struct membuf {
    unsigned char *p;
    size_t len, cap;
};

static la_ssize_t mem_write(struct archive *a, void *arg, const void *buf, size_t n)
{
    struct membuf *mb = arg;

    if (mb->len + n > mb->cap) {
        size_t cap = mb->cap ? mb->cap : 65536;
        unsigned char *np;
        while (cap < mb->len + n)
            cap *= 2;
        np = realloc(mb->p, cap);
        if (!np) {
            archive_set_error(a, ENOMEM, "out of memory");
            return -1;
        }
        mb->p = np;
        mb->cap = cap;
    }
    memcpy(mb->p + mb->len, buf, n);
    mb->len += n;
    return (la_ssize_t)n;
}

struct tar_walk {
    struct archive *w;
    const char *root;
    const char *cs_host;
    struct mt_err *err;
    int rc;
};

static struct tar_walk *g_walk; /* nftw has no user argument */

/* fpath relative to the walked root, without leading slashes ("" for the root). */
static const char *walk_rel(const char *fpath, const char *root)
{
    const char *rel = fpath + strlen(root);

    while (*rel == '/')
        rel++;
    return rel;
}

static int tar_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    struct tar_walk *tw = g_walk;
    const char *rel = walk_rel(fpath, tw->root);
    struct archive_entry *e;
    char *data = NULL, *edited = NULL;
    size_t len = 0;
    char name[PATH_MAX];
    int r;

    (void)ftw;
    if (!*rel)
        return 0;
    if (type == FTW_SL) {
        /* links in the overlay would land where the box's files are: refuse */
        tw->rc = mt_err_set(tw->err, -EINVAL, "%s: a symbolic link in the rootfs overlay; "
                                              "give regular files", fpath);
        return 1;
    }
    if (type != FTW_F && type != FTW_D) {
        tw->rc = mt_err_set(tw->err, -EINVAL, "%s: cannot read it", fpath);
        return 1;
    }
    if (type == FTW_F && !S_ISREG(st->st_mode)) {
        tw->rc = mt_err_set(tw->err, -EINVAL, "%s: not a regular file or directory", fpath);
        return 1;
    }
    if (type == FTW_F) {
        r = media_slurp(fpath, 64u << 20, &data, &len, tw->err);
        if (r < 0) {
            tw->rc = r;
            return 1;
        }
        if (tw->cs_host && !strcmp(rel, CONF_PATH)) {
            r = conf_set_cs_host(data, tw->cs_host, &edited, tw->err);
            free(data);
            if (r < 0) {
                tw->rc = r;
                return 1;
            }
            data = edited;
            len = strlen(edited);
        }
    }
    snprintf(name, sizeof(name), "./%s", rel);
    e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_mode(e, st->st_mode & (S_IFMT | 07777));
    archive_entry_set_size(e, type == FTW_F ? (la_int64_t)len : 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_uname(e, "root");
    archive_entry_set_gname(e, "root");
    archive_entry_set_mtime(e, st->st_mtime, 0);
    if (archive_write_header(tw->w, e) != ARCHIVE_OK ||
        (len && archive_write_data(tw->w, data, len) != (la_ssize_t)len)) {
        tw->rc = mt_err_set(tw->err, -EIO, "rootfs.tar: %s: %s", rel, archive_error_string(tw->w));
        archive_entry_free(e);
        free(data);
        return 1;
    }
    archive_entry_free(e);
    free(data);
    return 0;
}

static int build_rootfs_tar(const char *dir, const char *cs_host, struct membuf *mb,
                            struct mt_err *err)
{
    struct archive *w = archive_write_new();
    struct tar_walk tw = {w, dir, cs_host, err, 0};
    struct stat st;
    bool saw_conf;
    int r;

    if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        archive_write_free(w);
        return mt_err_set(err, -ENOENT, "%s: the rootfs overlay is not a directory", dir);
    }
    archive_write_set_format_pax_restricted(w);
    archive_write_set_bytes_in_last_block(w, 1);
    if (archive_write_open(w, mb, NULL, mem_write, NULL) != ARCHIVE_OK) {
        r = mt_err_set(err, -EIO, "rootfs.tar: %s", archive_error_string(w));
        archive_write_free(w);
        return r;
    }
    g_walk = &tw;
    if (nftw(dir, tar_one, 32, FTW_PHYS) != 0 && tw.rc == 0)
        tw.rc = mt_err_errno(err, -errno, "%s: walking the rootfs overlay", dir);
    g_walk = NULL;
    if (tw.rc == 0 && archive_write_close(w) != ARCHIVE_OK)
        tw.rc = mt_err_set(err, -EIO, "rootfs.tar: %s", archive_error_string(w));
    archive_write_free(w);
    if (tw.rc == 0 && cs_host) {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/" CONF_PATH, dir);
        saw_conf = access(p, F_OK) == 0;
        if (!saw_conf)
            tw.rc = mt_err_set(err, -ENOENT, "%s: missing; --cs needs it to write the "
                                             "configuration server into", p);
    }
    return tw.rc;
}

/* ---- payloads ---- */

struct pay_walk {
    struct media *m;
    const char *root;
    struct membuf list;
    struct mt_err *err;
    int rc;
};
static struct pay_walk *g_pay;

static int pay_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    struct pay_walk *pw = g_pay;
    const char *rel = walk_rel(fpath, pw->root);
    char path[PATH_MAX];
    int r;

    (void)ftw;
    if (!*rel)
        return 0;
    if (type == FTW_SL || (type == FTW_F && !S_ISREG(st->st_mode)) ||
        (type != FTW_F && type != FTW_D)) {
        pw->rc = mt_err_set(pw->err, -EINVAL, "%s: payloads are regular files and directories "
                                              "only", fpath);
        return 1;
    }
    if (strchr(rel, '\n')) {
        pw->rc = mt_err_set(pw->err, -EINVAL, "%s: a newline in a payload name", fpath);
        return 1;
    }
    snprintf(path, sizeof(path), "mt/payload/%s", rel);
    if (type == FTW_D)
        r = add_item(pw->m, path, S_IFDIR | 0755, NULL, NULL, 0, pw->err);
    else
        r = add_item(pw->m, path, S_IFREG | 0644, fpath, NULL, (uint64_t)st->st_size, pw->err);
    if (r == 0 && type == FTW_F) {
        if (mem_write(NULL, &pw->list, rel, strlen(rel)) < 0 || mem_write(NULL, &pw->list, "\n", 1) < 0)
            r = mt_err_set(pw->err, -ENOMEM, "out of memory");
    }
    if (r < 0) {
        pw->rc = r;
        return 1;
    }
    return 0;
}

int media_build(const struct media_opts *o, struct media *m, struct mt_err *err)
{
    char *ks = NULL, *ks_out = NULL, *hash = NULL;
    struct ks_edit ed = {o->install_url, NULL, o->header};
    struct membuf tar = {0};
    struct stat st;
    int r;

    memset(m, 0, sizeof(*m));
    r = media_slurp(o->ks, 1u << 20, &ks, NULL, err);
    if (r < 0)
        goto fail;
    if (o->rootpw_file) {
        char *nl;
        r = media_slurp(o->rootpw_file, 4096, &hash, NULL, err);
        if (r < 0)
            goto fail;
        nl = strpbrk(hash, "\r\n");
        if (nl)
            *nl = '\0';
        ed.rootpw_hash = hash;
    }
    r = ks_edit(ks, &ed, &ks_out, err);
    if (r < 0) {
        if (o->rootpw_file) {
            struct mt_err sub = *err;
            mt_err_set(err, r, "%s: %s", o->rootpw_file, sub.msg);
        }
        goto fail;
    }
    if (stat(o->agent, &st) < 0) {
        r = mt_err_errno(err, -errno, "%s (the mt-agent binary; build it with make, or give --agent)",
                         o->agent);
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        r = mt_err_set(err, -EINVAL, "%s: the agent is not a regular file", o->agent);
        goto fail;
    }
    if ((r = add_item(m, "mt", S_IFDIR | 0755, NULL, NULL, 0, err)) < 0 ||
        (r = add_item(m, "mt/ks.cfg", S_IFREG | 0644, NULL, (unsigned char *)ks_out,
                      strlen(ks_out), err)) < 0)
        goto fail;
    ks_out = NULL;
    if ((r = add_item(m, "mt/mt-agent", S_IFREG | 0755, o->agent, NULL, (uint64_t)st.st_size,
                      err)) < 0)
        goto fail;
    r = build_rootfs_tar(o->rootfs, o->cs_host, &tar, err);
    if (r < 0)
        goto fail;
    if ((r = add_item(m, "mt/rootfs.tar", S_IFREG | 0644, NULL, tar.p, tar.len, err)) < 0)
        goto fail;
    tar.p = NULL;
    if ((r = add_item(m, "mt/payload", S_IFDIR | 0755, NULL, NULL, 0, err)) < 0)
        goto fail;
    if (o->payload) {
        struct pay_walk pw = {m, o->payload, {0}, err, 0};
        if (stat(o->payload, &st) < 0 || !S_ISDIR(st.st_mode)) {
            r = mt_err_set(err, -ENOENT, "%s: the payload directory does not exist", o->payload);
            goto fail;
        }
        g_pay = &pw;
        if (nftw(o->payload, pay_one, 32, FTW_PHYS) != 0 && pw.rc == 0)
            pw.rc = mt_err_errno(err, -errno, "%s: walking the payloads", o->payload);
        g_pay = NULL;
        if (pw.rc < 0) {
            free(pw.list.p);
            r = pw.rc;
            goto fail;
        }
        r = add_item(m, "mt/payload.list", S_IFREG | 0644, NULL, pw.list.p, pw.list.len, err);
        if (r < 0) {
            free(pw.list.p);
            goto fail;
        }
    } else if ((r = add_item(m, "mt/payload.list", S_IFREG | 0644, NULL, NULL, 0, err)) < 0) {
        goto fail;
    }
    free(ks);
    free(hash);
    return 0;
fail:
    free(ks);
    free(ks_out);
    free(hash);
    free(tar.p);
    media_free(m);
    return r;
}
