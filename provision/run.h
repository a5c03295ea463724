/* run: every external command the agent runs goes through run_argv().
 *
 * execve with an argv (no shell, ever), stdin fed from a buffer or /dev/null,
 * stdout and stderr captured (bounded), a time limit after which the whole
 * process group is killed, and the exit status or signal reported. */
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

/* Look a command name up in PATH (or the default search path); 0 and the full
 * path in out, or -ENOENT. A name containing '/' is taken as it is. */
int run_which(const char *name, char *out, size_t outlen);

#endif
