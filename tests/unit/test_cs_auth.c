/* cs_auth: key derivation, request/response signatures, fingerprints, the
 * passphrase file, and the retry schedule (backoff with full jitter).
 * The vectors were computed independently with Python's hashlib/hmac (the
 * same code tests/cs_server.py runs). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "cs_auth.h"

static const char *PASS = "correct horse battery staple";
static const char *KEY_HEX = "bff8f88bf2ec7dad277df92125100159dbc896a2c32a3f7f78750ac9f44f3e54";
static const char *NONCE = "0123456789abcdef0123456789abcdef";
static const char *BODY = "{\"a\":1}";

static void hex(const unsigned char *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void key(unsigned char k[CS_KEY_LEN])
{
    assert_int_equal(cs_derive_key(PASS, strlen(PASS), k), 0);
}

static void test_derive_key(void **state)
{
    unsigned char k[CS_KEY_LEN];
    char h[CS_HEX_LEN];
    (void)state;
    key(k);
    hex(k, sizeof(k), h);
    assert_string_equal(h, KEY_HEX);
}

static void test_sha256_hex(void **state)
{
    char h[CS_HEX_LEN];
    (void)state;
    cs_sha256_hex(NULL, 0, h);
    assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

static void test_sign_request_vector(void **state)
{
    unsigned char k[CS_KEY_LEN];
    char sig[CS_HEX_LEN], other[CS_HEX_LEN];
    (void)state;
    key(k);
    assert_int_equal(cs_sign_request(k, "PUT", "/api/v1/master-targets/abc", "1700000000", NONCE, BODY,
                                     strlen(BODY), sig), 0);
    assert_string_equal(sig, "f5ec0bb8905b01ca75324636a30afbd4ddb7a4e8c1da0579c2e8e13c322b788d");
    /* every field is covered */
    cs_sign_request(k, "POST", "/api/v1/master-targets/abc", "1700000000", NONCE, BODY, strlen(BODY), other);
    assert_string_not_equal(sig, other);
    cs_sign_request(k, "PUT", "/api/v1/master-targets/abd", "1700000000", NONCE, BODY, strlen(BODY), other);
    assert_string_not_equal(sig, other);
    cs_sign_request(k, "PUT", "/api/v1/master-targets/abc", "1700000001", NONCE, BODY, strlen(BODY), other);
    assert_string_not_equal(sig, other);
    cs_sign_request(k, "PUT", "/api/v1/master-targets/abc", "1700000000", "1123456789abcdef0123456789abcdef", BODY,
                    strlen(BODY), other);
    assert_string_not_equal(sig, other);
    cs_sign_request(k, "PUT", "/api/v1/master-targets/abc", "1700000000", NONCE, BODY, strlen(BODY) - 1, other);
    assert_string_not_equal(sig, other);
}

static void test_response_signature(void **state)
{
    unsigned char k[CS_KEY_LEN], k2[CS_KEY_LEN];
    char sig[CS_HEX_LEN], up[CS_HEX_LEN + 4];
    (void)state;
    key(k);
    assert_int_equal(cs_sign_response(k, 200, NONCE, BODY, strlen(BODY), sig), 0);
    assert_string_equal(sig, "ec3d095502013ee1b6ac4394926e08f79dda3a9f96bef06ab87aa42e300f5147");
    assert_true(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), sig));
    /* either case, blanks around */
    snprintf(up, sizeof(up), " %s ", sig);
    for (char *p = up; *p; p++)
        *p = (char)(*p >= 'a' && *p <= 'f' ? *p - 32 : *p);
    assert_true(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), up));
    /* status, nonce, body and key are all bound */
    assert_false(cs_verify_response(k, 201, NONCE, BODY, strlen(BODY), sig));
    assert_false(cs_verify_response(k, 200, "1123456789abcdef0123456789abcdef", BODY, strlen(BODY), sig));
    assert_false(cs_verify_response(k, 200, NONCE, "{\"a\":2}", strlen(BODY), sig));
    memcpy(k2, k, sizeof(k2));
    k2[0] ^= 1;
    assert_false(cs_verify_response(k2, 200, NONCE, BODY, strlen(BODY), sig));
    /* missing, truncated, too long, not hex */
    assert_false(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), NULL));
    assert_false(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), ""));
    sig[63] = '\0';
    assert_false(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), sig));
    cs_sign_response(k, 200, NONCE, BODY, strlen(BODY), sig);
    snprintf(up, sizeof(up), "%s0", sig);
    assert_false(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), up));
    sig[10] = 'g';
    assert_false(cs_verify_response(k, 200, NONCE, BODY, strlen(BODY), sig));
}

static void test_nonce(void **state)
{
    char a[CS_NONCE_LEN], b[CS_NONCE_LEN];
    (void)state;
    assert_int_equal(cs_nonce(a), 0);
    assert_int_equal(cs_nonce(b), 0);
    assert_int_equal(strlen(a), 32);
    assert_int_equal(strspn(a, "0123456789abcdef"), 32);
    assert_string_not_equal(a, b);
}

static void test_fingerprint(void **state)
{
    const char *colons = "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:"
                         "67:89";
    unsigned char a[32], b[32];
    char text[CS_FPR_TEXT_LEN];
    (void)state;
    assert_int_equal(cs_fingerprint_parse(colons, a), 0);
    assert_int_equal(cs_fingerprint_parse("abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", b), 0);
    assert_memory_equal(a, b, 32);
    assert_int_equal(cs_fingerprint_parse("  abcdef0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789\n", b),
                     0);
    assert_memory_equal(a, b, 32);
    cs_fingerprint_format(a, text);
    assert_string_equal(text, colons);
    /* too short, too long, bad digit, trailing colon, empty */
    assert_int_equal(cs_fingerprint_parse("abcdef", a), -EINVAL);
    assert_int_equal(cs_fingerprint_parse("abcdef0123456789abcdef0123456789abcdef0123456789abcdef012345678900", a),
                     -EINVAL);
    assert_int_equal(cs_fingerprint_parse("xbcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789", a),
                     -EINVAL);
    assert_int_equal(cs_fingerprint_parse("AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:"
                                          "AB:CD:EF:01:23:45:67:89:",
                                          a),
                     -EINVAL);
    assert_int_equal(cs_fingerprint_parse("", a), -EINVAL);
    assert_int_equal(cs_fingerprint_parse(NULL, a), -EINVAL);
    /* a colon splitting a byte is not a fingerprint */
    assert_int_equal(cs_fingerprint_parse("A:BCDEF0123456789abcdef0123456789abcdef0123456789abcdef0123456789", a),
                     -EINVAL);
}

static void test_backoff_full_jitter(void **state)
{
    (void)state;
    /* rnd 0 -> 0, rnd max -> the ceiling, ceiling = min(cap, base * 2^attempt) */
    assert_int_equal(cs_backoff_ms(0, 1000, 60000, 0), 0);
    assert_int_equal(cs_backoff_ms(0, 1000, 60000, 0xffffffffu), 1000);
    assert_int_equal(cs_backoff_ms(1, 1000, 60000, 0xffffffffu), 2000);
    assert_int_equal(cs_backoff_ms(5, 1000, 60000, 0xffffffffu), 32000);
    assert_int_equal(cs_backoff_ms(6, 1000, 60000, 0xffffffffu), 60000);
    assert_int_equal(cs_backoff_ms(1000, 1000, 60000, 0xffffffffu), 60000);
    assert_int_equal(cs_backoff_ms(4000000000u, 1000, 60000, 0xffffffffu), 60000);
    /* half the random range -> about half the ceiling */
    assert_in_range(cs_backoff_ms(3, 1000, 60000, 0x80000000u), 3999, 4001);
    /* base above cap is capped */
    assert_int_equal(cs_backoff_ms(0, 90000, 60000, 0xffffffffu), 60000);
    /* never above the ceiling for any random number */
    for (uint32_t r = 0; r < 0xffff0000u; r += 0x01000193u)
        assert_true(cs_backoff_ms(2, 1000, 60000, r) <= 4000);
    /* huge values do not overflow */
    assert_true(cs_backoff_ms(70, 0xffffffffUL, 0xffffffffUL, 0xffffffffu) <= 0xffffffffUL);
}

static void test_backoff_distribution(void **state)
{
    /* full jitter: uniform over [0, ceiling]; mean of evenly spread rnd ~ ceiling/2 */
    unsigned long long sum = 0;
    unsigned n = 0;
    (void)state;
    for (uint64_t r = 0; r <= 0xffffffffu; r += 0x100001u, n++)
        sum += cs_backoff_ms(4, 1000, 60000, (uint32_t)r);
    assert_in_range(sum / n, 7800, 8200);
}

static void test_retry_delay(void **state)
{
    (void)state;
    /* no Retry-After: the jittered backoff */
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, -1, 0, 300000, 0xffffffffu), 1000);
    /* Retry-After longer than the backoff wins */
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, 7, 0, 300000, 0xffffffffu), 7000);
    /* shorter Retry-After: the backoff still applies */
    assert_int_equal(cs_retry_delay_ms(5, 1000, 60000, 1, 0, 300000, 0xffffffffu), 32000);
    /* nothing fits before the deadline */
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, 400, 0, 300000, 0), -1);
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, -1, 299500, 300000, 0xffffffffu), -1);
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, -1, 300000, 300000, 0), -1);
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, -1, 400000, 300000, 0), -1);
    assert_int_equal(cs_retry_delay_ms(0, 1000, 60000, -1, 299500, 300000, 0), 0);
}

static void test_retry_after_parse(void **state)
{
    (void)state;
    assert_int_equal(cs_retry_after_parse("120"), 120);
    assert_int_equal(cs_retry_after_parse(" 5 \r\n"), 5);
    assert_int_equal(cs_retry_after_parse("0"), 0);
    assert_int_equal(cs_retry_after_parse("99999999999999999999"), 86400);
    assert_int_equal(cs_retry_after_parse("Wed, 21 Oct 2015 07:28:00 GMT"), -1);
    assert_int_equal(cs_retry_after_parse("-1"), -1);
    assert_int_equal(cs_retry_after_parse("5s"), -1);
    assert_int_equal(cs_retry_after_parse(""), -1);
    assert_int_equal(cs_retry_after_parse(NULL), -1);
}

static void test_status_retryable(void **state)
{
    (void)state;
    assert_true(cs_status_retryable(500));
    assert_true(cs_status_retryable(503));
    assert_true(cs_status_retryable(408));
    assert_true(cs_status_retryable(429));
    assert_false(cs_status_retryable(400));
    assert_false(cs_status_retryable(401));
    assert_false(cs_status_retryable(404));
    assert_false(cs_status_retryable(409));
    assert_false(cs_status_retryable(200));
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    int fd;
    unlink(path);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_passphrase_file(void **state)
{
    char dir[] = "/tmp/test_cs_auth.XXXXXX", path[256], link[256], buf[64];
    struct mt_err err = {0};
    int n;
    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/pass", dir);
    snprintf(link, sizeof(link), "%s/link", dir);

    write_file(path, "s3cret\r\nsecond line\n", 0600);
    n = cs_passphrase_read_real(path, path, buf, sizeof(buf), &err);
    if (geteuid() == 0) {
        assert_int_equal(n, 6);
        assert_string_equal(buf, "s3cret");
        /* 0400 is stricter: fine; no newline at all: fine */
        write_file(path, "only", 0400);
        assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), 4);
        assert_string_equal(buf, "only");
        /* empty first line */
        write_file(path, "\nsecond\n", 0600);
        assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), -EINVAL);
        assert_non_null(strstr(err.msg, "first line is empty"));
        /* longer than the buffer */
        write_file(path, "0123456789012345678901234567890123456789012345678901234567890123456789\n", 0600);
        assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), -EINVAL);
    } else {
        assert_int_equal(n, -EPERM); /* not owned by root */
    }
    /* group or other bits: refused, naming the file and the mode */
    write_file(path, "s3cret\n", 0644);
    assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), -EPERM);
    assert_non_null(strstr(err.msg, path));
    assert_non_null(strstr(err.msg, "0644"));
    assert_null(strstr(err.msg, "s3cret"));
    write_file(path, "s3cret\n", 0640);
    assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), -EPERM);
    /* a symbolic link is refused */
    write_file(path, "s3cret\n", 0600);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(cs_passphrase_read_real(link, link, buf, sizeof(buf), &err), -EPERM);
    assert_non_null(strstr(err.msg, "symbolic link"));
    /* missing */
    unlink(path);
    assert_int_equal(cs_passphrase_read_real(path, path, buf, sizeof(buf), &err), -ENOENT);
    assert_non_null(strstr(err.msg, path));
    unlink(link);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_derive_key),          cmocka_unit_test(test_sha256_hex),
        cmocka_unit_test(test_sign_request_vector), cmocka_unit_test(test_response_signature),
        cmocka_unit_test(test_nonce),               cmocka_unit_test(test_fingerprint),
        cmocka_unit_test(test_backoff_full_jitter), cmocka_unit_test(test_backoff_distribution),
        cmocka_unit_test(test_retry_delay),         cmocka_unit_test(test_retry_after_parse),
        cmocka_unit_test(test_status_retryable),    cmocka_unit_test(test_passphrase_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
