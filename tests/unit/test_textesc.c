/* text_escape: control characters from outside never reach a terminal raw;
 * printable ASCII and valid UTF-8 pass unchanged; truncation never cuts an escape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "textesc.h"

static void expect(const char *in, size_t inlen, const char *keep, const char *want)
{
    char out[256];
    size_t n = text_escape(in, inlen, out, sizeof(out), keep);

    if (strcmp(out, want) != 0)
        fail_msg("escape of %zu bytes gave \"%s\", want \"%s\"", inlen, out, want);
    assert_int_equal(n, strlen(want));
}
#define E(lit, keep, want) expect(lit, sizeof(lit) - 1, keep, want)

static void test_plain_text_unchanged(void **state)
{
    (void)state;
    E("sda: MT_ROOT 40960 MiB, /etc/fstab; 'x' \"y\" \\z ~", NULL, "sda: MT_ROOT 40960 MiB, /etc/fstab; 'x' \"y\" \\z ~");
    E("", NULL, "");
    /* UTF-8 text: Latin, Cyrillic, CJK, an emoji (4 bytes) */
    E("caf\xc3\xa9 \xd0\x94\xd0\xb8\xd1\x81\xd0\xba \xe7\xa3\x81\xe7\x9b\x98 \xf0\x9f\x92\xbe", NULL,
      "caf\xc3\xa9 \xd0\x94\xd0\xb8\xd1\x81\xd0\xba \xe7\xa3\x81\xe7\x9b\x98 \xf0\x9f\x92\xbe");
}

static void test_controls_escaped(void **state)
{
    (void)state;
    E("evil\x1b[2J\x1b]0;title\x07name", NULL, "evil\\x1b[2J\\x1b]0;title\\x07name");
    E("a\rb\nc\td\x7f" "e\x08", NULL, "a\\x0db\\x0ac\\x09d\\x7fe\\x08");
    E("a\0b", NULL, "a\\x00b");
    /* kept only when asked: the format's own line ends */
    E("line\n\tnext\r", "\n\t", "line\n\tnext\\x0d");
    E("a\0b", "\n", "a\\x00b");
}

static void test_c1_and_invalid_utf8(void **state)
{
    (void)state;
    /* C1 CSI as a raw byte (8-bit terminals) and as UTF-8 U+009B */
    E("x\x9b" "2Jy", NULL, "x\\x9b2Jy");
    E("x\xc2\x9b" "2Jy", NULL, "x\\u009b2Jy");
    E("\xc2\x85", NULL, "\\u0085");
    E("\xc2\xa0", NULL, "\xc2\xa0"); /* U+00A0 is text */
    /* overlong ESC, a surrogate, beyond U+10FFFF, truncated sequences, a lone continuation byte */
    E("\xc0\x9b", NULL, "\\xc0\\x9b");
    E("\xed\xa0\x80", NULL, "\\xed\\xa0\\x80");
    E("\xf4\x90\x80\x80", NULL, "\\xf4\\x90\\x80\\x80");
    E("ab\xe2\x82", NULL, "ab\\xe2\\x82");
    E("\x80z", NULL, "\\x80z");
    E("\xff\xfe", NULL, "\\xff\\xfe");
}

static void test_truncation_never_cuts(void **state)
{
    char out[8];
    size_t n;
    (void)state;
    n = text_escape("abcd\x1b" "efgh", 9, out, sizeof(out), NULL);
    assert_string_equal(out, "abcd"); /* "\x1b" (4 bytes) does not fit in the 3 left */
    assert_int_equal(n, 4);
    n = text_escape("abcdef\xc3\xa9", 8, out, sizeof(out), NULL);
    assert_string_equal(out, "abcdef"); /* never half a UTF-8 character */
    assert_int_equal(n, 6);
    n = text_escape("abc", 3, out, 1, NULL);
    assert_string_equal(out, "");
    assert_int_equal(n, 0);
}

/* Every one of the 256 bytes, alone: the output holds no control byte and
 * fits TEXT_ESCAPE_MAX. */
static void test_every_byte(void **state)
{
    char in[1], out[TEXT_ESCAPE_MAX(1)];
    int b;
    (void)state;
    for (b = 0; b < 256; b++) {
        size_t i, n;
        in[0] = (char)b;
        n = text_escape(in, 1, out, sizeof(out), NULL);
        assert_true(n > 0 && n < sizeof(out));
        for (i = 0; i < n; i++) {
            unsigned char c = (unsigned char)out[i];
            if (c < 0x20 || c >= 0x7f)
                fail_msg("byte 0x%02x escaped to something holding 0x%02x", b, c);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_unchanged),
        cmocka_unit_test(test_controls_escaped),
        cmocka_unit_test(test_c1_and_invalid_utf8),
        cmocka_unit_test(test_truncation_never_cuts),
        cmocka_unit_test(test_every_byte),
    };
    return cmocka_run_group_tests_name("textesc", tests, NULL, NULL);
}
