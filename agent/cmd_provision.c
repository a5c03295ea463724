/* provision: partition and format the OS disk */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "provision.h"
#include "verbs.h"

#define BUSY_WAIT_MS 120000 /* a killed run's mkfs still finishing */

static const struct option OPTS[] = {
    {"disk", required_argument, NULL, 'd'},
    {"wipe", no_argument, NULL, 'w'},
    {"yes", no_argument, NULL, 'y'},
    {"target-root", required_argument, NULL, 't'},
    {"ram-mib", required_argument, NULL, 'm'},
    {"lazy-init", no_argument, NULL, 'l'},
    {"no-act", no_argument, NULL, 'n'},
    {NULL, 0, NULL, 0},
};

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

    snprintf(name, sizeof(name), "%s%s", would ? "would " : "", what ? what : "");
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
    char line[64];

    fprintf(stderr, "Type 'yes' to destroy everything on %s: ", disk);
    fflush(stderr);
    if (!fgets(line, sizeof(line), stdin))
        return false;
    line[strcspn(line, "\r\n")] = '\0';
    return strcmp(line, "yes") == 0;
}

/* The verdict, and for foreign data the operator's consent: EXIT_DONE to go
 * on, EXIT_REFUSED (the reason logged) to stop with nothing written. */
static int judge(struct mt_ctx *ctx, const char *path, const struct provision_inspection *in, bool wipe, bool yes)
{
    int rc = EXIT_DONE;

    switch (in->verdict) {
    case PROVISION_BUSY:
        log_error("%s is in use: %s; nothing was written. Unmount it, swapoff, remove what holds it, then run again",
                  path, in->found);
        rc = EXIT_REFUSED;
        break;
    case PROVISION_RETENTION:
        log_error("%s holds the retention volume (label %s): provision never destroys it, --wipe or not (%s). "
                  "To really reuse this disk, erase it by hand first (wipefs -a %s)",
                  path, ctx->cfg.layout.retention_label, in->found, path);
        rc = EXIT_REFUSED;
        break;
    case PROVISION_FOREIGN:
        if (!wipe) {
            log_error("%s carries data: %s; nothing was written. --wipe destroys it (after listing it)%s%s", path,
                      in->found, in->not_ours[0] ? ". Not the disk the journal's killed provision was writing: " : "",
                      in->not_ours);
            rc = EXIT_REFUSED;
            break;
        }
        log_warn("--wipe: this destroys on %s: %s", path, in->found);
        if (!yes) {
            if (!isatty(STDIN_FILENO)) {
                log_error("%s: --wipe needs --yes when standard input is not a terminal; nothing was written", path);
                rc = EXIT_REFUSED;
            } else if (!confirm(path)) {
                log_error("%s: not confirmed; nothing was written", path);
                rc = EXIT_REFUSED;
            }
        }
        break;
    default:
        break;
    }
    return rc;
}

/* Inspect the disk; while only a killed run's leftover process holds it, wait
 * (bounded: BUSY_WAIT_MS) and inspect again. 0 or -errno with err. */
static int inspect_waiting(struct mt_ctx *ctx, const char *path, uint64_t ram_bytes, const struct layout_policy *pol,
                           struct journal *j, struct provision_inspection *in, struct mt_err *err)
{
    int r, waited = 0;

    for (;;) {
        r = provision_inspect(path, ram_bytes, pol, ctx->cfg.layout.retention_label, journal_section(j, "provision"),
                              in, err);
        if (r < 0 || !provision_busy_may_clear(in) || waited >= BUSY_WAIT_MS)
            return r;
        if (waited == 0)
            log_info("%s: waiting for the previous run's process to let go (%s)", path, in->found);
        provision_inspection_free(in);
        usleep(250000);
        waited += 250;
    }
}

/* The --json document: the verdict, what was found, the plan; actions are appended as taken. */
static json_object *inspection_doc(const char *path, const struct provision_inspection *in, bool no_act,
                                   json_object **actions)
{
    json_object *doc = json_object_new_object();
    json_object_object_add(doc, "disk", json_object_new_string(path));
    json_object_object_add(doc, "verdict", json_object_new_string(provision_verdict_name(in->verdict)));
    json_object_object_add(doc, "no_act", json_object_new_boolean(no_act));
    json_object_object_add(doc, "found", devuse_to_json(&in->use));
    json_object_object_add(doc, "findings", devuse_findings_json(&in->use.scan));
    json_object_object_add(doc, "plan", layout_plan_to_json(&in->plan, path));
    *actions = json_object_new_array();
    json_object_object_add(doc, "actions", *actions);
    return doc;
}

static int finish(struct mt_ctx *ctx, json_object *doc, const char *result, int rc)
{
    json_object_object_add(doc, "result", json_object_new_string(result));
    if (ctx->json)
        out_json(doc);
    else
        json_object_put(doc);
    return rc;
}

static int cmd_provision(struct mt_ctx *ctx, int argc, char **argv)
{
    const char *disk = ctx->cfg.layout.disk[0] ? ctx->cfg.layout.disk : NULL, *target_root = NULL;
    bool wipe = false, yes = false, lazy = false, no_act = false, was_already;
    uint64_t ram_mib = 0, ram_bytes;
    struct layout_policy pol;
    struct provision_inspection in;
    struct provision_opts po;
    struct journal j;
    struct mt_err err = {0, ""};
    json_object *doc, *actions;
    char path[4096];
    int c, r, rc;

    optind = 0;
    while ((c = getopt_long(argc, argv, "", OPTS, NULL)) != -1) {
        switch (c) {
        case 'd': disk = optarg; break;
        case 'w': wipe = true; break;
        case 'y': yes = true; break;
        case 't': target_root = optarg; break;
        case 'l': lazy = true; break;
        case 'n': no_act = true; break;
        case 'm':
            if (layout_parse_mib(optarg, &ram_mib) < 0)
                return verb_usage_error(&verb_provision, "--ram-mib wants a whole number of MiB above 0, not '%s'",
                                        optarg);
            break;
        default: return verb_usage_error(&verb_provision, "unknown option");
        }
    }
    if (optind < argc)
        return verb_usage_error(&verb_provision, "unexpected argument '%s'", argv[optind]);
    if (!disk)
        return verb_usage_error(&verb_provision, "--disk is required (or set [layout] disk)");
    if (target_root && target_root[0] != '/')
        return verb_usage_error(&verb_provision, "--target-root wants an absolute path, not '%s'", target_root);
    if (devuse_disk_path(disk, path, sizeof(path)) < 0)
        return verb_usage_error(&verb_provision, "--disk '%s' is not a usable path", disk);
    if (ram_mib)
        ram_bytes = ram_mib * LAYOUT_MIB;
    else if (layout_ram_bytes(&ram_bytes, &err) < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    layout_policy_from_config(&ctx->cfg, &pol);

    /* The journal's lock is held to the end: two provisions never interleave. */
    r = journal_load(&j, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    if (j.moved_aside[0])
        log_warn("%s", err.msg);

    r = inspect_waiting(ctx, path, ram_bytes, &pol, &j, &in, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        provision_inspection_free(&in);
        journal_free(&j);
        return r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
    }

    doc = inspection_doc(path, &in, no_act, &actions);

    rc = judge(ctx, path, &in, wipe, yes);
    if (rc != EXIT_DONE) {
        provision_inspection_free(&in);
        journal_free(&j);
        return finish(ctx, doc, "refused", rc);
    }

    memset(&po, 0, sizeof(po));
    po.target_root = target_root;
    po.lazy_init = lazy;
    po.no_act = no_act;
    po.progress = on_progress;
    po.action = on_action;
    /* every file it will edit is readable whole before the disk is touched */
    if ((r = provision_check_files(&po, &err)) < 0) {
        log_error("%s", err.msg);
        provision_inspection_free(&in);
        journal_free(&j);
        return finish(ctx, doc, "refused", r == -EILSEQ || r == -E2BIG || r == -EFBIG ? EXIT_REFUSED : EXIT_FAILED);
    }
    if (no_act)
        out_printf("%s: %s; --no-act: nothing is written\n", path, provision_verdict_name(in.verdict));
    if (in.verdict == PROVISION_RESUME)
        log_info("%s: resuming the provisioning our journal recorded", path);
    was_already = in.verdict == PROVISION_ALREADY;
    r = provision_apply(&in, &po, &j, actions, &err);
    progress_done();
    if (r < 0) {
        log_error("%s", err.msg);
        rc = finish(ctx, doc, "failed", EXIT_FAILED);
    } else {
        if (!target_root)
            log_info("no --target-root: no fstab written");
        const char *result = was_already ? "already provisioned" : no_act ? "would be provisioned" : "provisioned";
        out_printf("%s: %s\n", path, result);
        rc = finish(ctx, doc, result, EXIT_DONE);
    }
    provision_inspection_free(&in);
    journal_free(&j);
    return rc;
}

const struct verb verb_provision = {
    "provision", cmd_provision,
    "--disk DEV|IMAGE [--wipe] [--yes] [--target-root DIR] [--ram-mib N] [--lazy-init] [--no-act]",
    "partition and format the OS disk",
    "  --disk DEV|IMAGE     the OS disk: kernel name (sda), device node, or image file\n"
    "  --wipe               destroy what is on the disk (listed first); never a mounted disk,\n"
    "                       swap, the running root, or a retention volume\n"
    "  --yes                confirm --wipe without asking (required when stdin is not a terminal)\n"
    "  --target-root DIR    write the fstab entries (by UUID) into DIR/etc/fstab\n"
    "  --ram-mib N          plan for N MiB of RAM instead of this machine's\n"
    "  --lazy-init          mkfs.ext4 -E lazy_journal_init=1 too (fast on large thin disks)\n"
    "  --no-act             the whole run without writing: verdict, findings, plan and the\n"
    "                       actions it would take; same exit code as the real run\n",
};
