/* firstboot: check, modules, apply, retention, register; resumable */
#include "verbs.h"

/* Placeholder until the issue that builds this verb lands. */
static int cmd_firstboot(struct mt_ctx *ctx, int argc, char **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    log_error("firstboot: not implemented yet");
    return EXIT_FAILED;
}

const struct verb verb_firstboot = {
    "firstboot", cmd_firstboot, "",
    "check, modules, apply, retention, register; resumable", NULL,
};
