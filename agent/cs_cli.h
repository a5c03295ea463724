/* cs_cli: what register, heartbeat and deregister share: their options
 * (--cs HOST[:PORT] --passphrase-file F --cs-fingerprint SHA256), the endpoint
 * built from [cs] and those flags, the journal section "register", the exit
 * code of a configuration-server failure, and the asr backend. */
#ifndef MT_CS_CLI_H
#define MT_CS_CLI_H

#include "cs_client.h"
#include "journal.h"
#include "verbs.h"

/* The options the three verbs share, parsed into struct cs_cli. */
struct cs_cli {
    const char *cs;
    struct mt_path passphrase_file;   /* the operator's; else [cs] passphrase_file, the box's */
    const char *fingerprint;
};
extern const struct opt *const CS_CLI_TABLES[];

/* What a call came to, for a verb's description. */
struct cs_outcome {
    const char *host_id, *host_id_source;
    char where[300];                  /* HOST:PORT */
    struct cs_result res;
    bool gone_already;                /* deregister: the server did not know it */
};

/* One of register, heartbeat, deregister: what differs between them. The
 * runner (cs_cli_run) does the rest, in this order: the asr backend, the
 * journal and host_id, the endpoint, the call without the journal lock, the
 * judgement, the journal's "register" section, the exit code and the output. */
struct cs_verb {
    const char *name;
    const char *method;               /* PUT, POST, DELETE */
    const char *path_suffix;          /* after /api/v1/master-targets/HOST_ID ("" or "/heartbeat") */
    const char *asr_refusal;          /* the asr backend cannot do it: why (NULL: register runs the vendor's tool) */
    /* The request body (NULL: none); j is loaded. */
    json_object *(*body)(struct mt_ctx *ctx, struct journal *j, const struct cs_outcome *o);
    /* Judge the answer: r is the call's result; returns it, changed when the
     * answer is not what the verb needs (err set) or a refusal counts as done. */
    int (*judge)(struct cs_outcome *o, int r, struct mt_err *err);
    /* Update the journal's "register" section (reg) after the call. */
    void (*record)(json_object *reg, const struct cs_outcome *o, int r, const struct mt_err *err);
    /* On success: the verb's own fields of the JSON document, and its line of text. */
    void (*report)(json_object *doc, const struct cs_outcome *o);
    void (*say)(const struct cs_outcome *o);
};

/* Run d with the parsed options. Returns the exit code. */
int cs_cli_run(struct mt_ctx *ctx, struct cs_cli *opts, const struct cs_verb *d);

/* Endpoint from [cs] and the flags, key derived from the passphrase file.
 * Returns 0 or an exit code (message printed). */
int cs_cli_endpoint(struct mt_ctx *ctx, struct cs_cli *o, struct cs_endpoint *ep);

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

/* Print err (once) and, with --json, the one document {"verb", "ok": false, ...}. */
int cs_cli_fail(struct mt_ctx *ctx, const char *verb, const char *where, const struct cs_result *res, const struct mt_err *err, int code);

/* asr backend of register: the vendor configurator with execve. Exit code. */
int cs_cli_asr_register(struct mt_ctx *ctx, struct cs_cli *o, struct journal *j, const char *host_id);

#endif
