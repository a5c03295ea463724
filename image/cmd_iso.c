/* iso: remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "hosts.h"
#include "image.h"
#include "inputcheck.h"
#include "remaster.h"
#include "verbopts.h"
#include "say.h"

#define AT(f) .offset = offsetof(struct image_args, f)
static const struct opt ISO_OPTS[] = {
    {.name = "no-isolinux", .kind = OPT_FLAG, AT(no_isolinux),
     .help = "keep the base's own boot image; boot with ks=cdrom:/mt/ks.cfg by hand"},
    {.name = "hosts", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(hosts),
     .help = "CSV " HOSTS_COLUMNS " (with --host)"},
    {.name = "host", .kind = OPT_STRING, .arg = "NAME", AT(host),
     .help = "the default entry boots with that host's ip=, netmask=, gateway=, dns=, hostname=, mt.disk=, "
             "ksdevice=MAC"},
    OPT_END,
};
#undef AT
static const struct opt *const ISO_TABLES[] = {IMAGE_MEDIA_OPTS, ISO_OPTS, NULL};

/* --hosts FILE --host NAME: the host the ISO's default entry boots as. 0 or 2 (message printed). */
static int iso_host(const struct image_args *a, const struct verbopts *v, struct remaster_opts *ro,
                    struct hosts *hosts)
{
    const char *file = a->hosts.real;

    if (!file != !a->host) {
        image_say("mt-image iso: --hosts FILE and --host NAME go together (the host whose network "
                        "and disk the ISO boots with)\n");
        return 2;
    }
    if (!file)
        return 0;
    if (ro->no_isolinux) {
        image_say("mt-image iso: --host needs the mt boot entry: it cannot go with --no-isolinux\n");
        return 2;
    }
    if (image_load_hosts("iso", file, v->append, hosts) != 0)
        return 2;
    if (!(ro->host = hosts_find(hosts, a->host))) {
        image_say("mt-image iso: %s: no host named %s (by hostname or MAC); it lists %zu, the first %s\n",
                file, a->host, hosts->n, hosts->v[0].hostname);
        hosts_free(hosts);
        return 2;
    }
    return 0;
}

static int cmd_iso(struct image_ctx *ctx, struct image_args *a)
{
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    struct hosts hosts = {NULL, 0};
    char header[512];
    int r;

    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    ro.no_isolinux = a->no_isolinux;
    if ((r = input_out_outside("iso", a->out.real, a->payload.real)) != 0 ||
        (r = verbopts_finish(&v, a, "iso")) != 0)
        return r;
    if ((r = iso_host(a, &v, &ro, &hosts)) != 0)
        return r;
    snprintf(header, sizeof(header), "mt-image %s iso: from %s%s%s", MT_IMAGE_VERSION, v.base,
             v.m.cs_host ? ", configuration server " : "", v.m.cs_host ? v.m.cs_host : "");
    v.m.header = header;
    r = verbopts_run(ctx, &v, &ro, "iso", iso_remaster, &res);
    if (r == 0 && ro.host && ctx->verbosity >= 0)
        printf("host %s (%s, line %u of %s): %s on the NIC with that MAC (ksdevice=), mt.disk=%s baked into the "
               "default entry\n", ro.host->hostname, ro.host->mac, ro.host->line, a->hosts.given, ro.host->ip,
               ro.host->disk[0] ? ro.host->disk : "(first disk)");
    hosts_free(&hosts);
    if (r != 0)
        return r;
    if ((res.base_uefi || res.base_mbr) && ctx->verbosity >= 0)
        image_say("mt-image iso: warning: %s has %s%s%s; %s does not keep %s: it boots by BIOS from a CD "
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
