/* extract: see extract.h. */
#define _GNU_SOURCE
#include "extract.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>
#include <unistd.h>

#include "dirs.h"
#include "dl_archive.h"
#include "regfile.h"

/* libarchive 3 widened the data-block offset (CentOS 6 ships 2.8). */
#if ARCHIVE_VERSION_NUMBER < 3000000
typedef off_t ar_offset_t;
#else
typedef int64_t ar_offset_t;
#endif

#define READ_CHUNK (1 << 20)

/* The next name of a path at *p (slashes skipped), its length in *len; *p
 * moves past it. NULL at the end. */
static const char *next_name(const char **p, size_t *len)
{
    const char *start = *p, *end;

    while (*start == '/')
        start++;
    if (!*start)
        return NULL;
    end = strchr(start, '/');
    if (!end)
        end = start + strlen(start);
    *len = (size_t)(end - start);
    *p = end;
    return start;
}

enum extract_path_verdict extract_path_check(const char *name, char *out, size_t outlen, const char **why)
{
    const char *p = name, *c;
    size_t o = 0, l;

    *why = NULL;
    if (!name || !*name) {
        *why = "empty name";
        return EXTRACT_PATH_REFUSED;
    }
    if (name[0] == '/') {
        *why = "absolute path";
        return EXTRACT_PATH_REFUSED;
    }
    if (outlen == 0) {
        *why = "name too long";
        return EXTRACT_PATH_REFUSED;
    }
    while ((c = next_name(&p, &l))) {
        if (l == 1 && c[0] == '.')
            continue;
        if (l == 2 && c[0] == '.' && c[1] == '.') {
            *why = "'..' in the path";
            return EXTRACT_PATH_REFUSED;
        }
        if (l > NAME_MAX) {
            *why = "a name component longer than 255 bytes";
            return EXTRACT_PATH_REFUSED;
        }
        if (o + (o ? 1 : 0) + l + 1 > outlen) {
            *why = "name too long";
            return EXTRACT_PATH_REFUSED;
        }
        if (o)
            out[o++] = '/';
        memcpy(out + o, c, l);
        o += l;
    }
    out[o] = '\0';
    return o ? EXTRACT_PATH_OK : EXTRACT_PATH_SELF;
}

int extract_symlink_check(const char *link, const char *target, const char **why)
{
    unsigned depth = 0, ups = 0;
    bool seen_name = false;
    const char *p, *c;
    size_t l;

    *why = NULL;
    if (!target || !*target) {
        *why = "symbolic link with an empty target";
        return -1;
    }
    if (target[0] == '/') {
        *why = "symbolic link to an absolute path";
        return -1;
    }
    for (p = link; *p; p++)
        if (*p == '/')
            depth++;
    for (p = target; (c = next_name(&p, &l));) {
        if (l == 2 && c[0] == '.' && c[1] == '.') {
            if (seen_name) {
                *why = "symbolic link whose target has '..' after a name";
                return -1;
            }
            if (++ups > depth) {
                *why = "symbolic link leaving the staging directory";
                return -1;
            }
        } else if (!(l == 1 && c[0] == '.')) {
            seen_name = true;
        }
    }
    return 0;
}


struct reader {
    int fd;
    char *buf;
    struct payload_hash hash;
    uint64_t size;
    int read_errno;
    const struct extract_opts *o;
};

/* libarchive pulls the archive through here: every byte is hashed exactly once. */
static ssize_t reader_read(struct archive *a, void *data, const void **out)
{
    struct reader *rd = data;
    ssize_t n;

    (void)a;
    do
        n = read(rd->fd, rd->buf, READ_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        rd->read_errno = errno;
        return -1;
    }
    payload_hash_update(&rd->hash, rd->buf, (size_t)n);
    if (rd->o->progress)
        rd->o->progress(rd->o->data, rd->hash.bytes, rd->size);
    *out = rd->buf;
    return n;
}

/* The bytes libarchive did not need (tar padding after the end marker) are part of the digest. */
static int reader_drain(struct reader *rd)
{
    for (;;) {
        ssize_t n = read(rd->fd, rd->buf, READ_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            return 0;
        payload_hash_update(&rd->hash, rd->buf, (size_t)n);
    }
}

struct extractor {
    const char *archive;
    int root;                    /* the staging directory */
    char cached_dir[PATH_MAX];   /* parent directory of the previous entry ... */
    int cached_fd;               /* ... and its descriptor (saves re-walking each file) */
    uint64_t max_entry, max_total;
    struct extract_result *res;
    struct mt_err *err;
};

static int refuse(struct extractor *x, const char *entry, const char *why)
{
    return mt_err_set(x->err, -EPERM,
                      "%s: entry '%s' refused: %s; the archive is not safe to extract, nothing was "
                      "installed",
                      x->archive, entry, why);
}

/* Open the directory holding `norm` by walking down from the staging directory,
 * never following a symbolic link (O_NOFOLLOW on every component). With
 * `create`, missing directories are made. *base points at the last component.
 * Returns a descriptor owned by the extractor's cache, or -errno with err set. */
static int open_parent(struct extractor *x, const char *entry, const char *norm, bool create,
                       const char **base)
{
    char dir[PATH_MAX];
    char *p, *slash;
    int fd, r;

    slash = strrchr(norm, '/');
    *base = slash ? slash + 1 : norm;
    if (!slash)
        return x->root;
    memcpy(dir, norm, (size_t)(slash - norm));
    dir[slash - norm] = '\0';
    if (x->cached_fd >= 0 && strcmp(dir, x->cached_dir) == 0)
        return x->cached_fd;

    fd = x->root;
    for (p = dir; p;) {
        char *next = strchr(p, '/');
        int nfd;

        if (next)
            *next = '\0';
        nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (nfd < 0 && errno == ENOENT && create) {
            if (mkdirat(fd, p, 0755) < 0 && errno != EEXIST) {
                r = mt_err_errno(x->err, -errno, "%s: entry '%s': cannot create directory '%s'",
                                 x->archive, entry, p);
                goto fail;
            }
            nfd = openat(fd, p, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (nfd < 0) {
            struct stat st;
            /* O_DIRECTORY | O_NOFOLLOW on a link fails with ENOTDIR or ELOOP: tell which */
            if ((errno == ELOOP || errno == ENOTDIR) && fstatat(fd, p, &st, AT_SYMLINK_NOFOLLOW) == 0)
                r = refuse(x, entry, S_ISLNK(st.st_mode) ? "its path goes through a symbolic link"
                                                         : "its path goes through something that is not a directory");
            else if (errno == ELOOP || errno == ENOTDIR)
                r = refuse(x, entry, "its path goes through something that is not a directory");
            else if (errno == ENOENT)
                r = mt_err_set(x->err, -ENOENT, "%s: entry '%s': '%s' does not exist in the archive",
                               x->archive, entry, p);
            else
                r = mt_err_errno(x->err, -errno, "%s: entry '%s': cannot open directory '%s'",
                                 x->archive, entry, p);
            goto fail;
        }
        if (fd != x->root)
            close(fd);
        fd = nfd;
        if (next)
            *next = '/';
        p = next ? next + 1 : NULL;
    }
    if (x->cached_fd >= 0)
        close(x->cached_fd);
    x->cached_fd = fd;
    memcpy(x->cached_dir, norm, (size_t)(slash - norm));
    x->cached_dir[slash - norm] = '\0';
    return fd;
fail:
    if (fd != x->root)
        close(fd);
    return r;
}

/* Make room for a new non-directory entry: an earlier entry of the same name
 * is unlinked (never followed); a directory is not replaced. */
static int clear_name(struct extractor *x, const char *entry, int dfd, const char *base)
{
    if (unlinkat(dfd, base, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno == EISDIR || errno == EPERM)
        return refuse(x, entry, "it would replace a directory");
    return mt_err_errno(x->err, -errno, "%s: entry '%s': cannot replace the earlier entry", x->archive,
                        entry);
}

/* The directory for a new non-directory entry `norm`, with its name made free
 * (open_parent, then clear_name): the cached descriptor, or -errno with err set. */
static int open_fresh_name(struct extractor *x, const char *entry, const char *norm, const char **base)
{
    int dfd = open_parent(x, entry, norm, true, base), r;

    if (dfd < 0)
        return dfd;
    r = clear_name(x, entry, dfd, *base);
    return r < 0 ? r : dfd;
}

static int write_data(struct extractor *x, struct archive *a, const char *entry, int fd, int64_t size)
{
    const void *buf;
    size_t len;
    ar_offset_t off;
    int64_t end = 0;
    int r;

    for (;;) {
        r = archive_read_data_block(a, &buf, &len, &off);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return mt_err_set(x->err, -EIO, "%s: entry '%s': %s; the archive is truncated or damaged",
                              x->archive, entry, archive_error_string(a));
        if ((uint64_t)off + len > x->max_entry || x->res->bytes + len > x->max_total)
            return refuse(x, entry, "its data exceeds the size limit");
        while (len > 0) {
            ssize_t n = pwrite(fd, buf, len, (off_t)off);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0)
                return mt_err_errno(x->err, -errno, "%s: entry '%s': write failed", x->archive, entry);
            buf = (const char *)buf + n;
            len -= (size_t)n;
            off += n;
            x->res->bytes += (uint64_t)n;
        }
        if ((int64_t)off > end)
            end = (int64_t)off;
    }
    /* a sparse file may end in a hole */
    if (size > end && ftruncate(fd, (off_t)size) < 0)
        return mt_err_errno(x->err, -errno, "%s: entry '%s': cannot set its size", x->archive, entry);
    return 0;
}

static int extract_file(struct extractor *x, struct archive *a, struct archive_entry *e, const char *entry,
                        const char *norm, mode_t perm)
{
    int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
    struct statvfs vfs;
    struct timespec ts[2];
    const char *base;
    char why[160];
    int dfd, fd, r;

    if (size < 0 || (uint64_t)size > x->max_entry) {
        snprintf(why, sizeof(why), "it is %lld bytes, more than the limit of %llu", (long long)size,
                 (unsigned long long)x->max_entry);
        return refuse(x, entry, why);
    }
    if (x->res->bytes + (uint64_t)size > x->max_total) {
        snprintf(why, sizeof(why), "the archive would unpack to more than %llu bytes",
                 (unsigned long long)x->max_total);
        return refuse(x, entry, why);
    }
    if (fstatvfs(x->root, &vfs) == 0 && (uint64_t)size > (uint64_t)vfs.f_bavail * vfs.f_frsize) {
        snprintf(why, sizeof(why), "it is %lld bytes and only %llu are free for the staging directory",
                 (long long)size, (unsigned long long)vfs.f_bavail * vfs.f_frsize);
        return refuse(x, entry, why);
    }
    dfd = open_fresh_name(x, entry, norm, &base);
    if (dfd < 0)
        return dfd;
    fd = openat(dfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return mt_err_errno(x->err, -errno, "%s: entry '%s': cannot create", x->archive, entry);
    r = write_data(x, a, entry, fd, size);
    if (r == 0 && fchmod(fd, perm & 0777) < 0)
        r = mt_err_errno(x->err, -errno, "%s: entry '%s': cannot set its mode", x->archive, entry);
    if (r == 0) {
        ts[0].tv_sec = ts[1].tv_sec = archive_entry_mtime(e);
        ts[0].tv_nsec = ts[1].tv_nsec = 0;
        futimens(fd, ts); /* a wrong time stamp is not worth failing for */
    }
    if (close(fd) < 0 && r == 0)
        r = mt_err_errno(x->err, -errno, "%s: entry '%s': write failed", x->archive, entry);
    if (r == 0)
        x->res->files++;
    return r;
}

static int extract_dir(struct extractor *x, const char *entry, const char *norm, mode_t perm)
{
    const char *base;
    int dfd, fd;

    dfd = open_parent(x, entry, norm, true, &base);
    if (dfd < 0)
        return dfd;
    if (mkdirat(dfd, base, 0700) < 0 && errno != EEXIST)
        return mt_err_errno(x->err, -errno, "%s: entry '%s': cannot create the directory", x->archive, entry);
    fd = openat(dfd, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return refuse(x, entry, "an earlier entry of that name is not a directory");
    /* the owner keeps rwx so later entries can be written into it */
    if (fchmod(fd, (perm & 01777) | 0700) < 0) {
        int r = mt_err_errno(x->err, -errno, "%s: entry '%s': cannot set its mode", x->archive, entry);
        close(fd);
        return r;
    }
    close(fd);
    x->res->dirs++;
    return 0;
}

static int extract_symlink(struct extractor *x, const char *entry, const char *norm, const char *target)
{
    const char *base, *why;
    char msg[PATH_MAX + 80];
    int dfd;

    if (extract_symlink_check(norm, target, &why) < 0) {
        snprintf(msg, sizeof(msg), "%s (-> %s)", why, target ? target : "");
        return refuse(x, entry, msg);
    }
    dfd = open_fresh_name(x, entry, norm, &base);
    if (dfd < 0)
        return dfd;
    if (symlinkat(target, dfd, base) < 0)
        return mt_err_errno(x->err, -errno, "%s: entry '%s': cannot create the symbolic link", x->archive,
                            entry);
    x->res->symlinks++;
    return 0;
}

static int extract_hardlink(struct extractor *x, const char *entry, const char *norm, const char *target)
{
    char tnorm[PATH_MAX], msg[PATH_MAX + 80];
    const char *tbase, *base, *why;
    struct stat st;
    int sfd, dfd, r;

    if (extract_path_check(target, tnorm, sizeof(tnorm), &why) != EXTRACT_PATH_OK) {
        snprintf(msg, sizeof(msg), "hard link to '%s': %s", target, why ? why : "the staging directory");
        return refuse(x, entry, msg);
    }
    sfd = open_parent(x, entry, tnorm, false, &tbase);
    if (sfd < 0)
        return sfd;
    /* the cache holds one descriptor: keep our own for the source directory */
    sfd = sfd == x->root ? dup(x->root) : dup(sfd);
    if (sfd < 0)
        return mt_err_errno(x->err, -errno, "%s: entry '%s'", x->archive, entry);
    if (fstatat(sfd, tbase, &st, AT_SYMLINK_NOFOLLOW) < 0 || S_ISDIR(st.st_mode)) {
        close(sfd);
        snprintf(msg, sizeof(msg), "hard link to '%s', which is not a file extracted before it", target);
        return refuse(x, entry, msg);
    }
    dfd = open_fresh_name(x, entry, norm, &base);
    r = dfd < 0 ? dfd : 0;
    if (r == 0 && linkat(sfd, tbase, dfd, base, 0) < 0)
        r = mt_err_errno(x->err, -errno, "%s: entry '%s': cannot create the hard link", x->archive, entry);
    close(sfd);
    if (r == 0)
        x->res->hardlinks++;
    return r;
}

static int extract_entry(struct extractor *x, struct archive *a, struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e), *why, *hard = archive_entry_hardlink(e);
    char norm[PATH_MAX];
    mode_t mode = archive_entry_mode(e);
    enum extract_path_verdict v;

    if (!name)
        return refuse(x, "?", "a name that cannot be decoded");
    v = extract_path_check(name, norm, sizeof(norm), &why);
    if (v == EXTRACT_PATH_REFUSED)
        return refuse(x, name, why);
    if (mode & (S_ISUID | S_ISGID))
        return refuse(x, name, "set-user-ID or set-group-ID bit");
    if (v == EXTRACT_PATH_SELF) {
        if (hard || archive_entry_filetype(e) != AE_IFDIR)
            return refuse(x, name, "it would replace the staging directory");
        return 0;
    }
    if (hard)
        return extract_hardlink(x, name, norm, hard);
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return extract_file(x, a, e, name, norm, mode & 07777);
    case AE_IFDIR: return extract_dir(x, name, norm, mode & 07777);
    case AE_IFLNK: return extract_symlink(x, name, norm, archive_entry_symlink(e));
    case AE_IFCHR: return refuse(x, name, "character device node");
    case AE_IFBLK: return refuse(x, name, "block device node");
    case AE_IFIFO: return refuse(x, name, "FIFO");
    case AE_IFSOCK: return refuse(x, name, "socket");
    default: return refuse(x, name, "unknown file type");
    }
}

int extract_walk(const char *archive, extract_entry_fn fn, void *data, const struct extract_opts *o,
                 char sha256[SHA256_HEX_LEN + 1], uint64_t *bytes, struct mt_err *err)
{
    struct extract_opts none;
    struct reader rd;
    struct archive *a = NULL;
    struct archive_entry *e;
    struct stat st;
    unsigned long entries = 0;
    int r = 0, ar;

    memset(&none, 0, sizeof(none));
    memset(&rd, 0, sizeof(rd));
    rd.o = o ? o : &none;
    sha256[0] = '\0';
    if ((r = dl_archive_load(err)) < 0)
        return r;
    rd.fd = regfile_open(archive, 0, "archive", &st, err);
    if (rd.fd < 0)
        return rd.fd;
    rd.size = (uint64_t)st.st_size;
    rd.buf = malloc(READ_CHUNK);
    if (!rd.buf || payload_hash_init(&rd.hash) < 0) {
        free(rd.buf);
        close(rd.fd);
        return mt_err_set(err, -ENOMEM, "%s: out of memory", archive);
    }
    a = archive_read_new();
    if (!a) {
        r = mt_err_set(err, -ENOMEM, "%s: out of memory", archive);
        goto out;
    }
    archive_read_support_filter_all(a);
    archive_read_support_format_all(a);
    if (archive_read_open(a, &rd, NULL, reader_read, NULL) != ARCHIVE_OK) {
        r = mt_err_set(err, -EINVAL, "%s: not an archive libarchive can read: %s", archive,
                       rd.read_errno ? strerror(rd.read_errno) : archive_error_string(a));
        goto out;
    }
    for (;;) {
        ar = archive_read_next_header(a, &e);
        if (ar == ARCHIVE_EOF)
            break;
        if (ar != ARCHIVE_OK && ar != ARCHIVE_WARN) {
            if (rd.read_errno)
                r = mt_err_set(err, -rd.read_errno, "%s: read failed: %s", archive, strerror(rd.read_errno));
            else
                r = mt_err_set(err, -EIO, "%s: %s (after %lu entries); the archive is truncated or damaged",
                               archive, archive_error_string(a), entries);
            goto out;
        }
        entries++;
        r = fn(data, a, e);
        if (r < 0)
            goto out;
    }
    r = reader_drain(&rd);
    if (r < 0) {
        r = mt_err_errno(err, r, "%s: read failed", archive);
        goto out;
    }
    if (bytes)
        *bytes = rd.hash.bytes;
    payload_hash_final(&rd.hash, sha256);
out:
    if (a)
        archive_read_free(a);
    payload_hash_free(&rd.hash);
    free(rd.buf);
    close(rd.fd);
    return r;
}

static int extract_entry_cb(void *data, struct archive *a, struct archive_entry *e)
{
    return extract_entry(data, a, e);
}

int extract_archive(const char *archive, const struct extract_opts *o, struct extract_result *res,
                    struct mt_err *err)
{
    struct extractor x;
    char tmpl[PATH_MAX];
    int r = 0;

    memset(res, 0, sizeof(*res));
    memset(&x, 0, sizeof(x));
    x.archive = archive;
    x.root = x.cached_fd = -1;
    x.max_entry = o->max_entry_bytes ? o->max_entry_bytes : EXTRACT_DEFAULT_MAX_ENTRY;
    x.max_total = o->max_total_bytes ? o->max_total_bytes : EXTRACT_DEFAULT_MAX_TOTAL;
    x.res = res;
    x.err = err;

    if (access(archive, R_OK) < 0)
        return mt_err_errno(err, -errno, "%s: cannot open", archive);
    if ((size_t)snprintf(tmpl, sizeof(tmpl), "%s/%s.XXXXXX", o->parent, o->prefix ? o->prefix : "staging") >=
        sizeof(tmpl))
        return mt_err_set(err, -ENAMETOOLONG, "%s: staging path too long", o->parent);
    if (!mkdtemp(tmpl))
        return mt_err_errno(err, -errno, "%s: cannot create a staging directory", o->parent);
    snprintf(res->staging, sizeof(res->staging), "%s", tmpl);
    x.root = open(tmpl, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (x.root < 0)
        r = mt_err_errno(err, -errno, "%s: cannot open the staging directory", tmpl);
    else
        r = extract_walk(archive, extract_entry_cb, &x, o, res->sha256, &res->archive_bytes, err);
    if (x.cached_fd >= 0)
        close(x.cached_fd);
    if (x.root >= 0)
        close(x.root);
    if (r < 0) {
        dirs_remove_tree(res->staging);
        res->staging[0] = '\0';
    }
    return r;
}
