/* cs_response (header lines, JSON body), hostid normalisation and the
 * registration document. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "cs_document.h"
#include "arraysize.h"
#include "cs_response.h"
#include "hostid.h"

#define H(r, s) cs_response_header(r, s, strlen(s))

static void test_headers(void **state)
{
    struct cs_response r;
    (void)state;
    cs_response_init(&r);
    H(&r, "HTTP/1.1 503 Service Unavailable\r\n");
    H(&r, "Retry-After: 7\r\n");
    H(&r, "x-mt-signature:  ABCDEF \r\n");
    H(&r, "Content-Type: application/json\r\n");
    H(&r, "garbage without colon\r\n");
    assert_int_equal(r.retry_after_s, 7);
    assert_true(r.has_signature);
    assert_string_equal(r.signature, "ABCDEF");
    /* a new status line forgets the previous response's headers */
    H(&r, "HTTP/1.1 200 OK\r\n");
    assert_false(r.has_signature);
    assert_int_equal(r.retry_after_s, -1);
    /* HTTP-date Retry-After is ignored; an over-long signature is truncated, never overflows */
    H(&r, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n");
    assert_int_equal(r.retry_after_s, -1);
    H(&r, "X-MT-Signature: 00000000000000000000000000000000000000000000000000000000000000000000000000000000000000\r\n");
    assert_true(strlen(r.signature) < sizeof(r.signature));
    cs_response_free(&r);
}

static int parse(const char *body, struct cs_response *r, struct mt_err *err)
{
    cs_response_init(r);
    return cs_response_parse_body(r, body, strlen(body), err);
}

static void test_body(void **state)
{
    struct cs_response r;
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(parse("{\"host_id\":\"abc\",\"heartbeat_s\":60}", &r, &err), 0);
    assert_string_equal(r.host_id, "abc");
    assert_int_equal(r.heartbeat_s, 60);
    cs_response_free(&r);
    assert_int_equal(parse("{\"api\":1,\"time\":1700000000}\n", &r, &err), 0);
    assert_int_equal(r.api, 1);
    assert_int_equal(r.server_time, 1700000000);
    cs_response_free(&r);
    assert_int_equal(parse("{\"error\":{\"code\":\"busy\",\"message\":\"later\"}}", &r, &err), 0);
    assert_string_equal(r.error_code, "busy");
    assert_string_equal(r.error_message, "later");
    cs_response_free(&r);
    /* wrong types are ignored, not trusted */
    assert_int_equal(parse("{\"host_id\":5,\"heartbeat_s\":\"60\",\"error\":[1]}", &r, &err), 0);
    assert_string_equal(r.host_id, "");
    assert_int_equal(r.heartbeat_s, -1);
    cs_response_free(&r);
    assert_int_equal(parse("{\"heartbeat_s\":-5}", &r, &err), 0);
    assert_int_equal(r.heartbeat_s, -1);
    cs_response_free(&r);
    /* empty body is fine */
    assert_int_equal(parse("", &r, &err), 0);
    assert_null(r.doc);
    assert_int_equal(parse("  \r\n", &r, &err), 0);
    assert_null(r.doc);
}

static void test_body_malformed(void **state)
{
    static const char *bad[] = {
        "{\"host_id\": \"x\", \"heartbeat_s\": ", "not json", "[1,2,3]", "\"str\"", "42",
        "{\"a\":1} trailing", "{\"a\":1}{\"b\":2}", "{\"a\":1",
    };
    struct cs_response r;
    struct mt_err err = {0};
    char deep[200];
    (void)state;
    for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
        assert_int_equal(parse(bad[i], &r, &err), -EBADMSG);
        assert_null(r.doc);
        assert_int_not_equal(err.msg[0], '\0');
    }
    /* nesting deeper than 32 */
    memset(deep, '[', 100);
    memcpy(deep, "{\"a\":", 5);
    deep[100] = '\0';
    assert_int_equal(parse(deep, &r, &err), -EBADMSG);
    /* an embedded NUL */
    cs_response_init(&r);
    assert_int_equal(cs_response_parse_body(&r, "{\"a\":1}\0x", 9, &err), -EBADMSG);
}

static void test_hostid(void **state)
{
    char out[HOSTID_MAX];
    (void)state;
    assert_int_equal(hostid_normalise_uuid("564D2E1A-9F3C-0B7A-1D2E-3F4A5B6C7D8E\n", out), 0);
    assert_string_equal(out, "564d2e1a-9f3c-0b7a-1d2e-3f4a5b6c7d8e");
    assert_int_equal(hostid_normalise_uuid("00000000-0000-0000-0000-000000000000", out), -EINVAL);
    assert_int_equal(hostid_normalise_uuid("FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF", out), -EINVAL);
    assert_int_equal(hostid_normalise_uuid("564D2E1A9F3C0B7A1D2E3F4A5B6C7D8E", out), -EINVAL);
    assert_int_equal(hostid_normalise_uuid("564D2E1A-9F3C-0B7A-1D2E-3F4A5B6C7D8", out), -EINVAL);
    assert_int_equal(hostid_normalise_uuid("564D2E1A-9F3C-0B7A-1D2E-3F4A5B6C7D8EX", out), -EINVAL);
    assert_int_equal(hostid_normalise_machine_id("0123456789ABCDEF0123456789abcdef\n", out), 0);
    assert_string_equal(out, "0123456789abcdef0123456789abcdef");
    assert_int_equal(hostid_normalise_machine_id("0123", out), -EINVAL);
    assert_int_equal(hostid_normalise_machine_id("00000000000000000000000000000000", out), -EINVAL);
}

static void test_hostid_generated_is_kept(void **state)
{
    json_object *host = json_object_new_object();
    char a[HOSTID_MAX], b[HOSTID_MAX];
    const char *src;
    (void)state;
    /* only meaningful without DMI and machine-id: the test binary runs on the host,
     * so compare with what the host offers */
    assert_int_equal(hostid_resolve(host, a, &src, NULL), 0);
    assert_int_equal(hostid_resolve(host, b, &src, NULL), 0);
    assert_string_equal(a, b);
    assert_string_equal(json_object_get_string(json_object_object_get(host, "host_id")), a);
    json_object_put(host);
}

static void test_document(void **state)
{
    json_object *journal = json_tokener_parse(
        "{\"version\":1,\"retention\":{\"uuid\":\"r1\"},\"modules\":{\"xfs\":\"installed\"},\"apply\":{\"status\":"
        "\"applied\"}}");
    json_object *host = json_tokener_parse("{\"hostname\":\"mt1\"}");
    json_object *disks = json_tokener_parse("[{\"name\":\"sda\",\"scsi_id\":\"36000c29\"}]");
    struct cs_document_input in = {"abc", "0.1.0", 9443, host, disks, journal, NULL};
    json_object *doc, *v;
    (void)state;
    doc = cs_document_build(&in);
    assert_non_null(doc);
    assert_string_equal(json_object_get_string(json_object_object_get(doc, "host_id")), "abc");
    assert_int_equal(json_object_get_int(json_object_object_get(doc, "data_port")), 9443);
    assert_true(json_object_object_get_ex(doc, "retention", &v));
    assert_string_equal(json_object_get_string(json_object_object_get(v, "uuid")), "r1");
    assert_true(json_object_object_get_ex(doc, "custom_changes", &v));
    assert_string_equal(json_object_get_string(json_object_object_get(v, "status")), "applied");
    assert_true(json_object_object_get_ex(doc, "disks", &v));
    assert_int_equal(json_object_array_length(v), 1);
    assert_false(json_object_object_get_ex(doc, "checks", &v));
    json_object_put(doc);
    json_object_put(journal);
    json_object_put(host);
    json_object_put(disks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_headers),      cmocka_unit_test(test_body),
        cmocka_unit_test(test_body_malformed), cmocka_unit_test(test_hostid),
        cmocka_unit_test(test_hostid_generated_is_kept), cmocka_unit_test(test_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
