/* inventory: host identity and every disk with its SCSI IDs */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_inventory(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("inventory: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_inventory = {
    "inventory", cmd_inventory, "",
    "host identity and every disk with its SCSI IDs", NULL,
};
