/* pxetree: see pxetree.h. */
#define _GNU_SOURCE
#include "pxetree.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MARK_HEADER "# mt-image pxe wrote this tree: every path it holds is listed below. mt-image pxe --force\n" \
                    "# replaces the tree only while it holds nothing else.\n"

/* nftw has no argument for its callback: the walk's state, one walk at a time. */
static struct {
    const char *top;
    size_t toplen;
    FILE *out;          /* marking: where the list goes */
    char **names;       /* checking: the sorted list */
    size_t n;
    char first[PATH_MAX]; /* checking: the first path not listed */
    size_t foreign;
} g_walk;

static const char *rel_of(const char *fpath)
{
    const char *rel = fpath + g_walk.toplen;
    while (*rel == '/')
        rel++;
    return rel;
}

static int mark_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    const char *rel = rel_of(fpath);
    (void)st;
    (void)type;
    if (ftw->level == 0 || !strcmp(rel, PXE_TREE_MARK))
        return 0;
    return fprintf(g_walk.out, "%s\n", rel) < 0 ? 1 : 0;
}

int pxe_tree_mark(const char *tree, struct mt_err *err)
{
    char path[PATH_MAX];
    int r = 0;

    snprintf(path, sizeof(path), "%s/%s", tree, PXE_TREE_MARK);
    if (!(g_walk.out = fopen(path, "we")))
        return mt_err_errno(err, -errno, "%s", path);
    g_walk.top = tree;
    g_walk.toplen = strlen(tree);
    fputs(MARK_HEADER, g_walk.out);
    if (nftw(tree, mark_one, 16, FTW_PHYS) != 0)
        r = mt_err_errno(err, errno ? -errno : -EIO, "%s: listing the tree", path);
    if (fclose(g_walk.out) != 0 && r == 0)
        r = mt_err_errno(err, -errno, "%s", path);
    g_walk.out = NULL;
    return r;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The marker's list, sorted. 0, -ENOENT (no marker), -errno. */
static int load_list(const char *dir, struct mt_err *err)
{
    char path[PATH_MAX], *line = NULL;
    size_t cap = 0, alloc = 0;
    ssize_t n;
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, PXE_TREE_MARK);
    if (!(f = fopen(path, "re")))
        return errno == ENOENT ? -ENOENT : mt_err_errno(err, -errno, "%s", path);
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n == 0 || line[0] == '#')
            continue;
        if (g_walk.n == alloc) {
            char **v = realloc(g_walk.names, (alloc = alloc ? 2 * alloc : 256) * sizeof(*v));
            if (!v)
                break;
            g_walk.names = v;
        }
        if (!(g_walk.names[g_walk.n] = strdup(line)))
            break;
        g_walk.n++;
    }
    free(line);
    n = ferror(f) || !feof(f);
    fclose(f);
    if (n)
        return mt_err_set(err, -ENOMEM, "%s: cannot read the list (out of memory or a read error)", path);
    qsort(g_walk.names, g_walk.n, sizeof(char *), cmp_str);
    return 0;
}

static int check_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    const char *rel = rel_of(fpath);
    (void)st;
    (void)type;
    if (ftw->level == 0 || !strcmp(rel, PXE_TREE_MARK))
        return 0;
    if (bsearch(&rel, g_walk.names, g_walk.n, sizeof(char *), cmp_str))
        return 0;
    if (g_walk.foreign++ == 0)
        snprintf(g_walk.first, sizeof(g_walk.first), "%s", rel);
    return 0;
}

int pxe_tree_owned(const char *dir, struct mt_err *err)
{
    size_t i;
    int r;

    memset(&g_walk, 0, sizeof(g_walk));
    g_walk.top = dir;
    g_walk.toplen = strlen(dir);
    r = load_list(dir, err);
    if (r == -ENOENT)
        r = mt_err_set(err, -EPERM, "%s: exists and has no %s: mt-image pxe did not write it, --force does not "
                       "replace it; give another --out or empty it yourself", dir, PXE_TREE_MARK);
    else if (r == 0 && nftw(dir, check_one, 16, FTW_PHYS) != 0)
        r = mt_err_errno(err, errno ? -errno : -EIO, "%s: reading the tree", dir);
    else if (r == 0 && g_walk.foreign)
        r = mt_err_set(err, -EPERM, "%s: holds %zu path%s mt-image pxe did not write (%s%s): --force does not "
                       "replace it; move them out, or give another --out", dir, g_walk.foreign,
                       g_walk.foreign == 1 ? "" : "s", g_walk.first, g_walk.foreign > 1 ? ", ..." : "");
    for (i = 0; i < g_walk.n; i++)
        free(g_walk.names[i]);
    free(g_walk.names);
    memset(&g_walk, 0, sizeof(g_walk));
    return r;
}
