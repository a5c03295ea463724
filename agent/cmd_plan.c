/* plan: the disk layout provision would make; writes nothing */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devuse.h"
#include "layout.h"
#include "verbs.h"

static const struct option OPTS[] = {
    {"disk", required_argument, NULL, 'd'},
    {"format", required_argument, NULL, 'f'},
    {"ram-mib", required_argument, NULL, 'm'},
    {"disk-size-mib", required_argument, NULL, 's'},
    {NULL, 0, NULL, 0},
};

static int cmd_plan(struct mt_ctx *ctx, int argc, char **argv)
{
    const char *disk = ctx->cfg.layout.disk[0] ? ctx->cfg.layout.disk : NULL, *format = "text";
    uint64_t ram_mib = 0, size_mib = 0, ram_bytes, disk_bytes;
    struct layout_policy pol;
    struct layout_plan plan;
    struct devuse u;
    struct mt_err err = {0, ""};
    char path[4096];
    bool probed = false;
    int c, r, rc = EXIT_DONE;

    optind = 0;
    while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
        switch (c) {
        case 'd': disk = optarg; break;
        case 'f': format = optarg; break;
        case 'm':
            if (layout_parse_mib(optarg, &ram_mib) < 0)
                return verb_usage_error(&verb_plan, "--ram-mib wants a whole number of MiB above 0, not '%s'", optarg);
            break;
        case 's':
            if (layout_parse_mib(optarg, &size_mib) < 0)
                return verb_usage_error(&verb_plan, "--disk-size-mib wants a whole number of MiB above 0, not '%s'",
                                        optarg);
            break;
        default: return verb_usage_error(&verb_plan, "unknown option");
        }
    }
    if (optind < argc)
        return verb_usage_error(&verb_plan, "unexpected argument '%s'", argv[optind]);
    if (!disk)
        return verb_usage_error(&verb_plan, "--disk is required (or set [layout] disk)");
    if (strcmp(format, "text") && strcmp(format, "json") && strcmp(format, "kickstart"))
        return verb_usage_error(&verb_plan, "--format is text, json or kickstart, not '%s'", format);
    if (devuse_disk_path(disk, path, sizeof(path)) < 0)
        return verb_usage_error(&verb_plan, "--disk '%s' is not a usable path", disk);

    memset(&u, 0, sizeof(u));
    if (size_mib)
        disk_bytes = size_mib * LAYOUT_MIB;
    else {
        if (devuse_probe(path, &u, &err) < 0) {
            log_error("%s", err.msg);
            devuse_free(&u);
            return EXIT_FAILED;
        }
        probed = true;
        disk_bytes = u.size_bytes;
    }
    if (ram_mib)
        ram_bytes = ram_mib * LAYOUT_MIB;
    else if (layout_ram_bytes(&ram_bytes, &err) < 0) {
        log_error("%s", err.msg);
        devuse_free(&u);
        return EXIT_FAILED;
    }
    layout_policy_from_config(&ctx->cfg, &pol);
    r = layout_plan(disk_bytes, ram_bytes, &pol, &plan, &err);
    if (r < 0) {
        log_error("%s: %s", path, err.msg);
        devuse_free(&u);
        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
    }
    if (ctx->json || strcmp(format, "json") == 0) {
        json_object *doc = layout_plan_to_json(&plan, path);
        if (probed)
            json_object_object_add(doc, "current", devuse_to_json(&u));
        if (ctx->json)
            out_json(doc);
        else {
            out_printf("%s\n", json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                                       JSON_C_TO_STRING_NOSLASHESCAPE));
            json_object_put(doc);
        }
    } else {
        char *text = strcmp(format, "kickstart") == 0 ? layout_render_kickstart(&plan, path)
                                                      : layout_render_text(&plan, path);
        if (!text) {
            log_error("out of memory");
            rc = EXIT_FAILED;
        } else {
            out_printf("%s", text);
            free(text);
        }
        for (size_t i = 0; i < plan.n_notes && strcmp(format, "kickstart") == 0; i++)
            log_warn("%s", plan.notes[i]);
    }
    devuse_free(&u);
    return rc;
}

const struct verb verb_plan = {
    "plan", cmd_plan, "--disk DEV [--format text|json|kickstart] [--ram-mib N] [--disk-size-mib N]",
    "the disk layout provision would make; writes nothing",
    "  --disk DEV           the OS disk: a kernel name (sda), a device node or an image file\n"
    "  --format FMT         text (default), json, or kickstart (EL6 part lines for %pre)\n"
    "  --ram-mib N          plan for N MiB of RAM instead of this machine's\n"
    "  --disk-size-mib N    plan for a disk of N MiB instead of DEV's size (DEV is not opened)\n",
};
