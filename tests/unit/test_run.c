/* run_argv: exit status, output capture, stdin, time limit, no shell. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"
#include "runguard.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void test_exit_status(void **state)
{
    const char *t[] = {"true", NULL}, *f[] = {"sh", "-c", "exit 7", NULL};
    struct run_result r;
    (void)state;
    assert_int_equal(run_argv(t, NULL, &r), 0);
    assert_true(run_ok(&r));
    assert_int_equal(r.exit_status, 0);
    run_result_free(&r);
    assert_int_equal(run_argv(f, NULL, &r), 0);
    assert_false(run_ok(&r));
    assert_int_equal(r.exit_status, 7);
    run_result_free(&r);
}

static void test_capture(void **state)
{
    const char *a[] = {"sh", "-c", "echo out; echo err >&2; printf 'x%.0s' $(seq 1 100000)", NULL};
    struct run_result r;
    struct run_opts o = {0};
    (void)state;
    assert_int_equal(run_argv(a, NULL, &r), 0);
    assert_int_equal(r.out_len, 4 + 100000);
    assert_memory_equal(r.out, "out\n", 4);
    assert_string_equal(r.err, "err\n");
    run_result_free(&r);
    o.merge_stderr = true;
    o.max_output = 10;
    assert_int_equal(run_argv(a, &o, &r), 0);
    assert_int_equal(r.out_len, 10);
    assert_true(r.truncated);
    run_result_free(&r);
}

static void test_stdin(void **state)
{
    const char *a[] = {"cat", NULL};
    struct run_opts o = {0};
    struct run_result r;
    char *big = malloc(300000);
    (void)state;
    memset(big, 'y', 300000);
    o.input = big;
    o.input_len = 300000; /* more than a pipe holds: must be fed while reading */
    assert_int_equal(run_argv(a, &o, &r), 0);
    assert_true(run_ok(&r));
    assert_int_equal(r.out_len, 300000);
    run_result_free(&r);
    free(big);
}

static void test_timeout(void **state)
{
    /* the grandchild keeps the pipe open: the whole group must be killed */
    const char *a[] = {"sh", "-c", "sleep 30 & sleep 30", NULL};
    struct run_opts o = {0};
    struct run_result r;
    (void)state;
    o.timeout_ms = 300;
    assert_int_equal(run_argv(a, &o, &r), 0);
    assert_true(r.timed_out);
    assert_false(run_ok(&r));
    assert_true(r.elapsed_ms >= 300 && r.elapsed_ms < 5000);
    run_result_free(&r);
}

static void test_signal_and_tail(void **state)
{
    const char *a[] = {"sh", "-c", "echo one; echo two; echo three; kill -9 $$", NULL};
    struct run_result r;
    char desc[64], *tail;
    (void)state;
    assert_int_equal(run_argv(a, NULL, &r), 0);
    assert_true(r.signaled);
    assert_int_equal(r.term_signal, 9);
    assert_string_equal(run_describe(&r, desc, sizeof(desc)), "killed by signal 9");
    tail = run_tail(&r, 2);
    assert_string_equal(tail, "two\nthree");
    free(tail);
    run_result_free(&r);
}

static void test_no_shell(void **state)
{
    /* the metacharacters reach the program as one argument: nothing interprets them */
    const char *a[] = {"echo", "a; rm -rf /nonexistent && $(id)", NULL};
    const char *missing[] = {"/nonexistent/program", NULL}, *none[] = {"no-such-program-xyz", NULL};
    struct run_result r;
    (void)state;
    assert_int_equal(run_argv(a, NULL, &r), 0);
    assert_string_equal(r.out, "a; rm -rf /nonexistent && $(id)\n");
    run_result_free(&r);
    assert_int_equal(run_argv(missing, NULL, &r), -ENOENT);
    assert_int_equal(run_argv(none, NULL, &r), -ENOENT);
}


/* The test's own reading of /proc/PID/stat (not runguard's): alive and not a zombie. */
static int proc_alive(long pid)
{
    char path[64], buf[512], *p;
    FILE *f;
    size_t n;

    snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
    if (!(f = fopen(path, "r")))
        return 0;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    fclose(f);
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

static long read_pid(const char *path, int wait_ms)
{
    long pid = 0;
    int waited;
    for (waited = 0; waited < wait_ms; waited += 20) {
        FILE *f = fopen(path, "r");
        if (f) {
            int got = fscanf(f, "%ld", &pid);
            fclose(f);
            if (got == 1 && pid > 0)
                return pid;
        }
        usleep(20000);
    }
    return 0;
}

static int gone_within(long pid, int ms)
{
    int waited;
    for (waited = 0; waited <= ms; waited += 20) {
        if (!proc_alive(pid))
            return 1;
        usleep(20000);
    }
    return 0;
}

static void test_mark_in_environment(void **state)
{
    const char *a[] = {"sh", "-c", "echo \"$MT_AGENT_RUN\"", NULL};
    char *envp[] = {"PATH=/usr/bin:/bin", "MT_AGENT_RUN=forged", NULL}, want[128];
    struct run_opts o;
    struct run_result r;
    (void)state;
    memset(&o, 0, sizeof(o));
    o.envp = envp;
    assert_int_equal(run_argv(a, &o, &r), 0);
    snprintf(want, sizeof(want), "%s.", run_agent_mark());
    assert_int_equal(strncmp(r.out, want, strlen(want)), 0);   /* ours replaces any inherited mark */
    assert_null(strstr(r.out, "forged"));
    run_result_free(&r);
}

static void test_environ_has(void **state)
{
    const char env[] = "A=1\0MT_AGENT_RUN=12.34.5\0B=2";
    (void)state;
    assert_true(runguard_environ_has(env, sizeof(env), "12.34.5"));
    assert_false(runguard_environ_has(env, sizeof(env), "12.34"));
    assert_false(runguard_environ_has(env, sizeof(env), "12.34.55"));
    assert_false(runguard_environ_has(env, 10, "12.34.5"));   /* cut short: never a partial match */
}

/* An "agent" (a forked process) runs a command that starts a child in its group
 * and one that leaves it (setsid); the agent is SIGKILLed. The command and the
 * group's child die at once; the escapee is found by its mark and ended. */
static void test_children_die_with_agent(void **state)
{
    char dir[] = "/tmp/mt-run-test.XXXXXX", reg[64], f0[96], f1[96], f2[96], script[1024];
    struct runguard_report rep;
    struct mt_err err = {0, ""};
    long sh, grp, esc;
    pid_t agent;
    int st;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(reg, sizeof(reg), "%s/reg", dir);
    assert_int_equal(mkdir(reg, 0700), 0);
    snprintf(f0, sizeof(f0), "%s/sh", dir);
    snprintf(f1, sizeof(f1), "%s/grp", dir);
    snprintf(f2, sizeof(f2), "%s/esc", dir);
    snprintf(script, sizeof(script),
             "sleep 60 & echo $! >%s.t; mv %s.t %s; setsid sleep 61 & echo $! >%s.t; mv %s.t %s; "
             "echo $$ >%s.t; mv %s.t %s; wait", f1, f1, f1, f2, f2, f2, f0, f0, f0);
    agent = fork();
    assert_true(agent >= 0);
    if (agent == 0) {
        const char *a[] = {"sh", "-c", script, NULL};
        struct run_result r;
        run_set_registry(reg);
        run_argv(a, NULL, &r);
        _exit(0);
    }
    sh = read_pid(f0, 5000);
    grp = read_pid(f1, 5000);
    esc = read_pid(f2, 5000);
    assert_true(sh > 0 && grp > 0 && esc > 0);
    kill(agent, SIGKILL);
    waitpid(agent, &st, 0);
    assert_true(gone_within(sh, 2000));    /* the command: PR_SET_PDEATHSIG via the keeper */
    assert_true(gone_within(grp, 2000));   /* its child in the group: the keeper's group kill */
    assert_true(proc_alive(esc));          /* left the group: only the mark finds it */

    assert_int_equal(runguard_sweep(reg, &rep, &err), 0);
    assert_int_equal(rep.records, 1);
    assert_int_equal(rep.found, 1);
    assert_int_equal(rep.ended_term, 1);
    assert_true(gone_within(esc, 100));
    assert_int_equal(runguard_sweep(reg, &rep, &err), 0);   /* the record went with it */
    assert_int_equal(rep.records, 0);
    if (proc_alive(esc))
        kill((pid_t)esc, SIGKILL);
    unlink(f0);
    unlink(f1);
    unlink(f2);
    rmdir(reg);
    rmdir(dir);
}

/* A record whose agent pid is alive but started at another time is a dead run
 * (the pid was reused): its marked process is ended. A live agent's is not. */
static void test_sweep_pid_reuse(void **state)
{
    char dir[] = "/tmp/mt-run-test.XXXXXX", p[256], dead[64], live[96], envd[96], envl[128];
    struct runguard_report rep;
    struct mt_err err = {0, ""};
    unsigned long long start = 0;
    pid_t vd, vl;
    int fd;
    (void)state;

    assert_non_null(mkdtemp(dir));
    assert_int_equal(runguard_start_time(getpid(), &start), 0);
    snprintf(dead, sizeof(dead), "%ld.%llu.1", (long)getpid(), start + 1);   /* our pid, another start */
    snprintf(live, sizeof(live), "%s.1", run_agent_mark());                  /* us, alive */
    snprintf(envd, sizeof(envd), "MT_AGENT_RUN=%s", dead);
    snprintf(envl, sizeof(envl), "MT_AGENT_RUN=%s", live);
    snprintf(p, sizeof(p), "%s/%s", dir, dead);
    assert_true((fd = open(p, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    snprintf(p, sizeof(p), "%s/%s", dir, live);
    assert_true((fd = open(p, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    if ((vd = fork()) == 0) {
        char *const a[] = {"sleep", "30", NULL}, *const e[] = {envd, NULL};
        execve("/bin/sleep", a, e);
        _exit(127);
    }
    if ((vl = fork()) == 0) {
        char *const a[] = {"sleep", "30", NULL}, *const e[] = {envl, NULL};
        execve("/bin/sleep", a, e);
        _exit(127);
    }
    usleep(200000);
    assert_int_equal(runguard_sweep(dir, &rep, &err), 0);
    assert_int_equal(rep.records, 1);
    assert_int_equal(rep.found, 1);
    assert_int_equal(waitpid(vd, NULL, WNOHANG), vd);   /* ended (and so reapable) */
    assert_int_equal(waitpid(vl, NULL, WNOHANG), 0);    /* the live run's process is left alone */
    kill(vl, SIGKILL);
    waitpid(vl, NULL, 0);
    snprintf(p, sizeof(p), "%s/%s", dir, dead);
    assert_int_equal(access(p, F_OK), -1);
    snprintf(p, sizeof(p), "%s/%s", dir, live);
    assert_int_equal(access(p, F_OK), 0);
    unlink(p);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status), cmocka_unit_test(test_capture),
        cmocka_unit_test(test_stdin),       cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_signal_and_tail), cmocka_unit_test(test_no_shell),
        cmocka_unit_test(test_mark_in_environment), cmocka_unit_test(test_environ_has),
        cmocka_unit_test(test_children_die_with_agent), cmocka_unit_test(test_sweep_pid_reuse),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
