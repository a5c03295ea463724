/* register: register this master target with the configuration server.
 *
 * http backend: PUT /api/v1/master-targets/{host_id} with the registration
 * document (cs_document.h), signed; idempotent (the server updates the record
 * of the same host_id). asr backend: the vendor's UnifiedAgentConfigurator.sh. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "cs_cli.h"
#include "cs_document.h"
#include "hostid.h"
#include "inventory.h"

/* The readiness summary for the document: every check but the cs.* ones
 * (they are about this very registration). NULL when the checks cannot run. */
static json_object *check_summary(const struct mt_ctx *ctx, const struct inventory *inv, json_object *journal)
{
    struct check_ctx c = {&ctx->cfg, inv, journal};
    struct check_report rep;
    struct mt_err err = {0};
    json_object *s;

    if (check_run(&c, NULL, "cs.reachable,cs.registered", ctx->cfg.check.strict, &rep, &err) < 0) {
        log_warn("register: the readiness checks did not run (%s); the document has no check summary", err.msg);
        return NULL;
    }
    s = check_report_summary_json(&rep);
    check_report_free(&rep);
    return s;
}

static int cmd_register(struct mt_ctx *ctx, int argc, char **argv)
{
    struct cs_cli o;
    struct cs_endpoint ep;
    struct cs_result res;
    struct journal j;
    struct mt_err err = {0};
    char host_id[HOSTID_MAX], where[300], ts[32];
    const char *src, *body;
    json_object *doc, *host = NULL, *reg, *inv_json = NULL, *summary = NULL;
    struct cs_document_input in;
    struct inventory inv;
    int r, code;

    r = cs_cli_parse(&verb_register, argc, argv, &o);
    if (r >= 0)
        return r;
    code = cs_cli_open("register", &j, host_id, &src);
    if (code)
        return code;
    if (ctx->cfg.cs.backend == CS_BACKEND_ASR) {
        code = cs_cli_asr_register(ctx, &o, &j, host_id);
        journal_free(&j);
        return code;
    }
    code = cs_cli_endpoint(ctx, &o, &ep);
    if (code) {
        journal_free(&j);
        return code;
    }
    snprintf(where, sizeof(where), "%s:%u", ep.host, ep.port);

    /* Host identity and disks from the inventory; DMI facts alone when it fails. */
    memset(&inv, 0, sizeof(inv));
    memset(&in, 0, sizeof(in));
    r = inventory_collect(&inv, &err);
    if (r == 0) {
        inv_json = inventory_to_json(&inv);
        json_object_object_get_ex(inv_json, "host", &in.host);
        json_object_object_get_ex(inv_json, "disks", &in.disks);
        summary = check_summary(ctx, &inv, j.root);
    } else {
        log_warn("register: inventory failed (%s); registering with the DMI facts only", err.msg);
        host = cs_document_host_fallback();
        in.host = host;
    }
    in.host_id = host_id;
    in.agent_version = MT_AGENT_VERSION;
    in.data_port = ctx->cfg.cs.data_port;
    in.journal = j.root;
    in.check_summary = summary;
    doc = cs_document_build(&in);
    if (host)
        json_object_put(host);
    if (inv_json)
        json_object_put(inv_json);
    if (summary)
        json_object_put(summary);
    if (r == 0)
        inventory_free(&inv);
    if (!doc) {
        cs_endpoint_scrub(&ep);
        journal_free(&j);
        log_error("register: out of memory");
        return EXIT_FAILED;
    }
    body = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PLAIN);
    {
        char path[128 + HOSTID_MAX];
        snprintf(path, sizeof(path), "/api/v1/master-targets/%s", host_id);
        log_info("registering %s (host_id from %s) with %s", host_id, src, where);
        code = cs_cli_call(&j, &ep, "PUT", path, body, &res, &err, &r);
    }
    json_object_put(doc);
    if (code)
        return code;
    if (r == 0 && (res.resp.heartbeat_s <= 0 || (res.resp.status != 200 && res.resp.status != 201))) {
        res.failure = CS_FAIL_MALFORMED;
        r = mt_err_set(&err, -EPROTO, "malformed response from %s (HTTP %ld): no positive heartbeat_s in the "
                                      "answer to the registration", where, res.resp.status);
    }
    reg = journal_section(&j, "register");
    json_object_object_add(reg, "backend", json_object_new_string("http"));
    json_object_object_add(reg, "host_id", json_object_new_string(host_id));
    if (r == 0) {
        cs_cli_now(ts, sizeof(ts));
        json_object_object_add(reg, "registered", json_object_new_boolean(1));
        json_object_object_add(reg, "registered_at", json_object_new_string(ts));
        json_object_object_add(reg, "heartbeat_s", json_object_new_int((int)res.resp.heartbeat_s));
        json_object_object_del(reg, "deregistered_at");
        cs_cli_record(reg, "register", where, &res, res.resp.status == 201 ? "created" : "updated");
    } else {
        cs_cli_record(reg, "register", where, &res, err.msg);
    }
    code = cs_cli_finish(&j, res.failure, r);
    if (r < 0) {
        code = cs_cli_fail("register", where, &res, &err, code);
        cs_result_free(&res);
        return code;
    }
    if (out_json_mode()) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string("register"));
        json_object_object_add(d, "ok", json_object_new_boolean(1));
        json_object_object_add(d, "backend", json_object_new_string("http"));
        json_object_object_add(d, "cs", json_object_new_string(where));
        json_object_object_add(d, "host_id", json_object_new_string(host_id));
        json_object_object_add(d, "host_id_source", json_object_new_string(src));
        json_object_object_add(d, "created", json_object_new_boolean(res.resp.status == 201));
        json_object_object_add(d, "heartbeat_s", json_object_new_int((int)res.resp.heartbeat_s));
        json_object_object_add(d, "attempts", json_object_new_int((int)res.attempts));
        json_object_object_add(d, "elapsed_ms", json_object_new_int64((int64_t)res.elapsed_ms));
        out_json(d);
    } else {
        out_printf("registered master target %s with %s (%s), heartbeat every %ld s\n", host_id, where,
                   res.resp.status == 201 ? "new record" : "record updated", res.resp.heartbeat_s);
    }
    cs_result_free(&res);
    return code;
}

const struct verb verb_register = {
    "register", cmd_register, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "register with the configuration server",
    "Sends the registration document (host identity, disks with SCSI IDs, retention volume,\n"
    "modules, custom-changes state, agent version, data port) to the configuration server\n"
    "([cs] backend http: PUT /api/v1/master-targets/HOST_ID, signed with the passphrase; asr:\n"
    "the vendor's UnifiedAgentConfigurator.sh -i CS_IP -P PASSPHRASE_FILE). Registering again\n"
    "updates the same record. The server certificate is verified with [cs] ca_file or pinned\n"
    "with --cs-fingerprint; with neither, the offered fingerprint is printed and nothing is sent.\n"
    "  --cs HOST[:PORT]        the configuration server (default [cs] host and port)\n"
    "  --passphrase-file F     the passphrase file (first line; mode 0600, owned by root)\n"
    "  --cs-fingerprint HEX    SHA-256 of the server's certificate (colons optional)\n"
    "exit status 4: unreachable, certificate mismatch, authentication failure, server error,\n"
    "or malformed response (the message says which).\n",
};
