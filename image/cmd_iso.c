/* iso: remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO. */
#include <stdio.h>
#include <string.h>

#include "hosts.h"
#include "image.h"
#include "remaster.h"
#include "verbopts.h"

static int cmd_iso(struct image_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        VERBOPTS_LONG, {"no-isolinux", no_argument, NULL, 'N'},
        {"hosts", required_argument, NULL, 'H'}, {"host", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    struct hosts hosts = {NULL, 0};
    const char *hosts_file = NULL, *host = NULL;
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
        if (c == 'H' || c == 'n') {
            *(c == 'H' ? &hosts_file : &host) = optarg;
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
    if (!hosts_file != !host) {
        fprintf(stderr, "mt-image iso: --hosts FILE and --host NAME go together (the host whose network "
                        "and disk the ISO boots with)\n");
        return 2;
    }
    if (host && ro.no_isolinux) {
        fprintf(stderr, "mt-image iso: --host needs the mt boot entry: it cannot go with --no-isolinux\n");
        return 2;
    }
    if (hosts_file && (r = image_load_hosts("iso", hosts_file, v.append, &hosts)) != 0)
        return r;
    if (host && !(ro.host = hosts_find(&hosts, host))) {
        fprintf(stderr, "mt-image iso: %s: no host named %s (by hostname or MAC); it lists %zu, the first %s\n",
                hosts_file, host, hosts.n, hosts.v[0].hostname);
        hosts_free(&hosts);
        return 2;
    }
    snprintf(header, sizeof(header), "mt-image %s iso: from %s%s%s", MT_IMAGE_VERSION, v.base,
             v.m.cs_host ? ", configuration server " : "", v.m.cs_host ? v.m.cs_host : "");
    v.m.header = header;
    r = verbopts_run(ctx, &v, &ro, "iso", iso_remaster, &res);
    if (r == 0 && ro.host && ctx->verbosity >= 0)
        printf("host %s (%s, line %u of %s): %s, mt.disk=%s baked into the default entry\n", ro.host->hostname,
               ro.host->mac, ro.host->line, hosts_file, ro.host->ip, ro.host->disk[0] ? ro.host->disk : "(first disk)");
    hosts_free(&hosts);
    if (r != 0)
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
    "           [--force-agent] [--hosts FILE --host NAME]  the default entry boots with that\n"
    "           host's ip=, netmask=, gateway=, dns=, hostname=, mt.disk= (FILE: CSV " HOSTS_COLUMNS ")",
    "remaster a CentOS 6.6 boot ISO into the mt-agent installer ISO"};
