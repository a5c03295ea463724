/* iso: remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "remaster.h"
#include "verbopts.h"

static const struct opt ISO_OPTS[] = {
    {.name = "no-isolinux", .kind = OPT_FLAG, .offset = offsetof(struct image_args, no_isolinux),
     .help = "keep the base's own boot image; boot with ks=cdrom:/mt/ks.cfg by hand"},
    OPT_END,
};
static const struct opt *const ISO_TABLES[] = {IMAGE_MEDIA_OPTS, ISO_OPTS, NULL};

static int cmd_iso(struct image_ctx *ctx, struct image_args *a)
{
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    char header[512];
    int r;

    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    ro.no_isolinux = a->no_isolinux;
    if ((r = verbopts_finish(&v, a, "iso")) != 0)
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
    "iso", cmd_iso, ISO_TABLES, "remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO",
    "Adds mt/ (kickstart, agent, rootfs.tar, payloads) to the base and makes the ISOLINUX entry \"mt\"\n"
    "(ks=cdrom:/mt/ks.cfg) the default; the kickstart installs from the CD.\n",
};
