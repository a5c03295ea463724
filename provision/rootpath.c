/* rootpath: see rootpath.h. The resolver walks the path one component at a
 * time, the way the kernel would inside a chroot, because a lexical clean-up
 * alone cannot see a symbolic link that points out of the tree. */
#include "rootpath.h"

#include <errno.h>
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

int rootpath_resolve_in(const char *root, const char *path, char *out, size_t outlen, int flags)
{
    char work[PATH_MAX];   /* resolved so far, relative to root, no leading slash */
    char rest[PATH_MAX];   /* still to walk */
    char full[PATH_MAX];
    char target[PATH_MAX];
    size_t wlen = 0, rootlen;
    int links = 0;
    bool exists = true;

    if (!path || path[0] != '/')
        return -EINVAL;
    if (strlen(path) >= sizeof(rest))
        return -ENAMETOOLONG;
    strcpy(rest, path);
    work[0] = '\0';
    rootlen = strcmp(root, "/") == 0 ? 0 : strlen(root);

    while (rest[0]) {
        char *p = rest, *comp, *next;
        size_t clen;

        while (*p == '/')
            p++;
        if (!*p)
            break;
        comp = p;
        next = strchr(comp, '/');
        clen = next ? (size_t)(next - comp) : strlen(comp);

        if (clen == 1 && comp[0] == '.') {
            memmove(rest, comp + clen, strlen(comp + clen) + 1);
            continue;
        }
        if (clen == 2 && comp[0] == '.' && comp[1] == '.') {
            pop_component(work, &wlen);
            memmove(rest, comp + clen, strlen(comp + clen) + 1);
            continue;
        }
        if (wlen + 1 + clen >= sizeof(work))
            return -ENAMETOOLONG;
        if (wlen)
            work[wlen++] = '/';
        memcpy(work + wlen, comp, clen);
        wlen += clen;
        work[wlen] = '\0';
        memmove(rest, comp + clen, strlen(comp + clen) + 1);

        if (!exists)
            continue;
        {
            struct stat st;
            bool last = true;
            ssize_t tl;

            for (p = rest; *p; p++)
                if (*p != '/') {
                    last = false;
                    break;
                }
            if ((size_t)snprintf(full, sizeof(full), "%.*s/%s", (int)rootlen, root, work) >= sizeof(full))
                return -ENAMETOOLONG;
            if (lstat(full, &st) < 0) {
                exists = false;
                continue;
            }
            if (!S_ISLNK(st.st_mode) || (last && (flags & RP_NOFOLLOW)))
                continue;
            if (++links > RP_MAX_LINKS)
                return -ELOOP;
            tl = readlink(full, target, sizeof(target) - 1);
            if (tl < 0)
                return -errno;
            target[tl] = '\0';
            if (tl + 1 + strlen(rest) >= sizeof(rest))
                return -ENAMETOOLONG;
            /* the link replaces its own component: splice target before rest */
            {
                char tmp[PATH_MAX];
                size_t rl = strlen(rest);
                memcpy(tmp, target, (size_t)tl);
                tmp[tl] = '/';
                memcpy(tmp + tl + 1, rest, rl + 1);
                memcpy(rest, tmp, (size_t)tl + 1 + rl + 1);
            }
            pop_component(work, &wlen);
            if (target[0] == '/') {
                wlen = 0;
                work[0] = '\0';
            }
        }
    }

    if (rootlen == 0) {
        if ((size_t)snprintf(out, outlen, "/%s", work) >= outlen)
            return -ENAMETOOLONG;
    } else if (wlen == 0) {
        if ((size_t)snprintf(out, outlen, "%s", root) >= outlen)
            return -ENAMETOOLONG;
    } else if ((size_t)snprintf(out, outlen, "%s/%s", root, work) >= outlen) {
        return -ENAMETOOLONG;
    }
    return 0;
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

ssize_t rootpath_read_file(const char *path, char **out, size_t max)
{
    /* O_NONBLOCK: a FIFO planted at a path of the box (a fixture tree, /etc)
     * must not hang the agent; it has no effect on the regular files (sysfs
     * attributes and /proc entries are regular files too) read below */
    int fd = rootpath_open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
    size_t len = 0, cap = 4096;
    struct stat st;
    char *buf;

    *out = NULL;
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
    }
    buf = malloc(cap + 1);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    for (;;) {
        ssize_t n;

        if (len == cap) {
            char *nb;
            if (cap >= max)
                break;
            cap = cap * 2 > max ? max : cap * 2;
            nb = realloc(buf, cap + 1);
            if (!nb) {
                free(buf);
                close(fd);
                return -ENOMEM;
            }
            buf = nb;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0) {
            int e = errno;
            if (e == EINTR)
                continue;
            free(buf);
            close(fd);
            return -e;
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    *out = buf;
    return (ssize_t)len;
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
