/* verbs: the table of mt-agent verbs and what each verb is handed.
 *
 * One file per verb (agent/cmd_<verb>.c) defines `const struct verb verb_<name>`:
 * its option tables (agent/cli/opttab.h), the struct its options are parsed into,
 * and flags for the work the dispatcher does for it. The dispatcher parses the
 * options (usage errors, unexpected arguments, --help, all generated from the
 * tables), loads the journal when the verb asks for it, runs the verb, and
 * prints the verb's JSON document once with --json. A verb returns an exit code
 * from output.h. */
#ifndef MT_VERBS_H
#define MT_VERBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "answer.h"
#include "config.h"
#include "journal.h"
#include "opttab.h"
#include "output.h"

#define MT_AGENT_VERSION "0.1.0"
#define MT_AGENT_GLOBALS "[global options]"

struct mt_ctx {
    struct mt_config cfg;
    char config_path[4096];   /* the file the configuration came from ("" when none) */
    struct answer ans;        /* the form of the answer (agent/answer.h) */
    bool json;                /* ans.form == ANSWER_JSON */
    int verbosity;
    /* VERB_JOURNAL: loaded and locked before the verb runs, released after it
     * (a verb may release and reload it around a long wait: journal_loaded says). */
    struct journal journal;
    bool journal_loaded;
    /* The verb's JSON document: printed once by the dispatcher with --json,
     * released otherwise. */
    json_object *doc;
    struct opt_store store;   /* strings made while parsing: resolved paths */
};

/* flags on a verb: the work the dispatcher does for it */
#define VERB_JOURNAL 0x1      /* load (and lock) the journal into ctx->journal */

/* What VERB_JOURNAL does, for a verb whose arguments decide (provision and
 * retention --no-act): writes_nothing reads the journal without its lock and
 * creates neither its directory nor the lock file (journal_commit then refuses);
 * else it is loaded and locked. 0, or the exit status after saying why. */
int verb_journal_open(struct mt_ctx *ctx, bool writes_nothing);

struct verb {
    const char *name;
    int (*fn)(struct mt_ctx *ctx, void *args);
    const struct opt *const *opts; /* NULL-terminated list of option tables */
    size_t args_size;              /* the struct the options are parsed into */
    const char *subcommand;        /* a fixed word after the verb ("install"), or NULL */
    const char *summary;           /* one line */
    const char *help;              /* what the verb does, before the options; may be NULL */
    unsigned flags;                /* VERB_* */
};

extern const struct verb verb_inventory, verb_check, verb_plan, verb_provision, verb_retention,
    verb_modules, verb_apply, verb_register, verb_heartbeat, verb_deregister, verb_firstboot,
    verb_status;

/* The table, in the order `mt-agent --help` lists it. */
const struct verb *const *verb_table(size_t *n);
const struct verb *verb_find(const char *name);

/* The verb's command line for opttab (usage, help, parsing, a child's argv). */
struct opt_cmd verb_cmd(const struct verb *v);

/* Run argv[0] as a verb: --help / -h prints its help (exit 0); an unknown verb
 * prints the list of verbs on stderr and returns EXIT_USAGE; a bad option is a
 * usage error naming it. Every outcome is answered in ctx->ans's form: with
 * JSON exactly one document, stamped by answer_stamp(). */
int dispatch_verb(struct mt_ctx *ctx, int argc, char **argv);

/* Print "mt-agent VERB: MESSAGE" and "usage: mt-agent VERB ..." for a verb to
 * stderr, note the message as the run's error (the failure document) and
 * return EXIT_USAGE: the common answer to a bad option. The dispatcher answers
 * it in the run's form (check --format nagios: UNKNOWN, exit 3). */
int verb_usage_error(const struct verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Print a verb's whole --help. */
void verb_help(const struct verb *v, FILE *f);

/* Print the verb list (for --help and unknown verbs). */
void verb_list_print(FILE *f);

/* Set the verb's JSON document (replacing and releasing an earlier one). */
void verb_set_doc(struct mt_ctx *ctx, json_object *doc);

/* A path the verb was not given: the box's configured `value` (the key
 * "[section] name" names it in messages), resolved under --root into p.
 * Nothing when p was given or value is empty. 0, or EXIT_USAGE with the
 * message printed (a relative or unresolvable value). */
int verb_box_default(struct mt_ctx *ctx, struct mt_path *p, const char *value, const char *key);

/* Release ctx->journal when loaded (a verb done with it before the end). */
void verb_journal_release(struct mt_ctx *ctx);

#endif
