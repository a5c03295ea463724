/* apply: verify and extract the Unified Agent tarball, run the vendor's custom
 * changes and installer once per tarball digest (provision/payload/apply.h). */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply.h"
#include "guard.h"
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

struct apply_args {
    struct mt_path agent, manifest, staging;
    const char *sha256;
    bool force, extract_only;
    uint64_t timeout;
};

#define AT(f) .offset = offsetof(struct apply_args, f)
static const struct opt APPLY_OPTS[] = {
    {.name = "agent", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "TARBALL", AT(agent),
     .help = "the Unified Agent tarball (default [payload] dir/agent_tarball)"},
    {.name = "sha256", .kind = OPT_STRING, .arg = "HEX", AT(sha256), .help = "its expected SHA-256"},
    {.name = "manifest", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(manifest),
     .help = "a sha256sum manifest naming it (default [payload] manifest, else SHA256SUMS beside it)"},
    {.name = "force", .kind = OPT_FLAG, AT(force), .help = "run both steps again"},
    {.name = "timeout", .kind = OPT_NUMBER, .arg = "SEC", AT(timeout), .min = 1, .max = 86400,
     .help = "per script, 1 to 86400 (default [payload] script_timeout)"},
    {.name = "staging", .kind = OPT_HOST_PATH, .arg = "DIR", AT(staging),
     .help = "where the staging directory is made (default /var/lib/mt-agent/staging)"},
    {.name = "extract-only", .kind = OPT_FLAG, AT(extract_only),
     .help = "verify and extract, print the staging directory, run nothing"},
    OPT_END,
};
#undef AT
static const struct opt *const APPLY_TABLES[] = {APPLY_OPTS, NULL};

/* The tarball and manifest: the operator's paths as given; else the box's
 * [payload] agent_tarball (relative to [payload] dir) and manifest, resolved
 * under --root. 0 or an exit code. */
static int apply_paths(struct mt_ctx *ctx, struct apply_args *a)
{
    const struct mt_config *cfg = &ctx->cfg;
    const char *t = cfg->payload.agent_tarball;
    char dflt[PATH_MAX * 2];
    int r;

    if (!a->agent.given && !t[0])
        return verb_usage_error(&verb_apply, "give --agent TARBALL (or [payload] agent_tarball)");
    snprintf(dflt, sizeof(dflt), "%s%s%s", t[0] == '/' ? "" : cfg->payload.dir, t[0] == '/' ? "" : "/", t);
    r = verb_box_default(ctx, &a->agent, dflt, "[payload] agent_tarball");
    return r ? r : verb_box_default(ctx, &a->manifest, cfg->payload.manifest, "[payload] manifest");
}

static int cmd_apply(struct mt_ctx *ctx, void *argp)
{
    struct apply_args *a = argp;
    struct apply_opts o;
    struct apply_report rep;
    struct mt_err err = {0};
    const char *tarball;
    int r;

    r = apply_paths(ctx, a);
    if (r)
        return r;
    memset(&o, 0, sizeof(o));
    o.install_dir = ctx->cfg.payload.install_dir;
    o.timeout_s = a->timeout ? (unsigned)a->timeout : ctx->cfg.payload.script_timeout;
    o.tarball = tarball = a->agent.real;
    o.manifest = a->manifest.real;
    o.sha256 = a->sha256;
    o.staging_parent = a->staging.real;
    o.force = a->force;
    o.extract_only = a->extract_only;
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
        verb_set_doc(ctx, doc);
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
    if (r == -ENOKEY || r == -EINVAL || r == -EISDIR) /* -EISDIR: --agent a directory */
        return EXIT_USAGE;
    return r < 0 ? EXIT_FAILED : EXIT_DONE;
}

const struct verb verb_apply = {
    "apply", cmd_apply, APPLY_TABLES, sizeof(struct apply_args), NULL,
    "run the vendor's custom changes, once",
    "Verifies the Unified Agent tarball's SHA-256 (--sha256, --manifest, or SHA256SUMS beside it) while\n"
    "extracting it securely into a fresh staging directory, then runs ApplyCustomChanges.sh (answering\n"
    "its prompt) and the vendor installer (install -q -d [payload] install_dir -r MT -v VmWare), each\n"
    "exactly once per tarball digest, recorded in the journal section \"apply\". The vendor marker\n"
    "/etc/.appliedmtcustomchanges counts as applied. A reboot is required afterwards.\n",
    0,
};
