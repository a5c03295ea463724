/* el6abi: the CentOS 6.6 verdict over what an ELF file needs (pure), and the
 * soname table's own consistency. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "el6abi.h"
#include "arraysize.h"

/* A dynamic x86-64 executable needing only what CentOS 6.6 has. */
static void el6_like(struct elf_needs *n)
{
    memset(n, 0, sizeof(*n));
    n->elf_class = 2;
    n->machine = 62;
    n->type = 3;
    snprintf(n->interp, sizeof(n->interp), "%s", EL6_LOADER);
    snprintf(n->needed[n->n_needed++], ELFN_NAME, "libc.so.6");
    snprintf(n->needed[n->n_needed++], ELFN_NAME, "libssl.so.10");
    snprintf(n->versions[0].file, ELFN_NAME, "libc.so.6");
    snprintf(n->versions[0].name, ELFN_NAME, "GLIBC_2.2.5");
    snprintf(n->versions[1].file, ELFN_NAME, "libc.so.6");
    snprintf(n->versions[1].name, ELFN_NAME, "GLIBC_2.12");
    n->n_versions = 2;
    n->abi_note = true;
    n->abi_kernel[0] = 2;
    n->abi_kernel[1] = 6;
    n->abi_kernel[2] = 18;
}

static bool has_gap(const struct el6_verdict *v, const char *needle)
{
    size_t i;
    for (i = 0; i < v->n_gaps; i++)
        if (strstr(v->gaps[i], needle))
            return true;
    return false;
}

static void test_el6_binary_passes(void **state)
{
    static struct elf_needs n;
    static struct el6_verdict v;
    (void)state;
    el6_like(&n);
    assert_int_equal(el6_judge(&n, &v), 0);
    assert_false(v.is_static);
    assert_string_equal(v.newest_glibc, "");
}

static void test_static_passes(void **state)
{
    static struct elf_needs n;
    static struct el6_verdict v;
    (void)state;
    memset(&n, 0, sizeof(n));
    n.elf_class = 2;
    n.machine = 62;
    n.type = 2;
    assert_int_equal(el6_judge(&n, &v), 0);
    assert_true(v.is_static);
    /* a static glibc binary with an ABI note of 2.6.32 passes; 3.2.0 does not */
    n.abi_note = true;
    n.abi_kernel[0] = 2, n.abi_kernel[1] = 6, n.abi_kernel[2] = 32;
    assert_int_equal(el6_judge(&n, &v), 0);
    n.abi_kernel[0] = 3, n.abi_kernel[1] = 2, n.abi_kernel[2] = 0;
    assert_int_equal(el6_judge(&n, &v), 1);
    assert_true(has_gap(&v, "kernel 3.2.0 or newer, CentOS 6.6 runs 2.6.32"));
}

static void test_debian_binary_every_gap(void **state)
{
    static struct elf_needs n;
    static struct el6_verdict v;
    static const char *const vers[] = {"GLIBC_2.2.5", "GLIBC_2.14", "GLIBC_2.34", "GLIBC_2.3.4", "GLIBC_2.33",
                                       "GLIBC_2.13", "GLIBC_PRIVATE", "OPENSSL_3.0.0"};
    char joined[8192];
    size_t i;
    (void)state;
    el6_like(&n);
    n.n_needed = 0;
    snprintf(n.needed[n.n_needed++], ELFN_NAME, "libssl.so.3");
    snprintf(n.needed[n.n_needed++], ELFN_NAME, "libinih.so.1");
    snprintf(n.needed[n.n_needed++], ELFN_NAME, "libparted.so.2");
    snprintf(n.needed[n.n_needed++], ELFN_NAME, "libc.so.6");
    n.n_versions = 0;
    for (i = 0; i < ARRAY_SIZE(vers); i++) {
        snprintf(n.versions[i].file, ELFN_NAME, "libc.so.6");
        snprintf(n.versions[i].name, ELFN_NAME, "%s", vers[i]);
        n.n_versions++;
    }
    /* the same version from a second library is counted once */
    snprintf(n.versions[n.n_versions].file, ELFN_NAME, "libm.so.6");
    snprintf(n.versions[n.n_versions++].name, ELFN_NAME, "GLIBC_2.34");
    n.abi_kernel[0] = 3, n.abi_kernel[1] = 2, n.abi_kernel[2] = 0;
    snprintf(n.dlopen[n.n_dlopen++], ELFN_NAME, "libarchive.so.13");
    snprintf(n.dlopen[n.n_dlopen++], ELFN_NAME, "libcurl.so.4");

    assert_int_equal(el6_judge(&n, &v), 6);
    assert_true(has_gap(&v, "needs libssl.so.3: CentOS 6.6 has libssl.so.10 (openssl 1.0.1e"));
    assert_true(has_gap(&v, "needs libinih.so.1: not packaged in CentOS 6.6"));
    assert_true(has_gap(&v, "needs libparted.so.2: CentOS 6.6 has libparted-2.1.so.0 (parted 2.1)"));
    assert_string_equal(v.newest_glibc, "GLIBC_2.34");
    assert_true(has_gap(&v, "needs GLIBC_2.34 of the C library, CentOS 6.6 has glibc 2.12 "
                            "(4 versions above it: GLIBC_2.14, GLIBC_2.34, GLIBC_2.33, GLIBC_2.13)"));
    assert_true(has_gap(&v, "kernel 3.2.0"));
    assert_true(has_gap(&v, "needs libarchive.so.13 at run time (.note.dlopen): CentOS 6.6 has libarchive.so.2"));
    assert_false(has_gap(&v, "libcurl.so.4"));
    el6_verdict_join(&v, joined, sizeof(joined));
    assert_non_null(strstr(joined, "libssl.so.3: CentOS"));
    assert_non_null(strstr(joined, "; needs libinih.so.1"));
    /* a short buffer is cut with "...", never overflowed */
    el6_verdict_join(&v, joined, 40);
    assert_int_equal(strlen(joined), 39);
    assert_string_equal(joined + 36, "...");
}

static void test_format_gaps(void **state)
{
    static struct elf_needs n;
    static struct el6_verdict v;
    (void)state;
    el6_like(&n);
    n.elf_class = 1;
    n.machine = 3;
    snprintf(n.interp, sizeof(n.interp), "/lib/ld-musl-x86_64.so.1");
    assert_int_equal(el6_judge(&n, &v), 3);
    assert_true(has_gap(&v, "32-bit (ELFCLASS32)"));
    assert_true(has_gap(&v, "machine 3, not x86-64"));
    assert_true(has_gap(&v, "loader /lib/ld-musl-x86_64.so.1 is not on CentOS 6.6"));
}

static void test_glibc_version_parse(void **state)
{
    unsigned a, b, c;
    (void)state;
    assert_true(el6_glibc_version("GLIBC_2.3.4", &a, &b, &c));
    assert_int_equal(a, 2);
    assert_int_equal(b, 3);
    assert_int_equal(c, 4);
    assert_true(el6_glibc_version("GLIBC_2.12", &a, &b, &c));
    assert_int_equal(b, 12);
    assert_int_equal(c, 0);
    assert_false(el6_glibc_version("GLIBC_PRIVATE", &a, &b, &c));
    assert_false(el6_glibc_version("GLIBC_2", &a, &b, &c));
    assert_false(el6_glibc_version("GLIBC_2.x", &a, &b, &c));
    assert_false(el6_glibc_version("GLIBC_2.3.4.5", &a, &b, &c));
    assert_false(el6_glibc_version("GLIBCXX_3.4", &a, &b, &c));
}

/* Every row names its package, version and source; no soname twice. */
static void test_table_rows(void **state)
{
    size_t n, i, j;
    const struct el6_soname *t = el6_sonames(&n);
    (void)state;
    assert_true(n > 20);
    for (i = 0; i < n; i++) {
        assert_non_null(strstr(t[i].soname, ".so"));
        assert_true(t[i].package && t[i].package[0]);
        assert_true(t[i].version && t[i].version[0]);
        assert_true(t[i].source && t[i].source[0]);
        for (j = i + 1; j < n; j++)
            assert_string_not_equal(t[i].soname, t[j].soname);
        assert_ptr_equal(el6_soname_find(t[i].soname), &t[i]);
    }
    assert_null(el6_soname_find("libssl.so.3"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_el6_binary_passes),  cmocka_unit_test(test_static_passes),
        cmocka_unit_test(test_debian_binary_every_gap), cmocka_unit_test(test_format_gaps),
        cmocka_unit_test(test_glibc_version_parse), cmocka_unit_test(test_table_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
