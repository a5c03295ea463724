/* check: readiness checks of this master target */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_check(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("check: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_check = {
    "check", cmd_check, "[--only ID,..] [--ignore ID,..] [--strict] [--list]",
    "readiness checks of this master target", NULL,
};
