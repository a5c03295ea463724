/* cs_client without a network: the endpoint from [cs] and the flags (address
 * forms, fingerprints, the test-only backoff override), failure names, and a
 * call that cannot start (no address, no key) or finds nobody listening. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cs_client.h"

static void endpoint(struct cs_endpoint *ep)
{
    struct mt_config cfg;
    struct mt_err err = {0};
    config_defaults(&cfg);
    unsetenv("MT_AGENT_TEST_BACKOFF_MS");
    assert_int_equal(cs_endpoint_from_config(ep, &cfg, &err), 0);
}

static void test_defaults(void **state)
{
    struct cs_endpoint ep;
    (void)state;
    endpoint(&ep);
    assert_int_equal(ep.port, 443);
    assert_int_equal(ep.deadline_ms, 300000);
    assert_int_equal(ep.backoff_base_ms, 1000);
    assert_int_equal(ep.backoff_cap_ms, 60000);
    assert_false(ep.have_pin);
    assert_false(ep.have_key);
    assert_string_equal(ep.host, "");
}

static void test_address_forms(void **state)
{
    struct cs_endpoint ep;
    struct mt_err err = {0};
    (void)state;
    endpoint(&ep);
    assert_int_equal(cs_endpoint_set_address(&ep, "10.0.0.5", &err), 0);
    assert_string_equal(ep.host, "10.0.0.5");
    assert_int_equal(ep.port, 443);
    assert_int_equal(cs_endpoint_set_address(&ep, "cs.example:8443", &err), 0);
    assert_string_equal(ep.host, "cs.example");
    assert_int_equal(ep.port, 8443);
    assert_int_equal(cs_endpoint_set_address(&ep, "[fd00::5]:9000", &err), 0);
    assert_string_equal(ep.host, "fd00::5");
    assert_int_equal(ep.port, 9000);
    assert_int_equal(cs_endpoint_set_address(&ep, "fd00::6", &err), 0);
    assert_string_equal(ep.host, "fd00::6");
    /* bad ones name the input */
    assert_int_equal(cs_endpoint_set_address(&ep, "h:0", &err), -EINVAL);
    assert_non_null(strstr(err.msg, "h:0"));
    assert_int_equal(cs_endpoint_set_address(&ep, "h:65536", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, "h:12x", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, "h:", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, ":443", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, "[fd00::5", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, "[fd00::5]x", &err), -EINVAL);
    assert_int_equal(cs_endpoint_set_address(&ep, "", &err), -EINVAL);
}

static void test_fingerprint_from_config(void **state)
{
    struct mt_config cfg;
    struct cs_endpoint ep;
    struct mt_err err = {0};
    (void)state;
    config_defaults(&cfg);
    strcpy(cfg.cs.fingerprint, "not hex");
    assert_int_equal(cs_endpoint_from_config(&ep, &cfg, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "[cs] fingerprint"));
    strcpy(cfg.cs.fingerprint, "abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789");
    assert_int_equal(cs_endpoint_from_config(&ep, &cfg, &err), 0);
    assert_true(ep.have_pin);
    assert_int_equal(ep.pin[0], 0xab);
}

static void test_backoff_override(void **state)
{
    struct mt_config cfg;
    struct cs_endpoint ep;
    (void)state;
    config_defaults(&cfg);
    setenv("MT_AGENT_TEST_BACKOFF_MS", "50,400", 1);
    assert_int_equal(cs_endpoint_from_config(&ep, &cfg, NULL), 0);
    assert_int_equal(ep.backoff_base_ms, 50);
    assert_int_equal(ep.backoff_cap_ms, 400);
    /* nonsense is ignored: the documented defaults stay */
    setenv("MT_AGENT_TEST_BACKOFF_MS", "400,50", 1);
    assert_int_equal(cs_endpoint_from_config(&ep, &cfg, NULL), 0);
    assert_int_equal(ep.backoff_base_ms, 1000);
    setenv("MT_AGENT_TEST_BACKOFF_MS", "x", 1);
    assert_int_equal(cs_endpoint_from_config(&ep, &cfg, NULL), 0);
    assert_int_equal(ep.backoff_cap_ms, 60000);
    unsetenv("MT_AGENT_TEST_BACKOFF_MS");
}

static void test_call_refuses_early(void **state)
{
    struct cs_endpoint ep;
    struct cs_result res;
    struct mt_err err = {0};
    (void)state;
    endpoint(&ep);
    assert_true(cs_call(&ep, "GET", "/api/v1/ping", NULL, 0, false, &res, &err) < 0);
    assert_int_equal(res.failure, CS_FAIL_LOCAL);
    assert_non_null(strstr(err.msg, "--cs HOST"));
    cs_result_free(&res);
    strcpy(ep.host, "127.0.0.1");
    assert_true(cs_call(&ep, "PUT", "/x", "{}", 2, true, &res, &err) < 0);
    assert_int_equal(res.failure, CS_FAIL_LOCAL);
    cs_result_free(&res);
}

static void test_unreachable_until_deadline(void **state)
{
    struct cs_endpoint ep;
    struct cs_result res;
    struct mt_err err = {0};
    (void)state;
    endpoint(&ep);
    /* port 1 on loopback: refused at once; a short deadline and a tiny backoff */
    strcpy(ep.host, "127.0.0.1");
    ep.port = 1;
    ep.deadline_ms = 300;
    ep.backoff_base_ms = 10;
    ep.backoff_cap_ms = 40;
    assert_true(cs_call(&ep, "GET", "/api/v1/ping", NULL, 0, false, &res, &err) < 0);
    assert_int_equal(res.failure, CS_FAIL_UNREACHABLE);
    assert_true(res.attempts > 1);
    assert_non_null(strstr(err.msg, "unreachable"));
    assert_non_null(strstr(err.msg, "127.0.0.1:1"));
    cs_result_free(&res);
    assert_true(cs_tcp_probe("127.0.0.1", 1, 1000) < 0);
}

static void test_failure_names(void **state)
{
    (void)state;
    assert_string_equal(cs_failure_name(CS_FAIL_UNREACHABLE), "unreachable");
    assert_string_equal(cs_failure_name(CS_FAIL_CERT), "certificate mismatch");
    assert_string_equal(cs_failure_name(CS_FAIL_AUTH), "authentication");
    assert_string_equal(cs_failure_name(CS_FAIL_SERVER), "server error");
    assert_string_equal(cs_failure_name(CS_FAIL_MALFORMED), "malformed response");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),           cmocka_unit_test(test_address_forms),
        cmocka_unit_test(test_fingerprint_from_config), cmocka_unit_test(test_backoff_override),
        cmocka_unit_test(test_call_refuses_early), cmocka_unit_test(test_unreachable_until_deadline),
        cmocka_unit_test(test_failure_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
