/* ova: the master-target VM template (OVA) around the installer ISO. */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image.h"
#include "inputcheck.h"
#include "ova.h"
#include "verbopts.h"
#include "say.h"

/* Below the sizing mt-agent check's host.resources wants: allowed (a lab box), said. */
static void warn_sizing(const struct ovf_spec *s)
{
    struct mt_config cfg;

    config_defaults(&cfg);
    if (s->cpus < cfg.check.min_cpus)
        image_say("mt-image ova: warning: --cpus %u is below the %u vCPUs mt-agent check (host.resources) "
                        "wants\n", s->cpus, cfg.check.min_cpus);
    if (s->memory_mib < cfg.check.min_ram_mib)
        image_say("mt-image ova: warning: --memory-mib %u is below the %u MiB mt-agent check "
                        "(host.resources) wants\n", s->memory_mib, cfg.check.min_ram_mib);
    if (s->os_disk_gib < cfg.check.min_os_disk_gib)
        image_say("mt-image ova: warning: --os-disk-gib %u is below the %u GiB mt-agent check "
                        "(host.resources) wants\n", s->os_disk_gib, cfg.check.min_os_disk_gib);
    if (s->retention_gib < cfg.check.min_retention_gib)
        image_say("mt-image ova: warning: --retention-gib %u is below the %u GiB the sizing of a master "
                        "target quotes\n", s->retention_gib, cfg.check.min_retention_gib);
}

#define AT(f) .offset = offsetof(struct image_args, f)
static const struct opt OVA_OPTS[] = {
    {.name = "iso", .kind = OPT_HOST_PATH, .arg = "INSTALLER.ISO", AT(iso), .flags = OPT_REQUIRED,
     .help = "the installer ISO mt-image iso wrote"},
    {.name = "out", .kind = OPT_HOST_PATH, .arg = "MT.OVA", AT(out), .flags = OPT_REQUIRED, .help = "the OVA to write"},
    {.name = "name", .kind = OPT_STRING, .arg = "NAME", AT(name),
     .help = "the VM's and the files' name (default master-target)"},
    {.name = "cpus", .kind = OPT_NUMBER, .arg = "N", AT(cpus), .min = 1, .max = OVF_MAX_CPUS,
     .help = "vCPUs (default 4)"},
    {.name = "memory-mib", .kind = OPT_NUMBER, .arg = "N", AT(memory_mib), .min = OVF_MIN_MEMORY_MIB,
     .max = OVF_MAX_MEMORY_MIB, .help = "memory in MiB, a multiple of 4 (default 6144)"},
    {.name = "os-disk-gib", .kind = OPT_NUMBER, .arg = "N", AT(os_disk_gib), .min = 1, .max = OVF_MAX_DISK_GIB,
     .help = "the OS disk, created empty at deployment (default 100)"},
    {.name = "retention-gib", .kind = OPT_NUMBER, .arg = "N", AT(retention_gib), .min = OVF_MIN_RETENTION_GIB,
     .max = OVF_MAX_DISK_GIB, .help = "the retention disk, created empty at deployment (default 1024)"},
    {.name = "network", .kind = OPT_STRING, .arg = "NAME", AT(network),
     .help = "the network of the NIC (default \"VM Network\")"},
    {.name = "sign", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "KEY.pem", AT(sign_key),
     .help = "sign the manifest with this unencrypted RSA key (with --cert)"},
    {.name = "cert", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "CERT.pem", AT(sign_cert), .help = "the key's X.509 certificate"},
    OPT_END,
};
#undef AT
static const struct opt *const OVA_TABLES[] = {OVA_OPTS, NULL};

/* The job's options from the parsed arguments and the defaults. */
static void ova_options(const struct image_args *a, struct ova_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->iso = a->iso.real;
    o->out = a->out.real;
    o->spec.name = a->name ? a->name : "master-target";
    o->spec.network = a->network ? a->network : OVF_DEFAULT_NETWORK;
    o->spec.cpus = a->cpus ? (unsigned)a->cpus : OVF_DEFAULT_CPUS;
    o->spec.memory_mib = a->memory_mib ? (unsigned)a->memory_mib : OVF_DEFAULT_MEMORY_MIB;
    o->spec.os_disk_gib = a->os_disk_gib ? (unsigned)a->os_disk_gib : OVF_DEFAULT_OS_DISK_GIB;
    o->spec.retention_gib = a->retention_gib ? (unsigned)a->retention_gib : OVF_DEFAULT_RETENTION_GIB;
    o->sign_key = a->sign_key.real;
    o->sign_cert = a->sign_cert.real;
}

static int cmd_ova(struct image_ctx *ctx, struct image_args *a)
{
    struct ova_opts o;
    struct ova_job *job;
    struct ova_result res;
    struct mt_err err = {0};
    char generator[512];
    int r;

    ova_options(a, &o);
    /* the paths are judged by ova_prepare, before any work */
    if (input_text("ova", "name", a->name, 0) || input_text("ova", "network", a->network, 0))
        return 2;
    snprintf(generator, sizeof(generator), "mt-image %s ova: from %s", MT_IMAGE_VERSION, o.iso);
    o.generator = generator;
    o.progress = verbopts_progress;
    o.progress_arg = ctx;
    if (ova_prepare(&o, &job, &err) < 0) {
        image_say("mt-image ova: %s\n", err.msg);
        return 2;
    }
    if (ctx->verbosity >= 0)
        warn_sizing(&o.spec);
    r = ova_write(job, &res, &err);
    verbopts_progress_end(ctx);
    if (r < 0) {
        image_say("mt-image ova: %s\n", err.msg);
        return 1;
    }
    if (ctx->verbosity >= 0) {
        printf("%s: %s, %s%s%s, %s (%llu MiB, volume \"%s\"): %llu bytes\n", o.out, res.ovf_name, res.mf_name,
               res.signed_ ? ", " : "", res.signed_ ? res.cert_name : "", res.iso_name,
               (unsigned long long)(res.iso_bytes >> 20), res.iso_volume_id, (unsigned long long)res.ova_bytes);
        printf("VM %s: %u vCPUs, %u MiB, pvscsi with an OS disk of %u GiB (0:0) and a retention disk of %u GiB "
               "(0:1), created empty at deployment; the ISO on an IDE CD-ROM; vmxnet3 on \"%s\"; BIOS; "
               "disk.EnableUUID = TRUE\n",
               o.spec.name, o.spec.cpus, o.spec.memory_mib, o.spec.os_disk_gib, o.spec.retention_gib,
               o.spec.network);
        if (ctx->verbosity > 0)
            printf("SHA256(%s)= %s\nSHA256(%s)= %s\n", res.ovf_name, res.ovf_sha256, res.iso_name, res.iso_sha256);
    }
    return 0;
}

const struct image_verb image_verb_ova = {
    "ova", cmd_ova, OVA_TABLES, "a VM template (OVA) for vSphere: the installer ISO, the sizing, disk.EnableUUID = TRUE",
    "Writes an OVA (OVF 1.x descriptor, manifest, optional signature) whose VM boots the installer ISO:\n"
    "pvscsi with an OS disk and a retention disk created empty at deployment, vmxnet3, BIOS,\n"
    "disk.EnableUUID = TRUE.\n",
};
