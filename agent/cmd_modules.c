/* modules: install the reiserfs/xfs module packages */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_modules(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("modules: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_modules = {
    "modules", cmd_modules, "install --from DIR [--manifest FILE]",
    "install the reiserfs/xfs module packages", NULL,
};
