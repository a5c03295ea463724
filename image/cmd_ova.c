/* ova: the master-target VM template (OVA) around the installer ISO. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image.h"
#include "ova.h"
#include "verbopts.h"

/* A decimal count for --cpus and the sizes: digits only, no sign, fits unsigned. */
static int parse_count(const char *opt, const char *s, unsigned *out)
{
    char *end;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (s[0] < '0' || s[0] > '9' || *end || errno || v > 0xffffffffUL) {
        fprintf(stderr, "mt-image ova: %s '%s': not a whole number\n", opt, s);
        return -1;
    }
    *out = (unsigned)v;
    return 0;
}

/* Below the sizing mt-agent check's host.resources wants: allowed (a lab box), said. */
static void warn_sizing(const struct ovf_spec *s)
{
    struct mt_config cfg;

    config_defaults(&cfg);
    if (s->cpus < cfg.check.min_cpus)
        fprintf(stderr, "mt-image ova: warning: --cpus %u is below the %u vCPUs mt-agent check (host.resources) "
                        "wants\n", s->cpus, cfg.check.min_cpus);
    if (s->memory_mib < cfg.check.min_ram_mib)
        fprintf(stderr, "mt-image ova: warning: --memory-mib %u is below the %u MiB mt-agent check "
                        "(host.resources) wants\n", s->memory_mib, cfg.check.min_ram_mib);
    if (s->os_disk_gib < cfg.check.min_os_disk_gib)
        fprintf(stderr, "mt-image ova: warning: --os-disk-gib %u is below the %u GiB mt-agent check "
                        "(host.resources) wants\n", s->os_disk_gib, cfg.check.min_os_disk_gib);
    if (s->retention_gib < cfg.check.min_retention_gib)
        fprintf(stderr, "mt-image ova: warning: --retention-gib %u is below the %u GiB the sizing of a master "
                        "target quotes\n", s->retention_gib, cfg.check.min_retention_gib);
}

static int parse_args(int argc, char **argv, struct ova_opts *o)
{
    static const struct option opts[] = {
        {"iso", required_argument, NULL, 'i'}, {"out", required_argument, NULL, 'o'},
        {"name", required_argument, NULL, 'n'}, {"cpus", required_argument, NULL, 'c'},
        {"memory-mib", required_argument, NULL, 'm'}, {"os-disk-gib", required_argument, NULL, 'd'},
        {"retention-gib", required_argument, NULL, 'r'}, {"network", required_argument, NULL, 'N'},
        {"sign", required_argument, NULL, 'S'}, {"cert", required_argument, NULL, 'C'},
        {NULL, 0, NULL, 0},
    };
    int c;

    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'i': o->iso = optarg; break;
        case 'o': o->out = optarg; break;
        case 'n': o->spec.name = optarg; break;
        case 'c': if (parse_count("--cpus", optarg, &o->spec.cpus) < 0) return 2; break;
        case 'm': if (parse_count("--memory-mib", optarg, &o->spec.memory_mib) < 0) return 2; break;
        case 'd': if (parse_count("--os-disk-gib", optarg, &o->spec.os_disk_gib) < 0) return 2; break;
        case 'r': if (parse_count("--retention-gib", optarg, &o->spec.retention_gib) < 0) return 2; break;
        case 'N': o->spec.network = optarg; break;
        case 'S': o->sign_key = optarg; break;
        case 'C': o->sign_cert = optarg; break;
        default:
            fprintf(stderr, "usage: mt-image ova %s\n", image_verb_ova.usage);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mt-image ova: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!o->iso || !o->out) {
        fprintf(stderr, "mt-image ova: --iso and --out are required (the ISO mt-image iso wrote, the OVA to "
                        "write)\n");
        return 2;
    }
    return 0;
}

static int cmd_ova(struct image_ctx *ctx, int argc, char **argv)
{
    struct ova_opts o;
    struct ova_job *job;
    struct ova_result res;
    struct mt_err err = {0};
    char generator[512];
    int r;

    memset(&o, 0, sizeof(o));
    o.spec.name = "master-target";
    o.spec.network = OVF_DEFAULT_NETWORK;
    o.spec.cpus = OVF_DEFAULT_CPUS;
    o.spec.memory_mib = OVF_DEFAULT_MEMORY_MIB;
    o.spec.os_disk_gib = OVF_DEFAULT_OS_DISK_GIB;
    o.spec.retention_gib = OVF_DEFAULT_RETENTION_GIB;
    if ((r = parse_args(argc, argv, &o)) != 0)
        return r;
    snprintf(generator, sizeof(generator), "mt-image %s ova: from %s", MT_IMAGE_VERSION, o.iso);
    o.generator = generator;
    o.progress = verbopts_progress;
    o.progress_arg = ctx;
    if (ova_prepare(&o, &job, &err) < 0) {
        fprintf(stderr, "mt-image ova: %s\n", err.msg);
        return 2;
    }
    if (ctx->verbosity >= 0)
        warn_sizing(&o.spec);
    r = ova_write(job, &res, &err);
    verbopts_progress_end(ctx);
    if (r < 0) {
        fprintf(stderr, "mt-image ova: %s\n", err.msg);
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
    "ova", cmd_ova,
    "--iso INSTALLER.ISO --out MT.OVA [--name NAME] [--cpus N] [--memory-mib N]\n"
    "           [--os-disk-gib N] [--retention-gib N] [--network NAME] [--sign KEY.pem --cert CERT.pem]",
    "a VM template (OVA) for vSphere: the installer ISO, the sizing, disk.EnableUUID = TRUE"};
