/* guard: what every verb that starts children does before it decides anything:
 * end the processes a killed earlier run left (runguard.h) and say so on
 * stderr; and, for provision and retention, the exclusive claim on the disk
 * (diskclaim.h). */
#ifndef MT_AGENT_GUARD_H
#define MT_AGENT_GUARD_H

#include "runguard.h"

/* Say on stderr what the sweep ended (nothing when it found nothing). */
void guard_report(const char *verb, const struct runguard_report *rep);

/* Sweep, then keep records (runguard_begin). 0, or the exit code to return (EXIT_FAILED: a process could not be ended). */
int guard_children(const char *verb);

/* Claim `disk` (a real path, as the option layer resolved it) for the whole run; 0 or the exit code
 * (EXIT_REFUSED: another run holds it). The claim ends when the process and
 * every child it started are gone: nothing to release. */
int guard_disk(const char *verb, const char *disk);

#endif
