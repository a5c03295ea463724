/* firstboot_plan: which steps a configuration asks for, with which argv, and
 * the journal's record of each step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "firstboot.h"

static struct fb_options opts(bool payload)
{
    struct fb_options o;
    memset(&o, 0, sizeof(o));
    o.payload_dir_exists = payload;
    strcpy(o.payload_dir, "/opt/mt-agent/payload");
    return o;
}

static void test_defaults_skip_what_is_not_configured(void **state)
{
    struct mt_config c;
    struct fb_options o = opts(false);
    struct fb_step s[FB_N_STEPS];
    (void)state;
    config_defaults(&c);
    firstboot_plan(&c, &o, s);
    assert_false(s[FB_PROVISION].enabled);
    assert_non_null(strstr(s[FB_PROVISION].why, "[layout] disk"));
    assert_true(s[FB_PREFLIGHT].enabled);
    assert_string_equal(s[FB_PREFLIGHT].argv[0], "check");
    assert_string_equal(s[FB_PREFLIGHT].argv[1], "--ignore");
    assert_string_equal(s[FB_PREFLIGHT].argv[2], FB_PREFLIGHT_DEFERRED);
    assert_false(s[FB_MODULES].enabled);
    assert_false(s[FB_APPLY].enabled);
    assert_false(s[FB_REBOOT].enabled);
    assert_false(s[FB_RETENTION].enabled);
    assert_false(s[FB_REGISTER].enabled);
    assert_true(s[FB_FINAL_CHECK].enabled);
    assert_int_equal(s[FB_FINAL_CHECK].argc, 1);
}

static void test_full_configuration(void **state)
{
    struct mt_config c;
    struct fb_options o = opts(true);
    struct fb_step s[FB_N_STEPS];
    (void)state;
    config_defaults(&c);
    strcpy(c.layout.disk, "sda");
    strcpy(c.layout.retention_disk, "/dev/sdc");
    strcpy(c.payload.agent_tarball, "ua.tar.gz");
    strcpy(o.manifest, "/media/SHA256SUMS");
    strcpy(c.cs.host, "10.0.0.5");
    o.ignore = "os.release,packages.required";
    strcpy(o.target_root, "/srv/root");
    firstboot_plan(&c, &o, s);

    assert_int_equal(s[FB_PROVISION].argc, 5);
    assert_string_equal(s[FB_PROVISION].argv[2], "/dev/sda");
    assert_string_equal(s[FB_PROVISION].argv[3], "--target-root");
    assert_string_equal(s[FB_PROVISION].argv[4], "/srv/root");
    assert_string_equal(s[FB_PREFLIGHT].argv[2],
                        "layout.partitions,layout.swap,modules.xfs,modules.reiserfs,customchanges.applied,"
                        "retention.volume,cs.registered,os.release,packages.required");
    assert_int_equal(s[FB_MODULES].argc, 6);
    assert_string_equal(s[FB_MODULES].argv[1], "install");
    assert_string_equal(s[FB_MODULES].argv[3], "/opt/mt-agent/payload");
    assert_string_equal(s[FB_MODULES].argv[5], "/media/SHA256SUMS");
    assert_int_equal(s[FB_APPLY].argc, 1);
    assert_string_equal(s[FB_APPLY].argv[0], "apply");
    assert_true(s[FB_REBOOT].enabled);
    assert_string_equal(s[FB_RETENTION].argv[2], "/dev/sdc");
    assert_string_equal(s[FB_RETENTION].argv[4], "/mnt/retention");
    assert_string_equal(s[FB_REGISTER].argv[0], "register");
    assert_string_equal(s[FB_FINAL_CHECK].argv[2], "os.release,packages.required");
}

static void test_no_modules(void **state)
{
    struct mt_config c;
    struct fb_options o = opts(true);
    struct fb_step s[FB_N_STEPS];
    (void)state;
    config_defaults(&c);
    strcpy(c.payload.agent_tarball, "/srv/ua.tgz");
    c.payload.modules[0] = '\0';
    firstboot_plan(&c, &o, s);
    assert_true(s[FB_APPLY].enabled);
    assert_false(s[FB_MODULES].enabled);
    assert_non_null(strstr(s[FB_MODULES].why, "modules"));
}

static void test_journal_record(void **state)
{
    json_object *fb = json_object_new_object();
    (void)state;
    assert_null(firstboot_step_status(fb, "apply"));
    assert_null(firstboot_step_status(NULL, "apply"));
    firstboot_record(fb, "apply", "failed", 1, "script exited 1");
    assert_string_equal(firstboot_step_status(fb, "apply"), "failed");
    firstboot_record(fb, "apply", "done", 0, NULL);
    assert_string_equal(firstboot_step_status(fb, "apply"), "done");
    assert_null(firstboot_step_status(fb, "register"));
    json_object_put(fb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_skip_what_is_not_configured),
        cmocka_unit_test(test_full_configuration),
        cmocka_unit_test(test_no_modules),
        cmocka_unit_test(test_journal_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
