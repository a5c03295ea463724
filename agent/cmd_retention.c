/* retention: create or reuse the retention volume, never reformat it */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_retention(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("retention: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_retention = {
    "retention", cmd_retention, "--disk DEV [--mount DIR]",
    "create or reuse the retention volume, never reformat it", NULL,
};
