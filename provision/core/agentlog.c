/* agentlog: see agentlog.h. */
#include "agentlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "dirs.h"
#include "regfile.h"
#include "rootpath.h"
#include "timefmt.h"

int agentlog_open(void)
{
    char p[PATH_MAX];

    int fd;

    /* RP_NOFOLLOW and regfile_open_append: a link at the log (under --root
     * too) is refused, not followed; a FIFO without a reader does not block */
    if (rootpath_resolve(AGENTLOG_PATH, p, sizeof(p), RP_NOFOLLOW) < 0)
        return -1;
    dirs_make_parent(p, 0755);
    fd = regfile_open_append(p, 0640);
    if (fd < 0)
        errno = -fd;
    return fd < 0 ? -1 : fd;
}

void agentlog_line(int fd, const char *who, const char *fmt, ...)
{
    char buf[2048], ts[TIMEFMT_LEN];
    va_list ap;
    int n, m;

    if (fd < 0)
        return;
    n = snprintf(buf, sizeof(buf), "%s %s: ", timefmt_now(ts, sizeof(ts)), who);
    if (n < 0 || (size_t)n >= sizeof(buf) - 1)
        return;
    va_start(ap, fmt);
    m = vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
    va_end(ap);
    if (m < 0)
        return;
    n = (size_t)(n + m) >= sizeof(buf) - 1 ? (int)sizeof(buf) - 2 : n + m;
    buf[n++] = '\n';
    if (write(fd, buf, (size_t)n) < 0) {
        /* a full log disk must not stop the step it records */
    }
}
