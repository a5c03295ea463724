/* Verb dispatch: every verb of mt-agent(8) is in the table, unknown verbs are a
 * usage error, VERB --help answers without running the verb. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "verbs.h"
#include "arraysize.h"

static void test_table(void **state)
{
    static const char *const want[] = {"inventory", "check",     "plan",       "provision",
                                       "retention", "modules",   "apply",      "register",
                                       "heartbeat", "deregister", "firstboot", "status"};
    size_t n, i;
    const struct verb *const *t = verb_table(&n);
    (void)state;
    assert_int_equal(n, ARRAY_SIZE(want));
    for (i = 0; i < n; i++) {
        assert_string_equal(t[i]->name, want[i]);
        assert_ptr_equal(verb_find(want[i]), t[i]);
        assert_non_null(t[i]->fn);
        assert_non_null(t[i]->summary);
    }
    assert_null(verb_find("frobnicate"));
    assert_null(verb_find(""));
}

static void test_unknown_and_missing(void **state)
{
    struct mt_ctx ctx = {0};
    char *unknown[] = {"frobnicate", NULL};
    FILE *saved = stderr;
    (void)state;
    stderr = fopen("/dev/null", "w");
    assert_int_equal(dispatch_verb(&ctx, 1, unknown), EXIT_USAGE);
    assert_int_equal(dispatch_verb(&ctx, 0, unknown + 1), EXIT_USAGE);
    fclose(stderr);
    stderr = saved;
}

static void test_help_does_not_run(void **state)
{
    struct mt_ctx ctx = {0};
    size_t n, i;
    const struct verb *const *t = verb_table(&n);
    FILE *saved = stdout;
    (void)state;
    stdout = fopen("/dev/null", "w");
    for (i = 0; i < n; i++) {
        char *argv[] = {(char *)t[i]->name, "--help", NULL};
        assert_int_equal(dispatch_verb(&ctx, 2, argv), EXIT_DONE);
    }
    fclose(stdout);
    stdout = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_unknown_and_missing),
        cmocka_unit_test(test_help_does_not_run),
    };
    return cmocka_run_group_tests_name("dispatch", tests, NULL, NULL);
}
