/* nagios: `mt-agent check --format nagios`, the monitoring plugin convention
 * (Nagios, Icinga, NRPE on EL6):
 *
 *   MT-AGENT CRITICAL - failed: disk.enableuuid; warnings: time.sync | pass=12 fail=2 skip=1 errors=1 warnings=1
 *   disk.enableuuid (error): sdb has no NAA identifier; fix: power the VM off, ...
 *   time.sync (warning): ...
 *
 * The state is CRITICAL when the report failed (an error-severity check failed, or
 * a warning with --strict), WARNING when only warnings failed, else OK; UNKNOWN
 * when the checks could not run (no perfdata then: there is nothing measured). The
 * exit status is the state's number (0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN). A '|'
 * in a detail would start perfdata: it is written as '/'; line breaks as blanks. */
#ifndef MT_NAGIOS_H
#define MT_NAGIOS_H

#include <stdio.h>

#include "check.h"

enum nagios_state { NAGIOS_OK = 0, NAGIOS_WARNING = 1, NAGIOS_CRITICAL = 2, NAGIOS_UNKNOWN = 3 };

const char *nagios_state_name(enum nagios_state s);

/* The state of a report (see above). */
enum nagios_state nagios_state_of(const struct check_report *rep);

/* The status line, perfdata and detail lines of rep, malloc'ed in *out. Returns the
 * state, or -ENOMEM. */
int nagios_render(const struct check_report *rep, char **out);

/* "MT-AGENT UNKNOWN - the checks could not run: WHY\n" to f; returns NAGIOS_UNKNOWN. */
int nagios_unknown(FILE *f, const char *why);

#endif
