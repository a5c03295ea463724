/* ovf: the OVA descriptor's checks and rendering, the manifest and certificate
 * lines (image/ovf.c, pure). The descriptor's meaning is checked by an
 * independent reader in tests/integration/62-mt-image-ova.sh; here: the limits,
 * the escaping, and the exact line formats. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ovf.h"

#define HEX_LEN 64

static struct ovf_spec spec(void)
{
    struct ovf_spec s;

    memset(&s, 0, sizeof(s));
    s.name = "master-target";
    s.network = OVF_DEFAULT_NETWORK;
    s.iso_href = "master-target.iso";
    s.iso_size = 123456789;
    s.cpus = OVF_DEFAULT_CPUS;
    s.memory_mib = OVF_DEFAULT_MEMORY_MIB;
    s.os_disk_gib = OVF_DEFAULT_OS_DISK_GIB;
    s.retention_gib = OVF_DEFAULT_RETENTION_GIB;
    return s;
}

static int check(const struct ovf_spec *s, const char *want_in_msg)
{
    struct mt_err err = {0};
    int r = ovf_spec_check(s, &err);

    if (want_in_msg) {
        assert_int_equal(r, -EINVAL);
        if (!strstr(err.msg, want_in_msg))
            fail_msg("message '%s' lacks '%s'", err.msg, want_in_msg);
    }
    return r;
}

static void test_defaults_pass(void **state)
{
    struct ovf_spec s = spec();

    (void)state;
    assert_int_equal(check(&s, NULL), 0);
}

static void test_cpu_and_memory_limits(void **state)
{
    struct ovf_spec s = spec();

    (void)state;
    s.cpus = 1;
    assert_int_equal(check(&s, NULL), 0);
    s.cpus = OVF_MAX_CPUS;
    assert_int_equal(check(&s, NULL), 0);
    s.cpus = 0;
    check(&s, "--cpus 0");
    s.cpus = OVF_MAX_CPUS + 1;
    check(&s, "--cpus");
    s = spec();
    s.memory_mib = OVF_MIN_MEMORY_MIB;
    assert_int_equal(check(&s, NULL), 0);
    s.memory_mib = OVF_MIN_MEMORY_MIB - 4;
    check(&s, "--memory-mib");
    s.memory_mib = OVF_DEFAULT_MEMORY_MIB + 1;
    check(&s, "multiple of 4");
    s.memory_mib = OVF_MAX_MEMORY_MIB + 4;
    check(&s, "--memory-mib");
    s = spec();
    s.retention_gib = 0;
    check(&s, "--retention-gib 0");
    s.retention_gib = OVF_MAX_DISK_GIB + 1;
    check(&s, "--retention-gib");
}

/* The OS disk's minimum is the layout's, and depends on the memory (swap and
 * /var/crash grow with it): find it with layout_plan and check both sides. */
static void test_os_disk_follows_the_layout(void **state)
{
    struct ovf_spec s = spec();
    unsigned small_ram_min = 0, big_ram_min = 0, g;

    (void)state;
    for (g = 1; g < 200 && !small_ram_min; g++) {
        s.os_disk_gib = g;
        if (ovf_spec_check(&s, NULL) == 0)
            small_ram_min = g;
    }
    s.memory_mib = 64 * 1024;
    for (g = 1; g < 200 && !big_ram_min; g++) {
        s.os_disk_gib = g;
        if (ovf_spec_check(&s, NULL) == 0)
            big_ram_min = g;
    }
    assert_true(small_ram_min > 1 && big_ram_min > small_ram_min);
    /* at least root's minimum (20 GiB) plus /home's (1 GiB) */
    assert_true(small_ram_min >= 21);
    s.memory_mib = OVF_DEFAULT_MEMORY_MIB;
    s.os_disk_gib = small_ram_min - 1;
    check(&s, "too small for the OS disk layout with 6144 MiB");
    s.memory_mib = 64 * 1024;
    s.os_disk_gib = small_ram_min;
    check(&s, "--os-disk-gib");
}

static void test_names(void **state)
{
    static const char *const bad[] = {"", ".hidden", "-x", "a/b", "a b", "../x", "a\nb", "é", NULL};
    char longest[OVF_NAME_MAX + 2];
    struct ovf_spec s = spec();
    size_t i;

    (void)state;
    memset(longest, 'a', OVF_NAME_MAX);
    longest[OVF_NAME_MAX] = '\0';
    s.name = longest;
    assert_int_equal(check(&s, NULL), 0);
    longest[OVF_NAME_MAX] = 'a';
    longest[OVF_NAME_MAX + 1] = '\0';
    check(&s, "--name");
    s.name = "mt-01_a.b";
    assert_int_equal(check(&s, NULL), 0);
    for (i = 0; bad[i]; i++) {
        s.name = bad[i];
        check(&s, "--name");
    }
    s = spec();
    s.network = "bad\tname";
    check(&s, "--network");
    s.network = "";
    check(&s, "--network");
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (; (hay = strstr(hay, needle)) != NULL; hay++)
        n++;
    return n;
}

static void test_render(void **state)
{
    struct ovf_spec s = spec();
    char *x, buf[128], *c0, *c1;
    size_t len;

    (void)state;
    s.network = "A&B <\"DR\"> 'x'";
    s.generator = "mt-image 0.1.0 ova: from /tmp/a--b---c.iso-";
    s.cpus = 6;
    s.memory_mib = 12288;
    s.os_disk_gib = 150;
    s.retention_gib = 3000;
    assert_int_equal(ovf_render(&s, &x, &len), 0);
    assert_int_equal(strlen(x), len);
    /* the network name, escaped, in the NetworkSection and on the NIC */
    assert_int_equal(count(x, "A&amp;B &lt;&quot;DR&quot;&gt; &apos;x&apos;"), 2);
    assert_null(strstr(x, "A&B"));
    /* the comment has no "--" inside it */
    c0 = strstr(x, "<!--");
    assert_non_null(c0);
    c1 = strstr(c0 + 4, "-->");
    assert_non_null(c1);
    *c1 = '\0';
    assert_null(strstr(c0 + 4, "--"));
    *c1 = '-';
    snprintf(buf, sizeof(buf), "<rasd:VirtualQuantity>%u</rasd:VirtualQuantity>", s.cpus);
    assert_non_null(strstr(x, buf));
    snprintf(buf, sizeof(buf), "<rasd:VirtualQuantity>%u</rasd:VirtualQuantity>", s.memory_mib);
    assert_non_null(strstr(x, buf));
    snprintf(buf, sizeof(buf), "ovf:capacity=\"%u\"", s.os_disk_gib);
    assert_non_null(strstr(x, buf));
    snprintf(buf, sizeof(buf), "ovf:capacity=\"%u\"", s.retention_gib);
    assert_non_null(strstr(x, buf));
    snprintf(buf, sizeof(buf), "ovf:href=\"%s\" ovf:id=\"installer_iso\" ovf:size=\"%llu\"", s.iso_href,
             (unsigned long long)s.iso_size);
    assert_non_null(strstr(x, buf));
    /* the disks carry no content: no fileRef anywhere */
    assert_null(strstr(x, "fileRef"));
    assert_int_equal(count(x, "<Item>"), 8);
    free(x);
}

static void test_manifest_line(void **state)
{
    char hex[HEX_LEN + 1], buf[200], tiny[20];
    int n;

    (void)state;
    memset(hex, 'a', HEX_LEN);
    hex[HEX_LEN] = '\0';
    n = ovf_manifest_line(buf, sizeof(buf), "x.ovf", hex);
    assert_int_equal(n, (int)strlen(buf));
    assert_string_equal(buf, "SHA256(x.ovf)= aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n");
    assert_int_equal(ovf_manifest_line(tiny, sizeof(tiny), "x.ovf", hex), -ENOSPC);
}

static void test_cert_text(void **state)
{
    static const unsigned char sig[] = {0x00, 0xff, 0x10, 0xab};
    size_t len;
    char *t;

    (void)state;
    t = ovf_cert_text("mt.mf", sig, sizeof(sig), "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
                      &len);
    assert_non_null(t);
    assert_string_equal(t, "SHA256(mt.mf)= 00ff10ab\n-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
    assert_int_equal(len, strlen(t));
    free(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_pass),
        cmocka_unit_test(test_cpu_and_memory_limits),
        cmocka_unit_test(test_os_disk_follows_the_layout),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_manifest_line),
        cmocka_unit_test(test_cert_text),
    };
    return cmocka_run_group_tests_name("ovf", tests, NULL, NULL);
}
