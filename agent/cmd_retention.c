/* retention: create or reuse the retention volume, never reformat it */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "devuse.h"
#include "journal.h"
#include "retention.h"
#include "verbs.h"

static const struct option OPTS[] = {
    {"disk", required_argument, NULL, 'd'},
    {"mount", required_argument, NULL, 'm'},
    {"no-act", no_argument, NULL, 'n'},
    {NULL, 0, NULL, 0},
};

static int cmd_retention(struct mt_ctx *ctx, int argc, char **argv)
{
    const char *disk = ctx->cfg.layout.retention_disk[0] ? ctx->cfg.layout.retention_disk : NULL;
    const char *mnt = ctx->cfg.layout.retention_mount;
    struct retention_result res;
    struct journal j;
    struct mt_err err = {0, ""};
    char path[4096];
    json_object *doc;
    int c, r, rc;
    bool no_act = false;

    optind = 0;
    while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
        switch (c) {
        case 'd': disk = optarg; break;
        case 'm': mnt = optarg; break;
        case 'n': no_act = true; break;
        default: return verb_usage_error(&verb_retention, "unknown option");
        }
    }
    if (optind < argc)
        return verb_usage_error(&verb_retention, "unexpected argument '%s'", argv[optind]);
    if (!disk)
        return verb_usage_error(&verb_retention, "--disk is required (or set [layout] retention_disk)");
    if (!mnt || mnt[0] != '/')
        return verb_usage_error(&verb_retention, "--mount wants an absolute path");
    if (devuse_disk_path(disk, path, sizeof(path)) < 0)
        return verb_usage_error(&verb_retention, "--disk '%s' is not a usable path", disk);

    r = journal_load(&j, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    if (j.moved_aside[0])
        log_warn("%s", err.msg);
    r = retention_apply(path, mnt, ctx->cfg.layout.retention_label, no_act, &j, &res, &err);
    journal_free(&j);

    doc = json_object_new_object();
    json_object_object_add(doc, "disk", json_object_new_string(path));
    json_object_object_add(doc, "mount", json_object_new_string(mnt));
    json_object_object_add(doc, "label", json_object_new_string(ctx->cfg.layout.retention_label));
    json_object_object_add(doc, "no_act", json_object_new_boolean(no_act));
    json_object_object_add(doc, "verdict", json_object_new_string(retention_verdict_name(res.verdict)));
    json_object_object_add(doc, "found", json_object_new_string(res.found));
    json_object_object_add(doc, "findings", res.findings ? res.findings : json_object_new_array());
    if (r < 0) {
        log_error("%s", err.msg);
        rc = r == -EBUSY || r == -EEXIST || r == -EPERM || r == -EILSEQ || r == -E2BIG || r == -EFBIG ? EXIT_REFUSED
             : r == -EINVAL                                                                          ? EXIT_USAGE
                                                                                                     : EXIT_FAILED;
        json_object_object_add(doc, "result", json_object_new_string(rc == EXIT_REFUSED ? "refused" : "failed"));
        json_object_object_add(doc, "error", json_object_new_string(err.msg));
    } else {
        rc = EXIT_DONE;
        json_object_object_add(doc, "result", json_object_new_string(no_act ? (res.created ? "would create" : "would reuse") : res.created ? "created" : "reused"));
        json_object_object_add(doc, "node", json_object_new_string(res.node));
        json_object_object_add(doc, "partition", json_object_new_int(res.partno));
        json_object_object_add(doc, "uuid", json_object_new_string(res.uuid));
        json_object_object_add(doc, "mounted_now", json_object_new_boolean(res.mounted_now));
        json_object_object_add(doc, "fstab_changed", json_object_new_boolean(res.fstab_changed));
        if (no_act)
            out_printf("%s: %s; --no-act: nothing is written. Would %s the retention volume%s%s, %s at %s; fstab "
                       "%s\n",
                       path, retention_verdict_name(res.verdict), res.created ? "make (mkfs.ext4)" : "reuse",
                       res.created ? "" : " UUID=", res.created ? "" : res.uuid,
                       res.mounted_now ? "mount it" : "already mounted", mnt,
                       res.fstab_changed ? "would be updated" : "unchanged");
        else
            out_printf("%s: retention volume %s (UUID=%s) %s, %s at %s; fstab %s\n", path, res.node, res.uuid,
                       res.created ? "created" : "reused (not reformatted)",
                       res.mounted_now ? "mounted" : "already mounted", mnt,
                       res.fstab_changed ? "updated" : "unchanged");
    }
    if (ctx->json)
        out_json(doc);
    else
        json_object_put(doc);
    return rc;
}

const struct verb verb_retention = {
    "retention", cmd_retention, "--disk DEV [--mount DIR] [--no-act]",
    "create or reuse the retention volume, never reformat it",
    "  --disk DEV           the retention disk (or [layout] retention_disk)\n"
    "  --mount DIR          where to mount it (default [layout] retention_mount, /mnt/retention)\n"
    "  --no-act             the whole run without writing: verdict, findings and what it would do;\n"
    "                       same exit code as the real run\n",
};
