/* firstboot: check -> provision -> modules -> apply -> reboot -> retention -> register -> check.
 *
 * Each step is this same program run again with the step's verb (execve, no
 * shell), so a step does exactly what an operator's `mt-agent VERB` does and
 * takes the journal's lock on its own. The journal's "firstboot" section
 * records every step; a re-run resumes after the last step done. Everything the
 * steps print on stderr goes to /var/log/mt-agent.log as well. */
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agentlog.h"
#include "arraysize.h"
#include "firstboot.h"
#include "journal.h"
#include "rootpath.h"
#include "run.h"
#include "verbs.h"

#define LOG_PATH AGENTLOG_PATH
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define STEP_TIMEOUT_MS (6 * 3600 * 1000)

/* The box paths the steps are given, resolved once here (under --root): the
 * steps take them as the operator's host paths and do not resolve them again. */
struct fb_paths {
    struct mt_path disk, retention_disk, payload_dir, manifest;
    const char *target_root;        /* the box's root as this process opens it */
};

struct fb_run {
    struct mt_ctx *ctx;
    int log_fd;
    const char *step;
    char self[PATH_MAX];
    const char *ignore;             /* --ignore */
    bool no_reboot;
    struct fb_paths paths;
    json_object *list;              /* the report's steps */
    const char *state;              /* "done", "stopped", "reboot-pending" */
    int code;
};

/* A line of our own in the log: "TIME firstboot[STEP]: TEXT". */
static void log_line(struct fb_run *fr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(struct fb_run *fr, const char *fmt, ...)
{
    char who[64], text[1800];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    snprintf(who, sizeof(who), "firstboot[%s]", fr->step ? fr->step : "-");
    agentlog_line(fr->log_fd, who, "%s", text);
}

/* The child's stderr: to our stderr (unless -q or --json) and, line by line, to the log. */
static void on_child_output(void *data, int stream, const char *buf, size_t len)
{
    struct fb_run *fr = data;
    ssize_t w;

    if (stream != 2)
        return;
    if (fr->ctx->verbosity >= 0 && !fr->ctx->json) {
        w = write(STDERR_FILENO, buf, len);
        (void)w;
    }
    if (fr->log_fd >= 0) {
        w = write(fr->log_fd, buf, len);
        (void)w;
    }
}

static int journal_open(struct journal *j)
{
    struct mt_err err = {0};
    int r = journal_load(j, &err);
    if (r < 0)
        log_error("%s", err.msg);
    else if (j->moved_aside[0])
        log_warn("%s", err.msg);
    return r;
}

/* Load the journal, change its "firstboot" section (a step's record when step
 * is set, the state when state is set, with the boot id of a pending reboot),
 * commit it. Each change is its own short lock: a step's verb takes the lock too. */
static int journal_update(const char *step, const char *status, int code, const char *detail, const char *state,
                          const char *boot_id)
{
    struct journal j;
    struct mt_err err = {0};
    json_object *fb;
    int r = journal_open(&j);

    if (r < 0)
        return r;
    fb = journal_section(&j, "firstboot");
    if (step)
        firstboot_record(fb, step, status, code, detail);
    if (state)
        json_object_object_add(fb, "state", json_object_new_string(state));
    if (boot_id)
        json_object_object_add(fb, "reboot_boot_id", json_object_new_string(boot_id));
    r = journal_commit(&j, &err);
    if (r < 0)
        log_error("%s", err.msg);
    journal_free(&j);
    return r;
}

static int journal_set_step(const char *step, const char *status, int code, const char *detail)
{
    return journal_update(step, status, code, detail, NULL, NULL);
}

static int journal_set_state(const char *state, const char *boot_id)
{
    return journal_update(NULL, NULL, 0, NULL, state, boot_id);
}

/* What the journal and the box say about a step, for the policy. The strings
 * live in the caller's buffers. */
struct fb_seen {
    char status[32], reboot_boot_id[64], boot_id[64];
    struct fb_facts facts;
};

static void journal_peek(const char *step, bool no_reboot, struct fb_seen *seen)
{
    struct journal j;
    json_object *fb, *apply, *v;
    const char *s;

    memset(seen, 0, sizeof(*seen));
    seen->facts.no_reboot = no_reboot;
    seen->facts.status = seen->status;
    seen->facts.reboot_boot_id = seen->reboot_boot_id;
    seen->facts.boot_id = seen->boot_id;
    rootpath_read_line(BOOT_ID_PATH, seen->boot_id, sizeof(seen->boot_id));
    if (journal_open(&j) < 0)
        return;
    fb = journal_section(&j, "firstboot");
    s = firstboot_step_status(fb, step);
    if (s)
        snprintf(seen->status, sizeof(seen->status), "%s", s);
    if (json_object_object_get_ex(fb, "reboot_boot_id", &v))
        snprintf(seen->reboot_boot_id, sizeof(seen->reboot_boot_id), "%s", json_object_get_string(v));
    apply = journal_section(&j, "apply");
    if (json_object_object_get_ex(apply, "reboot_required", &v))
        seen->facts.reboot_required = json_object_get_boolean(v);
    journal_free(&j);
}

/* What a failed check run says: "disk.enableuuid: sdb has no NAA identifier; ..." */
static void check_failures(const char *json_text, char *out, size_t len)
{
    json_object *doc = json_tokener_parse(json_text), *checks, *c, *v;
    size_t i, used = 0;

    out[0] = '\0';
    if (!doc)
        return;
    if (json_object_object_get_ex(doc, "checks", &checks) && json_object_is_type(checks, json_type_array)) {
        for (i = 0; i < json_object_array_length(checks); i++) {
            const char *id = "", *detail = "", *status = "", *sev = "";
            c = json_object_array_get_idx(checks, i);
            if (json_object_object_get_ex(c, "status", &v))
                status = json_object_get_string(v);
            if (json_object_object_get_ex(c, "severity", &v))
                sev = json_object_get_string(v);
            if (strcmp(status, "fail") != 0 || strcmp(sev, "error") != 0)
                continue;
            if (json_object_object_get_ex(c, "id", &v))
                id = json_object_get_string(v);
            if (json_object_object_get_ex(c, "detail", &v))
                detail = json_object_get_string(v);
            if (used < len)
                used += (size_t)snprintf(out + used, len - used, "%s%s: %s", used ? "; " : "", id, detail);
        }
    }
    json_object_put(doc);
}

/* The environment of a step: run_argv's minimal one (PATH, C locale), plus what
 * this process was given for its own diagnostics (the sanitizers' options, the
 * test hook for the cs backoff), so a step runs as this process would. */
static char **step_env(char *store[], size_t n)
{
    static const char *const keep[] = {"ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS",
#ifdef MT_TEST_HOOKS
                                       "MT_AGENT_TEST_BACKOFF_MS",
#endif
                                       NULL};
    static char path[4096], vars[4][4096];
    size_t i, k = 0;
    const char *p = getenv("PATH");

    snprintf(path, sizeof(path), "PATH=%s", p && p[0] ? p : "/usr/sbin:/usr/bin:/sbin:/bin");
    store[k++] = path;
    store[k++] = (char *)"LANG=C";
    store[k++] = (char *)"LC_ALL=C";
    for (i = 0; keep[i] && k + 1 < n; i++) {
        const char *v = getenv(keep[i]);
        if (!v)
            continue;
        snprintf(vars[i], sizeof(vars[i]), "%s=%s", keep[i], v);
        store[k++] = vars[i];
    }
    store[k] = NULL;
    return store;
}

/* The check ids a check step leaves aside: a and b joined; NULL when none. */
static const char *ignore_list(struct mt_ctx *ctx, const char *a, const char *b)
{
    char buf[4096];
    bool has_a = a && a[0], has_b = b && b[0];

    if (!has_a && !has_b)
        return NULL;
    snprintf(buf, sizeof(buf), "%s%s%s", has_a ? a : "", has_a && has_b ? "," : "", has_b ? b : "");
    return opt_store_keep(&ctx->store, buf);
}

/* A step's command line, from its verb's option table (a renamed option is
 * refused here rather than passed to a child that would not know it). */
static bool step_argv(struct fb_run *fr, const struct fb_step *s, struct opt_argv *a)
{
    static const struct verb *const step_verb[FB_N_STEPS] = {
        &verb_check, &verb_provision, &verb_modules, &verb_apply, NULL, &verb_retention, &verb_register, &verb_check,
    };
    const struct verb *v = step_verb[s->id];
    const struct fb_paths *p = &fr->paths;
    struct opt_cmd c;
    const char *ign;

    memset(a, 0, sizeof(*a));
    if (!v)
        return false;
    c = verb_cmd(v);
    opt_argv_word(a, v->name);
    if (v->subcommand)
        opt_argv_word(a, v->subcommand);
    switch (s->id) {
    case FB_PREFLIGHT:
    case FB_FINAL_CHECK:
        ign = s->id == FB_PREFLIGHT ? ignore_list(fr->ctx, FB_PREFLIGHT_DEFERRED, fr->ignore)
                                    : ignore_list(fr->ctx, fr->ignore, NULL);
        if (ign)
            opt_argv_opt(a, &c, "ignore", ign);
        break;
    case FB_PROVISION:
        opt_argv_opt(a, &c, "disk", p->disk.real);
        opt_argv_opt(a, &c, "target-root", p->target_root);
        break;
    case FB_MODULES:
        opt_argv_opt(a, &c, "from", p->payload_dir.real);
        if (p->manifest.given)
            opt_argv_opt(a, &c, "manifest", p->manifest.real);
        break;
    case FB_RETENTION:
        opt_argv_opt(a, &c, "disk", p->retention_disk.real);
        opt_argv_opt(a, &c, "mount", fr->ctx->cfg.layout.retention_mount);
        break;
    default: break; /* apply, register: from the configuration, as the operator would run them */
    }
    if (a->overflow || a->unknown) {
        log_error("firstboot: %s: the step's command line %s; this is a bug in mt-agent", s->name,
                  a->unknown ? "names an option its verb does not have" : "is too long");
        return false;
    }
    return true;
}

/* Resolve the box's paths the steps need, once. 0 or an exit code (message printed). */
static int resolve_paths(struct fb_run *fr, struct fb_options *fo)
{
    struct mt_ctx *ctx = fr->ctx;
    const struct mt_config *cfg = &ctx->cfg;
    struct fb_paths *p = &fr->paths;
    const char *bad = NULL;
    struct stat st;

    p->target_root = rootpath_root();
    if (cfg->layout.disk[0] && opt_box_disk(&ctx->store, cfg->layout.disk, &p->disk) < 0)
        bad = "[layout] disk";
    else if (cfg->layout.retention_disk[0] && opt_box_disk(&ctx->store, cfg->layout.retention_disk, &p->retention_disk) < 0)
        bad = "[layout] retention_disk";
    else if (opt_box_path(&ctx->store, cfg->payload.dir, &p->payload_dir) < 0)
        bad = "[payload] dir";
    else if (cfg->payload.manifest[0] && opt_box_path(&ctx->store, cfg->payload.manifest, &p->manifest) < 0)
        bad = "[payload] manifest";
    if (bad) {
        log_error("firstboot: %s: %s is neither a kernel name nor an absolute path on the box; fix the configuration",
                  ctx->config_path[0] ? ctx->config_path : MT_CONFIG_DEFAULT_PATH, bad);
        return EXIT_USAGE;
    }
    fo->payload_dir_exists = stat(p->payload_dir.real, &st) == 0 && S_ISDIR(st.st_mode);
    return 0;
}

/* Run one step as `mt-agent [global options] --json VERB ARGS`. Returns its exit code. */
static int run_step(struct fb_run *fr, const struct fb_step *s, const struct opt_argv *sa, char **json_out)
{
    const char *argv[OPT_ARGV_MAX + 12];
    char *env[12];
    char desc[128];
    struct run_opts o;
    struct run_result res;
    int n = 0, i, r, code;

    argv[n++] = fr->self;
    if (fr->ctx->config_path[0]) {
        argv[n++] = "--config";
        argv[n++] = fr->ctx->config_path;
    }
    if (!rootpath_is_host()) {
        argv[n++] = "--root";
        argv[n++] = rootpath_root();
    }
    if (fr->ctx->verbosity > 0)
        argv[n++] = "-v";
    argv[n++] = "--json";
    for (i = 0; i < sa->argc; i++)
        argv[n++] = sa->argv[i];
    argv[n] = NULL;

    memset(&o, 0, sizeof(o));
    o.timeout_ms = STEP_TIMEOUT_MS;
    o.on_output = on_child_output;
    o.data = fr;
    o.envp = step_env(env, ARRAY_SIZE(env));
    r = run_argv(argv, &o, &res);
    if (r < 0) {
        log_error("firstboot: cannot run %s %s: %s", fr->self, sa->argv[0], strerror(-r));
        return EXIT_FAILED;
    }
    if (res.signaled || res.timed_out) {
        log_error("firstboot: step %s: %s", s->name, run_describe(&res, desc, sizeof(desc)));
        code = EXIT_FAILED;
    } else {
        code = res.exit_status;
    }
    log_line(fr, "%s: %s", sa->argv[0], run_describe(&res, desc, sizeof(desc)));
    if (json_out)
        *json_out = res.out ? strdup(res.out) : NULL;
    run_result_free(&res);
    return code;
}

static void report(json_object *e, const char *status, const char *detail)
{
    json_object_object_add(e, "status", json_object_new_string(status));
    if (detail)
        json_object_object_add(e, "detail", json_object_new_string(detail));
}

/* The reboot the custom changes asked for: recorded first, then done (on the
 * host) or asked of the operator (a sysroot is not the machine we run on). */
static void reboot_now(struct fb_run *fr, const struct fb_step *s, const struct fb_seen *seen, json_object *e)
{
    journal_set_step(s->name, "reboot-pending", 0, "rebooting after the custom changes");
    journal_set_state("reboot-pending", seen->boot_id);
    report(e, "reboot-pending", NULL);
    fr->state = "reboot-pending";
    if (!rootpath_is_host()) {
        out_printf("%-12s required: reboot the box, firstboot resumes after it\n", s->name);
    } else {
        const char *rb[] = {"reboot", NULL};
        struct run_opts o;
        struct run_result res;
        memset(&o, 0, sizeof(o));
        o.timeout_ms = 60000;
        out_printf("%-12s rebooting now; firstboot resumes after it\n", s->name);
        log_line(fr, "rebooting");
        if (run_argv(rb, &o, &res) < 0 || !run_ok(&res)) {
            log_error("firstboot: reboot failed; reboot the box by hand, firstboot resumes after it");
            fr->code = EXIT_FAILED;
        }
        run_result_free(&res);
    }
}

/* A step that failed: recorded, said, firstboot stops. */
static void step_failed(struct fb_run *fr, const struct fb_step *s, const struct fb_step *steps, const char *verb,
                        int r, const char *json_text, json_object *e)
{
    char why[2048];

    why[0] = '\0';
    if ((s->id == FB_PREFLIGHT || s->id == FB_FINAL_CHECK) && json_text)
        check_failures(json_text, why, sizeof(why));
    if (!why[0])
        snprintf(why, sizeof(why), "mt-agent %s exited %d (see %s)", verb, r, LOG_PATH);
    journal_set_step(s->name, "failed", r, why);
    report(e, "failed", why);
    if (s->id == FB_FINAL_CHECK) {
        log_error("firstboot: the final check fails: %s", why);
    } else {
        log_error("firstboot: stopped at %s%s: %s", s->name, steps[FB_REGISTER].enabled ? ", before registering" : "",
                  why);
        log_error("firstboot: fix it, then run `mt-agent firstboot` again: it resumes here");
    }
    log_line(fr, "stopped: %s", why);
    fr->state = "stopped";
    fr->code = r;
}

/* Run a step's verb; false when firstboot stops here. */
static bool run_verb_step(struct fb_run *fr, const struct fb_step *s, const struct fb_step *steps, json_object *e)
{
    struct opt_argv sa;
    char *json_text = NULL;
    int i, r;

    if (!step_argv(fr, s, &sa)) {
        fr->state = "stopped";
        fr->code = EXIT_FAILED;
        return false;
    }
    out_printf("%-12s running: mt-agent", s->name);
    for (i = 0; i < sa.argc; i++)
        out_printf(" %s", sa.argv[i]);
    out_printf("\n");
    journal_set_step(s->name, "running", 0, NULL);
    r = run_step(fr, s, &sa, &json_text);
    json_object_object_add(e, "exit", json_object_new_int(r));
    if (json_text) {
        json_object *child = json_tokener_parse(json_text);
        if (child)
            json_object_object_add(e, "result", child);
    }
    if (r == EXIT_DONE) {
        journal_set_step(s->name, "done", 0, NULL);
        report(e, "done", NULL);
        out_printf("%-12s done\n", s->name);
    } else {
        step_failed(fr, s, steps, sa.argv[0], r, json_text, e);
    }
    free(json_text);
    return r == EXIT_DONE;
}

/* One step, as the policy says; false when firstboot stops here. */
static bool do_step(struct fb_run *fr, const struct fb_step *s, const struct fb_step *steps)
{
    json_object *e = json_object_new_object();
    struct fb_seen seen;

    fr->step = s->name;
    json_object_object_add(e, "step", json_object_new_string(s->name));
    json_object_array_add(fr->list, e);
    journal_peek(s->name, fr->no_reboot, &seen);
    switch (firstboot_next(s, &seen.facts)) {
    case FB_ACT_SKIP:
        out_printf("%-12s skipped: %s\n", s->name, s->why);
        report(e, "skipped", s->why);
        journal_set_step(s->name, "skipped", 0, s->why);
        return true;
    case FB_ACT_ALREADY:
        out_printf("%-12s already done\n", s->name);
        report(e, "already-done", NULL);
        return true;
    case FB_ACT_NOT_NEEDED:
        out_printf("%-12s not needed\n", s->name);
        report(e, "not-needed", NULL);
        journal_set_step(s->name, "done", 0, "the custom changes did not ask for a reboot");
        return true;
    case FB_ACT_REBOOTED:
        out_printf("%-12s done (the box has rebooted since the custom changes)\n", s->name);
        report(e, "done", NULL);
        journal_set_step(s->name, "done", 0, "rebooted");
        return true;
    case FB_ACT_DEFER:
        log_warn("firstboot: the custom changes ask for a reboot; deferred (--no-reboot): reboot the "
                 "box before replication starts");
        out_printf("%-12s deferred (--no-reboot)\n", s->name);
        report(e, "deferred", NULL);
        journal_set_step(s->name, "deferred", 0, "--no-reboot");
        return true;
    case FB_ACT_REBOOT:
        reboot_now(fr, s, &seen, e);
        return false;
    case FB_ACT_RUN:
    default: return run_verb_step(fr, s, steps, e);
    }
}

/* Our own program, to run each step, and the log. 0 or an exit code. */
static int fb_open(struct fb_run *fr)
{
    /* not a host path: the program running now */
    ssize_t n = readlink("/proc/self/exe", fr->self, sizeof(fr->self) - 1);

    if (n <= 0) {
        log_error("firstboot: cannot find its own program in /proc/self/exe: %s; is /proc mounted?",
                  strerror(errno));
        return EXIT_FAILED;
    }
    fr->self[n] = '\0';
    fr->log_fd = agentlog_open();
    if (fr->log_fd < 0)
        log_warn("firstboot: cannot open %s (%s); the steps' output goes to stderr only", LOG_PATH,
                 strerror(errno));
    return 0;
}

struct firstboot_args {
    const char *ignore;
    bool no_reboot;
};

#define AT(f) .offset = offsetof(struct firstboot_args, f)
static const struct opt FIRSTBOOT_OPTS[] = {
    {.name = "ignore", .kind = OPT_LIST, .arg = "ID,..", AT(ignore),
     .help = "check ids the checks leave aside (with [check] ignore)"},
    {.name = "no-reboot", .kind = OPT_FLAG, AT(no_reboot),
     .help = "do not reboot after the custom changes; say it is needed"},
    OPT_END,
};
#undef AT
static const struct opt *const FIRSTBOOT_TABLES[] = {FIRSTBOOT_OPTS, NULL};

static int cmd_firstboot(struct mt_ctx *ctx, void *argp)
{
    struct firstboot_args *a = argp;
    struct fb_options fo;
    struct fb_step steps[FB_N_STEPS];
    struct fb_run fr;
    json_object *doc;
    int i, rc;

    memset(&fo, 0, sizeof(fo));
    memset(&fr, 0, sizeof(fr));
    fr.ctx = ctx;
    fr.log_fd = -1;
    fr.ignore = a->ignore;
    fr.no_reboot = a->no_reboot;
    fr.state = "done";
    if ((rc = resolve_paths(&fr, &fo)) != 0 || (rc = fb_open(&fr)) != 0)
        return rc;
    firstboot_plan(&ctx->cfg, &fo, steps);
    fr.list = json_object_new_array();
    if (journal_set_state("running", NULL) < 0) {
        fr.code = EXIT_FAILED;
        fr.state = "stopped";
    } else {
        log_line(&fr, "started");
        for (i = 0; i < FB_N_STEPS && do_step(&fr, &steps[i], steps); i++)
            ;
        if (i == FB_N_STEPS)
            log_line(&fr, "finished");
    }
    fr.step = NULL;
    if (strcmp(fr.state, "reboot-pending") != 0)
        journal_set_state(fr.state, NULL);
    doc = json_object_new_object();
    json_object_object_add(doc, "state", json_object_new_string(fr.state));
    json_object_object_add(doc, "steps", fr.list);
    verb_set_doc(ctx, doc);
    out_printf("firstboot: %s\n", fr.state);
    if (fr.log_fd >= 0)
        close(fr.log_fd);
    return fr.code;
}

const struct verb verb_firstboot = {
    "firstboot", cmd_firstboot, FIRSTBOOT_TABLES, sizeof(struct firstboot_args), NULL,
    "check -> modules -> apply -> retention -> register, resumable",
    "Runs every step that makes this box a master target, each as `mt-agent VERB`:\n"
    "  preflight    mt-agent check, leaving aside what later steps make true\n"
    "  provision    lay out [layout] disk (only when it is set)\n"
    "  modules      mt-agent modules install --from [payload] dir\n"
    "  apply        mt-agent apply --agent [payload] agent_tarball\n"
    "  reboot       once, when the custom changes ask for it\n"
    "  retention    mt-agent retention --disk [layout] retention_disk\n"
    "  register     mt-agent register with [cs]\n"
    "  final-check  mt-agent check\n"
    "The journal records each step; a re-run resumes after the last one done.\n"
    "The steps' output goes to /var/log/mt-agent.log too.\n",
    0,
};
