/* firstboot: which steps a configuration asks for, the policy (what to do
 * with a step given what the journal and the box say), exhaustively over
 * journal states, and the journal's record of each step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "firstboot.h"
#include "arraysize.h"


static void test_defaults_skip_what_is_not_configured(void **state)
{
    struct mt_config c;
    struct fb_options o = {false};
    struct fb_step s[FB_N_STEPS];
    (void)state;
    config_defaults(&c);
    c.payload.modules[0] = '\0';
    firstboot_plan(&c, &o, s);
    assert_false(s[FB_PROVISION].enabled);
    assert_non_null(strstr(s[FB_PROVISION].why, "[layout] disk"));
    assert_true(s[FB_PREFLIGHT].enabled);
    assert_false(s[FB_MODULES].enabled);
    assert_non_null(strstr(s[FB_MODULES].why, "payload directory"));
    assert_false(s[FB_APPLY].enabled);
    assert_false(s[FB_REBOOT].enabled);
    assert_non_null(strstr(s[FB_REBOOT].why, "custom changes"));
    assert_false(s[FB_RETENTION].enabled);
    assert_non_null(strstr(s[FB_RETENTION].why, "retention_disk"));
    assert_false(s[FB_REGISTER].enabled);
    assert_non_null(strstr(s[FB_REGISTER].why, "[cs] host"));
    assert_true(s[FB_FINAL_CHECK].enabled);
}

static void test_full_configuration(void **state)
{
    static const char *const names[FB_N_STEPS] = {"preflight", "provision", "modules",  "apply",
                                                  "reboot",    "retention", "register", "final-check"};
    struct mt_config c;
    struct fb_options o = {true};
    struct fb_step s[FB_N_STEPS];
    int i;
    (void)state;
    config_defaults(&c);
    strcpy(c.layout.disk, "sda");
    strcpy(c.layout.retention_disk, "/dev/sdc");
    strcpy(c.payload.agent_tarball, "ua.tar.gz");
    strcpy(c.cs.host, "10.0.0.5");
    firstboot_plan(&c, &o, s);
    for (i = 0; i < FB_N_STEPS; i++) {
        assert_int_equal(s[i].id, i);
        assert_string_equal(s[i].name, names[i]);
        assert_true(s[i].enabled);
        assert_string_equal(s[i].why, "");
    }
}

static void test_no_modules(void **state)
{
    struct mt_config c;
    struct fb_options o = {true};
    struct fb_step s[FB_N_STEPS];
    (void)state;
    config_defaults(&c);
    strcpy(c.payload.agent_tarball, "/srv/ua.tgz");
    c.payload.modules[0] = '\0';
    firstboot_plan(&c, &o, s);
    assert_true(s[FB_APPLY].enabled);
    assert_true(s[FB_REBOOT].enabled);
    assert_false(s[FB_MODULES].enabled);
    assert_non_null(strstr(s[FB_MODULES].why, "modules"));
}

/* The policy as the design states it, written as a decision list (not the
 * code's shape): a disabled step is skipped; a check runs every time; any
 * other step done is not run again; a reboot nobody asked for is not needed,
 * one asked for in an earlier boot has happened, --no-reboot defers it, else
 * firstboot reboots. */
static enum fb_action oracle(enum fb_step_id id, bool enabled, const char *status, bool required,
                             const char *asked_boot, const char *boot, bool no_reboot)
{
    bool is_check = id == FB_PREFLIGHT || id == FB_FINAL_CHECK;
    bool done = status && !strcmp(status, "done");
    bool other_boot = asked_boot[0] && boot[0] && strcmp(asked_boot, boot);

    if (!enabled)
        return FB_ACT_SKIP;
    if (is_check)
        return FB_ACT_RUN;
    if (done)
        return FB_ACT_ALREADY;
    if (id != FB_REBOOT)
        return FB_ACT_RUN;
    return !required ? FB_ACT_NOT_NEEDED : other_boot ? FB_ACT_REBOOTED : no_reboot ? FB_ACT_DEFER : FB_ACT_REBOOT;
}

static void test_policy_exhaustive(void **state)
{
    static const char *const statuses[] = {NULL, "done", "failed", "skipped", "running", "reboot-pending",
                                           "deferred"};
    static const char *const boots[] = {"", "11111111-aaaa", "22222222-bbbb"};
    unsigned id, en, st, rq, ab, b, nr, n = 0, reboots = 0;
    (void)state;
    for (id = 0; id < FB_N_STEPS; id++)
        for (en = 0; en < 2; en++)
            for (st = 0; st < ARRAY_SIZE(statuses); st++)
                for (rq = 0; rq < 2; rq++)
                    for (ab = 0; ab < ARRAY_SIZE(boots); ab++)
                        for (b = 0; b < ARRAY_SIZE(boots); b++)
                            for (nr = 0; nr < 2; nr++) {
                                struct fb_step s = {(enum fb_step_id)id, "x", en, ""};
                                struct fb_facts f = {statuses[st], rq, boots[ab], boots[b], nr};
                                enum fb_action want = oracle(id, en, statuses[st], rq, boots[ab], boots[b], nr);
                                enum fb_action got = firstboot_next(&s, &f);
                                if (got != want)
                                    fail_msg("step %u enabled %u status %s required %u asked %s boot %s "
                                             "no_reboot %u: %s, want %s",
                                             id, en, statuses[st] ? statuses[st] : "-", rq, boots[ab], boots[b], nr,
                                             firstboot_action_name(got), firstboot_action_name(want));
                                /* invariants, whatever the oracle says */
                                if (got == FB_ACT_REBOOT) {
                                    assert_int_equal(id, FB_REBOOT);
                                    assert_false(nr);
                                    reboots++;
                                }
                                if (id != FB_REBOOT)
                                    assert_true(got == FB_ACT_SKIP || got == FB_ACT_ALREADY || got == FB_ACT_RUN);
                                n++;
                            }
    assert_int_equal(n, FB_N_STEPS * 2 * ARRAY_SIZE(statuses) * 2 * ARRAY_SIZE(boots) * ARRAY_SIZE(boots) * 2);
    assert_true(reboots > 0);
}

static void test_policy_resume_after_reboot(void **state)
{
    struct fb_step s = {FB_REBOOT, "reboot", true, ""};
    struct fb_facts f = {"reboot-pending", true, "boot-1", "boot-1", false};
    (void)state;
    assert_int_equal(firstboot_next(&s, &f), FB_ACT_REBOOT);   /* same boot: still to do */
    f.boot_id = "boot-2";
    assert_int_equal(firstboot_next(&s, &f), FB_ACT_REBOOTED); /* another boot: it happened */
    f.boot_id = "";
    assert_int_equal(firstboot_next(&s, &f), FB_ACT_REBOOT);   /* unknown boot id: not assumed */
    assert_string_equal(firstboot_action_name(FB_ACT_DEFER), "defer");
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
        cmocka_unit_test(test_policy_exhaustive),
        cmocka_unit_test(test_policy_resume_after_reboot),
        cmocka_unit_test(test_journal_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
