/* timefmt: see timefmt.h. */
#include "timefmt.h"

char *timefmt_utc(time_t t, char *buf, size_t len)
{
    struct tm tm;

    if (!len)
        return buf;
    if (!gmtime_r(&t, &tm) || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        buf[0] = '\0';
    return buf;
}

char *timefmt_now(char *buf, size_t len)
{
    return timefmt_utc(time(NULL), buf, len);
}
