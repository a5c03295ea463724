/* iso: remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO. */
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "remaster.h"
#include "verbopts.h"

static int cmd_iso(struct image_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        VERBOPTS_LONG, {"no-isolinux", no_argument, NULL, 'N'}, {NULL, 0, NULL, 0},
    };
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    char header[512];
    int c, r;

    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (verbopts_take(&v, c, optarg))
            continue;
        if (c == 'N') {
            ro.no_isolinux = true;
            continue;
        }
        fprintf(stderr, "usage: mt-image iso %s\n", image_verb_iso.usage);
        return 2;
    }
    if (optind < argc) {
        fprintf(stderr, "mt-image iso: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((r = verbopts_finish(&v, "iso")) != 0)
        return r;
    snprintf(header, sizeof(header), "mt-image %s iso: from %s%s%s", MT_IMAGE_VERSION, v.base,
             v.m.cs_host ? ", configuration server " : "", v.m.cs_host ? v.m.cs_host : "");
    v.m.header = header;
    if ((r = verbopts_run(ctx, &v, &ro, "iso", iso_remaster, &res)) != 0)
        return r;
    if ((res.base_uefi || res.base_mbr) && ctx->verbosity >= 0)
        fprintf(stderr, "mt-image iso: warning: %s has %s%s%s; %s does not keep %s: it boots by BIOS from a CD "
                        "only. BIOS is the supported firmware (msdos label, boot loader on the root partition): "
                        "set the VM to BIOS (VM Options > Boot Options > Firmware: BIOS) and boot it from its CD "
                        "drive\n",
                v.base, res.base_uefi ? "a UEFI El Torito boot entry" : "",
                res.base_uefi && res.base_mbr ? " and " : "",
                res.base_mbr ? "an isohybrid MBR (boot from a USB stick)" : "", v.out,
                res.base_uefi && res.base_mbr ? "them" : "it");
    if (ctx->verbosity >= 0) {
        printf("%s: %llu files from %s (volume \"%s\") and the mt/ media, %llu MiB\n", v.out,
               (unsigned long long)res.files, v.base, res.volume_id,
               (unsigned long long)(res.bytes_out >> 20));
        if (res.isolinux)
            printf("boot: %s, default entry \"mt\": %s with ks=cdrom:/mt/ks.cfg\n", res.boot_image,
                   res.kernel);
        else
            printf("boot: the base's own boot image %s kept; boot with ks=cdrom:/mt/ks.cfg by hand\n",
                   res.boot_image);
    }
    return 0;
}

const struct image_verb image_verb_iso = {
    "iso", cmd_iso,
    "--base BOOT.ISO --out OUT.ISO [--ks FILE] [--payload DIR] [--agent BIN] [--rootfs DIR]\n"
    "           [--cs HOST] [--rootpw-file FILE] [--append ARGS] [--title TEXT] [--no-isolinux]\n"
    "           [--force-agent]",
    "remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO"};
