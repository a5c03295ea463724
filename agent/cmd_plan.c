/* plan: the disk layout provision would make; writes nothing */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "devuse.h"
#include "layout.h"
#include "verbs.h"

struct plan_args {
    struct mt_path disk;
    const char *format;
    uint64_t ram_mib, size_mib;
};

#define AT(f) .offset = offsetof(struct plan_args, f)
static const struct opt PLAN_OPTS[] = {
    {.name = "disk", .kind = OPT_DISK, .arg = "DEV", AT(disk),
     .help = "the OS disk: a kernel name (sda), a device node or an image file (default [layout] disk)"},
    {.name = "format", .kind = OPT_STRING, .choices = "text|json|kickstart", AT(format),
     .help = "text (default), json, or kickstart (EL6 part lines for %pre)"},
    {.name = "ram-mib", .kind = OPT_NUMBER, .arg = "N", AT(ram_mib), .min = 1, .max = LAYOUT_MIB_ARG_MAX,
     .help = "plan for N MiB of RAM instead of this machine's"},
    {.name = "disk-size-mib", .kind = OPT_NUMBER, .arg = "N", AT(size_mib), .min = 1, .max = LAYOUT_MIB_ARG_MAX,
     .help = "plan for a disk of N MiB instead of DEV's size (DEV is not opened)"},
    OPT_END,
};
#undef AT
static const struct opt *const PLAN_TABLES[] = {PLAN_OPTS, NULL};

static int cmd_plan(struct mt_ctx *ctx, void *argp)
{
    struct plan_args *a = argp;
    const char *format = a->format ? a->format : "text", *path, *shown;
    uint64_t ram_mib = a->ram_mib, size_mib = a->size_mib, ram_bytes, disk_bytes;
    struct layout_policy pol;
    struct layout_plan plan;
    struct devuse u;
    struct mt_err err = {0, ""};
    bool probed = false;
    int r, rc = EXIT_DONE;

    if (!a->disk.given && ctx->cfg.layout.disk[0] && opt_box_disk(&ctx->store, ctx->cfg.layout.disk, &a->disk) < 0)
        return verb_usage_error(&verb_plan, "[layout] disk '%s' is neither a kernel name nor an absolute path",
                                ctx->cfg.layout.disk);
    if (!a->disk.given)
        return verb_usage_error(&verb_plan, "--disk is required (or set [layout] disk)");
    path = a->disk.real;   /* opened */
    shown = a->disk.given; /* the box's name in the plan and the kickstart (/dev/sdb, not ROOT/dev/sdb) */

    memset(&u, 0, sizeof(u));
    if (size_mib)
        disk_bytes = size_mib * LAYOUT_MIB;
    else {
        if (devuse_probe_resolved(path, &u, &err) < 0) {
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
        log_error("%s: %s", shown, err.msg);
        devuse_free(&u);
        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
    }
    if (ctx->json) { /* --json or --format json (agent/answer.h) */
        json_object *doc = layout_plan_to_json(&plan, shown);
        if (probed)
            json_object_object_add(doc, "current", devuse_to_json(&u));
        verb_set_doc(ctx, doc);
    } else {
        char *text = strcmp(format, "kickstart") == 0 ? layout_render_kickstart(&plan, shown)
                                                      : layout_render_text(&plan, shown);
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
    "plan", cmd_plan, PLAN_TABLES, sizeof(struct plan_args), NULL,
    "the disk layout provision would make; writes nothing", NULL, 0,
};
