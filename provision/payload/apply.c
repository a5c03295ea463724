/* apply: see apply.h. */
#define _GNU_SOURCE
#include "apply.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "agentlog.h"
#include "dirs.h"
#include "extract.h"
#include "journal.h"
#include "manifest.h"
#include "rootpath.h"
#include "run.h"
#include "runguard.h"
#include "timefmt.h"

int apply_expected_digest(const char *tarball, const char *sha256, const char *manifest,
                          char out[SHA256_HEX_LEN + 1], char *source, size_t sourcelen, struct mt_err *err)
{
    char beside[PATH_MAX];
    const struct manifest_entry *e;
    const char *base = strrchr(tarball, '/');
    struct manifest m;
    int r;

    base = base ? base + 1 : tarball;
    if (sha256) {
        if (payload_hex_normalize(sha256, out) < 0)
            return mt_err_set(err, -EINVAL, "--sha256 %s: not a SHA-256 (64 hex digits)", sha256);
        snprintf(source, sourcelen, "--sha256");
        return 0;
    }
    if (!manifest) {
        const char *slash = strrchr(tarball, '/');
        if (slash)
            snprintf(beside, sizeof(beside), "%.*s/SHA256SUMS", (int)(slash - tarball), tarball);
        else
            snprintf(beside, sizeof(beside), "SHA256SUMS");
        if (access(beside, F_OK) < 0)
            return mt_err_set(err, -ENOKEY,
                              "%s: no digest to check it against; give --sha256 HEX or a manifest "
                              "(--manifest FILE, or SHA256SUMS beside the tarball)",
                              tarball);
        manifest = beside;
    }
    r = manifest_load(manifest, &m, err);
    if (r < 0)
        return r;
    e = manifest_find(&m, base);
    if (!e) {
        manifest_free(&m);
        return mt_err_set(err, -ENOKEY, "%s: has no line for %s; add its sha256sum line", manifest, base);
    }
    memcpy(out, e->sha256, SHA256_HEX_LEN + 1);
    snprintf(source, sourcelen, "%s:%u", manifest, e->line);
    manifest_free(&m);
    return 0;
}

/* multipath.conf tokens: words, "quoted strings", { and }; comments skipped. */
static const char *mp_token(const char *p, char *tok, size_t len)
{
    size_t n = 0;

    for (;;) {
        while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
            p++;
        if (*p == '#' || *p == '!') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        break;
    }
    if (!*p)
        return NULL;
    if (*p == '{' || *p == '}') {
        tok[0] = *p;
        tok[1] = '\0';
        return p + 1;
    }
    if (*p == '"') {
        for (p++; *p && *p != '"' && *p != '\n'; p++)
            if (n + 1 < len)
                tok[n++] = *p;
        tok[n] = '\0';
        return *p == '"' ? p + 1 : p;
    }
    for (; *p && !strchr(" \t\r\n{}#!", *p); p++)
        if (n + 1 < len)
            tok[n++] = *p;
    tok[n] = '\0';
    return p;
}

bool apply_multipath_blacklists_wwid(const char *conf, const char *wwid)
{
    char tok[512], prev[512] = "";
    bool top_is_blacklist = false;   /* the depth-1 section we are in is "blacklist" */
    int depth = 0;
    bool want_value = false;
    const char *p = conf;
    size_t wl = strlen(wwid);

    if (!conf || !wl)
        return false;
    while ((p = mp_token(p, tok, sizeof(tok)))) {
        if (strcmp(tok, "{") == 0) {
            if (depth == 0)
                top_is_blacklist = strcmp(prev, "blacklist") == 0;
            depth++;
            want_value = false;
        } else if (strcmp(tok, "}") == 0) {
            if (depth > 0)
                depth--;
            want_value = false;
        } else if (want_value) {
            const char *v = tok;
            size_t vl = strlen(tok);
            if (v[0] == '^') {
                v++;
                vl--;
            }
            if (vl && v[vl - 1] == '$')
                vl--;
            if (vl == wl && strncmp(v, wwid, wl) == 0)
                return true;
            want_value = false;
        } else if (depth == 1 && top_is_blacklist && strcmp(tok, "wwid") == 0) {
            want_value = true;
        }
        snprintf(prev, sizeof(prev), "%s", tok);
    }
    return false;
}

static void remove_stale_runs(const char *parent, struct apply_report *rep)
{
    DIR *d = opendir(parent);
    struct dirent *e;
    char p[PATH_MAX * 2];

    if (!d)
        return;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, APPLY_RUN_PREFIX ".", sizeof(APPLY_RUN_PREFIX)) != 0)
            continue;
        snprintf(p, sizeof(p), "%s/%s", parent, e->d_name);
        if (dirs_remove_tree(p) == 0)
            rep->stale_removed++;
    }
    closedir(d);
}

static const char *json_str(json_object *o, const char *key)
{
    json_object *v;

    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

static json_object *child_object(json_object *parent, const char *key)
{
    json_object *o;

    if (json_object_object_get_ex(parent, key, &o) && json_object_is_type(o, json_type_object))
        return o;
    o = json_object_new_object();
    json_object_object_add(parent, key, o);
    return o;
}

static void set_str(json_object *o, const char *key, const char *val)
{
    json_object_object_add(o, key, json_object_new_string(val));
}

/* Output of the vendor scripts goes to the log as it arrives. */
static void log_output(void *data, int stream, const char *buf, size_t len)
{
    int fd = *(int *)data;

    (void)stream;
    if (fd >= 0 && write(fd, buf, len) < 0) {
        /* a full log disk must not stop the vendor script half-way */
    }
}

struct apply_step {
    const char *key;              /* journal key: "custom_changes", "installer" */
    const char *done_status;      /* "applied", "installed" */
    const char *file;             /* in the staging directory */
    const char *const *args;      /* after the program */
    const char *input;            /* answer for the prompt, or NULL */
};

/* chmod 755 the vendor file; it must be a regular file of the archive (not a link). */
static int make_executable(const char *staging, const char *file, const char *tarball, struct mt_err *err)
{
    struct stat st;
    int dfd = open(staging, O_RDONLY | O_DIRECTORY | O_CLOEXEC), r = 0;

    if (dfd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open", staging);
    if (fstatat(dfd, file, &st, AT_SYMLINK_NOFOLLOW) < 0)
        r = mt_err_set(err, -ENOENT, "%s: has no %s at its top; is this the Unified Agent tarball?",
                       tarball, file);
    else if (!S_ISREG(st.st_mode))
        r = mt_err_set(err, -EPERM, "%s: %s is not a regular file", tarball, file);
    else if (fchmodat(dfd, file, 0755, 0) < 0)
        r = mt_err_errno(err, -errno, "%s/%s: cannot chmod 755", staging, file);
    close(dfd);
    return r;
}

static int run_step(const struct apply_opts *o, const struct apply_step *s, const char *staging,
                    struct journal *j, json_object *rec, int logfd, struct apply_step_report *sr,
                    struct mt_err *err)
{
    char prog[PATH_MAX], ts[32], env_root[PATH_MAX + 8], desc[64];
    const char *argv[16];
    char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C", "LC_ALL=C",
                   "HOME=/root", "TERM=dumb", env_root, NULL};
    struct run_opts ro;
    struct run_result res;
    json_object *st = child_object(rec, s->key);
    char *tail;
    int r, n = 0, i;

    r = make_executable(staging, s->file, o->tarball, err);
    if (r < 0)
        return r;
    snprintf(prog, sizeof(prog), "%s/%s", staging, s->file);
    snprintf(env_root, sizeof(env_root), "MT_ROOT=%s", rootpath_root());
    argv[n++] = prog;
    for (i = 0; s->args && s->args[i] && n < 15; i++)
        argv[n++] = s->args[i];
    argv[n] = NULL;

    timefmt_now(ts, sizeof(ts));
    set_str(st, "status", "started");
    set_str(st, "started_at", ts);
    json_object_object_del(st, "finished_at");
    json_object_object_del(st, "exit_status");
    json_object_object_del(st, "ended");
    json_object_object_del(st, "output_tail");
    r = journal_commit(j, err);
    if (r < 0)
        return r;

    agentlog_line(logfd, "mt-agent apply", "running %s from %s (sha256 %s)", s->file, o->tarball, json_str(rec, "sha256"));
    memset(&ro, 0, sizeof(ro));
    ro.input = s->input;
    ro.input_len = s->input ? strlen(s->input) : 0;
    ro.timeout_ms = o->timeout_s ? (int)(o->timeout_s > 2000000 ? 2000000000 : o->timeout_s * 1000) : 0;
    ro.envp = env;
    ro.cwd = staging;
    ro.merge_stderr = true;
    ro.on_output = log_output;
    ro.data = &logfd;
    r = run_argv(argv, &ro, &res);
    timefmt_now(ts, sizeof(ts));
    if (r < 0) {
        set_str(st, "status", "failed");
        set_str(st, "finished_at", ts);
        set_str(st, "ended", strerror(-r));
        journal_commit(j, NULL);
        agentlog_line(logfd, "mt-agent apply", "%s could not be started: %s", s->file, strerror(-r));
        return mt_err_errno(err, r, "%s: cannot run", prog);
    }
    run_describe(&res, desc, sizeof(desc));
    snprintf(sr->ended, sizeof(sr->ended), "%s", desc);
    tail = run_tail(&res, APPLY_TAIL_LINES);
    snprintf(sr->tail, sizeof(sr->tail), "%s", tail ? tail : "");
    set_str(st, "finished_at", ts);
    set_str(st, "ended", desc);
    if (!res.timed_out && !res.signaled)
        json_object_object_add(st, "exit_status", json_object_new_int(res.exit_status));
    set_str(st, "output_tail", tail ? tail : "");
    free(tail);
    agentlog_line(logfd, "mt-agent apply", "%s ended: %s", s->file, desc);
    if (run_ok(&res)) {
        set_str(st, "status", s->done_status);
        sr->outcome = APPLY_STEP_RAN_OK;
        r = 0;
    } else {
        set_str(st, "status", "failed");
        sr->outcome = APPLY_STEP_FAILED;
        r = mt_err_set(err, -EIO, "%s from %s failed (%s); last lines:\n%s\nfull output in %s", s->file,
                       o->tarball, desc, sr->tail, APPLY_LOG);
    }
    run_result_free(&res);
    return r;
}

/* What the journal says about an earlier attempt of a step; records an
 * interrupted one under "interrupted" so the evidence survives the re-run. */
static bool step_interrupted(json_object *st)
{
    const char *status = json_str(st, "status");
    json_object *v;

    if (!status || strcmp(status, "started") != 0 || json_object_object_get_ex(st, "finished_at", &v))
        return false;
    set_str(st, "interrupted", json_str(st, "started_at") ? json_str(st, "started_at") : "?");
    return true;
}

static bool marker_present(void)
{
    char p[PATH_MAX];
    struct stat st;

    return rootpath_resolve(APPLY_MARKER, p, sizeof(p), 0) == 0 && lstat(p, &st) == 0;
}

/* One apply_run: what its phases share. */
struct apply_ctx {
    const struct apply_opts *o;
    struct apply_report *rep;
    struct journal j;
    bool locked;
    char parent[PATH_MAX];
    struct extract_result xr;
    json_object *sec, *rec, *cc, *inst;
    int logfd;
};

/* The staging parent, made when missing (/var/lib/mt-agent may not exist yet on a fresh box). */
static int apply_staging_parent(struct apply_ctx *c, struct mt_err *err)
{
    char *parent = c->parent;
    int r;

    if (c->o->staging_parent) {
        snprintf(parent, sizeof(c->parent), "%s", c->o->staging_parent);
    } else {
        r = rootpath_resolve(APPLY_STAGING_PARENT, parent, sizeof(c->parent), 0);
        if (r < 0)
            return mt_err_errno(err, r, "%s: cannot resolve", APPLY_STAGING_PARENT);
    }
    r = dirs_make(parent, 0700);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot create the staging directory", parent);
    return 0;
}

/* The journal lock, held to the end (two applies never run a script twice),
 * then what a killed earlier apply left running is ended before anything is decided. */
static int apply_lock(struct apply_ctx *c, struct mt_err *err)
{
    struct mt_err jerr = {0, ""};
    int r = journal_load(&c->j, &jerr);

    if (r < 0)
        return mt_err_set(err, r, "%s", jerr.msg);
    c->locked = true;
    if (c->j.moved_aside[0])
        snprintf(c->rep->journal_note, sizeof(c->rep->journal_note), "%s", jerr.msg);
    return runguard_begin(&c->rep->guard, err);
}

static int apply_extract(struct apply_ctx *c, const char *expected, struct mt_err *err)
{
    struct extract_opts xo;
    int r;

    memset(&xo, 0, sizeof(xo));
    xo.parent = c->parent;
    if (!c->o->extract_only) {
        /* under the lock no other apply runs: a run.* left here is from an apply that was killed */
        remove_stale_runs(c->parent, c->rep);
        xo.prefix = APPLY_RUN_PREFIX;
    }
    xo.progress = c->o->progress;
    xo.data = c->o->data;
    r = extract_archive(c->o->tarball, &xo, &c->xr, err);
    if (r < 0)
        return r;
    snprintf(c->rep->sha256, sizeof(c->rep->sha256), "%s", c->xr.sha256);
    c->rep->files = c->xr.files;
    r = payload_digest_verify(c->o->tarball, expected, c->xr.sha256, err);
    if (r < 0) {
        dirs_remove_tree(c->xr.staging);
        return r;
    }
    return 0;
}

static void apply_records(struct apply_ctx *c)
{
    json_object *runs;

    c->sec = journal_section(&c->j, "apply");
    runs = child_object(c->sec, "runs");
    c->rec = child_object(runs, c->xr.sha256);
    set_str(c->rec, "sha256", c->xr.sha256);
    set_str(c->rec, "tarball", c->o->tarball);
    set_str(c->sec, "last_digest", c->xr.sha256);
    c->cc = child_object(c->rec, "custom_changes");
    c->inst = child_object(c->rec, "installer");
}

/* Evidence that outlives a kill: a step recorded done, or what it leaves on the box. */
static void count_as_done(json_object *st, const char *status, const char *by)
{
    char ts[32];

    timefmt_now(ts, sizeof(ts));
    set_str(st, "status", status);
    set_str(st, "by", by);
    if (!json_str(st, "finished_at"))
        set_str(st, "finished_at", ts);
}

/* 1. ApplyCustomChanges.sh, answered "Y" */
static int apply_custom_changes(struct apply_ctx *c, struct mt_err *err)
{
    struct apply_step step;
    struct apply_step_report *sr = &c->rep->custom_changes;
    int r;

    sr->recovered = step_interrupted(c->cc);
    if (!c->o->force && json_str(c->cc, "status") && strcmp(json_str(c->cc, "status"), "applied") == 0) {
        sr->outcome = APPLY_STEP_ALREADY;
        return 0;
    }
    if (!c->o->force && marker_present()) {
        /* the vendor's marker: applied by hand, by another tarball, or by a run killed after its end */
        sr->outcome = APPLY_STEP_MARKER;
        count_as_done(c->cc, "applied", "vendor marker " APPLY_MARKER);
        agentlog_line(c->logfd, "mt-agent apply", "%s exists: custom changes count as applied, %s not run", APPLY_MARKER, APPLY_SCRIPT);
        return 0;
    }
    memset(&step, 0, sizeof(step));
    step.key = "custom_changes";
    step.done_status = "applied";
    step.file = APPLY_SCRIPT;
    step.input = "Y\n";
    json_object_object_del(c->cc, "by");
    if (sr->recovered)
        agentlog_line(c->logfd, "mt-agent apply", "the run started at %s was interrupted and %s is absent: running %s again",
                 json_str(c->cc, "interrupted"), APPLY_MARKER, APPLY_SCRIPT);
    r = run_step(c->o, &step, c->xr.staging, &c->j, c->rec, c->logfd, sr, err);
    if (sr->outcome == APPLY_STEP_RAN_OK)
        json_object_object_add(c->sec, "reboot_required", json_object_new_boolean(1));
    return r;
}

/* Did the installer complete (its configurator is in place)? */
static bool installer_evidence(const char *install_dir)
{
    char p[PATH_MAX];
    struct stat st;

    return (size_t)snprintf(p, sizeof(p), "%s/%s", install_dir, APPLY_CONFIGURATOR_REL) < sizeof(p) &&
           stat(p, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

/* 2. the vendor installer: install -q -d INSTALL_DIR -r MT -v VmWare */
static int apply_installer(struct apply_ctx *c, struct mt_err *err)
{
    char install_dir[PATH_MAX];
    const char *args[] = {"-q", "-d", install_dir, "-r", "MT", "-v", "VmWare", NULL};
    struct apply_step step;
    struct apply_step_report *sr = &c->rep->installer;
    int r;

    sr->recovered = step_interrupted(c->inst);
    if (!c->o->force && json_str(c->inst, "status") && strcmp(json_str(c->inst, "status"), "installed") == 0) {
        sr->outcome = APPLY_STEP_ALREADY;
        return 0;
    }
    r = rootpath_resolve(c->o->install_dir, install_dir, sizeof(install_dir), 0);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve the install directory", c->o->install_dir);
    if (!c->o->force && sr->recovered && installer_evidence(install_dir)) {
        /* killed after the installer put its configurator in place: it completed */
        sr->outcome = APPLY_STEP_PRESENT;
        count_as_done(c->inst, "installed", "configurator present in the install directory");
        agentlog_line(c->logfd, "mt-agent apply", "%s/%s exists: the interrupted installer completed, not run again", c->o->install_dir,
                 APPLY_CONFIGURATOR_REL);
        return 0;
    }
    memset(&step, 0, sizeof(step));
    step.key = "installer";
    step.done_status = "installed";
    step.file = APPLY_INSTALLER;
    step.args = args;
    json_object_object_del(c->inst, "by");
    return run_step(c->o, &step, c->xr.staging, &c->j, c->rec, c->logfd, sr, err);
}

static int apply_finish(struct apply_ctx *c, int r, struct mt_err *err)
{
    json_object *rb;
    int cr;

    set_str(c->sec, "status", json_str(c->cc, "status") ? json_str(c->cc, "status") : "not run");
    c->rep->reboot_required = json_object_object_get_ex(c->sec, "reboot_required", &rb) &&
                              json_object_get_boolean(rb);
    cr = journal_commit(&c->j, r < 0 ? NULL : err);
    if (r == 0 && cr < 0)
        r = cr;
    dirs_remove_tree(c->xr.staging);
    if (c->logfd >= 0)
        close(c->logfd);
    return r;
}

int apply_run(const struct apply_opts *o, struct apply_report *rep, struct mt_err *err)
{
    char expected[SHA256_HEX_LEN + 1];
    struct apply_ctx c;
    int r;

    memset(rep, 0, sizeof(*rep));
    memset(&c, 0, sizeof(c));
    c.o = o;
    c.rep = rep;
    c.logfd = -1;
    r = apply_expected_digest(o->tarball, o->sha256, o->manifest, expected, rep->digest_source,
                              sizeof(rep->digest_source), err);
    if (r == 0)
        r = apply_staging_parent(&c, err);
    if (r == 0 && !o->extract_only)
        r = apply_lock(&c, err);
    if (r == 0)
        r = apply_extract(&c, expected, err);
    if (r == 0 && o->extract_only) {
        snprintf(rep->staging, sizeof(rep->staging), "%s", c.xr.staging);
        return 0;
    }
    if (r == 0) {
        apply_records(&c);
        c.logfd = agentlog_open();
        r = apply_custom_changes(&c, err);
        if (r == 0)
            r = apply_installer(&c, err);
        r = apply_finish(&c, r, err);
    }
    if (c.locked)
        journal_free(&c.j);
    return r;
}
