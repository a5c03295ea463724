/* agentcheck: before mt-image writes anything, the agent it embeds is judged
 * against the target, CentOS 6.6 x86_64 (elfneeds.h reads it, el6abi.h judges). */
#ifndef MT_AGENTCHECK_H
#define MT_AGENTCHECK_H

#include <stdbool.h>

/* Prints the verdict for agent (a host path) on stderr and returns the exit
 * status: 0 it runs there (or force: then a warning names every gap), 2 it
 * cannot (every gap and the ways out named), 1 it cannot be read. */
int agent_target_check(const char *agent, bool force, const char *verb);

#endif
