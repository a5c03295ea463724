/* Check framework and the inventory-backed checks on hand-made inventories:
 * the catalogue is mt-agent(8)'s (CHECKS), ids are validated, statuses and the exit
 * verdict (errors vs warnings, --strict) come out right. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "arraysize.h"

static const char *const design_ids[] = {
    "platform.vmware", "platform.firmware", "os.release", "os.arch", "host.resources", "disk.enableuuid",
    "disk.scsi-id-unique",
    "layout.partitions", "layout.swap", "packages.required", "modules.xfs", "modules.reiserfs",
    "customchanges.applied", "retention.volume", "network.static-ip", "time.sync", "cs.reachable",
    "cs.registered",
};

static void test_catalogue_complete(void **state)
{
    size_t n, i, j, k;
    const struct check_def *const *cat = check_catalogue(&n);
    (void)state;
    assert_true(n >= ARRAY_SIZE(design_ids));
    /* mt-agent(8)'s ids (CHECKS), in its order, each once */
    for (i = 0, k = 0; i < n && k < ARRAY_SIZE(design_ids); i++)
        if (strcmp(cat[i]->id, design_ids[k]) == 0)
            k++;
    assert_int_equal(k, ARRAY_SIZE(design_ids));
    for (i = 0; i < n; i++) {
        assert_non_null(cat[i]->fn);
        assert_true(strlen(cat[i]->title) > 0);
        for (j = i + 1; j < n; j++)
            assert_string_not_equal(cat[i]->id, cat[j]->id);
    }
    assert_non_null(check_find("disk.enableuuid"));
    assert_null(check_find("disk.enableUUID"));
}

static void test_parse_ids(void **state)
{
    size_t n;
    bool *sel;
    struct mt_err err = {0};
    (void)state;
    check_catalogue(&n);
    sel = calloc(n, sizeof(bool));
    assert_int_equal(check_parse_ids(" os.arch , disk.enableuuid,", sel, &err), 0);
    assert_int_equal(check_parse_ids("os.arch,disk.enableuid", sel, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "\"disk.enableuid\""));
    free(sel);
}

/* A CentOS 6.6 VMware guest with two pvscsi disks, one without NAA. */
static struct inv_disk disks[3];
static struct inventory inv;
static struct mt_config cfg;

static int setup(void **state)
{
    (void)state;
    memset(&inv, 0, sizeof(inv));
    memset(disks, 0, sizeof(disks));
    config_defaults(&cfg);
    strcpy(inv.host.vendor, "VMware, Inc.");
    strcpy(inv.host.product, "VMware Virtual Platform");
    strcpy(inv.host.os_release, "CentOS release 6.6 (Final)");
    strcpy(inv.host.os_id, "centos");
    strcpy(inv.host.os_version, "6.6");
    strcpy(inv.host.arch, "x86_64");
    inv.host.cpus = 4;
    inv.host.ram_bytes = 6ull << 30;
    strcpy(disks[0].name, "sda");
    strcpy(disks[0].vendor, "VMware");
    strcpy(disks[0].model, "Virtual disk");
    disks[0].is_scsi = true;
    disks[0].has_naa = true;
    disks[0].size_bytes = 100ull << 30;
    strcpy(disks[0].mounts, "/");
    strcpy(disks[0].scsi_id, "36000c2912345678a");
    strcpy(disks[1].name, "sdb");
    strcpy(disks[1].vendor, "VMware");
    strcpy(disks[1].model, "Virtual disk");
    disks[1].is_scsi = true;
    strcpy(disks[1].scsi_id, "0VMware_Virtual_disk_d1");
    strcpy(disks[2].name, "vda");
    inv.disks = disks;
    inv.n_disks = 3;
    return 0;
}

static const struct check_outcome *run_one(const char *id, struct check_report *rep)
{
    struct check_ctx c = {&cfg, &inv, NULL};
    struct mt_err err = {0};
    assert_int_equal(check_run(&c, id, NULL, false, rep, &err), 0);
    assert_int_equal(rep->n, 1);
    return &rep->items[0];
}

static void test_enableuuid(void **state)
{
    struct check_report rep;
    const struct check_outcome *o;
    (void)state;
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    /* names sdb, not sda, and not the virtio disk */
    assert_non_null(strstr(o->res.detail, "sdb has no NAA identifier"));
    assert_null(strstr(o->res.detail, "sda"));
    assert_null(strstr(o->res.detail, "vda"));
    assert_non_null(strstr(o->res.remediation, "disk.EnableUUID"));
    assert_non_null(strstr(o->res.remediation, "power the VM off"));
    assert_non_null(strstr(o->res.remediation, "Configuration Parameters"));
    assert_true(rep.failed);
    assert_int_equal(rep.errors, 1);
    check_report_free(&rep);

    disks[1].has_naa = true;
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    assert_false(rep.failed);
    check_report_free(&rep);

    /* an array LUN mapped raw (another vendor, no NAA): named for what it is, not failed */
    strcpy(disks[1].vendor, "EMC");
    strcpy(disks[1].model, "SYMMETRIX");
    disks[1].has_naa = false;
    strcpy(disks[1].scsi_id, "1EMC_SYMMETRIX_123");
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    assert_non_null(strstr(o->res.detail, "all 1 VMware virtual disks have an NAA identifier"));
    assert_non_null(strstr(o->res.detail, "sdb (EMC SYMMETRIX): identity from the device itself"));
    assert_non_null(strstr(o->res.detail, "disk.EnableUUID does not apply"));
    check_report_free(&rep);

    /* with a VMware disk lacking its NAA, the check fails on that one only */
    disks[0].has_naa = false;
    strcpy(disks[0].scsi_id, "0VMware_Virtual_disk_d0");
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_non_null(strstr(o->res.remediation, "(disks sda)"));
    assert_non_null(strstr(o->res.detail, "not judged: sdb (EMC SYMMETRIX)"));
    check_report_free(&rep);

    /* no VMware virtual disk at all: nothing to judge */
    strcpy(disks[0].vendor, "QEMU");
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_SKIP);
    assert_non_null(strstr(o->res.detail, "no VMware virtual disk to judge"));
    check_report_free(&rep);
}

/* A master target with 256 VMware disks and EnableUUID off: the detail and the
 * remediation are cut at their size and say how many there are in all. */
static void test_enableuuid_at_scale(void **state)
{
    static struct inv_disk many[256];
    struct check_report rep;
    const struct check_outcome *o;
    size_t i;
    (void)state;
    memset(many, 0, sizeof(many));
    for (i = 0; i < 256; i++) {
        snprintf(many[i].name, sizeof(many[i].name), "sd%c%c", 'a' + (int)(i / 26), 'a' + (int)(i % 26));
        strcpy(many[i].vendor, "VMware");
        strcpy(many[i].model, "Virtual disk");
        many[i].is_scsi = true;
        snprintf(many[i].scsi_id, sizeof(many[i].scsi_id), "0VMware_Virtual_disk_d%zu", i);
    }
    inv.disks = many;
    inv.n_disks = 256;
    o = run_one("disk.enableuuid", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_non_null(strstr(o->res.detail, "sdaa has no NAA identifier"));
    assert_non_null(strstr(o->res.detail, "; 256 VMware virtual disks in all lack it"));
    assert_non_null(strstr(o->res.remediation, " more)"));
    check_report_free(&rep);
    inv.disks = disks;
    inv.n_disks = 3;
}

static void test_scsi_id_unique(void **state)
{
    struct check_report rep;
    const struct check_outcome *o;
    (void)state;
    o = run_one("disk.scsi-id-unique", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    check_report_free(&rep);
    strcpy(disks[1].scsi_id, disks[0].scsi_id);
    o = run_one("disk.scsi-id-unique", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_non_null(strstr(o->res.detail, "sda and sdb share 36000c2912345678a"));
    check_report_free(&rep);
}

static void test_os_release(void **state)
{
    struct check_report rep;
    const struct check_outcome *o;
    (void)state;
    o = run_one("os.release", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    check_report_free(&rep);

    strcpy(inv.host.os_version, "6.10");
    strcpy(inv.host.os_release, "CentOS release 6.10 (Final)");
    o = run_one("os.release", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_int_equal(check_outcome_severity(o), SEV_WARNING);
    assert_false(rep.failed);
    assert_int_equal(rep.warnings, 1);
    check_report_free(&rep);

    strcpy(inv.host.os_id, "debian");
    strcpy(inv.host.os_version, "12");
    o = run_one("os.release", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_int_equal(check_outcome_severity(o), SEV_ERROR);
    assert_true(rep.failed);
    check_report_free(&rep);
}

static void test_platform_resources(void **state)
{
    struct check_report rep;
    const struct check_outcome *o;
    (void)state;
    o = run_one("platform.vmware", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    check_report_free(&rep);
    strcpy(inv.host.vendor, "QEMU");
    strcpy(inv.host.product, "Standard PC (i440FX + PIIX, 1996)");
    o = run_one("platform.vmware", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    check_report_free(&rep);

    o = run_one("host.resources", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    check_report_free(&rep);
    inv.host.cpus = 2;
    o = run_one("host.resources", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_non_null(strstr(o->res.detail, "2 vCPUs (want 4)"));
    assert_false(rep.failed); /* a warning */
    check_report_free(&rep);
    cfg.check.min_cpus = 2;
    o = run_one("host.resources", &rep);
    assert_int_equal(o->res.status, CHECK_PASS);
    assert_non_null(strstr(o->res.detail, "OS disk sda 100 GiB"));
    check_report_free(&rep);
    /* below 1 GiB the size is said in MiB, not as "0 GiB" */
    disks[0].size_bytes = 256ull << 20;
    o = run_one("host.resources", &rep);
    assert_int_equal(o->res.status, CHECK_FAIL);
    assert_non_null(strstr(o->res.detail, "OS disk sda 256 MiB (want "));
    check_report_free(&rep);
    disks[0].size_bytes = 100ull << 30;
}

static void test_strict_and_ignore(void **state)
{
    struct check_ctx c = {&cfg, &inv, NULL};
    struct check_report rep;
    struct mt_err err = {0};
    (void)state;
    inv.host.cpus = 1; /* host.resources: a failed warning */
    assert_int_equal(check_run(&c, "host.resources,os.arch", NULL, false, &rep, &err), 0);
    assert_int_equal(rep.n, 2);
    assert_false(rep.failed);
    check_report_free(&rep);
    assert_int_equal(check_run(&c, "host.resources,os.arch", NULL, true, &rep, &err), 0);
    assert_true(rep.failed);
    check_report_free(&rep);
    assert_int_equal(check_run(&c, "host.resources,os.arch", "host.resources", true, &rep, &err), 0);
    assert_int_equal(rep.n, 1);
    assert_false(rep.failed);
    check_report_free(&rep);
    assert_int_equal(check_run(&c, NULL, "no.such", false, &rep, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "no.such"));
}

static void test_pending_reads_journal(void **state)
{
    struct check_ctx c = {&cfg, &inv, NULL};
    struct check_report rep;
    struct mt_err err = {0};
    const struct check_def *d = check_find("cs.registered");
    (void)state;
    assert_non_null(d);
    assert_int_equal(check_run(&c, "cs.registered", NULL, false, &rep, &err), 0);
    /* whoever owns cs.registered: it reads the journal (none here) and does not pass */
    assert_int_not_equal(rep.items[0].res.status, CHECK_PASS);
    assert_true(strlen(rep.items[0].res.detail) > 0);
    check_report_free(&rep);
}

/* The root disk: the one holding "/"; from RAM (no disk holds it), [layout] disk. */
static void test_root_disk(void **state)
{
    struct inv_disk d[3];
    struct inventory inv;
    (void)state;
    memset(d, 0, sizeof(d));
    memset(&inv, 0, sizeof(inv));
    strcpy(d[0].name, "sda");
    strcpy(d[0].mounts, "/boot,/home");
    strcpy(d[1].name, "sdb");
    strcpy(d[1].mounts, "/var/crash,/");
    strcpy(d[2].name, "sdc");
    strcpy(d[2].mounts, "/mnt/retention");
    inv.disks = d;
    inv.n_disks = 3;
    assert_ptr_equal(inventory_root_disk(&inv, "sda"), &d[1]);
    strcpy(d[1].mounts, "/var/crash,/root");
    assert_ptr_equal(inventory_root_disk(&inv, "sda"), &d[0]);
    assert_ptr_equal(inventory_root_disk(&inv, "/dev/sdc"), &d[2]);
    assert_null(inventory_root_disk(&inv, ""));
    assert_null(inventory_root_disk(&inv, NULL));
    assert_null(inventory_root_disk(&inv, "sdz"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_catalogue_complete),
        cmocka_unit_test(test_root_disk),
        cmocka_unit_test(test_parse_ids),
        cmocka_unit_test_setup(test_enableuuid, setup),
        cmocka_unit_test_setup(test_enableuuid_at_scale, setup),
        cmocka_unit_test_setup(test_scsi_id_unique, setup),
        cmocka_unit_test_setup(test_os_release, setup),
        cmocka_unit_test_setup(test_platform_resources, setup),
        cmocka_unit_test_setup(test_strict_and_ignore, setup),
        cmocka_unit_test_setup(test_pending_reads_journal, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
