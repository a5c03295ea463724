/* cs_cli: what register, heartbeat and deregister share: their options
 * (--cs HOST[:PORT] --passphrase-file F --cs-fingerprint SHA256), the endpoint
 * built from [cs] and those flags, the journal section "register", the exit
 * code of a configuration-server failure, and the asr backend. */
#ifndef MT_CS_CLI_H
#define MT_CS_CLI_H

#include "cs_client.h"
#include "journal.h"
#include "verbs.h"

struct cs_cli {
    const char *cs;
    const char *passphrase_file;
    const char *fingerprint;
};

/* Parse the verb's options; returns -1 to go on, or an exit code (usage error). */
int cs_cli_parse(const struct verb *v, int argc, char **argv, struct cs_cli *o);

/* Endpoint from [cs] and the flags, key derived from the passphrase file.
 * Returns 0 or an exit code (message printed). */
int cs_cli_endpoint(const struct mt_ctx *ctx, const struct cs_cli *o, struct cs_endpoint *ep);

/* The journal is not kept locked through network retries (up to [cs] timeout):
 * release commits what changed so far (the host_id) and frees it; reopen loads
 * it again to record the outcome. 0, or an exit code (message printed). */
int cs_cli_journal_release(struct journal *j);
int cs_cli_journal_reopen(struct journal *j);

/* Load the journal (warning when a corrupt one was moved aside) and resolve
 * host_id (src may be NULL). 0, or an exit code (message printed, journal freed). */
int cs_cli_open(const char *verb, struct journal *j, char *host_id, const char **src);
/* The call without the journal lock: commit and release the journal, cs_call,
 * scrub the key, load the journal again. 0 when the call was made (its result
 * in *call_r, res and err), or an exit code (message printed, res freed). */
int cs_cli_call(struct journal *j, struct cs_endpoint *ep, const char *method, const char *path,
                const char *body, struct cs_result *res, struct mt_err *err, int *call_r);
/* Commit and free the journal; the exit code for the call's outcome (EXIT_FAILED
 * when the journal cannot be written after a success). */
int cs_cli_finish(struct journal *j, enum cs_failure f, int call_r);
/* The exit code for a failed call. */
int cs_cli_exit_code(enum cs_failure f, int err_code);

/* Record the outcome of `verb` in the journal section "register" ("last"). */
void cs_cli_record(json_object *reg, const char *verb, const char *where, const struct cs_result *res,
                   const char *message);

/* ISO 8601 UTC of now. */
void cs_cli_now(char *buf, size_t len);

/* Print err (once) and, with --json, the one document {"verb", "ok": false, ...}. */
int cs_cli_fail(const char *verb, const char *where, const struct cs_result *res, const struct mt_err *err, int code);

/* asr backend of register: the vendor configurator with execve. Exit code. */
int cs_cli_asr_register(struct mt_ctx *ctx, const struct cs_cli *o, struct journal *j, const char *host_id);

#endif
