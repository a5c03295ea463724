/* firstboot: check -> provision -> modules -> apply -> reboot -> retention -> register -> check.
 *
 * Each step is this same program run again with the step's verb (execve, no
 * shell), so a step does exactly what an operator's `mt-agent VERB` does and
 * takes the journal's lock on its own. The journal's "firstboot" section
 * records every step; a re-run resumes after the last step done. Everything the
 * steps print on stderr goes to /var/log/mt-agent.log as well. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "firstboot.h"
#include "journal.h"
#include "regfile.h"
#include "rootpath.h"
#include "run.h"
#include "verbs.h"

#define LOG_PATH "/var/log/mt-agent.log"
#define BOOT_ID_PATH "/proc/sys/kernel/random/boot_id"
#define STEP_TIMEOUT_MS (6 * 3600 * 1000)

struct fb_run {
    struct mt_ctx *ctx;
    int log_fd;
    const char *step;
    char self[PATH_MAX];
};

static void log_line(struct fb_run *fr, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(struct fb_run *fr, const char *fmt, ...)
{
    char buf[2048], stamp[32];
    time_t now = time(NULL);
    struct tm tm;
    va_list ap;
    int n;

    if (fr->log_fd < 0)
        return;
    strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    n = dprintf(fr->log_fd, "%s firstboot[%s]: %s\n", stamp, fr->step ? fr->step : "-", buf);
    (void)n;
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

/* Read what the journal says: the step's status, apply's reboot flag, the boot id of the reboot. */
static void journal_peek(const char *step, char *status, size_t slen, bool *reboot_required, char *boot_id,
                         size_t blen)
{
    struct journal j;
    json_object *fb, *apply, *v;
    const char *s;

    if (status)
        status[0] = '\0';
    if (boot_id)
        boot_id[0] = '\0';
    if (reboot_required)
        *reboot_required = false;
    if (journal_open(&j) < 0)
        return;
    fb = journal_section(&j, "firstboot");
    s = firstboot_step_status(fb, step);
    if (status && s)
        snprintf(status, slen, "%s", s);
    if (boot_id && json_object_object_get_ex(fb, "reboot_boot_id", &v))
        snprintf(boot_id, blen, "%s", json_object_get_string(v));
    apply = journal_section(&j, "apply");
    if (reboot_required && json_object_object_get_ex(apply, "reboot_required", &v))
        *reboot_required = json_object_get_boolean(v);
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
                                       "MT_AGENT_TEST_BACKOFF_MS", NULL};
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

/* Run one step as `mt-agent [global options] --json VERB ARGS`. Returns its exit code. */
static int run_step(struct fb_run *fr, const struct fb_step *s, char **json_out)
{
    const char *argv[FB_MAX_ARGS + 12];
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
    for (i = 0; i < s->argc; i++)
        argv[n++] = s->argv[i];
    argv[n] = NULL;

    memset(&o, 0, sizeof(o));
    o.timeout_ms = STEP_TIMEOUT_MS;
    o.on_output = on_child_output;
    o.data = fr;
    o.envp = step_env(env, sizeof(env) / sizeof(env[0]));
    r = run_argv(argv, &o, &res);
    if (r < 0) {
        log_error("firstboot: cannot run %s %s: %s", fr->self, s->argv[0], strerror(-r));
        return EXIT_FAILED;
    }
    if (res.signaled || res.timed_out) {
        log_error("firstboot: step %s: %s", s->name, run_describe(&res, desc, sizeof(desc)));
        code = EXIT_FAILED;
    } else {
        code = res.exit_status;
    }
    log_line(fr, "%s: %s", s->argv[0], run_describe(&res, desc, sizeof(desc)));
    if (json_out)
        *json_out = res.out ? strdup(res.out) : NULL;
    run_result_free(&res);
    return code;
}

/* [payload] dir and manifest, resolved for the child verbs; true when the directory exists. */
static bool payload_paths(const struct mt_config *cfg, struct fb_options *o)
{
    struct stat st;

    if (cfg->payload.manifest[0] &&
        rootpath_resolve(cfg->payload.manifest, o->manifest, sizeof(o->manifest), 0) < 0)
        o->manifest[0] = '\0';
    if (rootpath_resolve(cfg->payload.dir, o->payload_dir, sizeof(o->payload_dir), 0) < 0)
        return false;
    return stat(o->payload_dir, &st) == 0 && S_ISDIR(st.st_mode);
}

static int cmd_firstboot(struct mt_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"ignore", required_argument, NULL, 'i'},
        {"no-reboot", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct fb_options fo;
    struct fb_step steps[FB_N_STEPS];
    struct fb_run fr;
    json_object *report = json_object_new_object(), *list = json_object_new_array();
    char status[32], boot_id[64], now_id[64], why[2048];
    const char *state = "done";
    bool no_reboot = false, reboot_required;
    ssize_t n;
    int c, i, code = EXIT_DONE;

    memset(&fo, 0, sizeof(fo));
    memset(&fr, 0, sizeof(fr));
    fr.ctx = ctx;
    fr.log_fd = -1;
    optind = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'i': fo.ignore = optarg; break;
        case 'n': no_reboot = true; break;
        default: json_object_put(report); json_object_put(list); return verb_usage_error(&verb_firstboot, "bad option");
        }
    }
    if (optind < argc) {
        json_object_put(report);
        json_object_put(list);
        return verb_usage_error(&verb_firstboot, "unexpected argument '%s'", argv[optind]);
    }
    /* Our own binary (not a host path: the program running now), to run each step. */
    n = readlink("/proc/self/exe", fr.self, sizeof(fr.self) - 1);
    if (n <= 0) {
        log_error("firstboot: cannot find its own program in /proc/self/exe: %s; is /proc mounted?",
                  strerror(errno));
        json_object_put(report);
        json_object_put(list);
        return EXIT_FAILED;
    }
    fr.self[n] = '\0';
    {   /* never through a link, never a FIFO (provision/regfile.h) */
        char lp[PATH_MAX];
        int lr = rootpath_resolve(LOG_PATH, lp, sizeof(lp), RP_NOFOLLOW);
        fr.log_fd = lr < 0 ? lr : regfile_open_append(lp, 0640);
    }
    if (fr.log_fd < 0)
        log_warn("firstboot: cannot open %s (%s); the steps' output goes to stderr only", LOG_PATH,
                 strerror(-fr.log_fd));

    fo.payload_dir_exists = payload_paths(&ctx->cfg, &fo);
    snprintf(fo.target_root, sizeof(fo.target_root), "%s", rootpath_root());
    firstboot_plan(&ctx->cfg, &fo, steps);
    if (journal_set_state("running", NULL) < 0) {
        code = EXIT_FAILED;
        state = "stopped";
        goto out;
    }
    log_line(&fr, "started");

    for (i = 0; i < FB_N_STEPS; i++) {
        const struct fb_step *s = &steps[i];
        json_object *e = json_object_new_object();
        char *json_text = NULL;
        int r;

        fr.step = s->name;
        json_object_object_add(e, "step", json_object_new_string(s->name));
        json_object_array_add(list, e);
        journal_peek(s->name, status, sizeof(status), &reboot_required, boot_id, sizeof(boot_id));

        if (!s->enabled) {
            out_printf("%-12s skipped: %s\n", s->name, s->why);
            json_object_object_add(e, "status", json_object_new_string("skipped"));
            json_object_object_add(e, "detail", json_object_new_string(s->why));
            journal_set_step(s->name, "skipped", 0, s->why);
            continue;
        }
        /* Checks run every time (they report the box as it is now); the other steps once. */
        if (strcmp(status, "done") == 0 && s->id != FB_PREFLIGHT && s->id != FB_FINAL_CHECK) {
            out_printf("%-12s already done\n", s->name);
            json_object_object_add(e, "status", json_object_new_string("already-done"));
            continue;
        }

        if (s->id == FB_REBOOT) {
            now_id[0] = '\0';
            rootpath_read_line(BOOT_ID_PATH, now_id, sizeof(now_id));
            if (!reboot_required) {
                out_printf("%-12s not needed\n", s->name);
                json_object_object_add(e, "status", json_object_new_string("not-needed"));
                journal_set_step(s->name, "done", 0, "the custom changes did not ask for a reboot");
                continue;
            }
            if (boot_id[0] && now_id[0] && strcmp(boot_id, now_id) != 0) {
                out_printf("%-12s done (the box has rebooted since the custom changes)\n", s->name);
                json_object_object_add(e, "status", json_object_new_string("done"));
                journal_set_step(s->name, "done", 0, "rebooted");
                continue;
            }
            if (no_reboot) {
                log_warn("firstboot: the custom changes ask for a reboot; deferred (--no-reboot): reboot the "
                         "box before replication starts");
                out_printf("%-12s deferred (--no-reboot)\n", s->name);
                json_object_object_add(e, "status", json_object_new_string("deferred"));
                journal_set_step(s->name, "deferred", 0, "--no-reboot");
                continue;
            }
            journal_set_step(s->name, "reboot-pending", 0, "rebooting after the custom changes");
            journal_set_state("reboot-pending", now_id);
            json_object_object_add(e, "status", json_object_new_string("reboot-pending"));
            state = "reboot-pending";
            if (!rootpath_is_host()) {
                /* A sysroot is not the running system: never reboot the machine we run on. */
                out_printf("%-12s required: reboot the box, firstboot resumes after it\n", s->name);
                goto out;
            } else {
                const char *rb[] = {"reboot", NULL};
                struct run_opts o;
                struct run_result res;
                memset(&o, 0, sizeof(o));
                o.timeout_ms = 60000;
                out_printf("%-12s rebooting now; firstboot resumes after it\n", s->name);
                log_line(&fr, "rebooting");
                if (run_argv(rb, &o, &res) < 0 || !run_ok(&res)) {
                    log_error("firstboot: reboot failed; reboot the box by hand, firstboot resumes after it");
                    code = EXIT_FAILED;
                }
                run_result_free(&res);
                goto out;
            }
        }

        out_printf("%-12s running: mt-agent", s->name);
        for (c = 0; c < s->argc; c++)
            out_printf(" %s", s->argv[c]);
        out_printf("\n");
        journal_set_step(s->name, "running", 0, NULL);
        r = run_step(&fr, s, &json_text);
        json_object_object_add(e, "exit", json_object_new_int(r));
        if (json_text) {
            json_object *child = json_tokener_parse(json_text);
            if (child)
                json_object_object_add(e, "result", child);
        }
        if (r == EXIT_DONE) {
            journal_set_step(s->name, "done", 0, NULL);
            json_object_object_add(e, "status", json_object_new_string("done"));
            out_printf("%-12s done\n", s->name);
            free(json_text);
            continue;
        }
        why[0] = '\0';
        if ((s->id == FB_PREFLIGHT || s->id == FB_FINAL_CHECK) && json_text)
            check_failures(json_text, why, sizeof(why));
        if (!why[0])
            snprintf(why, sizeof(why), "mt-agent %s exited %d (see %s)", s->argv[0], r, LOG_PATH);
        free(json_text);
        journal_set_step(s->name, "failed", r, why);
        json_object_object_add(e, "status", json_object_new_string("failed"));
        json_object_object_add(e, "detail", json_object_new_string(why));
        if (s->id == FB_FINAL_CHECK) {
            log_error("firstboot: the final check fails: %s", why);
        } else {
            log_error("firstboot: stopped at %s%s: %s", s->name,
                      steps[FB_REGISTER].enabled ? ", before registering" : "", why);
            log_error("firstboot: fix it, then run `mt-agent firstboot` again: it resumes here");
        }
        log_line(&fr, "stopped: %s", why);
        state = "stopped";
        code = r;
        goto out;
    }
    log_line(&fr, "finished");

out:
    fr.step = NULL;
    if (strcmp(state, "reboot-pending") != 0)
        journal_set_state(state, NULL);
    json_object_object_add(report, "state", json_object_new_string(state));
    json_object_object_add(report, "steps", list);
    if (ctx->json)
        out_json(report);
    else
        json_object_put(report);
    out_printf("firstboot: %s\n", state);
    if (fr.log_fd >= 0)
        close(fr.log_fd);
    return code;
}

const struct verb verb_firstboot = {
    "firstboot", cmd_firstboot, "[--ignore ID,..] [--no-reboot]",
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
    "The steps' output goes to /var/log/mt-agent.log too.\n"
    "  --ignore ID,..  check ids the checks leave aside (with [check] ignore)\n"
    "  --no-reboot     do not reboot after the custom changes; say it is needed\n",
};
