/* dynlib: a library opened on demand loads every symbol or says exactly what
 * is missing and what to install; the three real tables resolve against the
 * libraries this build found. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "dl_archive.h"
#include "dl_curl.h"
#include "dl_parted.h"
#include "dynlib.h"

static void (*fn_a)(void);
static void (*fn_b)(void);

static void missing_library(void **state)
{
    static const struct dynlib_sym syms[] = {{"whatever", &fn_a}};
    struct dynlib lib = {"libmt-nonexistent.so.7", "libnothing", "nothing-pkg", syms, 1, 0, ""};
    struct mt_err e = {0};
    (void)state;
    assert_int_equal(dynlib_load(&lib, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "libnothing (libmt-nonexistent.so.7) cannot be loaded"));
    assert_non_null(strstr(e.msg, "install the nothing-pkg package"));
    /* the result is remembered: the second call does not retry */
    memset(&e, 0, sizeof(e));
    assert_int_equal(dynlib_load(&lib, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "nothing-pkg"));
}

static void missing_symbol(void **state)
{
    /* libc has strlen but not this name */
    static const struct dynlib_sym syms[] = {{"strlen", &fn_a}, {"mt_no_such_function", &fn_b}};
    struct dynlib lib = {"libc.so.6", "libc", "glibc", syms, 2, 0, ""};
    struct mt_err e = {0};
    (void)state;
    fn_a = fn_b = NULL;
    assert_int_equal(dynlib_load(&lib, &e), -ENOENT);
    assert_non_null(strstr(e.msg, "libc.so.6 has no mt_no_such_function"));
    assert_null(fn_b);
}

static void symbols_resolved(void **state)
{
    static const struct dynlib_sym syms[] = {{"strlen", &fn_a}};
    struct dynlib lib = {"libc.so.6", "libc", "glibc", syms, 1, 0, ""};
    struct mt_err e = {0};
    size_t (*f)(const char *);
    (void)state;
    fn_a = NULL;
    assert_int_equal(dynlib_load(&lib, &e), 0);
    assert_non_null(fn_a);
    memcpy(&f, &fn_a, sizeof(f));
    assert_int_equal(f("four"), 4);
}

static void real_tables(void **state)
{
    struct mt_err e = {0};
    (void)state;
    assert_int_equal(dl_curl_load(&e), 0);
    assert_int_equal(dl_archive_load(&e), 0);
    assert_int_equal(dl_parted_load(&e), 0);
    /* calls by the libraries' own names go through the loaded pointers */
    assert_non_null(curl_easy_strerror(CURLE_OK));
    assert_non_null(ped_disk_type_get("msdos"));
    {
        struct archive *a = archive_read_new();
        assert_non_null(a);
        archive_read_free(a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_library),
        cmocka_unit_test(missing_symbol),
        cmocka_unit_test(symbols_resolved),
        cmocka_unit_test(real_tables),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
