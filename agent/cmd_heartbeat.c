/* heartbeat: tell the configuration server this master target is alive
 * (POST /api/v1/master-targets/{host_id}/heartbeat). */
#include <errno.h>
#include <string.h>

#include "cs_cli.h"
#include "timefmt.h"

static int judge(struct cs_outcome *o, int r, struct mt_err *err)
{
    if (r == 0 && o->res.resp.heartbeat_s <= 0) {
        o->res.failure = CS_FAIL_MALFORMED;
        return mt_err_set(err, -EPROTO, "malformed response from %s (HTTP %ld): no positive heartbeat_s", o->where,
                          o->res.resp.status);
    }
    if (r < 0 && o->res.failure == CS_FAIL_REJECTED && o->res.resp.status == 404)
        mt_err_set(err, -ENOENT, "%s does not know master target %s (HTTP 404); run `mt-agent register`", o->where,
                   o->host_id);
    return r;
}

static void record(json_object *reg, const struct cs_outcome *o, int r, const struct mt_err *err)
{
    char ts[TIMEFMT_LEN];

    if (r == 0) {
        timefmt_now(ts, sizeof(ts));
        json_object_object_add(reg, "last_heartbeat_at", json_object_new_string(ts));
        json_object_object_add(reg, "heartbeat_s", json_object_new_int((int)o->res.resp.heartbeat_s));
        cs_cli_record(reg, "heartbeat", o->where, &o->res, NULL);
        return;
    }
    if (o->res.failure == CS_FAIL_REJECTED && o->res.resp.status == 404)
        json_object_object_add(reg, "registered", json_object_new_boolean(0));
    cs_cli_record(reg, "heartbeat", o->where, &o->res, err->msg);
}

static void report(json_object *doc, const struct cs_outcome *o)
{
    json_object_object_add(doc, "heartbeat_s", json_object_new_int((int)o->res.resp.heartbeat_s));
}

static void say(const struct cs_outcome *o)
{
    out_printf("heartbeat sent to %s for %s; next in %ld s\n", o->where, o->host_id, o->res.resp.heartbeat_s);
}

static const struct cs_verb HEARTBEAT = {
    "heartbeat", "POST", "/heartbeat",
    "the asr backend has no heartbeat (the vendor agent reports by itself); set [cs] backend = http to use API v1",
    NULL, judge, record, report, say,
};

static int cmd_heartbeat(struct mt_ctx *ctx, void *args)
{
    return cs_cli_run(ctx, args, &HEARTBEAT);
}

const struct verb verb_heartbeat = {
    "heartbeat", cmd_heartbeat, CS_CLI_TABLES, sizeof(struct cs_cli), NULL,
    "tell the configuration server this master target is alive",
    "POST /api/v1/master-targets/HOST_ID/heartbeat ([cs] backend http). The answer says when\n"
    "the next one is due (heartbeat_s, kept in the journal). Exit status 1 when the server\n"
    "does not know this master target (run register), 4 when it cannot be reached or\n"
    "authenticated.\n",
    0,
};
