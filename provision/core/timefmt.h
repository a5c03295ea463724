/* timefmt: the one form of a time the agent writes (journal, log, records):
 * ISO 8601 in UTC, "2026-11-25T15:45:27Z". */
#ifndef MT_TIMEFMT_H
#define MT_TIMEFMT_H

#include <stddef.h>
#include <time.h>

#define TIMEFMT_LEN 21 /* "YYYY-MM-DDTHH:MM:SSZ" and its NUL */

/* Format t into buf (len >= TIMEFMT_LEN); "" when it cannot. Returns buf. */
char *timefmt_utc(time_t t, char *buf, size_t len);

/* timefmt_utc of now. */
char *timefmt_now(char *buf, size_t len);

#endif
