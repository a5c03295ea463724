/* pxe: placeholder until the kickstart/image issue lands. */
#include <stdio.h>

#include "image.h"

static int cmd_pxe(struct image_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    fprintf(stderr, "mt-image pxe: not implemented yet\n");
    return 1;
}

const struct image_verb image_verb_pxe = {
    "pxe", cmd_pxe, "--base BOOT.ISO --out DIR --url http://...",
    "build a TFTP tree and an HTTP tree for a PXE install"};
