/* apply: verify and extract the Unified Agent tarball, run the vendor's custom
 * changes and installer once per tarball digest (provision/apply.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "guard.h"
#include "rootpath.h"
#include "verbs.h"

static void show_progress(void *data, uint64_t done, uint64_t total)
{
    (void)data;
    progress_update("extract", done, total);
}

static const char *outcome_name(enum apply_step_outcome o, const char *done)
{
    switch (o) {
    case APPLY_STEP_RAN_OK: return done;
    case APPLY_STEP_ALREADY: return "already";
    case APPLY_STEP_MARKER: return "marker";
    case APPLY_STEP_PRESENT: return "present";
    case APPLY_STEP_FAILED: return "failed";
    default: return "not-run";
    }
}

static json_object *step_json(const struct apply_step_report *s, const char *done)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "outcome", json_object_new_string(outcome_name(s->outcome, done)));
    json_object_object_add(o, "recovered_interrupted_run", json_object_new_boolean(s->recovered));
    if (s->ended[0])
        json_object_object_add(o, "ended", json_object_new_string(s->ended));
    if (s->tail[0])
        json_object_object_add(o, "output_tail", json_object_new_string(s->tail));
    return o;
}

static void step_text(const char *what, const char *done, const struct apply_step_report *s, const char *sha)
{
    switch (s->outcome) {
    case APPLY_STEP_RAN_OK: out_printf("%s: done (%s)\n", what, s->ended); break;
    case APPLY_STEP_ALREADY: out_printf("%s: already %s for tarball sha256 %s; nothing run (--force runs it again)\n", what, done, sha); break;
    case APPLY_STEP_MARKER: out_printf("%s: already applied (vendor marker %s); nothing run\n", what, APPLY_MARKER); break;
    case APPLY_STEP_PRESENT: out_printf("%s: already installed (an interrupted run completed: %s is in place); nothing run\n", what, APPLY_CONFIGURATOR_REL); break;
    case APPLY_STEP_FAILED: out_printf("%s: FAILED (%s)\n", what, s->ended); break;
    default: out_printf("%s: not run\n", what); break;
    }
}

static int cmd_apply(struct mt_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"agent", required_argument, NULL, 'a'},   {"sha256", required_argument, NULL, 's'},
        {"manifest", required_argument, NULL, 'm'}, {"force", no_argument, NULL, 'f'},
        {"extract-only", no_argument, NULL, 'x'},  {"staging", required_argument, NULL, 'S'},
        {"timeout", required_argument, NULL, 't'}, {NULL, 0, NULL, 0},
    };
    struct apply_opts o;
    struct apply_report rep;
    struct mt_err err = {0};
    char tarball[PATH_MAX], dflt[PATH_MAX * 2], manifest[PATH_MAX];
    const char *agent = NULL;
    int c, r;

    memset(&o, 0, sizeof(o));
    o.install_dir = ctx->cfg.payload.install_dir;
    o.timeout_s = ctx->cfg.payload.script_timeout;
    if (ctx->cfg.payload.manifest[0])
        o.manifest = ctx->cfg.payload.manifest;
    optind = 0;
    while ((c = getopt_long(argc, argv, "a:s:m:fxS:t:", opts, NULL)) != -1) {
        switch (c) {
        case 'a': agent = optarg; break;
        case 's': o.sha256 = optarg; break;
        case 'm': o.manifest = optarg; break;
        case 'f': o.force = true; break;
        case 'x': o.extract_only = true; break;
        case 'S': o.staging_parent = optarg; break;
        case 't': {
            char *end;
            unsigned long v = strtoul(optarg, &end, 10);
            if (*end || v == 0 || v > 86400)
                return verb_usage_error(&verb_apply, "--timeout %s: give seconds, 1 to 86400", optarg);
            o.timeout_s = (unsigned)v;
            break;
        }
        default: return verb_usage_error(&verb_apply, "bad option");
        }
    }
    if (optind < argc)
        return verb_usage_error(&verb_apply, "unexpected argument '%s'", argv[optind]);
    if (!agent) {
        /* [payload] agent_tarball, relative to [payload] dir */
        if (!ctx->cfg.payload.agent_tarball[0])
            return verb_usage_error(&verb_apply, "give --agent TARBALL (or [payload] agent_tarball)");
        if (ctx->cfg.payload.agent_tarball[0] == '/')
            snprintf(dflt, sizeof(dflt), "%s", ctx->cfg.payload.agent_tarball);
        else
            snprintf(dflt, sizeof(dflt), "%s/%s", ctx->cfg.payload.dir, ctx->cfg.payload.agent_tarball);
        agent = dflt;
    }
    payload_locate(agent, tarball, sizeof(tarball));
    if (o.manifest) {
        payload_locate(o.manifest, manifest, sizeof(manifest));
        o.manifest = manifest;
    }
    o.tarball = tarball;
    o.progress = show_progress;

    r = apply_run(&o, &rep, &err);
    progress_done();
    guard_report("apply", &rep.guard);
    if (rep.journal_note[0])
        log_warn("%s", rep.journal_note);
    if (rep.stale_removed)
        log_warn("removed %u staging director%s left by an apply that was killed", rep.stale_removed,
                 rep.stale_removed == 1 ? "y" : "ies");
    if (rep.custom_changes.recovered)
        log_warn("an earlier %s run was interrupted (journal says started, not finished): %s", APPLY_SCRIPT,
                 rep.custom_changes.outcome == APPLY_STEP_MARKER
                     ? "the vendor marker exists, so it completed; not run again"
                     : "the vendor marker is absent, so it did not complete; it was run again");
    if (r < 0)
        log_error("%s", err.msg);
    if (ctx->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "tarball", json_object_new_string(tarball));
        json_object_object_add(doc, "ok", json_object_new_boolean(r == 0));
        if (r < 0)
            json_object_object_add(doc, "error", json_object_new_string(err.msg));
        if (rep.sha256[0])
            json_object_object_add(doc, "sha256", json_object_new_string(rep.sha256));
        json_object_object_add(doc, "digest_source", json_object_new_string(rep.digest_source));
        if (o.extract_only) {
            if (rep.staging[0])
                json_object_object_add(doc, "staging", json_object_new_string(rep.staging));
            json_object_object_add(doc, "files", json_object_new_int64((int64_t)rep.files));
        } else {
            json_object_object_add(doc, "custom_changes", step_json(&rep.custom_changes, "applied"));
            json_object_object_add(doc, "installer", step_json(&rep.installer, "installed"));
            json_object_object_add(doc, "reboot_required", json_object_new_boolean(rep.reboot_required));
        }
        out_json(doc);
    } else if (o.extract_only && r == 0) {
        out_printf("%s: sha256 %s verified against %s\n", tarball, rep.sha256, rep.digest_source);
        out_printf("extracted %llu files into %s\n", (unsigned long long)rep.files, rep.staging);
    } else if (rep.sha256[0] && r != -EBADMSG && r != -EPERM) {
        out_printf("%s: sha256 %s verified against %s\n", tarball, rep.sha256, rep.digest_source);
        step_text(APPLY_SCRIPT, "applied", &rep.custom_changes, rep.sha256);
        step_text("installer", "installed", &rep.installer, rep.sha256);
        if (rep.custom_changes.outcome == APPLY_STEP_RAN_OK)
            out_printf("reboot required\n");
    }
    if (r == -ENOKEY || r == -EINVAL)
        return EXIT_USAGE;
    return r < 0 ? EXIT_FAILED : EXIT_DONE;
}

const struct verb verb_apply = {
    "apply", cmd_apply,
    "--agent TARBALL [--sha256 HEX] [--manifest FILE] [--force] [--timeout SEC] [--staging DIR] [--extract-only]",
    "run the vendor's custom changes, once",
    "Verifies the Unified Agent tarball's SHA-256 (--sha256, --manifest, or SHA256SUMS beside it) while\n"
    "extracting it securely into a fresh staging directory, then runs ApplyCustomChanges.sh (answering\n"
    "its prompt) and the vendor installer (install -q -d [payload] install_dir -r MT -v VmWare), each\n"
    "exactly once per tarball digest, recorded in the journal section \"apply\". The vendor marker\n"
    "/etc/.appliedmtcustomchanges counts as applied. A reboot is required afterwards.\n"
    "  --force          run both steps again\n"
    "  --timeout SEC    per script (default [payload] script_timeout)\n"
    "  --staging DIR    where the staging directory is made (default /var/lib/mt-agent/staging)\n"
    "  --extract-only   verify and extract, print the staging directory, run nothing\n",
};
