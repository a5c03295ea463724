/* apply: run the vendor's custom changes, once */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_apply(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("apply: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_apply = {
    "apply", cmd_apply, "--agent TARBALL [--sha256 HEX] [--force]",
    "run the vendor's custom changes, once", NULL,
};
