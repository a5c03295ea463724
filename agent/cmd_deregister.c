/* deregister: remove this master target from the configuration server
 * (DELETE /api/v1/master-targets/{host_id}); a server that does not know it
 * any more counts as done. */
#include <errno.h>
#include <string.h>

#include "cs_cli.h"
#include "hostid.h"

static int cmd_deregister(struct mt_ctx *ctx, int argc, char **argv)
{
    struct cs_cli o;
    struct cs_endpoint ep;
    struct cs_result res;
    struct journal j;
    struct mt_err err = {0};
    char host_id[HOSTID_MAX], where[300], ts[32], path[128 + HOSTID_MAX];
    json_object *reg;
    bool gone_already = false;
    int r, code;

    r = cs_cli_parse(&verb_deregister, argc, argv, &o);
    if (r >= 0)
        return r;
    if (ctx->cfg.cs.backend == CS_BACKEND_ASR) {
        log_error("deregister: the asr backend cannot deregister (the vendor tools have no such step); "
                  "remove the master target in the configuration server's console, or set [cs] backend = http");
        return EXIT_USAGE;
    }
    code = cs_cli_open("deregister", &j, host_id, NULL);
    if (code)
        return code;
    code = cs_cli_endpoint(ctx, &o, &ep);
    if (code) {
        journal_free(&j);
        return code;
    }
    snprintf(where, sizeof(where), "%s:%u", ep.host, ep.port);
    snprintf(path, sizeof(path), "/api/v1/master-targets/%s", host_id);
    code = cs_cli_call(&j, &ep, "DELETE", path, NULL, &res, &err, &r);
    if (code)
        return code;
    if (r < 0 && res.failure == CS_FAIL_REJECTED && res.resp.status == 404) {
        gone_already = true;
        r = 0;
        res.failure = CS_FAIL_NONE;
    }
    reg = journal_section(&j, "register");
    if (r == 0) {
        cs_cli_now(ts, sizeof(ts));
        json_object_object_add(reg, "registered", json_object_new_boolean(0));
        json_object_object_add(reg, "deregistered_at", json_object_new_string(ts));
        json_object_object_del(reg, "registered_at");
        cs_cli_record(reg, "deregister", where, &res, gone_already ? "was not registered" : "removed");
    } else {
        cs_cli_record(reg, "deregister", where, &res, err.msg);
    }
    code = cs_cli_finish(&j, res.failure, r);
    if (r < 0) {
        code = cs_cli_fail("deregister", where, &res, &err, code);
        cs_result_free(&res);
        return code;
    }
    if (out_json_mode()) {
        json_object *d = json_object_new_object();
        json_object_object_add(d, "verb", json_object_new_string("deregister"));
        json_object_object_add(d, "ok", json_object_new_boolean(1));
        json_object_object_add(d, "cs", json_object_new_string(where));
        json_object_object_add(d, "host_id", json_object_new_string(host_id));
        json_object_object_add(d, "was_registered", json_object_new_boolean(!gone_already));
        out_json(d);
    } else {
        out_printf("%s %s from %s\n", gone_already ? "not registered (nothing to remove):" : "deregistered",
                   host_id, where);
    }
    cs_result_free(&res);
    return code;
}

const struct verb verb_deregister = {
    "deregister", cmd_deregister, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "remove this master target from the configuration server",
    "DELETE /api/v1/master-targets/HOST_ID ([cs] backend http). A server that does not know\n"
    "this master target any more counts as done (exit 0).\n",
};
