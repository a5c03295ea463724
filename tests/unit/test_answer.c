/* The run's answer form read from argv (agent/answer.h) and JSON text made
 * valid UTF-8 (provision/core/jsontext.h). The JSON side is checked against
 * json-c's own parser and against an independent rule: every byte >= 0x80 left
 * in the output starts or continues a valid UTF-8 sequence above U+009F. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "answer.h"
#include "jsontext.h"

static enum answer_form form_of(int argc, char **argv)
{
    struct answer a;
    answer_scan(argc, argv, &a);
    return a.form;
}
#define FORM(...)                                                                                                    \
    ({                                                                                                               \
        char *v_[] = {"mt-agent", __VA_ARGS__, NULL};                                                                \
        form_of((int)(sizeof(v_) / sizeof(v_[0])) - 1, v_);                                                         \
    })

static void test_scan_forms(void **state)
{
    (void)state;
    assert_int_equal(FORM("check"), ANSWER_TEXT);
    assert_int_equal(FORM("--json", "check"), ANSWER_JSON);
    assert_int_equal(FORM("-j", "check"), ANSWER_JSON);
    assert_int_equal(FORM("-vj", "check"), ANSWER_JSON);
    assert_int_equal(FORM("--js", "status"), ANSWER_JSON);          /* getopt_long's abbreviation */
    assert_int_equal(FORM("--bogus", "--json", "check"), ANSWER_JSON); /* after a bad option too */
    assert_int_equal(FORM("check", "--format", "nagios"), ANSWER_NAGIOS);
    assert_int_equal(FORM("check", "--format=nagios"), ANSWER_NAGIOS);
    assert_int_equal(FORM("check", "--form", "nagios"), ANSWER_NAGIOS);
    assert_int_equal(FORM("--json", "check", "--format", "nagios"), ANSWER_NAGIOS);
    assert_int_equal(FORM("--bogus", "check", "--only", "x", "--format", "nagios"), ANSWER_NAGIOS);
    assert_int_equal(FORM("check", "--format", "json"), ANSWER_JSON);
    assert_int_equal(FORM("plan", "--format", "json"), ANSWER_JSON);
    assert_int_equal(FORM("check", "--format", "nagios", "--format", "text"), ANSWER_TEXT); /* the last counts */
    /* a value is not an option: --config's and --only's values are skipped */
    assert_int_equal(FORM("--config", "--json", "check"), ANSWER_TEXT);
    assert_int_equal(FORM("-c", "--json", "check"), ANSWER_TEXT);
    assert_int_equal(FORM("check", "--only", "--format", "nagios"), ANSWER_TEXT);
    /* nagios is check's only; past an operand getopt reads nothing */
    assert_int_equal(FORM("plan", "--format", "nagios"), ANSWER_TEXT);
    assert_int_equal(FORM("check", "word", "--format", "nagios"), ANSWER_TEXT);
    assert_int_equal(FORM("check", "--", "--format", "nagios"), ANSWER_TEXT);
    assert_int_equal(FORM("--json"), ANSWER_JSON);
}

static void test_scan_verb(void **state)
{
    struct answer a;
    char *v1[] = {"mt-agent", "-c", "x.conf", "--root=/r", "modules", "install", NULL};
    char *v2[] = {"mt-agent", "-q", NULL};
    (void)state;
    answer_scan(6, v1, &a);
    assert_string_equal(a.verb, "modules");
    answer_scan(2, v2, &a);
    assert_null(a.verb);
}

/* Independent of jsontext.c: bytes >= 0x80 form valid UTF-8 sequences whose
 * code points are above U+009F, and no byte is DEL. */
static int utf8_clean(const unsigned char *s, size_t n)
{
    size_t i = 0, k, len;
    unsigned cp;

    while (i < n) {
        if (s[i] < 0x7f) {
            i++;
            continue;
        }
        if (s[i] == 0x7f)
            return 0;
        len = (s[i] & 0xe0) == 0xc0 ? 2 : (s[i] & 0xf0) == 0xe0 ? 3 : (s[i] & 0xf8) == 0xf0 ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        cp = s[i] & (0x7f >> len);
        for (k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp <= 0x9f || (len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

static void clean_case(const char *raw, size_t rawlen, const char *want_value)
{
    json_object *o = json_object_new_object(), *back, *v;
    const char *text;
    char *clean;

    json_object_object_add(o, "model", json_object_new_string_len(raw, (int)rawlen));
    text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
    clean = json_text_clean(text, strlen(text));
    assert_non_null(clean);
    assert_true(utf8_clean((const unsigned char *)clean, strlen(clean)));
    assert_true(json_text_is_clean(clean, strlen(clean)));
    back = json_tokener_parse(clean);
    assert_non_null(back);
    assert_true(json_object_object_get_ex(back, "model", &v));
    assert_string_equal(json_object_get_string(v), want_value);
    json_object_put(back);
    json_object_put(o);
    free(clean);
}
#define C(lit, want) clean_case(lit, sizeof(lit) - 1, want)

static void test_json_text_clean(void **state)
{
    (void)state;
    C("Virtual disk", "Virtual disk");
    C("Диск \xe4\xb8\xad \xf0\x9f\x98\x80", "Диск \xe4\xb8\xad \xf0\x9f\x98\x80"); /* valid UTF-8 kept */
    C("VMw\xff" "are", "VMw\xef\xbf\xbd" "are");                                    /* 0xff -> U+FFFD */
    C("a\x7f" "b", "a\x7f" "b");                       /* DEL escaped, the same character back */
    C("\xc2\x9b" "2J", "\xc2\x9b" "2J");               /* C1 CSI escaped, the same character back */
    C("\xc0\xaf", "\xef\xbf\xbd\xef\xbf\xbd");         /* overlong: two replaced bytes */
    C("\xed\xa0\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* a surrogate */
    C("end\xe4\xb8", "end\xef\xbf\xbd\xef\xbf\xbd");   /* cut short */
    C("\x80\xbf", "\xef\xbf\xbd\xef\xbf\xbd");         /* stray continuation bytes */
    C("\xf4\x90\x80\x80", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"); /* above U+10FFFF */
    assert_false(json_text_is_clean("a\xff", 2));
    assert_false(json_text_is_clean("\xc2\x85", 2));
    assert_true(json_text_is_clean("\xc2\xa0", 2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan_forms),
        cmocka_unit_test(test_scan_verb),
        cmocka_unit_test(test_json_text_clean),
    };
    return cmocka_run_group_tests_name("answer", tests, NULL, NULL);
}
