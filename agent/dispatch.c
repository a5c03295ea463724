/* dispatch: the verb table and the verb-level --help. */
#include "verbs.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct verb *const VERBS[] = {
    &verb_inventory, &verb_check,    &verb_plan,      &verb_provision,
    &verb_retention, &verb_modules,  &verb_apply,     &verb_register,
    &verb_heartbeat, &verb_deregister, &verb_firstboot, &verb_status,
};

const struct verb *const *verb_table(size_t *n)
{
    *n = sizeof(VERBS) / sizeof(VERBS[0]);
    return VERBS;
}

const struct verb *verb_find(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(VERBS) / sizeof(VERBS[0]); i++)
        if (strcmp(VERBS[i]->name, name) == 0)
            return VERBS[i];
    return NULL;
}

void verb_list_print(FILE *f)
{
    size_t i;

    fprintf(f, "verbs:\n");
    for (i = 0; i < sizeof(VERBS) / sizeof(VERBS[0]); i++)
        fprintf(f, "  %-12s %s\n", VERBS[i]->name, VERBS[i]->summary);
}

static void verb_help(const struct verb *v, FILE *f)
{
    fprintf(f, "usage: mt-agent [global options] %s %s\n\n%s\n", v->name, v->usage, v->summary);
    if (v->help)
        fprintf(f, "\n%s", v->help);
}

int verb_usage_error(const struct verb *v, const char *fmt, ...)
{
    va_list ap;

    fprintf(stderr, "mt-agent %s: ", v->name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nusage: mt-agent %s %s\n(mt-agent %s --help for more)\n", v->name, v->usage,
            v->name);
    return EXIT_USAGE;
}

int dispatch_verb(struct mt_ctx *ctx, int argc, char **argv)
{
    const struct verb *v;
    int i;

    if (argc < 1 || !argv[0]) {
        fprintf(stderr, "mt-agent: no verb given\n");
        verb_list_print(stderr);
        return EXIT_USAGE;
    }
    v = verb_find(argv[0]);
    if (!v) {
        fprintf(stderr, "mt-agent: unknown verb '%s'\n", argv[0]);
        verb_list_print(stderr);
        return EXIT_USAGE;
    }
    for (i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--") == 0)
            break;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            verb_help(v, stdout);
            return EXIT_DONE;
        }
    }
    return v->fn(ctx, argc, argv);
}
