/* heartbeat: tell the configuration server this master target is alive */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_heartbeat(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("heartbeat: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_heartbeat = {
    "heartbeat", cmd_heartbeat, "[--cs HOST[:PORT]] [--passphrase-file F] [--cs-fingerprint SHA256]",
    "tell the configuration server this master target is alive", NULL,
};
