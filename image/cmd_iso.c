/* iso: placeholder until the kickstart/image issue lands. */
#include <stdio.h>

#include "image.h"

static int cmd_iso(struct image_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    fprintf(stderr, "mt-image iso: not implemented yet\n");
    return 1;
}

const struct image_verb image_verb_iso = {
    "iso", cmd_iso, "--base BOOT.ISO --out OUT.ISO [--ks FILE] [--payload DIR] [--cs HOST ...]",
    "remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO"};
