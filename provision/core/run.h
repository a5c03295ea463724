/* run: every external command the agent runs goes through run_argv().
 *
 * execve with an argv (no shell, ever), stdin fed from a buffer or /dev/null,
 * stdout and stderr captured (bounded), a time limit after which the whole
 * process group is killed, and the exit status or signal reported.
 *
 * Children die with the agent. run_argv forks a keeper (in a process group of
 * its own, out of reach of the terminal's ^C) which forks the command, the
 * leader of a new process group, and waits for it:
 *   - the keeper asks the kernel for SIGTERM when the agent dies
 *     (PR_SET_PDEATHSIG, Linux 2.1.57+, so on 2.6.32), then compares getppid()
 *     with the agent's pid taken before fork(): an agent killed before the
 *     request was made is seen there, and nothing is started;
 *   - on that signal (or the SIGTERM run_argv sends when the time limit is
 *     up) the keeper SIGKILLs the command's group: the command and everything
 *     it started that stayed in the group, then reaps the command;
 *   - when the command ends the keeper SIGKILLs its group too (before reaping
 *     it, so the group id cannot have been reused), so helpers left behind in
 *     it never outlive the step, and reports the command's status;
 *   - the command itself gets PR_SET_PDEATHSIG SIGKILL against the keeper.
 * A descendant that leaves the group (setsid, a daemon) escapes that kill; it
 * still carries RUN_MARK_VAR=<agent pid>.<agent start time>.<n> in its
 * environment (/proc/PID/environ), and while the command runs a record of that
 * mark sits in the registry directory (runguard.h), so the next run finds and
 * ends it before it decides anything. The record is removed when the command
 * ended normally: daemons a completed vendor installer started are left alone.
 * No PR_SET_CHILD_SUBREAPER (Linux 3.4): CentOS 6 runs 2.6.32. */
#ifndef MT_RUN_H
#define MT_RUN_H

#include <stdbool.h>
#include <stddef.h>

struct run_opts {
    const char *input;        /* written to the child's stdin, then closed; NULL: /dev/null */
    size_t input_len;
    int timeout_ms;           /* 0: no limit */
    size_t max_output;        /* per stream; 0: 1 MiB. Beyond it output is dropped (truncated set) */
    char *const *envp;        /* NULL: a minimal environment (PATH, LANG=C) */
    const char *cwd;          /* NULL: inherit */
    bool merge_stderr;        /* stderr into the same buffer as stdout */
    /* Called with each chunk of output as it arrives (progress, logging); may be NULL. */
    void (*on_output)(void *data, int stream, const char *buf, size_t len);
    void *data;
};

struct run_result {
    int exit_status;          /* valid when !signaled && !timed_out */
    int term_signal;          /* the signal that ended the child, 0 if none */
    bool signaled;
    bool timed_out;
    bool truncated;
    char *out;                /* NUL-terminated captured stdout (and stderr when merged) */
    size_t out_len;
    char *err;                /* NUL-terminated captured stderr */
    size_t err_len;
    long elapsed_ms;
};

#define RUN_MARK_VAR "MT_AGENT_RUN"

/* Run argv[0] (a path, or a name looked up in PATH) with argv. Returns 0 when the
 * command ran (whatever its exit status: see res), -ENOENT when it is not
 * found, other -errno on failure to start. res must be released with run_result_free. */
int run_argv(const char *const argv[], const struct run_opts *opts, struct run_result *res);

/* True when the command ran, was not killed and exited 0. */
bool run_ok(const struct run_result *res);

/* A short human description of how the command ended: "exit status 3",
 * "killed by signal 9", "timed out after 5000 ms". */
const char *run_describe(const struct run_result *res, char *buf, size_t len);

/* The last `lines` lines of the captured output (stdout then stderr), for an
 * error message or a journal entry. Points into a static-free new string; free() it. */
char *run_tail(const struct run_result *res, int lines);

void run_result_free(struct run_result *res);

/* Keep a record of every command's mark in `dir` (a real path; created by the
 * caller) while it runs; NULL: none kept (the default: mt-image, tests). */
void run_set_registry(const char *dir);

/* This agent's mark prefix, "<pid>.<start time in clock ticks since boot>". */
const char *run_agent_mark(void);

/* Look a command name up in PATH (or the default search path); 0 and the full
 * path in out, or -ENOENT. A name containing '/' is taken as it is. */
int run_which(const char *name, char *out, size_t outlen);

#endif
