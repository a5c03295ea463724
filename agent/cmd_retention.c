/* retention: create or reuse the retention volume, never reformat it */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "devuse.h"
#include "journal.h"
#include "retention.h"
#include "guard.h"
#include "verbs.h"

struct retention_args {
    struct mt_path disk;
    const char *mount;
    bool no_act;
};

#define AT(f) .offset = offsetof(struct retention_args, f)
static const struct opt RETENTION_OPTS[] = {
    {.name = "disk", .kind = OPT_DISK, .arg = "DEV", AT(disk),
     .help = "the retention disk: kernel name, device node or image file (default [layout] retention_disk)"},
    /* a mount point of the box (written into its fstab as given): the library resolves it */
    {.name = "mount", .kind = OPT_STRING, .arg = "DIR", AT(mount),
     .help = "where to mount it on the box (default [layout] retention_mount, /mnt/retention)"},
    {.name = "no-act", .kind = OPT_FLAG, AT(no_act),
     .help = "the whole run without writing: verdict, findings, what it would do; same exit code"},
    OPT_END,
};
#undef AT
static const struct opt *const RETENTION_TABLES[] = {RETENTION_OPTS, NULL};

static int cmd_retention(struct mt_ctx *ctx, void *argp)
{
    struct retention_args *a = argp;
    const char *mnt = a->mount ? a->mount : ctx->cfg.layout.retention_mount, *path;
    struct retention_result res;
    struct mt_err err = {0, ""};
    json_object *doc;
    int r, rc;

    if (!a->disk.given && ctx->cfg.layout.retention_disk[0] &&
        opt_box_disk(&ctx->store, ctx->cfg.layout.retention_disk, &a->disk) < 0)
        return verb_usage_error(&verb_retention, "[layout] retention_disk '%s' is neither a kernel name nor an "
                                "absolute path", ctx->cfg.layout.retention_disk);
    if (!a->disk.given)
        return verb_usage_error(&verb_retention, "--disk is required (or set [layout] retention_disk)");
    if (!mnt || mnt[0] != '/')
        return verb_usage_error(&verb_retention, "--mount wants an absolute path");
    path = a->disk.real;
    /* under the journal lock (verb_journal_open): a killed run's mkfs is ended first, and
     * no other run (another --root, another journal) writes this disk until we are done */
    /* --no-act reads the journal as status does, ends nothing and creates nothing */
    rc = verb_journal_open(ctx, a->no_act);
    if (!rc && !a->no_act)
        rc = guard_children("retention");
    if (!rc)
        rc = guard_disk("retention", path);
    if (rc)
        return rc;
    r = retention_apply(path, mnt, ctx->cfg.layout.retention_label, a->no_act, &ctx->journal, &res, &err);
    verb_journal_release(ctx);

    doc = json_object_new_object();
    json_object_object_add(doc, "disk", json_object_new_string(path));
    json_object_object_add(doc, "mount", json_object_new_string(mnt));
    json_object_object_add(doc, "label", json_object_new_string(ctx->cfg.layout.retention_label));
    json_object_object_add(doc, "no_act", json_object_new_boolean(a->no_act));
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
        json_object_object_add(doc, "result", json_object_new_string(a->no_act ? (res.created ? "would create" : "would reuse")
                                                                     : res.created ? "created"
                                                                                   : "reused"));
        json_object_object_add(doc, "node", json_object_new_string(res.node));
        json_object_object_add(doc, "partition", json_object_new_int(res.partno));
        json_object_object_add(doc, "uuid", json_object_new_string(res.uuid));
        json_object_object_add(doc, "mounted_now", json_object_new_boolean(res.mounted_now));
        json_object_object_add(doc, "fstab_changed", json_object_new_boolean(res.fstab_changed));
        if (a->no_act)
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
    verb_set_doc(ctx, doc);
    return rc;
}

const struct verb verb_retention = {
    "retention", cmd_retention, RETENTION_TABLES, sizeof(struct retention_args), NULL,
    "create or reuse the retention volume, never reformat it", NULL, 0,
};
