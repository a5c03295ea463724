/* answer: the form of this run's answer on stdout, known before anything can fail.
 *
 * The forms (mt-agent(8) OUTPUT, mt-agent-api(7) THE DOCUMENT):
 *   ANSWER_TEXT    human text
 *   ANSWER_JSON    exactly one JSON document, whatever happens: asked by the
 *                  global --json (-j), or a verb's --format json (check, plan)
 *   ANSWER_NAGIOS  `check --format nagios`: the monitoring plugin protocol, one
 *                  status line and exit 0-3, whatever happens (UNKNOWN, 3, when
 *                  the checks could not run: a bad option, a missing --config)
 * The form is read from argv by answer_scan() before the global options are
 * parsed, so that a bad global option, a missing configuration file or an
 * unknown verb is answered in it too.
 *
 * The failure document (every form of failure, every verb; the verb's own
 * document carries the same members):
 *   {"verb": "check" (the word given, null when none), "ok": false,
 *    "exit_status": 2, "error": "the first error message of the run"} */
#ifndef MT_ANSWER_H
#define MT_ANSWER_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>

enum answer_form { ANSWER_TEXT, ANSWER_JSON, ANSWER_NAGIOS };

struct answer {
    enum answer_form form;
    bool json_given;  /* the global --json was given */
    const char *verb; /* argv's verb word (NULL when none): argv's storage */
};

/* Read argv (argv[0] the program) the way main() and the verb's table will:
 * the global options (-c/-r take a value; long names may be abbreviated as
 * getopt_long allows), the first operand as the verb, then the verb's
 * --format (check: json|nagios; plan: json); the last one given counts, a
 * verb's --format nagios before the global --json. Never fails. */
void answer_scan(int argc, char **argv, struct answer *a);

/* The run failed before (or instead of) the verb's own answer: `msg` (one
 * line) already said on stderr. Prints the form's answer on stdout (JSON: the
 * failure document; nagios: "MT-AGENT UNKNOWN - ..."; text: nothing) and
 * returns the exit status (nagios: 3; else code). */
int answer_failure(const struct answer *a, int code, const char *msg);

/* A run that ends with text instead of a verb's work (--help, --version): the
 * text on stdout, or with ANSWER_JSON the document {"verb","ok":true,
 * "exit_status":0, member: text}. Returns 0. */
int answer_text(const struct answer *a, const char *member, const char *text);

/* The members every document has (see above) added to the verb's doc: verb,
 * ok (code == 0), exit_status; for a failure "error": msg when given, else the
 * verb's own "error" string, else the run's first error message, else what the
 * exit status means. */
void answer_stamp(json_object *doc, const char *verb, int code, const char *msg);

#endif
