/* pxetree: what makes a directory mt-image pxe's own, so that --force replaces
 * that and nothing else.
 *
 * The rule: mt-image pxe writes DIR/.mt-image-pxe (PXE_TREE_MARK) at the top of
 * every tree it builds, listing every path it wrote there (one a line, relative
 * to DIR, directories too). --force may remove DIR only when that marker is
 * there and DIR holds nothing it does not list: a directory that mt-image did
 * not write (no marker: /srv, $HOME), or one the operator added to since (a
 * file dropped into http/), is refused and kept as it is. A marker alone is not
 * enough (it could be copied into a foreign directory); the listing is what
 * proves that removing DIR loses nothing but mt-image's own output, which the
 * run rebuilds. */
#ifndef MT_PXETREE_H
#define MT_PXETREE_H

#include "mterr.h"

#define PXE_TREE_MARK ".mt-image-pxe"

/* Write TREE/.mt-image-pxe listing everything under tree. 0 or -errno. */
int pxe_tree_mark(const char *tree, struct mt_err *err);

/* Is dir a tree pxe_tree_mark described, holding nothing else? 0; -EPERM with
 * err naming dir and what was found (no marker, or the first path not listed
 * and how many there are); -errno when it cannot be read. */
int pxe_tree_owned(const char *dir, struct mt_err *err);

#endif
