/* plan: the disk layout provision would make; writes nothing */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_plan(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("plan: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_plan = {
    "plan", cmd_plan, "--disk DEV [--format text|json|kickstart]",
    "the disk layout provision would make; writes nothing", NULL,
};
