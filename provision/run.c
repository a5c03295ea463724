/* run: see run.h. */
#define _GNU_SOURCE
#include "run.h"

#include "arraysize.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

static void child_exec(const char *file, const char *const argv[], const struct run_opts *o,
                       int in_fd, int out_fd, int err_fd, int status_fd)
{
    static char *const default_env[] = {"PATH=" DEFAULT_PATH, "LANG=C", "LC_ALL=C", NULL};
    char *const *envp = o && o->envp ? o->envp : default_env;
    int e;

    setpgid(0, 0);
    signal(SIGPIPE, SIG_DFL);
    if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(err_fd, 2) < 0)
        goto fail;
    if (o && o->cwd && chdir(o->cwd) < 0)
        goto fail;
    execve(file, (char *const *)argv, envp);
fail:
    e = errno;
    if (write(status_fd, &e, sizeof(e)) < 0)
        _exit(127);
    _exit(127);
}

int run_argv(const char *const argv[], const struct run_opts *opts, struct run_result *res)
{
    struct run_opts none;
    const struct run_opts *o = opts ? opts : &none;
    char file[PATH_MAX];
    int inp[2] = {-1, -1}, outp[2] = {-1, -1}, errp[2] = {-1, -1}, stp[2] = {-1, -1};
    struct sink so = {0}, se = {0};
    size_t in_off = 0;
    long start, deadline;
    pid_t pid;
    int r, status = 0, child_errno = 0;
    bool out_open = true, err_open = true;

    memset(&none, 0, sizeof(none));
    memset(res, 0, sizeof(*res));
    if (!argv || !argv[0])
        return -EINVAL;
    r = run_which(argv[0], file, sizeof(file));
    if (r < 0)
        return r;
    so.max = se.max = o->max_output ? o->max_output : 1024 * 1024;

    if (pipe2(inp, O_CLOEXEC) < 0 || pipe2(outp, O_CLOEXEC) < 0 || pipe2(errp, O_CLOEXEC) < 0 ||
        pipe2(stp, O_CLOEXEC) < 0) {
        r = -errno;
        goto out_close;
    }
    start = now_ms();
    pid = fork();
    if (pid < 0) {
        r = -errno;
        goto out_close;
    }
    if (pid == 0)
        child_exec(file, argv, o, inp[0], outp[1], o->merge_stderr ? outp[1] : errp[1], stp[1]);
    setpgid(pid, pid); /* also in the child: whichever runs first */

    close(inp[0]);
    close(outp[1]);
    close(errp[1]);
    close(stp[1]);
    inp[0] = outp[1] = errp[1] = stp[1] = -1;
    if (read(stp[0], &child_errno, sizeof(child_errno)) == (ssize_t)sizeof(child_errno)) {
        waitpid(pid, &status, 0);
        r = -child_errno;
        goto out_close;
    }
    if (!o->input || o->input_len == 0) {
        close(inp[1]);
        inp[1] = -1;
    } else {
        fcntl(inp[1], F_SETFL, O_NONBLOCK);
    }
    if (o->merge_stderr) {
        close(errp[0]);
        errp[0] = -1;
        err_open = false;
    }
    deadline = o->timeout_ms > 0 ? start + o->timeout_ms : 0;

    while (out_open || err_open) {
        struct pollfd pf[3];
        int nf = 0, timeout = -1, i;

        if (out_open)
            pf[nf++] = (struct pollfd){.fd = outp[0], .events = POLLIN};
        if (err_open)
            pf[nf++] = (struct pollfd){.fd = errp[0], .events = POLLIN};
        if (inp[1] >= 0)
            pf[nf++] = (struct pollfd){.fd = inp[1], .events = POLLOUT};
        if (deadline) {
            long left = deadline - now_ms();
            if (left <= 0) {
                res->timed_out = true;
                break;
            }
            timeout = (int)left;
        }
        r = poll(pf, (nfds_t)nf, timeout);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            r = -errno;
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            goto out_close;
        }
        for (i = 0; i < nf; i++) {
            char buf[8192];
            ssize_t n;

            if (!pf[i].revents)
                continue;
            if (pf[i].fd == inp[1]) {
                n = write(inp[1], o->input + in_off, o->input_len - in_off);
                if (n > 0)
                    in_off += (size_t)n;
                if ((n < 0 && errno != EAGAIN && errno != EINTR) || in_off >= o->input_len ||
                    (pf[i].revents & (POLLERR | POLLHUP))) {
                    close(inp[1]);
                    inp[1] = -1;
                }
                continue;
            }
            n = read(pf[i].fd, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                if (pf[i].fd == outp[0])
                    out_open = false;
                else
                    err_open = false;
                continue;
            }
            if (pf[i].fd == outp[0]) {
                if (sink_add(&so, buf, (size_t)n) < 0) {
                    r = -ENOMEM;
                    kill(-pid, SIGKILL);
                    waitpid(pid, &status, 0);
                    goto out_close;
                }
                if (o->on_output)
                    o->on_output(o->data, 1, buf, (size_t)n);
            } else {
                if (sink_add(&se, buf, (size_t)n) < 0) {
                    r = -ENOMEM;
                    kill(-pid, SIGKILL);
                    waitpid(pid, &status, 0);
                    goto out_close;
                }
                if (o->on_output)
                    o->on_output(o->data, 2, buf, (size_t)n);
            }
        }
    }

    if (res->timed_out) {
        kill(-pid, SIGKILL);
        waitpid(pid, &status, 0);
    } else {
        /* the pipes closed; the child may still be running (it closed them itself) */
        for (;;) {
            pid_t w = waitpid(pid, &status, deadline ? WNOHANG : 0);
            if (w == pid)
                break;
            if (w < 0 && errno != EINTR) {
                r = -errno;
                goto out_close;
            }
            if (deadline && now_ms() >= deadline) {
                res->timed_out = true;
                kill(-pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            if (w == 0) {
                struct timespec ts = {0, 10 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
    }
    /* Kill anything the command left behind in its group (daemonised helpers). */
    kill(-pid, SIGKILL);
    res->elapsed_ms = now_ms() - start;
    if (!res->timed_out) {
        if (WIFSIGNALED(status)) {
            res->signaled = true;
            res->term_signal = WTERMSIG(status);
        } else {
            res->exit_status = WEXITSTATUS(status);
        }
    }
    res->truncated = so.truncated || se.truncated;
    res->out = so.buf ? so.buf : strdup("");
    res->out_len = so.len;
    res->err = se.buf ? se.buf : strdup("");
    res->err_len = se.len;
    so.buf = se.buf = NULL;
    r = (res->out && res->err) ? 0 : -ENOMEM;

out_close:
    {
        int *fds[] = {&inp[0], &inp[1], &outp[0], &outp[1], &errp[0], &errp[1], &stp[0], &stp[1]};
        size_t i;
        for (i = 0; i < ARRAY_SIZE(fds); i++)
            if (*fds[i] >= 0)
                close(*fds[i]);
    }
    free(so.buf);
    free(se.buf);
    if (r < 0) {
        free(res->out);
        free(res->err);
        res->out = res->err = NULL;
    }
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
