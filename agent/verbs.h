/* verbs: the table of mt-agent verbs and what each verb is handed.
 *
 * One file per verb (agent/cmd_<verb>.c) defines `const struct verb verb_<name>`;
 * dispatch.c lists them. A verb parses its own options (argv[0] is the verb) and
 * returns an exit code from output.h. */
#ifndef MT_VERBS_H
#define MT_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "output.h"

#define MT_AGENT_VERSION "0.1.0"

struct mt_ctx {
    struct mt_config cfg;
    char config_path[4096];   /* the file the configuration came from ("" when none) */
    bool json;
    int verbosity;
};

struct verb {
    const char *name;
    int (*fn)(struct mt_ctx *ctx, int argc, char **argv);
    const char *usage;        /* option synopsis, e.g. "--disk DEV [--format text|json|kickstart]" */
    const char *summary;      /* one line */
    const char *help;         /* the rest of `mt-agent VERB --help`; may be NULL */
};

extern const struct verb verb_inventory, verb_check, verb_plan, verb_provision, verb_retention,
    verb_modules, verb_apply, verb_register, verb_heartbeat, verb_deregister, verb_firstboot,
    verb_status;

/* The table, in the order `mt-agent --help` lists it. */
const struct verb *const *verb_table(size_t *n);
const struct verb *verb_find(const char *name);

/* Run argv[0] as a verb: --help / -h prints its help (exit 0); an unknown verb
 * prints the list of verbs on stderr and returns EXIT_USAGE. */
int dispatch_verb(struct mt_ctx *ctx, int argc, char **argv);

/* Print "usage: mt-agent VERB ..." for a verb to stderr and return EXIT_USAGE:
 * the common answer to a bad option. */
int verb_usage_error(const struct verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A failure before the verb runs (--root, the configuration): for `check --format
 * nagios` prints the plugin's UNKNOWN line and returns 3, else returns code. */
int check_early_failure(int argc, char **argv, int code, const char *why);

/* Print the verb list (for --help and unknown verbs). */
void verb_list_print(FILE *f);

#endif
