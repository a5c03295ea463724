/* apply: the multipath.conf blacklist reader behind customchanges.applied, and
 * the digest a tarball must have (--sha256 or the manifest beside it). */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "apply.h"

#define W "36000c29a1b2c3d4e5f60718293a4b5c6"

static void test_multipath_blacklist(void **state)
{
    (void)state;
    /* what the vendor script writes */
    assert_true(apply_multipath_blacklists_wwid("defaults {\n user_friendly_names no\n}\nblacklist {\n"
                                                "    devnode \"^cciss.*\"\n    device {\n vendor \"InMage\"\n }\n"
                                                "    wwid \"" W "\"\n}\n", W));
    assert_true(apply_multipath_blacklists_wwid("blacklist{wwid " W "}", W));
    assert_true(apply_multipath_blacklists_wwid("blacklist\n{\n  wwid \"^" W "$\"\n}\n", W));
    assert_true(apply_multipath_blacklists_wwid("blacklist {\n wwid other\n wwid " W "\n}", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist_exceptions {\n wwid \"" W "\"\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist {\n# wwid \"" W "\"\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist {\n! wwid " W "\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("multipaths {\n multipath {\n wwid " W "\n }\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist {\n device {\n wwid " W "\n }\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist {\n wwid \"" W "0\"\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist {\n wwid \"3600\"\n}\n", W));
    assert_false(apply_multipath_blacklists_wwid("", W));
    assert_false(apply_multipath_blacklists_wwid("blacklist { wwid \"\" }", ""));
    assert_false(apply_multipath_blacklists_wwid("}}}} blacklist { wwid", W)); /* damaged file */
}

static void test_expected_digest(void **state)
{
    char dir[] = "/tmp/test_apply.XXXXXX", path[PATH_MAX], sums[PATH_MAX], out[65], src[PATH_MAX + 16];
    struct mt_err err = {0};
    FILE *f;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/agent.tar.gz", dir);
    snprintf(sums, sizeof(sums), "%s/SHA256SUMS", dir);
    assert_int_equal(apply_expected_digest(path, NULL, NULL, out, src, sizeof(src), &err), -ENOKEY);
    assert_non_null(strstr(err.msg, "give --sha256 HEX or a manifest"));
    assert_int_equal(apply_expected_digest(path, "AB:" "cd", NULL, out, src, sizeof(src), &err), -EINVAL);
    assert_int_equal(apply_expected_digest(path, "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
                                           NULL, out, src, sizeof(src), &err), 0);
    assert_string_equal(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(src, "--sha256");
    f = fopen(sums, "w");
    fprintf(f, "# media\nba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  agent.tar.gz\n");
    fclose(f);
    assert_int_equal(apply_expected_digest(path, NULL, NULL, out, src, sizeof(src), &err), 0);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_non_null(strstr(src, "SHA256SUMS:2"));
    snprintf(path, sizeof(path), "%s/other.tar.gz", dir);
    assert_int_equal(apply_expected_digest(path, NULL, NULL, out, src, sizeof(src), &err), -ENOKEY);
    assert_non_null(strstr(err.msg, "has no line for other.tar.gz"));
    unlink(sums);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_multipath_blacklist),
        cmocka_unit_test(test_expected_digest),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
