/* rootpath: see rootpath.h. The resolver walks the path one component at a
 * time, the way the kernel would inside a chroot, because a lexical clean-up
 * alone cannot see a symbolic link that points out of the tree. */
#include "rootpath.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define RP_MAX_LINKS 40

static char g_root[PATH_MAX] = "/";

int rootpath_set(const char *root)
{
    struct stat st;
    size_t n;

    if (!root || !*root || strcmp(root, "/") == 0) {
        strcpy(g_root, "/");
        return 0;
    }
    if (stat(root, &st) < 0)
        return -errno;
    if (!S_ISDIR(st.st_mode))
        return -ENOTDIR;
    if (!realpath(root, g_root))
        return -errno;
    n = strlen(g_root);
    while (n > 1 && g_root[n - 1] == '/')
        g_root[--n] = '\0';
    return 0;
}

const char *rootpath_root(void)
{
    return g_root;
}

bool rootpath_is_host(void)
{
    return strcmp(g_root, "/") == 0;
}

/* Drop the last component of the relative path in `work` (length *wlen). */
static void pop_component(char *work, size_t *wlen)
{
    while (*wlen > 0 && work[*wlen - 1] != '/')
        (*wlen)--;
    if (*wlen > 0)
        (*wlen)--; /* the separating slash */
    work[*wlen] = '\0';
}

/* The walk's state: what is resolved so far (relative to root, no leading
 * slash), what is still to walk, and the links followed. */
struct walk {
    const char *root;
    size_t rootlen;
    char work[PATH_MAX];
    size_t wlen;
    char rest[PATH_MAX];
    int links;
    bool exists;          /* every component so far exists (else the rest is taken as written) */
};

/* The component just appended to w->work: when it is a link to follow, splice
 * its target before the rest (an absolute one starts again at the root).
 * 0 or -errno (-ELOOP, -ENAMETOOLONG). */
static int follow_link(struct walk *w, int flags)
{
    char full[PATH_MAX], target[PATH_MAX], tmp[PATH_MAX];
    struct stat st;
    bool last = true;
    ssize_t tl;
    size_t rl;
    const char *p;

    for (p = w->rest; *p; p++)
        if (*p != '/') {
            last = false;
            break;
        }
    if ((size_t)snprintf(full, sizeof(full), "%.*s/%s", (int)w->rootlen, w->root, w->work) >= sizeof(full))
        return -ENAMETOOLONG;
    if (lstat(full, &st) < 0) {
        w->exists = false;
        return 0;
    }
    if (!S_ISLNK(st.st_mode) || (last && (flags & RP_NOFOLLOW)))
        return 0;
    if (++w->links > RP_MAX_LINKS)
        return -ELOOP;
    tl = readlink(full, target, sizeof(target) - 1);
    if (tl < 0)
        return -errno;
    target[tl] = '\0';
    rl = strlen(w->rest);
    if ((size_t)tl + 1 + rl >= sizeof(w->rest))
        return -ENAMETOOLONG;
    /* the link replaces its own component: splice target before rest */
    memcpy(tmp, target, (size_t)tl);
    tmp[tl] = '/';
    memcpy(tmp + tl + 1, w->rest, rl + 1);
    memcpy(w->rest, tmp, (size_t)tl + 1 + rl + 1);
    pop_component(w->work, &w->wlen);
    if (target[0] == '/') {
        w->wlen = 0;
        w->work[0] = '\0';
    }
    return 0;
}

/* Take the next component off w->rest: "." is dropped, ".." pops (never above
 * the root), a name is appended to w->work. 1 when a name was appended, 0 when
 * not, -ENAMETOOLONG. */
static int next_component(struct walk *w)
{
    char *p = w->rest, *comp, *next;
    size_t clen;

    while (*p == '/')
        p++;
    if (!*p) {
        w->rest[0] = '\0';
        return 0;
    }
    comp = p;
    next = strchr(comp, '/');
    clen = next ? (size_t)(next - comp) : strlen(comp);
    if (clen == 2 && comp[0] == '.' && comp[1] == '.')
        pop_component(w->work, &w->wlen);
    if ((clen == 1 && comp[0] == '.') || (clen == 2 && comp[0] == '.' && comp[1] == '.')) {
        memmove(w->rest, comp + clen, strlen(comp + clen) + 1);
        return 0;
    }
    if (w->wlen + 1 + clen >= sizeof(w->work))
        return -ENAMETOOLONG;
    if (w->wlen)
        w->work[w->wlen++] = '/';
    memcpy(w->work + w->wlen, comp, clen);
    w->wlen += clen;
    w->work[w->wlen] = '\0';
    memmove(w->rest, comp + clen, strlen(comp + clen) + 1);
    return 1;
}

int rootpath_resolve_in(const char *root, const char *path, char *out, size_t outlen, int flags)
{
    struct walk w;
    int r;

    if (!path || path[0] != '/')
        return -EINVAL;
    if (strlen(path) >= sizeof(w.rest))
        return -ENAMETOOLONG;
    memset(&w, 0, sizeof(w));
    w.root = root;
    w.rootlen = strcmp(root, "/") == 0 ? 0 : strlen(root);
    w.exists = true;
    strcpy(w.rest, path);
    while (w.rest[0]) {
        r = next_component(&w);
        if (r > 0 && w.exists)
            r = follow_link(&w, flags);
        if (r < 0)
            return r;
    }
    if (w.rootlen == 0)
        r = snprintf(out, outlen, "/%s", w.work);
    else if (w.wlen == 0)
        r = snprintf(out, outlen, "%s", root);
    else
        r = snprintf(out, outlen, "%s/%s", root, w.work);
    return r < 0 || (size_t)r >= outlen ? -ENAMETOOLONG : 0;
}

int rootpath_resolve(const char *path, char *out, size_t outlen, int flags)
{
    return rootpath_resolve_in(g_root, path, out, outlen, flags);
}

/* On the host the kernel's own lookup is the walk above, done in one system
 * call instead of an lstat per component (an inventory reads thousands of
 * sysfs attributes); a relative path still goes to the resolver (-EINVAL). */
static bool host_direct(const char *path)
{
    return rootpath_is_host() && path && path[0] == '/';
}

int rootpath_open(const char *path, int flags, mode_t mode)
{
    char real[PATH_MAX];
    int r;

    if (host_direct(path))
        return open(path, flags | O_CLOEXEC, mode);
    r = rootpath_resolve(path, real, sizeof(real), 0);

    if (r < 0) {
        errno = -r;
        return -1;
    }
    return open(real, flags | O_CLOEXEC, mode);
}

int rootpath_stat(const char *path, struct stat *st)
{
    char real[PATH_MAX];
    int r;

    if (host_direct(path))
        return stat(path, st);
    if ((r = rootpath_resolve(path, real, sizeof(real), 0)) < 0) {
        errno = -r;
        return -1;
    }
    return stat(real, st);
}

ssize_t rootpath_readlink(const char *path, char *buf, size_t len)
{
    char real[PATH_MAX];
    const char *p = path;
    ssize_t n;
    int r;

    if (len < 2) {
        errno = EINVAL;
        return -1;
    }
    if (!host_direct(path)) {
        if ((r = rootpath_resolve(path, real, sizeof(real), RP_NOFOLLOW)) < 0) {
            errno = -r;
            return -1;
        }
        p = real;
    }
    if ((n = readlink(p, buf, len - 1)) < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

FILE *rootpath_fopen(const char *path, const char *mode)
{
    char real[PATH_MAX];
    int r = rootpath_resolve(path, real, sizeof(real), 0);

    if (r < 0) {
        errno = -r;
        return NULL;
    }
    return fopen(real, mode);
}

/* Read fd into a new buffer: at most max bytes; a byte more is -EFBIG unless
 * `head` (the first max bytes are all that is wanted). */
static ssize_t read_fd(int fd, size_t max, bool head, char **out)
{
    size_t len = 0, cap = max < 4096 ? max : 4096;
    char *buf = malloc(cap + 1), probe;
    ssize_t n;

    if (!buf)
        return -ENOMEM;
    for (;;) {
        if (len == cap && cap < max) {
            char *nb;
            cap = cap * 2 > max ? max : cap * 2;
            if (!(nb = realloc(buf, cap + 1))) {
                free(buf);
                return -ENOMEM;
            }
            buf = nb;
        }
        /* full: one byte more says whether the file went on */
        n = len == cap ? read(fd, &probe, 1) : read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || (n > 0 && len == cap && !head)) {
            int e = n < 0 ? errno : EFBIG;
            free(buf);
            return -e;
        }
        if (n == 0 || len == cap)
            break;
        len += (size_t)n;
    }
    buf[len] = '\0';
    *out = buf;
    return (ssize_t)len;
}

/* Open a file of the box for reading: a regular file, or -EISDIR / -EINVAL. */
static int open_regular(const char *path)
{
    /* O_NONBLOCK: a FIFO planted at a path of the box (a fixture tree, /etc)
     * must not hang the agent; it has no effect on the regular files (sysfs
     * attributes and /proc entries are regular files too) read below */
    int fd = rootpath_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0), e;
    struct stat st;

    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0)
        e = errno;
    else if (!S_ISREG(st.st_mode))
        e = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
    else
        return fd;
    close(fd);
    return -e;
}

static ssize_t read_file(const char *path, char **out, size_t max, bool head)
{
    int fd = open_regular(path);
    ssize_t n;

    *out = NULL;
    if (fd < 0)
        return fd;
    n = read_fd(fd, max, head, out);
    close(fd);
    return n;
}

ssize_t rootpath_read_file(const char *path, char **out, size_t max)
{
    return read_file(path, out, max, false);
}

ssize_t rootpath_read_head(const char *path, char **out, size_t max)
{
    return read_file(path, out, max, true);
}

int rootpath_read_line(const char *path, char *buf, size_t buflen)
{
    char *data, *nl;
    ssize_t n = rootpath_read_file(path, &data, 65536);
    size_t len;

    if (n < 0)
        return (int)n;
    nl = strchr(data, '\n');
    if (nl)
        *nl = '\0';
    len = strlen(data);
    while (len > 0 && (data[len - 1] == ' ' || data[len - 1] == '\t' || data[len - 1] == '\r'))
        data[--len] = '\0';
    if (len >= buflen) {
        free(data);
        return -ENAMETOOLONG;
    }
    memcpy(buf, data, len + 1);
    free(data);
    return 0;
}
