/* pxe: a TFTP tree and an HTTP tree for a PXE install of the master target. */
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "remaster.h"
#include "verbopts.h"

static int cmd_pxe(struct image_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        VERBOPTS_LONG,
        {"url", required_argument, NULL, 'u'},
        {"repo", required_argument, NULL, 'R'},
        {"syslinux-dir", required_argument, NULL, 'S'},
        {"force", no_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    char header[512], install[2048];
    int c, r;

    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (verbopts_take(&v, c, optarg))
            continue;
        switch (c) {
        case 'u': ro.url = optarg; break;
        case 'R': ro.repo = optarg; break;
        case 'S': ro.syslinux_dir = optarg; break;
        case 'f': ro.force = true; break;
        default:
            fprintf(stderr, "usage: mt-image pxe %s\n", image_verb_pxe.usage);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mt-image pxe: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!ro.url) {
        fprintf(stderr, "mt-image pxe: --url is required (where the HTTP tree will be served from)\n");
        return 2;
    }
    if ((r = verbopts_finish(&v, "pxe")) != 0)
        return r;
    {
        size_t ul = strlen(ro.url);
        if (ro.repo)
            snprintf(install, sizeof(install), "%s", ro.repo);
        else
            snprintf(install, sizeof(install), "%.*s/os", (int)(ul && ro.url[ul - 1] == '/' ? ul - 1 : ul),
                     ro.url);
    }
    snprintf(header, sizeof(header), "mt-image %s pxe: from %s, served at %s%s%s", MT_IMAGE_VERSION,
             v.base, ro.url, v.m.cs_host ? ", configuration server " : "", v.m.cs_host ? v.m.cs_host : "");
    v.m.header = header;
    v.m.install_url = install;
    if ((r = verbopts_run(ctx, &v, &ro, "pxe", pxe_build, &res)) != 0)
        return r;
    if (ctx->verbosity >= 0) {
        printf("%s/tftp: pxelinux.0 (BIOS clients), ldlinux.c32, vmlinuz (%s), initrd.img (%s), pxelinux.cfg/default\n",
               v.out, res.kernel, res.initrd);
        printf("%s/http: mt/ (kickstart, agent, overlay, payloads)%s; serve it at %s\n", v.out,
               ro.repo ? "" : " and os/ (the base, the install source)", ro.url);
    }
    return 0;
}

const struct image_verb image_verb_pxe = {
    "pxe", cmd_pxe,
    "--base BOOT.ISO --out DIR --url http://... [--repo URL] [--syslinux-dir DIR] [--force]\n"
    "           [--ks FILE] [--payload DIR] [--agent BIN] [--rootfs DIR] [--cs HOST]\n"
    "           [--rootpw-file FILE] [--append ARGS] [--force-agent]",
    "build a TFTP tree and an HTTP tree for a PXE install"};
