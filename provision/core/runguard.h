/* runguard: find and end what a killed agent's commands left running.
 *
 * run_argv (run.h) marks every command it starts with RUN_MARK_VAR=<mark> in
 * its environment, mark = "<agent pid>.<agent start time>.<n>", and, once
 * run_set_registry() named a directory, keeps a file named <mark> there while
 * the command runs. A file whose agent is dead (no process with that pid and
 * start time: a reused pid does not match) belongs to a run that was killed
 * (or whose command timed out): every process whose /proc/PID/environ carries
 * its mark is what that command started, in its group or not (setsid).
 *
 * runguard_begin() is called by each verb that starts children, after it holds
 * the journal lock (and provision/retention the disk claim), before it decides
 * anything: it sends those processes SIGTERM, waits up to RUNGUARD_TERM_MS,
 * SIGKILLs what is left, waits up to RUNGUARD_KILL_MS, then removes the file.
 * /proc here is the kernel's (never under --root): the processes are real.
 * Limits: a descendant that scrubs its environment (env -i) is not found this
 * way (the keeper's group kill still ends it when it stayed in the group);
 * between reading a process's start time and kill() its pid could be reused
 * (Linux has pidfd_send_signal from 5.1, not on 2.6.32): the start time is
 * read again right before each kill to keep that window to microseconds. */
#ifndef MT_RUNGUARD_H
#define MT_RUNGUARD_H

#include <stdbool.h>
#include <sys/types.h>

#include "mterr.h"

#define RUNGUARD_DIR "/var/lib/mt-agent/running"
#define RUNGUARD_TERM_MS 3000
#define RUNGUARD_KILL_MS 2000
#define RUNGUARD_MAX_PIDS 64

struct runguard_report {
    unsigned records;             /* files of dead runs found */
    unsigned found;               /* live processes carrying their marks */
    unsigned ended_term;          /* ended after SIGTERM */
    unsigned ended_kill;          /* ended after SIGKILL */
    unsigned left;                /* still alive after SIGKILL (then -EBUSY) */
    char pids[512];               /* "123 (sh), 124 (sleep)" */
};

/* Sweep the registry under the root (RUNGUARD_DIR), then make run_argv keep
 * its records there. 0, or -EBUSY when a process could not be ended (err names
 * it), other -errno when the directory cannot be made. */
int runguard_begin(struct runguard_report *rep, struct mt_err *err);

/* The same on an explicit real directory (tests). */
int runguard_sweep(const char *dir, struct runguard_report *rep, struct mt_err *err);

/* From /proc/PID/stat: start time (clock ticks since boot) and state letter
 * (may be NULL). 0, or -ENOENT when there is no such process. */
int runguard_start_time(pid_t pid, unsigned long long *start);
int runguard_proc_stat(pid_t pid, unsigned long long *start, char *state);

/* Pure: does an environ block (NUL-separated entries, len bytes) hold
 * RUN_MARK_VAR=<mark> exactly? */
bool runguard_environ_has(const char *env, size_t len, const char *mark);

#endif
