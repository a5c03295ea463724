/* provision: partition and format the OS disk */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_provision(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("provision: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_provision = {
    "provision", cmd_provision, "--disk DEV|IMAGE [--wipe] [--yes] [--target-root DIR]",
    "partition and format the OS disk", NULL,
};
