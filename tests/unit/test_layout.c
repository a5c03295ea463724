/* layout_plan: the layout of mt-agent(8) plan, the RHEL 6 swap rule, shrinking on small
 * disks, the msdos 2 TiB limit, and the three renderings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "layout.h"

#define MIB LAYOUT_MIB
#define GIB (1024 * LAYOUT_MIB)

static struct layout_policy defaults(void)
{
    struct mt_config cfg;
    struct layout_policy p;
    config_defaults(&cfg);
    layout_policy_from_config(&cfg, &p);
    return p;
}

/* Partitions are contiguous from one alignment unit, aligned, and end within the usable area. */
static void assert_well_formed(const struct layout_plan *plan)
{
    uint64_t at = plan->align_mib;
    size_t i;

    assert_int_equal(plan->n_parts, 4);
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        assert_int_equal(p->number, (int)i + 1);
        assert_int_equal(p->start_mib, at);
        assert_int_equal(p->size_mib % plan->align_mib, 0);
        assert_true(p->size_mib >= p->min_mib);
        at += p->size_mib;
    }
    assert_int_equal(at, plan->usable_mib);
    assert_true(at * MIB <= plan->disk_bytes);
    assert_true(at * MIB <= LAYOUT_MSDOS_LIMIT_BYTES);
}

static void test_swap_rule(void **state)
{
    (void)state;
    assert_int_equal(layout_swap_rule_mib(1024), 2048);
    assert_int_equal(layout_swap_rule_mib(2048), 4096);   /* <= 2 GiB: twice */
    assert_int_equal(layout_swap_rule_mib(2049), 2049);   /* above: equal */
    assert_int_equal(layout_swap_rule_mib(6144), 6144);
    assert_int_equal(layout_swap_rule_mib(8192), 8192);
    assert_int_equal(layout_swap_rule_mib(8193), 4096);   /* above 8 GiB: half */
    assert_int_equal(layout_swap_rule_mib(16384), 8192);
    assert_int_equal(layout_swap_rule_mib(65536), 32768);
    assert_int_equal(layout_swap_rule_mib(65537), 4096);  /* above 64 GiB: 4 GiB */
    assert_int_equal(layout_swap_rule_mib(131072), 4096);
}

static void test_default_100g_6g(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    (void)state;

    assert_int_equal(layout_plan(100 * GIB, 6 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_string_equal(plan.parts[0].mount, "/");
    assert_string_equal(plan.parts[0].label, "MT_ROOT");
    assert_true(plan.parts[0].boot);
    assert_int_equal(plan.parts[0].size_mib, 40960);
    assert_string_equal(plan.parts[1].mount, "/var/crash");
    assert_string_equal(plan.parts[1].label, "MT_CRASH");
    assert_int_equal(plan.parts[1].size_mib, 7168);       /* RAM + 1 GiB */
    assert_string_equal(plan.parts[2].fstype, "swap");
    assert_string_equal(plan.parts[2].label, "MT_SWAP");
    assert_int_equal(plan.parts[2].size_mib, 6144);       /* RAM (2-8 GiB) */
    assert_string_equal(plan.parts[3].mount, "/home");
    assert_string_equal(plan.parts[3].label, "MT_HOME");
    assert_int_equal(plan.parts[3].size_mib, 102400 - 1 - 40960 - 7168 - 6144);
    assert_false(plan.parts[1].boot || plan.parts[2].boot || plan.parts[3].boot);
    assert_int_equal(plan.n_notes, 0);
    assert_false(plan.truncated);
}

/* Every disk and RAM size of the acceptance matrix: either a well-formed plan
 * whose sizes follow the policy, or ENOSPC naming the numbers. */
static void test_matrix(void **state)
{
    static const uint64_t disks_gib[] = {25, 100, 1024};
    static const uint64_t rams_gib[] = {1, 6, 16, 128};
    struct layout_policy pol = defaults();
    size_t d, r;
    (void)state;

    for (d = 0; d < 3; d++)
        for (r = 0; r < 4; r++) {
            struct layout_plan plan;
            struct mt_err err = {0, ""};
            int rc = layout_plan(disks_gib[d] * GIB, rams_gib[r] * GIB, &pol, &plan, &err);
            uint64_t ram = rams_gib[r] * 1024;
            if (disks_gib[d] == 25 && rams_gib[r] > 1) {
                assert_int_equal(rc, -ENOSPC);
                assert_non_null(strstr(err.msg, "too small"));
                assert_non_null(strstr(err.msg, "needs at least"));
                continue;
            }
            assert_int_equal(rc, 0);
            assert_well_formed(&plan);
            if (disks_gib[d] >= 1024) { /* everything fits: nothing shrunk */
                uint64_t crash = ram + 1024 < 2048 ? 2048 : ram + 1024;
                assert_int_equal(plan.parts[0].size_mib, 40960);
                assert_int_equal(plan.parts[1].size_mib, crash);
                assert_int_equal(plan.parts[2].size_mib, layout_swap_rule_mib(ram));
                assert_int_equal(plan.n_notes, 0);
            }
        }
}

static void test_shrink_order(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    (void)state;

    /* 25 GiB, 1 GiB RAM: root down to 20 GiB, then swap loses the last MiB */
    assert_int_equal(layout_plan(25 * GIB, 1 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(plan.parts[0].size_mib, 20480);
    assert_int_equal(plan.parts[1].size_mib, 2048);
    assert_int_equal(plan.parts[2].size_mib, 2047);
    assert_int_equal(plan.parts[3].size_mib, 1024);
    assert_int_equal(plan.n_notes, 2);
    assert_non_null(strstr(plan.notes[0], "/ shrunk from 40960 MiB to 20480 MiB"));

    /* 50 GiB, 6 GiB RAM: root alone absorbs it */
    assert_int_equal(layout_plan(50 * GIB, 6 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(plan.parts[0].size_mib, 51200 - 1 - 7168 - 6144 - 1024);
    assert_int_equal(plan.parts[2].size_mib, 6144);
    assert_int_equal(plan.n_notes, 1);

    /* 100 GiB, 128 GiB RAM: root, swap to half, /var/crash takes what is left */
    assert_int_equal(layout_plan(100 * GIB, 128 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(plan.parts[0].size_mib, 20480);
    assert_int_equal(plan.parts[2].size_mib, 2048);
    assert_int_equal(plan.parts[1].size_mib, 102400 - 1 - 20480 - 2048 - 1024);
    assert_int_equal(plan.n_notes, 3);

    /* a configured swap size is never shrunk */
    pol.swap_mib = 3000;
    assert_int_equal(layout_plan(30 * GIB, 1 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(plan.parts[2].size_mib, 3000);
    assert_int_equal(plan.parts[0].size_mib, 30720 - 1 - 2048 - 3000 - 1024);
    assert_int_equal(layout_plan(25 * GIB, 1 * GIB, &pol, &plan, &err), -ENOSPC);
}

static void test_too_small(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    (void)state;

    assert_int_equal(layout_plan(25 * GIB, 6 * GIB, &pol, &plan, &err), -ENOSPC);
    assert_non_null(strstr(err.msg, "disk of 25600 MiB"));
    assert_non_null(strstr(err.msg, "at least 26625 MiB"));
    assert_non_null(strstr(err.msg, "1025 MiB more"));
    assert_int_equal(layout_plan(0, 6 * GIB, &pol, &plan, &err), -ENOSPC);
    assert_int_equal(layout_plan(10 * MIB, 1 * GIB, &pol, &plan, &err), -ENOSPC);
    /* exactly the minimum fits; one MiB less does not */
    assert_int_equal(layout_plan((20480 + 2048 + 1024 + 1024 + 1) * MIB, 1 * GIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(layout_plan((20480 + 2048 + 1024 + 1024) * MIB, 1 * GIB, &pol, &plan, &err), -ENOSPC);
}

static void test_msdos_limit(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    char *ks;
    (void)state;

    assert_int_equal(layout_plan(2048 * GIB, 6 * GIB, &pol, &plan, &err), 0); /* exactly 2 TiB: fits */
    assert_false(plan.truncated);
    assert_well_formed(&plan);
    assert_int_equal(layout_plan(3072 * GIB + 12345, 6 * GIB, &pol, &plan, &err), 0);
    assert_true(plan.truncated);
    assert_well_formed(&plan);
    assert_int_equal(plan.usable_mib * MIB, LAYOUT_MSDOS_LIMIT_BYTES);
    assert_int_equal(plan.n_notes, 1);
    assert_non_null(strstr(plan.notes[0], "only the first 2 TiB"));
    ks = layout_render_kickstart(&plan, "/dev/sdb");
    assert_non_null(ks);
    assert_non_null(strstr(ks, "--grow --maxsize="));
    assert_non_null(strstr(ks, "# note: "));
    free(ks);
}

static void test_alignment(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    (void)state;

    pol.align_mib = 4;
    pol.root_mib = 40961; /* rounded up to the alignment */
    assert_int_equal(layout_plan(100 * GIB + 3 * MIB + 77, 6 * GIB + 5 * MIB, &pol, &plan, &err), 0);
    assert_well_formed(&plan);
    assert_int_equal(plan.parts[0].start_mib, 4);
    assert_int_equal(plan.parts[0].size_mib, 40964);
    pol.align_mib = 0;
    assert_int_equal(layout_plan(100 * GIB, 6 * GIB, &pol, &plan, &err), -EINVAL);
    pol = defaults();
    pol.root_min_mib = pol.root_mib + 1;
    assert_int_equal(layout_plan(100 * GIB, 6 * GIB, &pol, &plan, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "root_min_mib"));
    pol = defaults();
    assert_int_equal(layout_plan(100 * GIB, 0, &pol, &plan, &err), -EINVAL);
}

static void test_kickstart(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    char *ks;
    (void)state;

    assert_int_equal(layout_plan(100 * GIB, 6 * GIB, &pol, &plan, &err), 0);
    ks = layout_render_kickstart(&plan, "/dev/sda");
    assert_non_null(ks);
    assert_non_null(strstr(ks, "part / --fstype=ext4 --size=40960 --ondisk=sda --asprimary --label=MT_ROOT\n"));
    assert_non_null(strstr(ks, "part /var/crash --fstype=ext4 --size=7168 --ondisk=sda --asprimary --label=MT_CRASH\n"));
    assert_non_null(strstr(ks, "part swap --fstype=swap --size=6144 --ondisk=sda --asprimary --label=MT_SWAP\n"));
    assert_non_null(strstr(ks, "part /home --fstype=ext4 --size=1024 --grow --ondisk=sda --asprimary --label=MT_HOME\n"));
    /* /home is the last line */
    assert_true(strstr(ks, "part /home") > strstr(ks, "part swap"));
    assert_null(strstr(ks, "--maxsize"));
    free(ks);
}

static void test_text_and_json(void **state)
{
    struct layout_policy pol = defaults();
    struct layout_plan plan;
    struct mt_err err = {0, ""};
    json_object *j, *parts, *v;
    char *t;
    (void)state;

    assert_int_equal(layout_plan(25 * GIB, 1 * GIB, &pol, &plan, &err), 0);
    t = layout_render_text(&plan, "/dev/sda");
    assert_non_null(t);
    assert_non_null(strstr(t, "MT_ROOT"));
    assert_non_null(strstr(t, "boot"));
    assert_non_null(strstr(t, "note: / shrunk"));
    free(t);
    j = layout_plan_to_json(&plan, "/dev/sda");
    assert_true(json_object_object_get_ex(j, "partitions", &parts));
    assert_int_equal(json_object_array_length(parts), 4);
    assert_true(json_object_object_get_ex(json_object_array_get_idx(parts, 2), "size_bytes", &v));
    assert_int_equal((uint64_t)json_object_get_int64(v), 2047 * MIB);
    assert_true(json_object_object_get_ex(json_object_array_get_idx(parts, 0), "start_bytes", &v));
    assert_int_equal((uint64_t)json_object_get_int64(v), MIB);
    assert_true(json_object_object_get_ex(j, "notes", &v));
    assert_int_equal(json_object_array_length(v), 2);
    json_object_put(j);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_swap_rule),    cmocka_unit_test(test_default_100g_6g),
        cmocka_unit_test(test_matrix),       cmocka_unit_test(test_shrink_order),
        cmocka_unit_test(test_too_small),    cmocka_unit_test(test_msdos_limit),
        cmocka_unit_test(test_alignment),    cmocka_unit_test(test_kickstart),
        cmocka_unit_test(test_text_and_json),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
