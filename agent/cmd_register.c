/* register: register this master target with the configuration server.
 *
 * http backend: PUT /api/v1/master-targets/{host_id} with the registration
 * document (cs_document.h), signed; idempotent (the server updates the record
 * of the same host_id). asr backend: the vendor's UnifiedAgentConfigurator.sh. */
#include <errno.h>
#include <string.h>

#include "check.h"
#include "cs_cli.h"
#include "timefmt.h"
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

/* The registration document: host identity and disks from the inventory (DMI
 * facts alone when it fails), the journal's state, the readiness summary. */
static json_object *body(struct mt_ctx *ctx, struct journal *j, const struct cs_outcome *o)
{
    json_object *doc, *host = NULL, *inv_json = NULL, *summary = NULL;
    struct cs_document_input in;
    struct inventory inv;
    struct mt_err err = {0};
    int r;

    memset(&inv, 0, sizeof(inv));
    memset(&in, 0, sizeof(in));
    r = inventory_collect(&inv, &err);
    if (r == 0) {
        inv_json = inventory_to_json(&inv);
        json_object_object_get_ex(inv_json, "host", &in.host);
        json_object_object_get_ex(inv_json, "disks", &in.disks);
        summary = check_summary(ctx, &inv, j->root);
    } else {
        log_warn("register: inventory failed (%s); registering with the DMI facts only", err.msg);
        host = cs_document_host_fallback();
        in.host = host;
    }
    in.host_id = o->host_id;
    in.agent_version = MT_AGENT_VERSION;
    in.data_port = ctx->cfg.cs.data_port;
    in.journal = j->root;
    in.check_summary = summary;
    doc = cs_document_build(&in);
    json_object_put(host);
    json_object_put(inv_json);
    json_object_put(summary);
    if (r == 0)
        inventory_free(&inv);
    return doc;
}

static int judge(struct cs_outcome *o, int r, struct mt_err *err)
{
    const struct cs_response *resp = &o->res.resp;

    if (r == 0 && (resp->heartbeat_s <= 0 || (resp->status != 200 && resp->status != 201))) {
        o->res.failure = CS_FAIL_MALFORMED;
        return mt_err_set(err, -EPROTO, "malformed response from %s (HTTP %ld): no positive heartbeat_s in the "
                                        "answer to the registration", o->where, resp->status);
    }
    return r;
}

static void record(json_object *reg, const struct cs_outcome *o, int r, const struct mt_err *err)
{
    char ts[TIMEFMT_LEN];

    json_object_object_add(reg, "backend", json_object_new_string("http"));
    json_object_object_add(reg, "host_id", json_object_new_string(o->host_id));
    if (r < 0) {
        cs_cli_record(reg, "register", o->where, &o->res, err->msg);
        return;
    }
    timefmt_now(ts, sizeof(ts));
    json_object_object_add(reg, "registered", json_object_new_boolean(1));
    json_object_object_add(reg, "registered_at", json_object_new_string(ts));
    json_object_object_add(reg, "heartbeat_s", json_object_new_int((int)o->res.resp.heartbeat_s));
    json_object_object_del(reg, "deregistered_at");
    cs_cli_record(reg, "register", o->where, &o->res, o->res.resp.status == 201 ? "created" : "updated");
}

static void report(json_object *d, const struct cs_outcome *o)
{
    json_object_object_add(d, "backend", json_object_new_string("http"));
    json_object_object_add(d, "host_id_source", json_object_new_string(o->host_id_source));
    json_object_object_add(d, "created", json_object_new_boolean(o->res.resp.status == 201));
    json_object_object_add(d, "heartbeat_s", json_object_new_int((int)o->res.resp.heartbeat_s));
    json_object_object_add(d, "attempts", json_object_new_int((int)o->res.attempts));
    json_object_object_add(d, "elapsed_ms", json_object_new_int64((int64_t)o->res.elapsed_ms));
}

static void say(const struct cs_outcome *o)
{
    out_printf("registered master target %s with %s (%s), heartbeat every %ld s\n", o->host_id, o->where,
               o->res.resp.status == 201 ? "new record" : "record updated", o->res.resp.heartbeat_s);
}

static const struct cs_verb REGISTER = {
    "register", "PUT", "", NULL, body, judge, record, report, say,
};

static int cmd_register(struct mt_ctx *ctx, void *args)
{
    return cs_cli_run(ctx, args, &REGISTER);
}

const struct verb verb_register = {
    "register", cmd_register, CS_CLI_TABLES, sizeof(struct cs_cli), NULL,
    "register with the configuration server",
    "Sends the registration document (host identity, disks with SCSI IDs, retention volume,\n"
    "modules, custom-changes state, agent version, data port) to the configuration server\n"
    "([cs] backend http: PUT /api/v1/master-targets/HOST_ID, signed with the passphrase; asr:\n"
    "the vendor's UnifiedAgentConfigurator.sh -i CS_IP -P PASSPHRASE_FILE). Registering again\n"
    "updates the same record. The server certificate is verified with [cs] ca_file or pinned\n"
    "with --cs-fingerprint; with neither, the offered fingerprint is printed and nothing is sent.\n"
    "exit status 4: unreachable, certificate mismatch, authentication failure, server error,\n"
    "or malformed response (the message says which).\n",
    0,
};
