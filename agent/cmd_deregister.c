/* deregister: remove this master target from the configuration server */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_deregister(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("deregister: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_deregister = {
    "deregister", cmd_deregister, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "remove this master target from the configuration server", NULL,
};
