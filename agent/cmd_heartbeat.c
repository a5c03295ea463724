/* heartbeat: tell the configuration server this master target is alive
 * (POST /api/v1/master-targets/{host_id}/heartbeat). */
#include <errno.h>
#include <string.h>

#include "cs_cli.h"
#include "hostid.h"

static int cmd_heartbeat(struct mt_ctx *ctx, int argc, char **argv)
{
    struct cs_cli o;
    struct cs_endpoint ep;
    struct cs_result res;
    struct journal j;
    struct mt_err err = {0};
    char host_id[HOSTID_MAX], where[300], ts[32], path[128 + HOSTID_MAX];
    json_object *reg;
    int r, code;

    r = cs_cli_parse(&verb_heartbeat, argc, argv, &o);
    if (r >= 0)
        return r;
    if (ctx->cfg.cs.backend == CS_BACKEND_ASR) {
        log_error("heartbeat: the asr backend has no heartbeat (the vendor agent reports by itself); "
                  "set [cs] backend = http to use API v1");
        return EXIT_USAGE;
    }
    code = cs_cli_open("heartbeat", &j, host_id, NULL);
    if (code)
        return code;
    code = cs_cli_endpoint(ctx, &o, &ep);
    if (code) {
        journal_free(&j);
        return code;
    }
    snprintf(where, sizeof(where), "%s:%u", ep.host, ep.port);
    snprintf(path, sizeof(path), "/api/v1/master-targets/%s/heartbeat", host_id);
    code = cs_cli_call(&j, &ep, "POST", path, NULL, &res, &err, &r);
    if (code)
        return code;
    if (r == 0 && res.resp.heartbeat_s <= 0) {
        res.failure = CS_FAIL_MALFORMED;
        r = mt_err_set(&err, -EPROTO, "malformed response from %s (HTTP %ld): no positive heartbeat_s",
                       where, res.resp.status);
    }
    reg = journal_section(&j, "register");
    if (r == 0) {
        cs_cli_now(ts, sizeof(ts));
        json_object_object_add(reg, "last_heartbeat_at", json_object_new_string(ts));
        json_object_object_add(reg, "heartbeat_s", json_object_new_int((int)res.resp.heartbeat_s));
        cs_cli_record(reg, "heartbeat", where, &res, NULL);
    } else {
        if (res.failure == CS_FAIL_REJECTED && res.resp.status == 404) {
            json_object_object_add(reg, "registered", json_object_new_boolean(0));
            mt_err_set(&err, -ENOENT, "%s does not know master target %s (HTTP 404); run `mt-agent register`",
                       where, host_id);
        }
        cs_cli_record(reg, "heartbeat", where, &res, err.msg);
    }
    code = cs_cli_finish(&j, res.failure, r);
    if (r < 0) {
        code = cs_cli_fail("heartbeat", where, &res, &err, code);
        cs_result_free(&res);
        return code;
    }
    if (out_json_mode()) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string("heartbeat"));
        json_object_object_add(d, "ok", json_object_new_boolean(1));
        json_object_object_add(d, "cs", json_object_new_string(where));
        json_object_object_add(d, "host_id", json_object_new_string(host_id));
        json_object_object_add(d, "heartbeat_s", json_object_new_int((int)res.resp.heartbeat_s));
        out_json(d);
    } else {
        out_printf("heartbeat sent to %s for %s; next in %ld s\n", where, host_id, res.resp.heartbeat_s);
    }
    cs_result_free(&res);
    return code;
}

const struct verb verb_heartbeat = {
    "heartbeat", cmd_heartbeat, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "tell the configuration server this master target is alive",
    "POST /api/v1/master-targets/HOST_ID/heartbeat ([cs] backend http). The answer says when\n"
    "the next one is due (heartbeat_s, kept in the journal). Exit status 1 when the server\n"
    "does not know this master target (run register), 4 when it cannot be reached or\n"
    "authenticated.\n",
};
