/* run_argv: exit status, output capture, stdin, time limit, no shell. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "run.h"

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_exit_status), cmocka_unit_test(test_capture),
        cmocka_unit_test(test_stdin),       cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_signal_and_tail), cmocka_unit_test(test_no_shell),
    };
    return cmocka_run_group_tests_name("run", tests, NULL, NULL);
}
