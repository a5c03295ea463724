/* manifest and payload_hash: sha256sum format, errors naming file:line, digests. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "manifest.h"
#include "payload_hash.h"

#define H1 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H2 "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"

static void test_parse_sha256sum_output(void **state)
{
    const char *text = "# media payloads\n"
                       H1 "  kmod-reiserfs-0.0-2.el6.elrepo.x86_64.rpm\n"
                       "\n"
                       H2 " *./xfsprogs-3.1.1-16.el6.x86_64.rpm\r\n"
                       H1 "  sub/dir/agent.tar.gz";
    struct manifest m;
    struct mt_err err = {0};
    const struct manifest_entry *e;
    (void)state;

    assert_int_equal(manifest_parse("SUMS", text, strlen(text), &m, &err), 0);
    assert_int_equal(m.n, 3);
    e = manifest_find(&m, "kmod-reiserfs-0.0-2.el6.elrepo.x86_64.rpm");
    assert_non_null(e);
    assert_string_equal(e->sha256, H1);
    assert_int_equal(e->line, 2);
    e = manifest_find(&m, "./xfsprogs-3.1.1-16.el6.x86_64.rpm");
    assert_non_null(e);
    assert_string_equal(e->sha256, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(e->line, 4);
    assert_non_null(manifest_find(&m, "agent.tar.gz"));       /* a bare name matches the last component */
    assert_non_null(manifest_find(&m, "sub/dir/agent.tar.gz"));
    assert_null(manifest_find(&m, "other/agent.tar.gz"));
    assert_null(manifest_find(&m, "missing.rpm"));
    manifest_free(&m);
}

static void test_escaped_name(void **state)
{
    const char *text = "\\" H1 "  a\\\\b\\nc\n";
    struct manifest m;
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(manifest_parse("SUMS", text, strlen(text), &m, &err), 0);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.entries[0].name, "a\\b\nc");
    manifest_free(&m);
}

static void expect_bad(const char *text, const char *msg)
{
    struct manifest m;
    struct mt_err err = {0};

    assert_int_equal(manifest_parse("media/SHA256SUMS", text, strlen(text), &m, &err), -EINVAL);
    if (!strstr(err.msg, msg))
        fail_msg("message '%s' lacks '%s'", err.msg, msg);
    assert_int_equal(m.n, 0);
    assert_null(m.entries);
}

static void test_malformed_lines_named(void **state)
{
    (void)state;
    expect_bad(H1 "  ok.rpm\nnot a digest line\n", "media/SHA256SUMS:2: not a 'SHA256  NAME' line");
    expect_bad(H1 " one-space.rpm\n", "media/SHA256SUMS:1: the digest must be followed by two spaces");
    expect_bad("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85  short.rpm\n", ":1: ");
    expect_bad(H1 "x  long.rpm\n", ":1: the digest must be followed");
    expect_bad("\n\n" H1 "  \n", "media/SHA256SUMS:3: ");
    expect_bad(H1 "  ./\n", ":1: empty or invalid file name");
    expect_bad("\\" H1 "  bad\\qescape\n", ":1: bad escape");
    expect_bad(H1 "  a.rpm\n" H2 "  a.rpm\n", ":2: 'a.rpm' is listed again with another digest (first at line 1)");
}

static void test_same_line_twice_is_fine(void **state)
{
    const char *text = H1 "  a.rpm\n" H1 "  a.rpm\n";
    struct manifest m;
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(manifest_parse("SUMS", text, strlen(text), &m, &err), 0);
    manifest_free(&m);
}

static void test_hash_vectors(void **state)
{
    struct payload_hash h;
    char hex[SHA256_HEX_LEN + 1], path[] = "/tmp/test_manifest.XXXXXX";
    uint64_t size = 0;
    struct mt_err err = {0};
    int fd;
    (void)state;

    assert_int_equal(payload_hash_init(&h), 0);
    payload_hash_final(&h, hex);
    assert_string_equal(hex, H1); /* SHA-256 of nothing */
    assert_int_equal(payload_hash_init(&h), 0);
    payload_hash_update(&h, "a", 1);
    payload_hash_update(&h, "bc", 2);
    assert_int_equal(h.bytes, 3);
    payload_hash_final(&h, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    assert_int_equal(payload_hash_file(path, hex, &size, &err), 0);
    assert_int_equal(size, 3);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    unlink(path);
    assert_int_equal(payload_hash_file(path, hex, &size, &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
}

static void test_hex_normalize_and_verify(void **state)
{
    char out[SHA256_HEX_LEN + 1];
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(payload_hex_normalize(H2, out), 0);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(payload_hex_normalize("BA:78:16:BF:8F:01:CF:EA:41:41:40:DE:5D:AE:22:23:B0:03:61:A3:96:17:"
                                           "7A:9C:B4:10:FF:61:F2:00:15:AD", out), 0);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(payload_hex_normalize("abc", out), -EINVAL);
    assert_int_equal(payload_hex_normalize(H1 "00", out), -EINVAL);
    assert_int_equal(payload_hex_normalize("g3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", out), -EINVAL);
    assert_int_equal(payload_hex_normalize(":" H1, out), -EINVAL);
    assert_int_equal(payload_digest_verify("x.rpm", H1, H1, &err), 0);
    assert_string_equal(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"); /* untouched */
    assert_int_equal(payload_digest_verify("x.rpm", H1, out, &err), -EBADMSG);
    assert_non_null(strstr(err.msg, "x.rpm: SHA-256 mismatch: expected " H1 ", got "));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_sha256sum_output),
        cmocka_unit_test(test_escaped_name),
        cmocka_unit_test(test_malformed_lines_named),
        cmocka_unit_test(test_same_line_twice_is_fine),
        cmocka_unit_test(test_hash_vectors),
        cmocka_unit_test(test_hex_normalize_and_verify),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
