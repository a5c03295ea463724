/* verbs: the table of mt-image verbs, in the order `mt-image --help` lists them. */
#include "image.h"
#include "arraysize.h"

static const struct image_verb *const VERBS[] = {&image_verb_iso, &image_verb_pxe, &image_verb_ova};

const struct image_verb *const *image_verb_table(size_t *n)
{
    *n = ARRAY_SIZE(VERBS);
    return VERBS;
}
