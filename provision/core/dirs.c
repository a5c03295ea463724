/* dirs: see dirs.h. */
#define _XOPEN_SOURCE 700
#include "dirs.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int dirs_make(const char *path, mode_t mode)
{
    char p[PATH_MAX];
    size_t i;

    if ((size_t)snprintf(p, sizeof(p), "%s", path) >= sizeof(p))
        return -ENAMETOOLONG;
    for (i = 1; p[i]; i++) {
        if (p[i] != '/')
            continue;
        p[i] = '\0';
        if (mkdir(p, 0755) < 0 && errno != EEXIST)
            return -errno;
        p[i] = '/';
    }
    if (mkdir(p, mode) < 0 && errno != EEXIST)
        return -errno;
    return 0;
}

int dirs_make_parent(const char *path, mode_t mode)
{
    char dir[PATH_MAX], *slash;

    if ((size_t)snprintf(dir, sizeof(dir), "%s", path) >= sizeof(dir))
        return -ENAMETOOLONG;
    slash = strrchr(dir, '/');
    if (!slash || slash == dir)
        return 0;
    *slash = '\0';
    return dirs_make(dir, mode);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    if (remove(path) < 0 && errno != ENOENT)
        return -errno;
    return 0;
}

int dirs_remove_tree(const char *dir)
{
    int r;

    if (!dir || !*dir)
        return 0;
    r = nftw(dir, remove_entry, 32, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
    if (r < 0)
        return errno == ENOENT ? 0 : -errno;
    return r > 0 ? -r : r;
}
