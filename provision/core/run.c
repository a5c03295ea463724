/* run: see run.h. */
#define _GNU_SOURCE
#include "run.h"

#include "arraysize.h"
#include "runguard.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

int run_which(const char *name, char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    const char *p;

    if (!name || !*name)
        return -ENOENT;
    if (strchr(name, '/')) {
        if ((size_t)snprintf(out, outlen, "%s", name) >= outlen)
            return -ENAMETOOLONG;
        return access(name, X_OK) == 0 ? 0 : -errno;
    }
    if (!path || !*path)
        path = DEFAULT_PATH;
    for (p = path; *p;) {
        const char *end = strchr(p, ':');
        size_t dlen = end ? (size_t)(end - p) : strlen(p);
        struct stat st;

        if (dlen > 0 && (size_t)snprintf(out, outlen, "%.*s/%s", (int)dlen, p, name) < outlen &&
            stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return 0;
        p += dlen;
        if (*p == ':')
            p++;
    }
    /* sbin directories are often missing from a user's PATH, but the tools live there */
    if (getenv("PATH") && strcmp(path, DEFAULT_PATH) != 0) {
        for (p = DEFAULT_PATH; *p;) {
            const char *end = strchr(p, ':');
            size_t dlen = end ? (size_t)(end - p) : strlen(p);
            if ((size_t)snprintf(out, outlen, "%.*s/%s", (int)dlen, p, name) < outlen &&
                access(out, X_OK) == 0)
                return 0;
            p += dlen;
            if (*p == ':')
                p++;
        }
    }
    return -ENOENT;
}

struct sink {
    char *buf;
    size_t len, cap, max;
    bool truncated;
};

static int sink_add(struct sink *s, const char *data, size_t n)
{
    if (s->len + n > s->max) {
        n = s->max > s->len ? s->max - s->len : 0;
        s->truncated = true;
    }
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        char *nb;
        while (cap < s->len + n + 1)
            cap *= 2;
        nb = realloc(s->buf, cap);
        if (!nb)
            return -ENOMEM;
        s->buf = nb;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, data, n);
    s->len += n;
    s->buf[s->len] = '\0';
    return 0;
}

/* ---- one run_argv call ------------------------------------------------------------- */

enum { MSG_STARTED = 'S', MSG_EXEC_FAILED = 'E', MSG_ENDED = 'X' };
#define KEEPER_ANSWER_MS 5000

struct run_job {
    const struct run_opts *o;
    const char *const *argv;
    char file[PATH_MAX];
    char mark[128];               /* RUN_MARK_VAR=<agent mark>.<n> */
    char record[PATH_MAX];        /* the registry file of the mark, "" when none */
    char **envp;                  /* the command's environment: the caller's or the default, plus the mark */
    int inp[2], outp[2], errp[2], stp[2];
    pid_t agent;                  /* getpid() before fork: the keeper compares getppid() with it */
    pid_t keeper;                 /* waits for the command, ends its group */
    pid_t command;                /* also the command's process group */
    struct sink so, se;
    size_t in_off;
    long start, deadline;
    int status;                   /* raw wait status: of the command when ended_known, else of the keeper */
    bool ended_known;
};

static char registry_dir[PATH_MAX];
static unsigned mark_seq;

void run_set_registry(const char *dir)
{
    snprintf(registry_dir, sizeof(registry_dir), "%s", dir ? dir : "");
}

const char *run_agent_mark(void)
{
    static char mark[64];
    static pid_t for_pid;
    unsigned long long start = 0;

    if (for_pid != getpid()) {
        for_pid = getpid();
        runguard_start_time(for_pid, &start);
        snprintf(mark, sizeof(mark), "%ld.%llu", (long)for_pid, start);
    }
    return mark;
}

/* The environment with the mark: the caller's entries (less any old mark) and ours. */
static int job_environment(struct run_job *job)
{
    static char *const default_env[] = {"PATH=" DEFAULT_PATH, "LANG=C", "LC_ALL=C", NULL};
    char *const *base = job->o->envp ? job->o->envp : default_env;
    size_t n = 0, i, k = 0;

    while (base[n])
        n++;
    job->envp = calloc(n + 2, sizeof(char *));
    if (!job->envp)
        return -ENOMEM;
    for (i = 0; i < n; i++)
        if (strncmp(base[i], RUN_MARK_VAR "=", sizeof(RUN_MARK_VAR)) != 0)
            job->envp[k++] = base[i];
    snprintf(job->mark, sizeof(job->mark), RUN_MARK_VAR "=%s.%u", run_agent_mark(), ++mark_seq);
    job->envp[k++] = job->mark;
    job->envp[k] = NULL;
    return 0;
}

/* The registry record: written before the fork, so a kill at any later moment leaves it. */
static int job_record(struct run_job *job)
{
    char text[PATH_MAX + 2];
    int fd, len;

    if (!registry_dir[0])
        return 0;
    if ((size_t)snprintf(job->record, sizeof(job->record), "%s/%s", registry_dir,
                         job->mark + sizeof(RUN_MARK_VAR)) >= sizeof(job->record)) {
        job->record[0] = '\0';
        return -ENAMETOOLONG;
    }
    fd = open(job->record, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        int e = -errno;
        job->record[0] = '\0';
        return e;
    }
    len = snprintf(text, sizeof(text), "%s\n", job->file);
    if (write(fd, text, (size_t)len) < 0) {
        /* the name alone is the record: its content only helps a reader */
    }
    close(fd);
    return 0;
}

static void job_say(int fd, int kind, int value)
{
    int msg[2];

    msg[0] = kind;
    msg[1] = value;
    if (write(fd, msg, sizeof(msg)) < 0) {
        /* the agent is gone: nobody to tell */
    }
}

/* In the command, after the keeper's fork: back to the agent's signal mask and
 * default handlers, killed when the keeper dies, then execve. */
static void command_exec(const struct run_job *job, pid_t keeper, const sigset_t *mask, int errfd)
    __attribute__((noreturn));
static void command_exec(const struct run_job *job, pid_t keeper, const sigset_t *mask, int errfd)
{
    struct sigaction sa;
    int e;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != keeper)
        _exit(127);
    sigprocmask(SIG_SETMASK, mask, NULL);
    if (dup2(job->inp[0], 0) < 0 || dup2(job->outp[1], 1) < 0 ||
        dup2(job->o->merge_stderr ? job->outp[1] : job->errp[1], 2) < 0)
        goto fail;
    if (job->o->cwd && chdir(job->o->cwd) < 0)
        goto fail;
    execve(job->file, (char *const *)job->argv, job->envp);
fail:
    e = errno;
    if (write(errfd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

static volatile sig_atomic_t keeper_term;
static void keeper_on_term(int sig)
{
    (void)sig;
    keeper_term = 1;
}
static void keeper_on_chld(int sig)
{
    (void)sig;
}

/* Only async-signal-safe calls from here on: the agent may have had threads. */
static void keeper_main(struct run_job *job) __attribute__((noreturn));
static void keeper_main(struct run_job *job)
{
    sigset_t block, old, wait_mask;
    struct sigaction sa;
    int xp[2], e = 0, st, *fds[] = {&job->inp[0], &job->inp[1], &job->outp[0], &job->outp[1],
                                   &job->errp[0], &job->errp[1], &job->stp[0]};
    pid_t cmd, self = getpid();
    siginfo_t si;
    size_t i;

    setpgid(0, 0);  /* out of the agent's group: a terminal's ^C is the agent's to take */
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = keeper_on_term;
    sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = keeper_on_chld;
    sigaction(SIGCHLD, &sa, NULL);
    /* the agent killed before the request took effect is seen by getppid() */
    if (prctl(PR_SET_PDEATHSIG, SIGTERM) < 0 || getppid() != job->agent)
        _exit(127);
    if (pipe2(xp, O_CLOEXEC) < 0 || (cmd = fork()) < 0) {
        job_say(job->stp[1], MSG_EXEC_FAILED, errno);
        _exit(127);
    }
    if (cmd == 0)
        command_exec(job, self, &old, xp[1]);
    setpgid(cmd, cmd); /* also in the command: whichever runs first */
    close(xp[1]);
    for (i = 0; i < ARRAY_SIZE(fds); i++)
        if (*fds[i] >= 0)
            close(*fds[i]);  /* the pipes' ends belong to the command and the agent */
    if (read(xp[0], &e, sizeof(e)) == (ssize_t)sizeof(e)) {
        waitpid(cmd, &st, 0);
        job_say(job->stp[1], MSG_EXEC_FAILED, e);
        _exit(127);
    }
    job_say(job->stp[1], MSG_STARTED, (int)cmd);
    wait_mask = old;
    sigdelset(&wait_mask, SIGCHLD);
    sigdelset(&wait_mask, SIGTERM);
    for (;;) {
        if (keeper_term)
            kill(-cmd, SIGKILL);  /* the agent died, or the time is up: the command's whole group */
        si.si_pid = 0;
        if (waitid(P_PID, (id_t)cmd, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid == cmd) {
            /* not reaped yet, so the group id cannot have been reused */
            kill(-cmd, SIGKILL);  /* what the command left in its group goes with it */
            while (waitpid(cmd, &st, 0) < 0 && errno == EINTR)
                ;
            job_say(job->stp[1], MSG_ENDED, st);
            _exit(0);
        }
        sigsuspend(&wait_mask);
    }
}

static void job_close(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Fork the keeper and learn from it whether the command started. */
static int job_start(struct run_job *job)
{
    int msg[2];
    ssize_t n;

    if (pipe2(job->inp, O_CLOEXEC) < 0 || pipe2(job->outp, O_CLOEXEC) < 0 || pipe2(job->errp, O_CLOEXEC) < 0 ||
        pipe2(job->stp, O_CLOEXEC) < 0)
        return -errno;
    job->agent = getpid();
    job->start = now_ms();
    job->keeper = fork();
    if (job->keeper < 0)
        return -errno;
    if (job->keeper == 0)
        keeper_main(job);
    setpgid(job->keeper, job->keeper); /* also in the keeper: whichever runs first */
    job_close(&job->inp[0]);
    job_close(&job->outp[1]);
    job_close(&job->errp[1]);
    job_close(&job->stp[1]);
    do
        n = read(job->stp[0], msg, sizeof(msg));
    while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof(msg) && msg[0] == MSG_STARTED) {
        job->command = (pid_t)msg[1];
        return 0;
    }
    while (waitpid(job->keeper, NULL, 0) < 0 && errno == EINTR)
        ;
    job->keeper = -1;
    if (n == (ssize_t)sizeof(msg) && msg[0] == MSG_EXEC_FAILED)
        return -msg[1];
    return -ECHILD;
}

/* End the command's group through the keeper, which reaps the command (so
 * nothing of it is left, not even a zombie, when run_argv returns); bounded:
 * a keeper that does not answer in KEEPER_ANSWER_MS is killed with it. */
static void job_abort(struct run_job *job)
{
    int waited;

    kill(job->keeper, SIGTERM);
    for (waited = 0; waited < KEEPER_ANSWER_MS; waited += 10) {
        if (waitpid(job->keeper, &job->status, WNOHANG) == job->keeper)
            return;
        usleep(10000);
    }
    kill(job->keeper, SIGKILL);
    if (job->command > 0)
        kill(-job->command, SIGKILL);
    while (waitpid(job->keeper, &job->status, 0) < 0 && errno == EINTR)
        ;
}

/* Feed stdin, collect stdout/stderr until both close or the time limit passes. */
static int job_pump(struct run_job *job, struct run_result *res)
{
    const struct run_opts *o = job->o;
    bool out_open = true, err_open = !o->merge_stderr;

    if (!o->input || o->input_len == 0)
        job_close(&job->inp[1]);
    else
        fcntl(job->inp[1], F_SETFL, O_NONBLOCK);
    if (o->merge_stderr)
        job_close(&job->errp[0]);
    while (out_open || err_open) {
        struct pollfd pf[3];
        int nf = 0, timeout = -1, i, r;

        if (out_open)
            pf[nf++] = (struct pollfd){.fd = job->outp[0], .events = POLLIN};
        if (err_open)
            pf[nf++] = (struct pollfd){.fd = job->errp[0], .events = POLLIN};
        if (job->inp[1] >= 0)
            pf[nf++] = (struct pollfd){.fd = job->inp[1], .events = POLLOUT};
        if (job->deadline) {
            long left = job->deadline - now_ms();
            if (left <= 0) {
                res->timed_out = true;
                return 0;
            }
            timeout = (int)left;
        }
        r = poll(pf, (nfds_t)nf, timeout);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return -errno;
        for (i = 0; i < nf; i++) {
            char buf[8192];
            ssize_t n;

            if (!pf[i].revents)
                continue;
            if (pf[i].fd == job->inp[1]) {
                n = write(job->inp[1], o->input + job->in_off, o->input_len - job->in_off);
                if (n > 0)
                    job->in_off += (size_t)n;
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || job->in_off >= o->input_len ||
                    (pf[i].revents & (POLLERR | POLLHUP)))
                    job_close(&job->inp[1]);
                continue;
            }
            n = read(pf[i].fd, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                if (pf[i].fd == job->outp[0])
                    out_open = false;
                else
                    err_open = false;
                continue;
            }
            if (sink_add(pf[i].fd == job->outp[0] ? &job->so : &job->se, buf, (size_t)n) < 0)
                return -ENOMEM;
            if (o->on_output)
                o->on_output(o->data, pf[i].fd == job->outp[0] ? 1 : 2, buf, (size_t)n);
        }
    }
    return 0;
}

/* The pipes closed; the command may still run (it closed them itself): wait
 * for the keeper within the time limit, then take the command's status. */
static int job_wait(struct run_job *job, struct run_result *res)
{
    int msg[2];

    if (res->timed_out) {
        job_abort(job);
        return 0;
    }
    for (;;) {
        pid_t w = waitpid(job->keeper, &job->status, job->deadline ? WNOHANG : 0);
        if (w == job->keeper)
            break;
        if (w < 0 && errno != EINTR)
            return -errno;
        if (job->deadline && now_ms() >= job->deadline) {
            res->timed_out = true;
            job_abort(job);
            return 0;
        }
        if (w == 0) {
            struct timespec ts = {0, 10 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    if (read(job->stp[0], msg, sizeof(msg)) == (ssize_t)sizeof(msg) && msg[0] == MSG_ENDED) {
        job->status = msg[1];
        job->ended_known = true;
    } else {
        /* the keeper was killed from outside: what the command left in its group goes now */
        if (job->command > 0)
            kill(-job->command, SIGKILL);
    }
    return 0;
}

static void job_result(struct run_job *job, struct run_result *res)
{
    res->elapsed_ms = now_ms() - job->start;
    if (!res->timed_out) {
        if (WIFSIGNALED(job->status)) {
            res->signaled = true;
            res->term_signal = WTERMSIG(job->status);
        } else {
            res->exit_status = WEXITSTATUS(job->status);
        }
    }
    res->truncated = job->so.truncated || job->se.truncated;
    res->out = job->so.buf ? job->so.buf : strdup("");
    res->out_len = job->so.len;
    res->err = job->se.buf ? job->se.buf : strdup("");
    res->err_len = job->se.len;
    job->so.buf = job->se.buf = NULL;
}

static void job_free(struct run_job *job)
{
    int *fds[] = {&job->inp[0], &job->inp[1], &job->outp[0], &job->outp[1],
                  &job->errp[0], &job->errp[1], &job->stp[0], &job->stp[1]};
    size_t i;

    for (i = 0; i < ARRAY_SIZE(fds); i++)
        job_close(fds[i]);
    free(job->so.buf);
    free(job->se.buf);
    free(job->envp);
}

int run_argv(const char *const argv[], const struct run_opts *opts, struct run_result *res)
{
    static const struct run_opts none;
    struct run_job job;
    int r, i;

    memset(res, 0, sizeof(*res));
    memset(&job, 0, sizeof(job));
    for (i = 0; i < 2; i++)
        job.inp[i] = job.outp[i] = job.errp[i] = job.stp[i] = -1;
    job.keeper = -1;
    job.o = opts ? opts : &none;
    job.argv = argv;
    if (!argv || !argv[0])
        return -EINVAL;
    r = run_which(argv[0], job.file, sizeof(job.file));
    if (r < 0)
        return r;
    job.so.max = job.se.max = job.o->max_output ? job.o->max_output : 1024 * 1024;
    r = job_environment(&job);
    if (r == 0)
        r = job_record(&job);
    if (r == 0)
        r = job_start(&job);
    if (r == 0) {
        job.deadline = job.o->timeout_ms > 0 ? job.start + job.o->timeout_ms : 0;
        r = job_pump(&job, res);
        if (r < 0)
            job_abort(&job);
        else
            r = job_wait(&job, res);
    }
    if (r == 0) {
        job_result(&job, res);
        if (!res->out || !res->err) {
            r = -ENOMEM;
            free(res->out);
            free(res->err);
            res->out = res->err = NULL;
        }
    }
    /* a command that ended by itself leaves nothing to find; a killed or timed-out
     * one keeps its record, so the next run ends what escaped its group */
    if (job.record[0] && (job.keeper < 0 || (job.ended_known && WIFEXITED(job.status))))
        unlink(job.record);
    job_free(&job);
    return r;
}

bool run_ok(const struct run_result *res)
{
    return !res->timed_out && !res->signaled && res->exit_status == 0;
}

const char *run_describe(const struct run_result *res, char *buf, size_t len)
{
    if (res->timed_out)
        snprintf(buf, len, "timed out after %ld ms", res->elapsed_ms);
    else if (res->signaled)
        snprintf(buf, len, "killed by signal %d", res->term_signal);
    else
        snprintf(buf, len, "exit status %d", res->exit_status);
    return buf;
}

char *run_tail(const struct run_result *res, int lines)
{
    size_t olen = res->out ? res->out_len : 0, elen = res->err ? res->err_len : 0;
    char *all = malloc(olen + elen + 2);
    char *p;
    int seen = 0;

    if (!all)
        return NULL;
    if (olen)
        memcpy(all, res->out, olen);
    if (elen)
        memcpy(all + olen, res->err, elen);
    all[olen + elen] = '\0';
    p = all + olen + elen;
    while (p > all && (p[-1] == '\n' || p[-1] == ' '))
        *--p = '\0';
    while (p > all) {
        if (p[-1] == '\n' && ++seen >= lines)
            break;
        p--;
    }
    memmove(all, p, strlen(p) + 1);
    return all;
}

void run_result_free(struct run_result *res)
{
    if (!res)
        return;
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}
