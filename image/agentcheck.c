/* agentcheck: see agentcheck.h. */
#include "agentcheck.h"

#include <errno.h>
#include <stdio.h>

#include "el6abi.h"
#include "elfneeds.h"
#include "say.h"

static void ways_out(const char *verb)
{
    fprintf(stderr,
            "mt-image %s: the installer's %%pre would stop (it runs the agent to plan the disk) and the\n"
            "  installed box could not run `mt-agent firstboot`. Ways out:\n"
            "    --agent FILE   an agent built for EL6: statically linked, or built on an EL6 build host\n"
            "                   with `make rpm` (README, \"An agent for CentOS 6.6\")\n"
            "    --force-agent  embed this one anyway (for a test bed whose installer can run it)\n",
            verb);
}

int agent_target_check(const char *agent, bool force, const char *verb)
{
    static struct elf_needs needs; /* about 30 KiB: not on the stack */
    static struct el6_verdict v;
    static char joined[EL6_MAX_GAPS * EL6_GAP_LEN];
    struct mt_err err = {0};
    size_t i;
    int r = elf_needs_read(agent, &needs, &err);

    if (r < 0 && r != -ENOEXEC) {
        image_say("mt-image %s: the agent: %s\n", verb, err.msg);
        return 1;
    }
    if (r < 0) {
        v.n_gaps = 1;
        snprintf(v.gaps[0], sizeof(v.gaps[0]), "%s", err.msg);
    } else if (el6_judge(&needs, &v) == 0) {
        return 0;
    }
    if (force) {
        el6_verdict_join(&v, joined, sizeof(joined));
        image_say("mt-image %s: warning: --force-agent: embedding %s although it cannot run on CentOS 6.6 "
                        "x86_64: %s; the installer will stop before partitioning when it cannot run it\n",
                verb, agent, joined);
        return 0;
    }
    image_say("mt-image %s: %s cannot run on CentOS 6.6 x86_64 (glibc %u.%u, kernel %s):\n", verb, agent,
            EL6_GLIBC_MAJOR, EL6_GLIBC_MINOR, EL6_KERNEL);
    for (i = 0; i < v.n_gaps; i++)
        image_say("  - %s\n", v.gaps[i]);
    ways_out(verb);
    return 2;
}
