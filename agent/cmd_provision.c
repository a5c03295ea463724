/* provision: partition and format the OS disk */
#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "provision.h"
#include "guard.h"
#include "verbs.h"
#include "textesc.h"

#define BUSY_WAIT_MS 120000 /* a killed run's mkfs still finishing */

struct provision_args {
    struct mt_path disk, target_root;
    bool wipe, yes, lazy_init, no_act;
    uint64_t ram_mib;
};

#define AT(f) .offset = offsetof(struct provision_args, f)
static const struct opt PROVISION_OPTS[] = {
    {.name = "disk", .kind = OPT_DISK, .arg = "DEV|IMAGE", AT(disk),
     .help = "the OS disk: kernel name (sda), device node, or image file (default [layout] disk)"},
    {.name = "wipe", .kind = OPT_FLAG, AT(wipe),
     .help = "destroy what is on the disk (listed first); never a disk in use or a retention volume"},
    {.name = "yes", .kind = OPT_FLAG, AT(yes), .help = "confirm --wipe without asking (required when stdin is not a terminal)"},
    {.name = "target-root", .kind = OPT_HOST_PATH, .expect = OPT_DIR, .arg = "DIR", AT(target_root),
     .help = "write the fstab entries (by UUID) into DIR/etc/fstab"},
    {.name = "ram-mib", .kind = OPT_NUMBER, .arg = "N", AT(ram_mib), .min = 1, .max = LAYOUT_MIB_ARG_MAX,
     .help = "plan for N MiB of RAM instead of this machine's"},
    {.name = "lazy-init", .kind = OPT_FLAG, AT(lazy_init),
     .help = "mkfs.ext4 -E lazy_journal_init=1 too (fast on large thin disks)"},
    {.name = "no-act", .kind = OPT_FLAG, AT(no_act),
     .help = "the whole run without writing: verdict, findings, plan, the actions it would take; same exit code"},
    OPT_END,
};
#undef AT
static const struct opt *const PROVISION_TABLES[] = {PROVISION_OPTS, NULL};

static void on_progress(void *data, const char *label, uint64_t done, uint64_t total)
{
    (void)data;
    progress_update(label, done, total);
    if (done >= total)
        progress_done();
}

static const char *field(json_object *o, const char *key)
{
    json_object *v;
    return json_object_object_get_ex(o, key, &v) && v ? json_object_get_string(v) : NULL;
}

/* One line per action; a wipe also lists what it erased (or would erase). */
static void on_action(void *data, const json_object *a)
{
    json_object *o = (json_object *)a, *v;
    const char *what = field(o, "action"), *target = field(o, "target"), *label = field(o, "label");
    const char *uuid = field(o, "uuid");
    bool would = json_object_object_get_ex(o, "no_act", &v) && json_object_get_boolean(v);
    char name[64];
    size_t i;
    (void)data;

    /* "already provisioned" states what is there; only writes are "would ..." */
    snprintf(name, sizeof(name), "%s%s", would && what && strncmp(what, "already ", 8) ? "would " : "",
             what ? what : "");
    if (uuid)
        out_printf("%-20s %s  %s  UUID=%s\n", name, target ? target : "", label ? label : "", uuid);
    else
        out_printf("%-20s %s\n", name, target ? target : "");
    if (!json_object_object_get_ex(o, "erased", &v))
        return;
    for (i = 0; i < json_object_array_length(v); i++) {
        json_object *f = json_object_array_get_idx(v, i);
        out_printf("  %s %s%s%s%s at byte %s (%s)\n", would ? "would erase" : "erased", field(f, "type"),
                   field(f, "label") ? " '" : "", field(f, "label") ? field(f, "label") : "",
                   field(f, "label") ? "'" : "", field(f, "offset"), field(f, "source"));
    }
}

/* On a terminal the operator types "yes"; anything else keeps the disk. */
static bool confirm(const char *disk)
{
    char line[64], shown[TEXT_ESCAPE_MAX(256)];

    text_escape(disk, strnlen(disk, 256), shown, sizeof(shown), NULL); /* the operator's word */
    fprintf(stderr, "Type 'yes' to destroy everything on %s: ", shown);
    fflush(stderr);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, "yes") == 0;
}

static int finish(struct mt_ctx *ctx, json_object *doc, const char *result, int rc)
{
    json_object_object_add(doc, "result", json_object_new_string(result));
    verb_set_doc(ctx, doc);
    return rc;
}

/* Inspect the disk; while a killed run's process still holds it, wait (bounded). 0 or an exit code. */
static int inspect(struct mt_ctx *ctx, const char *path, uint64_t ram_bytes, const struct layout_policy *pol,
                   struct provision_inspection *in)
{
    struct mt_err err = {0, ""};
    int r, waited = 0;

    for (;;) {
        r = provision_inspect(path, ram_bytes, pol, ctx->cfg.layout.retention_label,
                              journal_section(&ctx->journal, "provision"), in, &err);
        if (r < 0) {
            log_error("%s", err.msg);
            provision_inspection_free(in);
            return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
        }
        if (!provision_busy_may_clear(in) || waited >= BUSY_WAIT_MS)
            return 0;
        if (waited == 0)
            log_info("%s: waiting for the previous run's process to let go (%s)", path, in->found);
        provision_inspection_free(in);
        usleep(250000);
        waited += 250;
    }
}

/* The verdict and the operator's consent: EXIT_DONE to go on, else EXIT_REFUSED (message printed). */
static int consent(struct mt_ctx *ctx, const struct provision_args *a, const char *path,
                   const struct provision_inspection *in)
{
    switch (in->verdict) {
    case PROVISION_BUSY:
        log_error("%s is in use: %s; nothing was written. Unmount it, swapoff, remove what holds it, then run again",
                  path, in->found);
        return EXIT_REFUSED;
    case PROVISION_RETENTION:
        log_error("%s holds the retention volume (label %s): provision never destroys it, --wipe or not (%s). "
                  "To really reuse this disk, erase it by hand first (wipefs -a %s)",
                  path, ctx->cfg.layout.retention_label, in->found, path);
        return EXIT_REFUSED;
    case PROVISION_FOREIGN:
        if (!a->wipe) {
            log_error("%s carries data: %s; nothing was written. --wipe destroys it (after listing it)%s%s", path,
                      in->found, in->not_ours[0] ? ". Not the disk the journal's killed provision was writing: " : "",
                      in->not_ours);
            return EXIT_REFUSED;
        }
        log_warn("--wipe: this destroys on %s: %s", path, in->found);
        if (a->yes)
            return EXIT_DONE;
        if (!isatty(STDIN_FILENO)) {
            log_error("%s: --wipe needs --yes when standard input is not a terminal; nothing was written", path);
            return EXIT_REFUSED;
        }
        if (!confirm(path)) {
            log_error("%s: not confirmed; nothing was written", path);
            return EXIT_REFUSED;
        }
        return EXIT_DONE;
    default: return EXIT_DONE;
    }
}

/* Lay the plan down; the document's result. */
static int lay_down(struct mt_ctx *ctx, const struct provision_args *a, const char *path,
                    struct provision_inspection *in, json_object *doc, json_object *actions)
{
    struct provision_opts po;
    struct mt_err err = {0, ""};
    bool was_already = in->verdict == PROVISION_ALREADY;
    const char *result = was_already ? "already provisioned" : a->no_act ? "would be provisioned" : "provisioned";
    int r;

    memset(&po, 0, sizeof(po));
    po.target_root = a->target_root.real;
    po.lazy_init = a->lazy_init;
    po.no_act = a->no_act;
    po.progress = on_progress;
    po.action = on_action;
    /* every file it will edit is readable whole before the disk is touched */
    if ((r = provision_check_files(&po, &err)) < 0) {
        log_error("%s", err.msg);
        return finish(ctx, doc, "refused", r == -EILSEQ || r == -E2BIG || r == -EFBIG ? EXIT_REFUSED : EXIT_FAILED);
    }
    if (a->no_act)
        out_printf("%s: %s; --no-act: nothing is written\n", path, provision_verdict_name(in->verdict));
    if (in->verdict == PROVISION_RESUME)
        log_info("%s: resuming the provisioning our journal recorded", path);
    r = provision_apply(in, &po, &ctx->journal, actions, &err);
    progress_done();
    if (r < 0) {
        log_error("%s", err.msg);
        return finish(ctx, doc, "failed", EXIT_FAILED);
    }
    if (!po.target_root)
        log_info("no --target-root: no fstab written");
    out_printf("%s: %s\n", path, result);
    return finish(ctx, doc, result, EXIT_DONE);
}

static int cmd_provision(struct mt_ctx *ctx, void *argp)
{
    struct provision_args *a = argp;
    uint64_t ram_bytes;
    struct layout_policy pol;
    struct provision_inspection in;
    struct mt_err err = {0, ""};
    json_object *doc, *actions;
    const char *path;
    int rc;

    if (!a->disk.given && ctx->cfg.layout.disk[0] && opt_box_disk(&ctx->store, ctx->cfg.layout.disk, &a->disk) < 0)
        return verb_usage_error(&verb_provision, "[layout] disk '%s' is neither a kernel name nor an absolute path",
                                ctx->cfg.layout.disk);
    if (!a->disk.given)
        return verb_usage_error(&verb_provision, "--disk is required (or set [layout] disk)");
    path = a->disk.real;
    if (a->ram_mib)
        ram_bytes = a->ram_mib * LAYOUT_MIB;
    else if (layout_ram_bytes(&ram_bytes, &err) < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    layout_policy_from_config(&ctx->cfg, &pol);

    /* The journal's lock (verb_journal_open) is held to the end: two provisions never interleave.
     * Before anything is inspected: a killed run's mkfs is gone, and no other run
     * (another --root, another journal) writes this disk until we are done. */
    /* --no-act reads the journal as status does, ends nothing and creates nothing */
    rc = verb_journal_open(ctx, a->no_act);
    if (!rc && !a->no_act)
        rc = guard_children("provision");
    if (!rc)
        rc = guard_disk("provision", path);
    if (!rc)
        rc = inspect(ctx, path, ram_bytes, &pol, &in);
    if (rc)
        return rc;
    doc = json_object_new_object();
    json_object_object_add(doc, "disk", json_object_new_string(path));
    json_object_object_add(doc, "verdict", json_object_new_string(provision_verdict_name(in.verdict)));
    json_object_object_add(doc, "no_act", json_object_new_boolean(a->no_act));
    json_object_object_add(doc, "found", devuse_to_json(&in.use));
    json_object_object_add(doc, "findings", devuse_findings_json(&in.use.scan));
    json_object_object_add(doc, "plan", layout_plan_to_json(&in.plan, path));
    actions = json_object_new_array();
    json_object_object_add(doc, "actions", actions);

    rc = consent(ctx, a, path, &in);
    if (rc != EXIT_DONE)
        rc = finish(ctx, doc, "refused", rc);
    else
        rc = lay_down(ctx, a, path, &in, doc, actions);
    provision_inspection_free(&in);
    return rc;
}

const struct verb verb_provision = {
    "provision", cmd_provision, PROVISION_TABLES, sizeof(struct provision_args), NULL,
    "partition and format the OS disk", NULL, 0,
};
