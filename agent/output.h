/* output: everything mt-agent says.
 *
 * Human text on stdout (out_printf); diagnostics on stderr and syslog
 * (log_error/warn/info/debug); with --json exactly one JSON document on stdout
 * (out_json) and no human text there. The document's text is valid UTF-8
 * (provision/core/jsontext.h). A progress bar on stderr when it is a TTY. */
#ifndef MT_OUTPUT_H
#define MT_OUTPUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* Exit codes (mt-agent(8) EXIT STATUS). */
enum {
    EXIT_DONE = 0,      /* done, all checks pass */
    EXIT_FAILED = 1,    /* a check or an operation failed */
    EXIT_USAGE = 2,     /* usage or bad config */
    EXIT_REFUSED = 3,   /* refused for safety: would destroy data */
    EXIT_CS = 4,        /* could not reach or authenticate the configuration server */
};

/* verbosity: -1 quiet (errors only), 0 normal, 1 verbose (-v), 2 debug (-vv). */
void out_init(const char *prog, bool json, int verbosity);
bool out_json_mode(void);
int out_verbosity(void);

void out_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The run's first error message (log_error's text or one noted here), for
 * the failure document (agent/answer.h); NULL when none. */
const char *out_first_error(void);
void out_note_error(const char *msg);

/* Print doc as the one JSON document of this run and release it. */
void out_json(json_object *doc);

/* Progress on a TTY (stderr), silent otherwise and in --json / -q mode. */
void progress_update(const char *label, uint64_t done, uint64_t total);
void progress_done(void);

#endif
