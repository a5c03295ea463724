/* register: register with the configuration server */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_register(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("register: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_register = {
    "register", cmd_register, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "register with the configuration server", NULL,
};
