/* dispatch: the verb table, and the work every verb shares: options parsed
 * from its tables, --help, the journal, the one JSON document. */
#include "verbs.h"
#include "arraysize.h"
#include "textesc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct verb *const VERBS[] = {
    &verb_inventory, &verb_check,    &verb_plan,      &verb_provision,
    &verb_retention, &verb_modules,  &verb_apply,     &verb_register,
    &verb_heartbeat, &verb_deregister, &verb_firstboot, &verb_status,
};
#define N_VERBS ARRAY_SIZE(VERBS)

const struct verb *const *verb_table(size_t *n)
{
    *n = N_VERBS;
    return VERBS;
}

const struct verb *verb_find(const char *name)
{
    size_t i;

    for (i = 0; i < N_VERBS; i++)
        if (strcmp(VERBS[i]->name, name) == 0)
            return VERBS[i];
    return NULL;
}

struct opt_cmd verb_cmd(const struct verb *v)
{
    struct opt_cmd c = {"mt-agent", v->name, v->subcommand, v->opts};
    return c;
}

void verb_list_print(FILE *f)
{
    size_t i;

    fprintf(f, "verbs:\n");
    for (i = 0; i < N_VERBS; i++)
        fprintf(f, "  %-12s %s\n", VERBS[i]->name, VERBS[i]->summary);
}

void verb_help(const struct verb *v, FILE *f)
{
    struct opt_cmd c = verb_cmd(v);

    opt_usage(f, &c, MT_AGENT_GLOBALS);
    fprintf(f, "\n%s\n", v->summary);
    if (v->help)
        fprintf(f, "\n%s", v->help);
    if (v->opts && v->opts[0] && v->opts[0]->name) {
        fprintf(f, "\noptions:\n");
        opt_help(f, &c);
    }
}

int verb_usage_error(const struct verb *v, const char *fmt, ...)
{
    struct opt_cmd c = verb_cmd(v);
    char raw[1024], msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* the operator's words are in it (an option's value): escaped */
    text_escape(raw, strlen(raw), msg, sizeof(msg), NULL);
    fprintf(stderr, "mt-agent %s: %s\n", v->name, msg);
    out_note_error(msg);
    opt_usage(stderr, &c, NULL);
    fprintf(stderr, "(mt-agent %s --help for more)\n", v->name);
    return EXIT_USAGE;
}

void verb_set_doc(struct mt_ctx *ctx, json_object *doc)
{
    if (ctx->doc)
        json_object_put(ctx->doc);
    ctx->doc = doc;
}

int verb_box_default(struct mt_ctx *ctx, struct mt_path *p, const char *value, const char *key)
{
    if (p->given || !value || !value[0])
        return 0;
    if (opt_box_path(&ctx->store, value, p) == 0)
        return 0;
    log_error("%s: %s %s: not an absolute path on the box (or too long); fix the configuration",
              ctx->config_path[0] ? ctx->config_path : MT_CONFIG_DEFAULT_PATH, key, value);
    return EXIT_USAGE;
}

int verb_journal_open(struct mt_ctx *ctx, bool writes_nothing)
{
    struct mt_err err = {0};

    if (writes_nothing ? journal_read(&ctx->journal, &err) < 0 : journal_load(&ctx->journal, &err) < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    ctx->journal_loaded = true;
    if (ctx->journal.moved_aside[0])
        log_warn("%s", err.msg);
    return 0;
}

void verb_journal_release(struct mt_ctx *ctx)
{
    if (ctx->journal_loaded)
        journal_free(&ctx->journal);
    ctx->journal_loaded = false;
}

static bool wants_help(int argc, char **argv)
{
    int i;

    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
            return true;
    }
    return false;
}

/* Run the verb with its parsed arguments; the journal and the document around it. */
static int run_verb(struct mt_ctx *ctx, const struct verb *v, void *args)
{
    int rc = 0;

    if (v->flags & VERB_JOURNAL)
        rc = verb_journal_open(ctx, false);
    if (rc == 0)
        rc = v->fn(ctx, args);
    verb_journal_release(ctx);
    if (ctx->json && !ctx->doc)
        ctx->doc = json_object_new_object(); /* exactly one document, also when the verb made none */
    if (ctx->doc && ctx->json) {
        answer_stamp(ctx->doc, v->name, rc, NULL); /* the same members whatever the verb */
        out_json(ctx->doc);
    } else if (ctx->doc)
        json_object_put(ctx->doc);
    ctx->doc = NULL;
    return rc;
}

/* --help for the verb, in the run's form. */
static int verb_help_answer(struct mt_ctx *ctx, const struct verb *v)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return EXIT_FAILED;
    verb_help(v, f);
    fclose(f);
    answer_text(&ctx->ans, "help", text ? text : "");
    free(text);
    return EXIT_DONE;
}

/* No verb, or an unknown one: said on stderr with the list, answered in the run's form. */
static int verb_missing(struct mt_ctx *ctx, const char *word)
{
    char msg[512], esc[400];

    if (!word) {
        snprintf(msg, sizeof(msg), "no verb given");
    } else {
        text_escape(word, strlen(word), esc, sizeof(esc), NULL);
        snprintf(msg, sizeof(msg), "unknown verb '%s'", esc);
    }
    fprintf(stderr, "mt-agent: %s\n", msg);
    verb_list_print(stderr);
    return answer_failure(&ctx->ans, EXIT_USAGE, msg);
}

int dispatch_verb(struct mt_ctx *ctx, int argc, char **argv)
{
    const struct verb *v;
    struct opt_cmd c;
    char err[512];
    void *args;
    int rc;

    if (argc < 1 || !argv[0])
        return verb_missing(ctx, NULL);
    v = verb_find(argv[0]);
    if (!v)
        return verb_missing(ctx, argv[0]);
    if (wants_help(argc, argv))
        return verb_help_answer(ctx, v);
    args = calloc(1, v->args_size ? v->args_size : 1);
    if (!args) {
        log_error("%s: out of memory", v->name);
        return answer_failure(&ctx->ans, EXIT_FAILED, "out of memory");
    }
    c = verb_cmd(v);
    if (opt_parse(&c, argc, argv, args, &ctx->store, err, sizeof(err)) < 0)
        rc = answer_failure(&ctx->ans, verb_usage_error(v, "%s", err), err);
    else
        rc = run_verb(ctx, v, args);
    opt_store_free(&ctx->store);
    free(args);
    return rc;
}
