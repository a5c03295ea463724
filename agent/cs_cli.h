/* cs_cli: register, heartbeat and deregister: their shared options (--cs
 * HOST[:PORT] --passphrase-file F --cs-fingerprint SHA256) and one runner
 * that does what they share (the endpoint from [cs] and those options, the
 * journal's "register" section, the call without the journal lock, the exit
 * code of a configuration-server failure, the asr backend); each verb is a
 * description (struct cs_verb) of what differs. */
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

/* Record the outcome of `verb` in the journal section "register" ("last"). */
void cs_cli_record(json_object *reg, const char *verb, const char *where, const struct cs_result *res,
                   const char *message);

#endif
