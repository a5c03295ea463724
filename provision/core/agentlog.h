/* agentlog: the agent's log file on the box, /var/log/mt-agent.log, where
 * firstboot's steps, the vendor scripts and the configurator write. */
#ifndef MT_AGENTLOG_H
#define MT_AGENTLOG_H

#define AGENTLOG_PATH "/var/log/mt-agent.log"

/* Open it for appending (a box path: under --root; /var/log made when
 * missing; a link is not followed). The fd, or -1 with errno. */
int agentlog_open(void);

/* Append "TIME WHO: TEXT\n" (ISO 8601 UTC; one write). A full disk or fd < 0
 * is ignored: the log never stops what it records. */
void agentlog_line(int fd, const char *who, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
