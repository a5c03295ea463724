/* deregister: remove this master target from the configuration server
 * (DELETE /api/v1/master-targets/{host_id}); a server that does not know it
 * any more counts as done. */
#include <errno.h>
#include <string.h>

#include "cs_cli.h"
#include "timefmt.h"

static int judge(struct cs_outcome *o, int r, struct mt_err *err)
{
    (void)err;
    if (r < 0 && o->res.failure == CS_FAIL_REJECTED && o->res.resp.status == 404) {
        o->gone_already = true;
        o->res.failure = CS_FAIL_NONE;
        return 0;
    }
    return r;
}

static void record(json_object *reg, const struct cs_outcome *o, int r, const struct mt_err *err)
{
    char ts[TIMEFMT_LEN];

    if (r < 0) {
        cs_cli_record(reg, "deregister", o->where, &o->res, err->msg);
        return;
    }
    timefmt_now(ts, sizeof(ts));
    json_object_object_add(reg, "registered", json_object_new_boolean(0));
    json_object_object_add(reg, "deregistered_at", json_object_new_string(ts));
    json_object_object_del(reg, "registered_at");
    cs_cli_record(reg, "deregister", o->where, &o->res, o->gone_already ? "was not registered" : "removed");
}

static void report(json_object *doc, const struct cs_outcome *o)
{
    json_object_object_add(doc, "was_registered", json_object_new_boolean(!o->gone_already));
}

static void say(const struct cs_outcome *o)
{
    out_printf("%s %s from %s\n", o->gone_already ? "not registered (nothing to remove):" : "deregistered",
               o->host_id, o->where);
}

static const struct cs_verb DEREGISTER = {
    "deregister", "DELETE", "",
    "the asr backend cannot deregister (the vendor tools have no such step); remove the master target in the "
    "configuration server's console, or set [cs] backend = http",
    NULL, judge, record, report, say,
};

static int cmd_deregister(struct mt_ctx *ctx, void *args)
{
    return cs_cli_run(ctx, args, &DEREGISTER);
}

const struct verb verb_deregister = {
    "deregister", cmd_deregister, CS_CLI_TABLES, sizeof(struct cs_cli), NULL,
    "remove this master target from the configuration server",
    "DELETE /api/v1/master-targets/HOST_ID ([cs] backend http). A server that does not know\n"
    "this master target any more counts as done (exit 0).\n",
    0,
};
