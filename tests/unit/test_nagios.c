/* check --format nagios (agent/nagios.h): the state of a report, the status line
 * with the failed ids and perfdata, the detail lines, '|' kept out of details. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "nagios.h"

static const struct check_def D_VM = {"platform.vmware", SEV_ERROR, "VMware", NULL};
static const struct check_def D_UUID = {"disk.enableuuid", SEV_ERROR, "EnableUUID", NULL};
static const struct check_def D_TIME = {"time.sync", SEV_WARNING, "time", NULL};
static const struct check_def D_NET = {"network.static-ip", SEV_WARNING, "static", NULL};
static const struct check_def D_OS = {"os.release", SEV_ERROR, "release", NULL};
static const struct check_def D_INFO = {"x.info", SEV_INFO, "info", NULL};

/* A report as check_run counts it. */
static void add(struct check_report *rep, const struct check_def *d, enum check_status st, bool warn_only,
                bool strict, const char *detail, const char *fix)
{
    struct check_outcome *o = &rep->items[rep->n++];
    memset(o, 0, sizeof(*o));
    o->def = d;
    o->res.status = st;
    o->res.warn_only = warn_only;
    snprintf(o->res.detail, sizeof(o->res.detail), "%s", detail);
    snprintf(o->res.remediation, sizeof(o->res.remediation), "%s", fix ? fix : "");
    if (st == CHECK_PASS)
        rep->pass++;
    else if (st == CHECK_SKIP)
        rep->skip++;
    else {
        rep->fail++;
        if (d->severity == SEV_ERROR && !warn_only) {
            rep->errors++;
            rep->failed = true;
        } else if (d->severity == SEV_WARNING || warn_only) {
            rep->warnings++;
            rep->failed |= strict;
        }
    }
}

static struct check_report *report(void)
{
    struct check_report *rep = calloc(1, sizeof(*rep));
    rep->items = calloc(8, sizeof(*rep->items));
    return rep;
}

static void done(struct check_report *rep, char *text)
{
    free(text);
    free(rep->items);
    free(rep);
}

static void test_ok(void **state)
{
    struct check_report *rep = report();
    char *text = NULL;
    (void)state;
    add(rep, &D_VM, CHECK_PASS, false, false, "VMware", NULL);
    add(rep, &D_UUID, CHECK_PASS, false, false, "NAA", NULL);
    add(rep, &D_TIME, CHECK_SKIP, false, false, "not asked", NULL);
    assert_int_equal(nagios_render(rep, &text), NAGIOS_OK);
    assert_string_equal(text, "MT-AGENT OK - 2 checks pass, 1 skipped | pass=2 fail=0 skip=1 errors=0 warnings=0\n");
    done(rep, text);
}

static void test_warning(void **state)
{
    struct check_report *rep = report();
    char *text = NULL;
    (void)state;
    add(rep, &D_VM, CHECK_PASS, false, false, "VMware", NULL);
    add(rep, &D_TIME, CHECK_FAIL, false, false, "ntpd is off", "chkconfig ntpd on");
    add(rep, &D_OS, CHECK_FAIL, true, false, "CentOS 6.10", NULL); /* an error reported as a warning */
    assert_int_equal(nagios_render(rep, &text), NAGIOS_WARNING);
    assert_string_equal(text, "MT-AGENT WARNING - warnings: time.sync, os.release | pass=1 fail=2 skip=0 errors=0 "
                              "warnings=2\n"
                              "time.sync (warning): ntpd is off; fix: chkconfig ntpd on\n"
                              "os.release (warning): CentOS 6.10\n");
    done(rep, text);
}

static void test_critical(void **state)
{
    struct check_report *rep = report();
    char *text = NULL;
    (void)state;
    add(rep, &D_VM, CHECK_FAIL, false, false, "DMI says QEMU", "run it on the VMware VM");
    add(rep, &D_UUID, CHECK_FAIL, false, false, "sdb has no NAA | sdc neither\nsee VPD", "set disk.EnableUUID=TRUE");
    add(rep, &D_NET, CHECK_FAIL, false, false, "eth0 by DHCP", NULL);
    add(rep, &D_INFO, CHECK_FAIL, false, false, "a note", NULL);
    add(rep, &D_TIME, CHECK_PASS, false, false, "ntpd", NULL);
    assert_int_equal(nagios_render(rep, &text), NAGIOS_CRITICAL);
    assert_string_equal(text, "MT-AGENT CRITICAL - failed: platform.vmware, disk.enableuuid; warnings: "
                              "network.static-ip; notes: x.info | pass=1 fail=4 skip=0 errors=2 warnings=1\n"
                              "platform.vmware (error): DMI says QEMU; fix: run it on the VMware VM\n"
                              "disk.enableuuid (error): sdb has no NAA / sdc neither see VPD; fix: set disk.EnableUUID=TRUE\n"
                              "network.static-ip (warning): eth0 by DHCP\n"
                              "x.info (info): a note\n");
    done(rep, text);
}

static void test_strict(void **state)
{
    struct check_report *rep = report();
    char *text = NULL;
    (void)state;
    add(rep, &D_VM, CHECK_PASS, false, true, "VMware", NULL);
    add(rep, &D_NET, CHECK_FAIL, false, true, "eth0 by DHCP", NULL);
    assert_int_equal(nagios_state_of(rep), NAGIOS_CRITICAL);
    assert_int_equal(nagios_render(rep, &text), NAGIOS_CRITICAL);
    assert_non_null(strstr(text, "MT-AGENT CRITICAL - failed (strict): network.static-ip | pass=1 fail=1 "));
    done(rep, text);
}

static void test_unknown(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    (void)state;
    assert_int_equal(nagios_unknown(f, "mt-agent.conf:3: unknown key | x\n"), NAGIOS_UNKNOWN);
    fclose(f);
    assert_string_equal(buf, "MT-AGENT UNKNOWN - the checks could not run: mt-agent.conf:3: unknown key / x \n");
    free(buf);
    assert_string_equal(nagios_state_name(NAGIOS_OK), "OK");
    assert_string_equal(nagios_state_name(NAGIOS_UNKNOWN), "UNKNOWN");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ok),       cmocka_unit_test(test_warning), cmocka_unit_test(test_critical),
        cmocka_unit_test(test_strict),   cmocka_unit_test(test_unknown),
    };
    return cmocka_run_group_tests_name("nagios", tests, NULL, NULL);
}
