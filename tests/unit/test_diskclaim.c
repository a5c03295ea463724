/* diskclaim: one claim per disk across processes; a child that execs keeps it;
 * the refusal names the holder (from /proc/locks). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "diskclaim.h"

static void test_claim_excludes_and_children_keep_it(void **state)
{
    char img[] = "/tmp/mt-claim-test.XXXXXX", want[64];
    struct mt_err err = {0, ""};
    int fd = mkstemp(img), sync[2];
    pid_t holder, grandchild = 0;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pipe(sync), 0);
    holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        /* claim, then start a child that execs and outlives us: it keeps the claim */
        if (disk_claim(img, 0, NULL) < 0)
            _exit(1);
        if ((grandchild = fork()) == 0) {
            execl("/bin/sleep", "sleep", "2", (char *)NULL);
            _exit(127);
        }
        if (write(sync[1], &grandchild, sizeof(grandchild)) < 0)
            _exit(1);
        _exit(0);
    }
    close(sync[1]);
    assert_int_equal(read(sync[0], &grandchild, sizeof(grandchild)), (int)sizeof(grandchild));
    close(sync[0]);
    waitpid(holder, NULL, 0);  /* the claimer is gone, its exec'd child is not */

    assert_int_equal(disk_claim(img, 0, &err), -EBUSY);
    assert_non_null(strstr(err.msg, img));
    assert_non_null(strstr(err.msg, "being written by another run"));
    /* /proc/locks names the process that took the lock; it is gone: not named */
    snprintf(want, sizeof(want), "process %ld", (long)holder);
    assert_null(strstr(err.msg, want));
    /* a bounded wait outlasts the child (sleep 2) and the claimer */
    assert_int_equal(disk_claim(img, 5000, &err), 0);
    assert_int_equal(disk_claim(img, 0, &err), 0);   /* ours already: a no-op */
    unlink(img);
}

static void test_claim_names_a_live_holder(void **state)
{
    char img[] = "/tmp/mt-claim-test.XXXXXX", want[64];
    struct mt_err err = {0, ""};
    int fd = mkstemp(img), sync[2];
    pid_t holder;
    char c = 0;
    (void)state;

    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(pipe(sync), 0);
    if ((holder = fork()) == 0) {
        close(sync[0]);
        if (disk_claim(img, 0, NULL) < 0 || write(sync[1], "x", 1) < 0)
            _exit(1);
        sleep(1);
        _exit(0);
    }
    close(sync[1]);
    assert_int_equal(read(sync[0], &c, 1), 1);
    close(sync[0]);
    assert_int_equal(disk_claim(img, 0, &err), -EBUSY);
    snprintf(want, sizeof(want), "process %ld took its lock", (long)holder);
    assert_non_null(strstr(err.msg, want));
    waitpid(holder, NULL, 0);
    unlink(img);
}

static void test_claim_refuses_what_is_no_disk(void **state)
{
    struct mt_err err = {0, ""};
    (void)state;
    assert_int_equal(disk_claim("/tmp", 0, &err), -EINVAL);
    assert_int_equal(disk_claim("/nonexistent/disk.img", 0, &err), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_claim_excludes_and_children_keep_it),
        cmocka_unit_test(test_claim_names_a_live_holder),
        cmocka_unit_test(test_claim_refuses_what_is_no_disk),
    };
    return cmocka_run_group_tests_name("diskclaim", tests, NULL, NULL);
}
