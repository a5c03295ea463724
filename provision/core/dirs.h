/* dirs: making and removing directory trees (mkdir -p, rm -r), on paths this
 * process opens (resolved already: nothing here consults --root). */
#ifndef MT_DIRS_H
#define MT_DIRS_H

#include <sys/types.h>

/* mkdir -p: every missing component of `path` with mode 0755, the last one
 * with `mode` (an existing one is left as it is). 0, -ENAMETOOLONG, or the
 * -errno of the mkdir that failed. */
int dirs_make(const char *path, mode_t mode);

/* dirs_make of the directory that holds `path` ("/a/b/c" -> "/a/b"). */
int dirs_make_parent(const char *path, mode_t mode);

/* rm -r: the tree at `dir`, depth first, not following links nor crossing
 * mount points. 0 (also when it does not exist) or -errno. */
int dirs_remove_tree(const char *dir);

#endif
