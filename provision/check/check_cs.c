/* check_cs: the configuration-server checks.
 *
 *   cs.reachable   [cs] host answers TCP connections on the control port (443)
 *                  and the data port (9443)
 *   cs.registered  the journal says this host_id is registered; when the
 *                  server answers GET /api/v1/ping (verified TLS), its clock is
 *                  compared with ours: more than 300 s of skew and every signed
 *                  request would be refused. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "arraysize.h"
#include "cs_client.h"

#define CS_SKEW_MAX 300

static int probe_timeout_ms(const struct mt_config *cfg)
{
    unsigned s = cfg->cs.connect_timeout ? cfg->cs.connect_timeout : 10;
    return (int)(s > 5 ? 5 : s) * 1000;
}

static void cs_reachable(const struct check_ctx *c, struct check_result *r)
{
    const struct mt_config *cfg = c->cfg;
    unsigned ports[2];
    char bad[600] = "";
    size_t off = 0;
    int i;

    if (!cfg->cs.host[0]) {
        check_set(r, CHECK_SKIP, "no configuration server address ([cs] host is empty)");
        check_remedy(r, "set [cs] host in /etc/mt-agent/mt-agent.conf, or register with --cs HOST");
        return;
    }
    ports[0] = cfg->cs.port ? cfg->cs.port : 443;
    ports[1] = cfg->cs.data_port ? cfg->cs.data_port : 9443;
    for (i = 0; i < 2; i++) {
        int e = cs_tcp_probe(cfg->cs.host, ports[i], probe_timeout_ms(cfg));
        if (e < 0 && off < sizeof(bad))
            off += (size_t)snprintf(bad + off, sizeof(bad) - off, "%s%s:%u (%s port): %s", off ? "; " : "",
                                    cfg->cs.host, ports[i], i == 0 ? "control" : "data",
                                    e == -EADDRNOTAVAIL ? "cannot resolve the name" : strerror(-e));
    }
    if (!bad[0]) {
        check_set(r, CHECK_PASS, "%s accepts connections on %u (control) and %u (data)", cfg->cs.host, ports[0],
                  ports[1]);
        return;
    }
    check_set(r, CHECK_FAIL, "%s", bad);
    check_remedy(r, "check [cs] host, that the configuration server runs, and that the firewalls between allow "
                    "TCP %u and %u from this master target",
                 ports[0], ports[1]);
}

static const char *str_of(json_object *o, const char *key)
{
    json_object *v;
    if (o && json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string))
        return json_object_get_string(v);
    return NULL;
}

/* The live part of cs.registered: ping the server and compare clocks. Appends
 * to `note`; returns the skew in seconds, or 0 when unknown. */
static long ping_skew(const struct mt_config *cfg, char *note, size_t len)
{
    struct cs_endpoint ep;
    struct cs_result res;
    struct mt_err err = {0};
    long skew = 0;

    if (!cfg->cs.host[0] || cfg->cs.backend != CS_BACKEND_HTTP) {
        snprintf(note, len, "no live ping ([cs] backend is not http or [cs] host is empty)");
        return 0;
    }
    if (cs_endpoint_from_config(&ep, cfg, &err) < 0) {
        snprintf(note, len, "no live ping: %.400s", err.msg);
        return 0;
    }
    ep.deadline_ms = (unsigned long)probe_timeout_ms(cfg);
    if (cs_call(&ep, "GET", "/api/v1/ping", NULL, 0, false, &res, &err) == 0 && res.resp.server_time >= 0) {
        skew = res.resp.server_time - (long)time(NULL);
        snprintf(note, len, "the server answers the ping; clock skew %+ld s", skew);
    } else if (res.failure == CS_FAIL_NONE) {
        snprintf(note, len, "the ping answer has no time");
    } else {
        snprintf(note, len, "live ping failed (%s)", cs_failure_name(res.failure));
    }
    cs_result_free(&res);
    return skew;
}

static void cs_registered(const struct check_ctx *c, struct check_result *r)
{
    json_object *reg = NULL, *host = NULL, *v;
    const char *hid, *rid, *at, *cs;
    char note[512];
    long skew;

    if (c->journal) {
        json_object_object_get_ex(c->journal, "register", &reg);
        json_object_object_get_ex(c->journal, "host", &host);
    }
    if (!reg || !json_object_object_get_ex(reg, "registered", &v) || !json_object_get_boolean(v)) {
        check_set(r, CHECK_FAIL, "the journal records no registration with the configuration server");
        check_remedy(r, "run `mt-agent register` (with --cs HOST and a verified certificate: [cs] ca_file or "
                        "--cs-fingerprint)");
        return;
    }
    hid = str_of(host, "host_id");
    rid = str_of(reg, "host_id");
    at = str_of(reg, "registered_at");
    cs = str_of(reg, "cs");
    if (hid && rid && strcmp(hid, rid) != 0) {
        check_set(r, CHECK_FAIL, "registered as %s but this host is now %s (a cloned or rebuilt VM?)", rid, hid);
        check_remedy(r, "run `mt-agent register` again so the configuration server knows this host_id");
        return;
    }
    skew = ping_skew(c->cfg, note, sizeof(note));
    if (labs(skew) > CS_SKEW_MAX) {
        check_set(r, CHECK_FAIL, "registered with %s, but this clock is %+ld s off the server's (at most %d): "
                                 "every signed request will be refused",
                  cs ? cs : "the configuration server", -skew, CS_SKEW_MAX);
        check_remedy(r, "synchronise the clock (ntpd; see time.sync)");
        return;
    }
    check_set(r, CHECK_PASS, "registered as %s with %s%s%s; %s", rid ? rid : "?", cs ? cs : "?",
              at ? " at " : "", at ? at : "", note);
}

const struct check_def check_defs_cs[] = {
    {"cs.reachable", SEV_ERROR, "The configuration server is reachable (443, 9443)", cs_reachable},
    {"cs.registered", SEV_ERROR, "This master target is registered with the configuration server", cs_registered},
};
const size_t check_n_cs = ARRAY_SIZE(check_defs_cs);
