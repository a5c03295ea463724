/* cs_cli: see cs_cli.h. */
#include "cs_cli.h"
#include "hostid.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <time.h>

#include <openssl/crypto.h>

#include "agentlog.h"
#include "guard.h"
#include "jsontext.h"
#include "rootpath.h"
#include "run.h"
#include "timefmt.h"


#define AT(f) .offset = offsetof(struct cs_cli, f)
static const struct opt CS_CLI_OPTS[] = {
    {.name = "cs", .kind = OPT_STRING, .arg = "HOST[:PORT]", AT(cs),
     .help = "the configuration server (default [cs] host and port)"},
    {.name = "passphrase-file", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(passphrase_file),
     .help = "the passphrase file: first line, mode 0600, owned by root (default [cs] passphrase_file)"},
    {.name = "cs-fingerprint", .kind = OPT_STRING, .arg = "SHA256", AT(fingerprint),
     .help = "SHA-256 of the server's certificate, hex, colons optional"},
    OPT_END,
};
#undef AT
const struct opt *const CS_CLI_TABLES[] = {CS_CLI_OPTS, NULL};

/* The passphrase file this process opens: the operator's as given, else the
 * box's [cs] passphrase_file under --root (a link there is not followed: the
 * file's own mode and owner are checked). NULL with the message printed. */
static const char *passphrase_path(struct mt_ctx *ctx, struct cs_cli *o)
{
    const char *pf = ctx->cfg.cs.passphrase_file;

    if (o->passphrase_file.given)
        return o->passphrase_file.real;
    if (!pf[0]) {
        log_error("no passphrase file; set [cs] passphrase_file or give --passphrase-file");
        return NULL;
    }
    if (opt_box_path_flags(&ctx->store, pf, RP_NOFOLLOW, &o->passphrase_file) < 0) {
        log_error("%s: [cs] passphrase_file %s: not an absolute path on the box",
                  ctx->config_path[0] ? ctx->config_path : MT_CONFIG_DEFAULT_PATH, pf);
        return NULL;
    }
    return o->passphrase_file.real;
}

/* Between two attempts: the operator sees that the agent is still trying, why,
 * and when it gives up ([cs] timeout), instead of minutes of silence. */
static void cs_cli_retry_note(const struct cs_retry_note *n, void *ctx)
{
    unsigned long left = n->deadline_ms > n->elapsed_ms ? n->deadline_ms - n->elapsed_ms : 0;

    (void)ctx;
    log_warn("configuration server %s: attempt %u failed (%s); next in %.1f s, giving up in %lu s ([cs] timeout)",
             n->where, n->attempt, n->why, (double)n->delay_ms / 1000.0, (left + 999) / 1000);
}

static int cs_cli_endpoint(struct mt_ctx *ctx, struct cs_cli *o, struct cs_endpoint *ep)
{
    struct mt_err err = {0};
    const char *pf;
    int r;

    r = cs_endpoint_from_config(ep, &ctx->cfg, &err);
    if (r == 0 && o->cs)
        r = cs_endpoint_set_address(ep, o->cs, &err);
    if (r == 0 && o->fingerprint)
        r = cs_endpoint_set_fingerprint(ep, o->fingerprint, &err);
    if (r == 0 && !ep->host[0])
        r = mt_err_set(&err, -EINVAL, "no configuration server address; give --cs HOST[:PORT] or set [cs] host "
                                      "in %s", ctx->config_path[0] ? ctx->config_path : MT_CONFIG_DEFAULT_PATH);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    ep->on_retry = cs_cli_retry_note;
    pf = passphrase_path(ctx, o);
    if (!pf)
        return EXIT_USAGE;
    r = cs_endpoint_load_key(ep, pf, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

static int cs_cli_journal_release(struct journal *j)
{
    struct mt_err err = {0};
    int r = journal_commit(j, &err);

    journal_free(j);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    return 0;
}

static int cs_cli_journal_reopen(struct journal *j)
{
    struct mt_err err = {0};

    if (journal_load(j, &err) < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    if (j->moved_aside[0])
        log_warn("%s", err.msg);
    return 0;
}

static int cs_cli_open(const char *verb, struct journal *j, char *host_id, const char **src)
{
    struct mt_err err = {0};
    int rc = cs_cli_journal_reopen(j);

    if (rc != 0)
        return rc;
    if (hostid_resolve(journal_section(j, "host"), host_id, src, &err) < 0) {
        log_error("%s: %s", verb, err.msg);
        journal_free(j);
        return EXIT_FAILED;
    }
    return 0;
}

static int cs_cli_call(struct journal *j, struct cs_endpoint *ep, const char *method, const char *path,
                const char *body, struct cs_result *res, struct mt_err *err, int *call_r)
{
    int code = cs_cli_journal_release(j);

    if (code) {
        cs_endpoint_scrub(ep);
        return code;
    }
    *call_r = cs_call(ep, method, path, body, body ? strlen(body) : 0, true, res, err);
    cs_endpoint_scrub(ep);
    if (res->tls_warning[0])
        log_warn("%s", res->tls_warning);
    code = cs_cli_journal_reopen(j);
    if (code)
        cs_result_free(res);
    return code;
}

/* The exit code for a call's outcome. */
static int cs_cli_exit_code(enum cs_failure f, int err_code)
{
    switch (f) {
    case CS_FAIL_NONE: return EXIT_DONE;
    case CS_FAIL_LOCAL: return err_code == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
    case CS_FAIL_REJECTED: return EXIT_FAILED;
    case CS_FAIL_UNREACHABLE:
    case CS_FAIL_UNVERIFIED:
    case CS_FAIL_CERT:
    case CS_FAIL_AUTH:
    case CS_FAIL_SERVER:
    case CS_FAIL_MALFORMED: return EXIT_CS;
    }
    return EXIT_FAILED;
}

static int cs_cli_finish(struct journal *j, enum cs_failure f, int call_r)
{
    struct mt_err err = {0};
    int code = cs_cli_exit_code(f, call_r);

    if (journal_commit(j, &err) < 0) {
        log_error("%s", err.msg);
        if (code == EXIT_DONE)
            code = EXIT_FAILED;
    }
    journal_free(j);
    return code;
}


void cs_cli_record(json_object *reg, const char *verb, const char *where, const struct cs_result *res,
                   const char *message)
{
    json_object *last = json_object_new_object();
    char ts[32];

    timefmt_now(ts, sizeof(ts));
    json_object_object_add(last, "verb", json_object_new_string(verb));
    json_object_object_add(last, "at", json_object_new_string(ts));
    json_object_object_add(last, "result", json_object_new_string(res ? cs_failure_name(res->failure) : "ok"));
    if (res && res->resp.status)
        json_object_object_add(last, "http_status", json_object_new_int((int)res->resp.status));
    if (res)
        json_object_object_add(last, "attempts", json_object_new_int((int)res->attempts));
    if (message && *message)
        json_object_object_add(last, "message", json_object_new_string(message));
    json_object_object_add(reg, "cs", json_object_new_string(where));
    json_object_object_add(reg, "last", last);
}

static int cs_cli_fail(struct mt_ctx *ctx, const char *verb, const char *where, const struct cs_result *res, const struct mt_err *err, int code)
{
    log_error("%s: %s", verb, err->msg);
    if (ctx->json) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string(verb));
        json_object_object_add(d, "ok", json_object_new_boolean(0));
        json_object_object_add(d, "cs", json_object_new_string(where));
        json_object_object_add(d, "failure", json_object_new_string(res ? cs_failure_name(res->failure) : "local"));
        json_object_object_add(d, "error", json_object_new_string(err->msg));
        if (res && res->have_offered)
            json_object_object_add(d, "offered_fingerprint", json_object_new_string(res->offered_fpr));
        if (res) {
            json_object_object_add(d, "attempts", json_object_new_int((int)res->attempts));
            json_object_object_add(d, "elapsed_ms", json_object_new_int64((int64_t)res->elapsed_ms));
        }
        json_object_object_add(d, "exit_status", json_object_new_int(code));
        verb_set_doc(ctx, d);
    }
    return code;
}

/* The vendor tools' output goes to the log as it comes. */
static void log_output(void *data, int stream, const char *buf, size_t len)
{
    int fd = *(int *)data;
    (void)stream;
    if (fd >= 0 && write(fd, buf, len) < 0) {
        /* a full log disk must not stop the configurator */
    }
}

/* asr: the server's address and the configurator, checked before it runs.
 * 0, or an exit code (message printed). */
static int asr_prepare(struct mt_ctx *ctx, struct cs_cli *o, const char *pf, struct cs_endpoint *ep, char *conf,
                       size_t conf_len)
{
    char pass_check[CS_PASSPHRASE_MAX + 1];
    struct mt_err err = {0};
    struct stat st;
    int r;

    r = cs_endpoint_from_config(ep, &ctx->cfg, &err);
    if (r == 0 && o->cs)
        r = cs_endpoint_set_address(ep, o->cs, &err);
    if (r == 0 && !ep->host[0])
        r = mt_err_set(&err, -EINVAL, "no configuration server address; give --cs HOST or set [cs] host");
    if (r == 0 && pf) {
        /* The same refusal as the http backend: a passphrase file that is not 0600 root. */
        r = cs_passphrase_read(pf, pass_check, sizeof(pass_check), &err);
        OPENSSL_cleanse(pass_check, sizeof(pass_check));
    }
    if (r < 0 || !pf) {
        if (r < 0)
            log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    r = rootpath_resolve(ctx->cfg.cs.configurator, conf, conf_len, 0);
    if (r < 0) {
        log_error("cannot resolve %s: %s", ctx->cfg.cs.configurator, strerror(-r));
        return EXIT_USAGE;
    }
    if (stat(conf, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
        /* The vendor installer (install -q -d /usr/local/ASR -r MT -v VmWare)
         * runs from the Unified Agent tarball in `mt-agent apply`. */
        log_error("register: %s: the vendor configurator is not installed; run `mt-agent apply --agent TARBALL` "
                  "first (it runs the vendor installer), or set [cs] configurator", ctx->cfg.cs.configurator);
        return EXIT_FAILED;
    }
    return 0;
}

/* asr: run the configurator, its output into the log. 0, or an exit code. */
static int asr_run(struct mt_ctx *ctx, const char *conf, const char *host, const char *pf, struct run_result *rr)
{
    const char *argv[] = {conf, "-i", host, "-P", pf, NULL};
    struct run_opts ro;
    int logfd, r;

    memset(&ro, 0, sizeof(ro));
    ro.timeout_ms = (int)ctx->cfg.payload.script_timeout * 1000;
    ro.merge_stderr = true;
    logfd = agentlog_open();
    ro.on_output = log_output;
    ro.data = &logfd;
    agentlog_line(logfd, "register", "%s -i %s -P %s", ctx->cfg.cs.configurator, host, pf);
    log_info("running %s -i %s -P %s", ctx->cfg.cs.configurator, host, pf);
    r = run_argv(argv, &ro, rr);
    if (logfd >= 0)
        close(logfd);
    if (r < 0) {
        log_error("register: %s: cannot run: %s", conf, strerror(-r));
        return EXIT_FAILED;
    }
    return 0;
}

/* asr: the outcome in the journal's "register" section. EXIT_DONE or EXIT_CS (err set). */
static int asr_record(struct mt_ctx *ctx, json_object *reg, const char *host, struct run_result *rr,
                      struct mt_err *err)
{
    char desc[96], ts[TIMEFMT_LEN], *tail;

    run_describe(rr, desc, sizeof(desc));
    json_object_object_add(reg, "backend", json_object_new_string("asr"));
    if (run_ok(rr)) {
        json_object_object_add(reg, "registered", json_object_new_boolean(1));
        json_object_object_add(reg, "registered_at", json_object_new_string(timefmt_now(ts, sizeof(ts))));
        cs_cli_record(reg, "register", host, NULL, "UnifiedAgentConfigurator.sh exit status 0");
        out_printf("registered with configuration server %s (vendor configurator, %s)\n", host, desc);
        return EXIT_DONE;
    }
    tail = run_tail(rr, 5);
    mt_err_set(err, -EIO, "the vendor configurator %s -i %s ended with %s; its output is in %s; last lines: %s",
               ctx->cfg.cs.configurator, host, desc, AGENTLOG_PATH, tail ? tail : "");
    free(tail);
    cs_cli_record(reg, "register", host, NULL, err->msg);
    json_object_object_add(json_object_object_get(reg, "last"), "result", json_object_new_string("configurator failed"));
    return EXIT_CS;
}

static int cs_cli_asr_register(struct mt_ctx *ctx, struct cs_cli *o, struct journal *j, const char *host_id)
{
    const char *pf = passphrase_path(ctx, o);
    char conf[4096];
    struct cs_endpoint ep;
    struct mt_err err = {0};
    struct run_result rr;
    int code;

    (void)host_id;
    /* under the journal lock the caller holds: a killed register's configurator is ended first */
    code = guard_children("register");
    if (code == 0)
        code = asr_prepare(ctx, o, pf, &ep, conf, sizeof(conf));
    if (code == 0)
        code = asr_run(ctx, conf, ep.host, pf, &rr);
    if (code)
        return code;
    code = asr_record(ctx, journal_section(j, "register"), ep.host, &rr, &err);
    run_result_free(&rr);
    if (journal_commit(j, &err) < 0) {
        log_error("%s", err.msg);
        if (code == EXIT_DONE)
            code = EXIT_FAILED;
    }
    if (code != EXIT_DONE) {
        err.code = -EIO;
        return cs_cli_fail(ctx, "register", ep.host, NULL, &err, code);
    }
    if (ctx->json) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string("register"));
        json_object_object_add(d, "ok", json_object_new_boolean(1));
        json_object_object_add(d, "backend", json_object_new_string("asr"));
        json_object_object_add(d, "cs", json_object_new_string(ep.host));
        verb_set_doc(ctx, d);
    }
    return code;
}

/* The call proper: endpoint, body, the request without the journal lock,
 * the judgement. 0 when a call was made (its result in *r), else an exit code. */
static int cs_cli_exchange(struct mt_ctx *ctx, struct cs_cli *opts, const struct cs_verb *d, struct journal *j,
                           struct cs_outcome *o, struct mt_err *err, int *r)
{
    struct cs_endpoint ep;
    char path[128 + HOSTID_MAX];
    json_object *body = NULL;
    const char *text;
    char *clean;
    int code = cs_cli_endpoint(ctx, opts, &ep);

    if (code)
        return code;
    snprintf(o->where, sizeof(o->where), "%s:%u", ep.host, ep.port);
    snprintf(path, sizeof(path), "/api/v1/master-targets/%s%s", o->host_id, d->path_suffix);
    if (d->body && !(body = d->body(ctx, j, o))) {
        cs_endpoint_scrub(&ep);
        log_error("%s: out of memory", d->name);
        return EXIT_FAILED;
    }
    log_info("%s: %s %s (host_id from %s) with %s", d->name, d->method, path, o->host_id_source, o->where);
    /* valid UTF-8 for the server's parser too (a disk's model in the inventory) */
    text = body ? json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN) : NULL;
    clean = text ? json_text_clean(text, strlen(text)) : NULL;
    code = text && !clean ? EXIT_FAILED
                          : cs_cli_call(j, &ep, d->method, path, clean, &o->res, err, r);
    free(clean);
    json_object_put(body);
    if (text && !clean)
        log_error("%s: out of memory", d->name);
    if (code)
        return code;
    *r = d->judge ? d->judge(o, *r, err) : *r;
    return 0;
}

/* The success document and line. */
static void cs_cli_report(struct mt_ctx *ctx, const struct cs_verb *d, const struct cs_outcome *o)
{
    if (ctx->json) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "verb", json_object_new_string(d->name));
        json_object_object_add(doc, "ok", json_object_new_boolean(1));
        json_object_object_add(doc, "cs", json_object_new_string(o->where));
        json_object_object_add(doc, "host_id", json_object_new_string(o->host_id));
        if (d->report)
            d->report(doc, o);
        verb_set_doc(ctx, doc);
    } else if (d->say) {
        d->say(o);
    }
}

int cs_cli_run(struct mt_ctx *ctx, struct cs_cli *opts, const struct cs_verb *d)
{
    struct cs_outcome o;
    struct journal j;
    struct mt_err err = {0};
    char host_id[HOSTID_MAX];
    int r = 0, code;

    memset(&o, 0, sizeof(o));
    if (ctx->cfg.cs.backend == CS_BACKEND_ASR && d->asr_refusal) {
        log_error("%s: %s", d->name, d->asr_refusal);
        return EXIT_USAGE;
    }
    code = cs_cli_open(d->name, &j, host_id, &o.host_id_source);
    if (code)
        return code;
    o.host_id = host_id;
    if (ctx->cfg.cs.backend == CS_BACKEND_ASR) {
        code = cs_cli_asr_register(ctx, opts, &j, host_id);
        journal_free(&j);
        return code;
    }
    code = cs_cli_exchange(ctx, opts, d, &j, &o, &err, &r);
    if (code) {
        journal_free(&j); /* safe when the exchange released it already */
        return code;
    }
    d->record(journal_section(&j, "register"), &o, r, &err);
    code = cs_cli_finish(&j, o.res.failure, r);
    if (r < 0)
        code = cs_cli_fail(ctx, d->name, o.where, &o.res, &err, code);
    else
        cs_cli_report(ctx, d, &o);
    cs_result_free(&o.res);
    return code;
}
