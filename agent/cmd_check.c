/* check: readiness checks of this master target (provision/check/check.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "inventory.h"
#include "journal.h"
#include "nagios.h"
#include "rootpath.h"
#include "verbs.h"

/* The journal, read only: a check never takes the lock nor rewrites anything. */
static json_object *journal_peek(void)
{
    char *text = NULL;
    json_object *root;
    if (rootpath_read_file(JOURNAL_PATH, &text, 16u << 20) < 0)
        return NULL;
    root = json_tokener_parse(text);
    if (!root || !json_object_is_type(root, json_type_object)) {
        log_warn("%s: not a JSON object; checks that read the journal see none (mt-agent status reports it)",
                 JOURNAL_PATH);
        json_object_put(root);
        root = NULL;
    }
    free(text);
    return root;
}

static int list_checks(struct mt_ctx *ctx)
{
    size_t n, i;
    const struct check_def *const *cat = check_catalogue(&n);
    if (ctx->json) {
        json_object *doc = json_object_new_object(), *arr = json_object_new_array();
        for (i = 0; i < n; i++) {
            json_object *it = json_object_new_object();
            json_object_object_add(it, "id", json_object_new_string(cat[i]->id));
            json_object_object_add(it, "severity", json_object_new_string(check_severity_name(cat[i]->severity)));
            json_object_object_add(it, "title", json_object_new_string(cat[i]->title));
            json_object_array_add(arr, it);
        }
        json_object_object_add(doc, "checks", arr);
        verb_set_doc(ctx, doc);
    } else {
        for (i = 0; i < n; i++)
            out_printf("%-24s %-8s %s\n", cat[i]->id, check_severity_name(cat[i]->severity), cat[i]->title);
    }
    return EXIT_DONE;
}

static void print_human(const struct check_report *rep)
{
    size_t i;
    for (i = 0; i < rep->n; i++) {
        const struct check_outcome *o = &rep->items[i];
        const char *st = o->res.status == CHECK_PASS ? "PASS"
                         : o->res.status == CHECK_SKIP ? "SKIP"
                         : check_outcome_severity(o) == SEV_ERROR ? "FAIL"
                                                                  : "WARN";
        out_printf("%-4s %-22s %s\n", st, o->def->id, o->res.detail);
        if (o->res.status == CHECK_FAIL && o->res.remediation[0])
            out_printf("     %-22s fix: %s\n", "", o->res.remediation);
    }
    out_printf("%u passed, %u failed (%u errors, %u warnings), %u skipped\n", rep->pass, rep->fail, rep->errors,
               rep->warnings, rep->skip);
}

struct check_args {
    const char *only, *ignore, *format;
    bool strict, list;
};

#define AT(f) .offset = offsetof(struct check_args, f)
static const struct opt CHECK_OPTS[] = {
    {.name = "only", .kind = OPT_LIST, .arg = "ID,..", AT(only),
     .help = "run only these checks (mt-agent check --list names them)"},
    {.name = "ignore", .kind = OPT_LIST, .arg = "ID,..", AT(ignore),
     .help = "leave these checks out (added to [check] ignore)"},
    {.name = "strict", .kind = OPT_FLAG, AT(strict), .help = "failed warnings count as failures ([check] strict)"},
    {.name = "list", .kind = OPT_FLAG, AT(list), .help = "list the checks (id, severity, title); run none"},
    {.name = "format", .kind = OPT_STRING, .choices = "text|json|nagios", AT(format),
     .help = "text (default), json (as --json), or nagios (the monitoring plugin convention)"},
    OPT_END,
};
#undef AT
static const struct opt *const CHECK_TABLES[] = {CHECK_OPTS, NULL};

enum check_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_NAGIOS };

/* A bad command line found by the verb: the usage error, answered in the
 * run's form (nagios: UNKNOWN, exit 3; JSON: the dispatcher's document). */
static int usage_failure(struct mt_ctx *ctx, const char *msg)
{
    int code = verb_usage_error(&verb_check, "%s", msg);

    return ctx->ans.form == ANSWER_NAGIOS ? nagios_unknown(stdout, msg) : code;
}

static int print_report(struct mt_ctx *ctx, enum check_format fmt, bool strict, const struct inventory *inv,
                        const struct check_report *rep)
{
    char *text = NULL;
    int st;

    if (fmt == FORMAT_JSON) {
        json_object *doc = json_object_new_object();
        json_object_object_add(doc, "host", inventory_host_to_json(&inv->host));
        json_object_object_add(doc, "checks", check_report_checks_json(rep));
        json_object_object_add(doc, "summary", check_report_summary_json(rep));
        json_object_object_add(doc, "strict", json_object_new_boolean(strict));
        verb_set_doc(ctx, doc);
    } else if (fmt == FORMAT_NAGIOS) {
        if ((st = nagios_render(rep, &text)) < 0)
            return nagios_unknown(stdout, "out of memory");
        out_printf("%s", text);
        free(text);
        return st;
    } else {
        print_human(rep);
    }
    return rep->failed ? EXIT_FAILED : EXIT_DONE;
}

/* The checks themselves; returns the exit status (fmt's convention). */
static int run_checks(struct mt_ctx *ctx, enum check_format fmt, const char *only, const char *ignore,
                      bool strict)
{
    struct inventory inv;
    struct check_report rep;
    struct check_ctx cc;
    struct mt_err err = {0};
    int r;

    r = inventory_collect(&inv, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        return fmt == FORMAT_NAGIOS ? nagios_unknown(stdout, err.msg) : EXIT_FAILED;
    }
    cc.cfg = &ctx->cfg;
    cc.inv = &inv;
    cc.journal = journal_peek();
    r = check_run(&cc, only, ignore, strict, &rep, &err);
    if (r < 0) {
        log_error("%s", err.msg);
        r = fmt == FORMAT_NAGIOS ? nagios_unknown(stdout, err.msg) : r == -EINVAL ? EXIT_USAGE : EXIT_FAILED;
    } else {
        r = print_report(ctx, fmt, strict, &inv, &rep);
        check_report_free(&rep);
    }
    json_object_put(cc.journal);
    inventory_free(&inv);
    return r;
}

/* The output format: the run's answer form (agent/answer.h read --format and
 * --json before anything ran). 0, or a usage failure: --json with --format
 * text or nagios. */
static int check_format(struct mt_ctx *ctx, const struct check_args *a, enum check_format *fmt)
{
    char bad[128];

    *fmt = ctx->ans.form == ANSWER_NAGIOS ? FORMAT_NAGIOS : ctx->json ? FORMAT_JSON : FORMAT_TEXT;
    if (a->format && a->format[0] != 'j' && ctx->ans.json_given) {
        snprintf(bad, sizeof(bad), "--format %s: --json asks for JSON already", a->format);
        return usage_failure(ctx, bad);
    }
    return 0;
}

/* --ignore's ids must exist too, and none may also be in --only: that run would
 * check nothing and say OK. Returns 0 or -EINVAL with err naming the id. */
static int only_and_ignored(const char *only, const char *ignore, struct mt_err *err)
{
    size_t n;
    const struct check_def *const *cat = check_catalogue(&n);
    bool *in_only = calloc(n ? n : 1, sizeof(bool)), *in_ignore = calloc(n ? n : 1, sizeof(bool));
    int r = 0;
    size_t i;

    if (!in_only || !in_ignore)
        r = mt_err_set(err, -ENOMEM, "check: out of memory");
    else if (ignore && (r = check_parse_ids(ignore, in_ignore, err)) >= 0 && only &&
             (r = check_parse_ids(only, in_only, err)) >= 0) {
        for (i = 0; i < n && r == 0; i++)
            if (in_only[i] && in_ignore[i])
                r = mt_err_set(err, -EINVAL, "check %s is named by both --only and --ignore; name it in one of them",
                               cat[i]->id);
    }
    free(in_only);
    free(in_ignore);
    return r < 0 ? r : 0;
}

static int cmd_check(struct mt_ctx *ctx, void *argp)
{
    struct check_args *a = argp;
    const char *only = a->only, *ignore_arg = a->ignore;
    bool strict = ctx->cfg.check.strict || a->strict;
    char ignore[2 * MT_CFG_STR + 2];
    enum check_format fmt;
    struct mt_err err = {0};
    size_t n;
    bool *sel;
    int r;

    if ((r = check_format(ctx, a, &fmt)) != 0)
        return r;
    /* every id named anywhere must exist: a typo must not silently run everything */
    check_catalogue(&n);
    sel = calloc(n ? n : 1, sizeof(bool));
    if (!sel) {
        log_error("check: out of memory");
        return fmt == FORMAT_NAGIOS ? nagios_unknown(stdout, "out of memory") : EXIT_FAILED;
    }
    if ((only && check_parse_ids(only, sel, &err) < 0) || (r = only_and_ignored(only, ignore_arg, &err)) < 0) {
        free(sel);
        return usage_failure(ctx, err.msg);
    }
    if (check_parse_ids(ctx->cfg.check.ignore, sel, &err) < 0) {
        char msg[MT_ERR_MAX + 4200];
        free(sel);
        snprintf(msg, sizeof(msg), "%s: [check] ignore: %s", ctx->config_path[0] ? ctx->config_path : "configuration",
                 err.msg);
        log_error("%s", msg);
        return fmt == FORMAT_NAGIOS ? nagios_unknown(stdout, msg) : EXIT_USAGE;
    }
    free(sel);
    if (a->list)
        return list_checks(ctx);

    snprintf(ignore, sizeof(ignore), "%s%s%s", ctx->cfg.check.ignore,
             ctx->cfg.check.ignore[0] && ignore_arg ? "," : "", ignore_arg ? ignore_arg : "");
    return run_checks(ctx, fmt, only, ignore, strict);
}

const struct verb verb_check = {
    "check", cmd_check, CHECK_TABLES, sizeof(struct check_args), NULL,
    "readiness checks of this master target",
    "Runs the readiness checks (mt-agent check --list shows them) and prints each one's\n"
    "status, detail and, for a failure, how to fix it. --only runs just the named checks,\n"
    "--ignore leaves them out (added to [check] ignore), --strict makes failed warnings\n"
    "count as failures ([check] strict). Exit 0 when no error-severity check fails, 1\n"
    "otherwise, 2 for an unknown check id. With --json: {\"host\":{...},\"checks\":[{\"id\",\n"
    "\"severity\",\"status\",\"title\",\"detail\",\"remediation\"}],\"summary\":{\"pass\",\"fail\",\n"
    "\"skip\",\"errors\",\"warnings\"}}.\n"
    "--format nagios: the monitoring plugin convention (Nagios, Icinga, NRPE): one line\n"
    "\"MT-AGENT OK|WARNING|CRITICAL|UNKNOWN - <failed check ids> | pass=N fail=N skip=N\n"
    "errors=N warnings=N\", the failed checks' details on the following lines, exit 0 OK,\n"
    "1 WARNING (only warnings failed), 2 CRITICAL (an error failed, or a warning with\n"
    "--strict), 3 UNKNOWN (the checks could not run: bad option, configuration, inventory).\n"
    "/etc/nrpe.d/mt-agent.cfg defines it as the NRPE command check_mt_agent.\n",
    0,
};
