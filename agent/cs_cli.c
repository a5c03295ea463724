/* cs_cli: see cs_cli.h. */
#include "cs_cli.h"
#include "hostid.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <openssl/crypto.h>

#include "guard.h"
#include "rootpath.h"
#include "run.h"

#define MT_LOG_FILE "/var/log/mt-agent.log"

int cs_cli_parse(const struct verb *v, int argc, char **argv, struct cs_cli *o)
{
    static const struct option opts[] = {
        {"cs", required_argument, NULL, 'c'},
        {"passphrase-file", required_argument, NULL, 'p'},
        {"cs-fingerprint", required_argument, NULL, 'f'},
        {NULL, 0, NULL, 0},
    };
    int c;

    memset(o, 0, sizeof(*o));
    optind = 0;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
        switch (c) {
        case 'c': o->cs = optarg; break;
        case 'p': o->passphrase_file = optarg; break;
        case 'f': o->fingerprint = optarg; break;
        default: return verb_usage_error(v, "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return verb_usage_error(v, "unexpected argument '%s'", argv[optind]);
    return -1;
}

int cs_cli_endpoint(const struct mt_ctx *ctx, const struct cs_cli *o, struct cs_endpoint *ep)
{
    struct mt_err err = {0};
    const char *pf = o->passphrase_file ? o->passphrase_file : ctx->cfg.cs.passphrase_file;
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
    r = cs_endpoint_load_key(ep, pf, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    return 0;
}

int cs_cli_journal_release(struct journal *j)
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

int cs_cli_journal_reopen(struct journal *j)
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

int cs_cli_open(const char *verb, struct journal *j, char *host_id, const char **src)
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

int cs_cli_call(struct journal *j, struct cs_endpoint *ep, const char *method, const char *path,
                const char *body, struct cs_result *res, struct mt_err *err, int *call_r)
{
    int code = cs_cli_journal_release(j);

    if (code) {
        cs_endpoint_scrub(ep);
        return code;
    }
    *call_r = cs_call(ep, method, path, body, body ? strlen(body) : 0, true, res, err);
    cs_endpoint_scrub(ep);
    code = cs_cli_journal_reopen(j);
    if (code)
        cs_result_free(res);
    return code;
}

int cs_cli_finish(struct journal *j, enum cs_failure f, int call_r)
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

int cs_cli_exit_code(enum cs_failure f, int err_code)
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

void cs_cli_now(char *buf, size_t len)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cs_cli_record(json_object *reg, const char *verb, const char *where, const struct cs_result *res,
                   const char *message)
{
    json_object *last = json_object_new_object();
    char ts[32];

    cs_cli_now(ts, sizeof(ts));
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

int cs_cli_fail(const char *verb, const char *where, const struct cs_result *res, const struct mt_err *err, int code)
{
    log_error("%s: %s", verb, err->msg);
    if (out_json_mode()) {
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
        out_json(d);
    }
    return code;
}

/* The vendor tools' output goes to the log, line by line. */
static void log_output(void *data, int stream, const char *buf, size_t len)
{
    FILE *f = data;
    (void)stream;
    if (f)
        fwrite(buf, 1, len, f);
}

/* Append to /var/log/mt-agent.log, creating /var/log under --root when missing. */
static FILE *open_log(void)
{
    char real[4096], *slash;

    if (rootpath_resolve(MT_LOG_FILE, real, sizeof(real), 0) < 0)
        return NULL;
    slash = strrchr(real, '/');
    if (slash && slash != real) {
        *slash = '\0';
        mkdir(real, 0755);
        *slash = '/';
    }
    return fopen(real, "ae");
}

int cs_cli_asr_register(struct mt_ctx *ctx, const struct cs_cli *o, struct journal *j, const char *host_id)
{
    const char *pf = o->passphrase_file ? o->passphrase_file : ctx->cfg.cs.passphrase_file;
    char conf_real[4096], pass_real[4096], pass_check[CS_PASSPHRASE_MAX + 1], where[300], ts[32];
    struct cs_endpoint ep;
    struct mt_err err = {0};
    struct run_opts ro = {0};
    struct run_result rr;
    struct stat st;
    json_object *reg;
    FILE *logf;
    int r, code;

    (void)host_id;
    r = cs_endpoint_from_config(&ep, &ctx->cfg, &err);
    if (r == 0 && o->cs)
        r = cs_endpoint_set_address(&ep, o->cs, &err);
    if (r == 0 && !ep.host[0])
        r = mt_err_set(&err, -EINVAL, "no configuration server address; give --cs HOST or set [cs] host");
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    snprintf(where, sizeof(where), "%s", ep.host);
    /* The same refusal as the http backend: a passphrase file that is not 0600 root. */
    r = cs_passphrase_read(pf, pass_check, sizeof(pass_check), &err);
    OPENSSL_cleanse(pass_check, sizeof(pass_check));
    if (r < 0) {
        log_error("%s", err.msg);
        return EXIT_USAGE;
    }
    r = rootpath_resolve(pf, pass_real, sizeof(pass_real), 0);
    if (r == 0)
        r = rootpath_resolve(ctx->cfg.cs.configurator, conf_real, sizeof(conf_real), 0);
    if (r < 0) {
        log_error("cannot resolve %s: %s", ctx->cfg.cs.configurator, strerror(-r));
        return EXIT_USAGE;
    }
    /* under the journal lock the caller holds: a killed register's configurator is ended first */
    code = guard_children("register");
    if (code)
        return code;
    if (stat(conf_real, &st) < 0 || !S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
        /* The vendor installer (install -q -d /usr/local/ASR -r MT -v VmWare)
         * runs from the Unified Agent tarball in `mt-agent apply`. */
        mt_err_set(&err, -ENOENT, "%s: the vendor configurator is not installed; run `mt-agent apply --agent "
                                  "TARBALL` first (it runs the vendor installer), or set [cs] configurator",
                   ctx->cfg.cs.configurator);
        log_error("register: %s", err.msg);
        return EXIT_FAILED;
    }
    {
        const char *argv[] = {conf_real, "-i", ep.host, "-P", pass_real, NULL};
        char desc[96];
        ro.timeout_ms = (int)ctx->cfg.payload.script_timeout * 1000;
        ro.merge_stderr = true;
        logf = open_log();
        ro.on_output = log_output;
        ro.data = logf;
        cs_cli_now(ts, sizeof(ts));
        if (logf)
            fprintf(logf, "%s register: %s -i %s -P %s\n", ts, ctx->cfg.cs.configurator, ep.host, pf);
        log_info("running %s -i %s -P %s", ctx->cfg.cs.configurator, ep.host, pf);
        r = run_argv(argv, &ro, &rr);
        if (logf)
            fclose(logf);
        if (r < 0) {
            log_error("register: %s: cannot run: %s", conf_real, strerror(-r));
            return EXIT_FAILED;
        }
        run_describe(&rr, desc, sizeof(desc));
        reg = journal_section(j, "register");
        if (run_ok(&rr)) {
            cs_cli_now(ts, sizeof(ts));
            json_object_object_add(reg, "backend", json_object_new_string("asr"));
            json_object_object_add(reg, "registered", json_object_new_boolean(1));
            json_object_object_add(reg, "registered_at", json_object_new_string(ts));
            cs_cli_record(reg, "register", where, NULL, "UnifiedAgentConfigurator.sh exit status 0");
            code = EXIT_DONE;
            out_printf("registered with configuration server %s (vendor configurator, %s)\n", ep.host, desc);
        } else {
            char *tail = run_tail(&rr, 5);
            mt_err_set(&err, -EIO, "the vendor configurator %s -i %s ended with %s; its output is in %s; "
                                   "last lines: %s", ctx->cfg.cs.configurator, ep.host, desc, MT_LOG_FILE,
                       tail ? tail : "");
            free(tail);
            json_object_object_add(reg, "backend", json_object_new_string("asr"));
            cs_cli_record(reg, "register", where, NULL, err.msg);
            json_object_object_add(json_object_object_get(reg, "last"), "result",
                                   json_object_new_string("configurator failed"));
            code = EXIT_CS;
        }
        run_result_free(&rr);
    }
    if (journal_commit(j, &err) < 0) {
        log_error("%s", err.msg);
        if (code == EXIT_DONE)
            code = EXIT_FAILED;
    }
    if (code != EXIT_DONE) {
        struct mt_err e2;
        snprintf(e2.msg, sizeof(e2.msg), "%s", err.msg);
        e2.code = -EIO;
        return cs_cli_fail("register", where, NULL, &e2, code);
    }
    if (out_json_mode()) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string("register"));
        json_object_object_add(d, "ok", json_object_new_boolean(1));
        json_object_object_add(d, "backend", json_object_new_string("asr"));
        json_object_object_add(d, "cs", json_object_new_string(where));
        out_json(d);
    }
    return code;
}
