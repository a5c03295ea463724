/* The hosts file of mt-image pxe/iso --hosts (image/hosts.h): the CSV decisions
 * (BOM, CRLF, blanks, quotes, comments), each malformed field, each duplicate, each
 * missing column, named FILE:LINE and field; the kernel arguments and the pxelinux
 * name rendered from a host; the dnsmasq configuration (dnsmasq --test is its oracle
 * in tests/integration/64-hosts.sh and run by dnsmasq in 65-dnsmasq-dhcp.sh). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hosts.h"

#define HDR "mac,hostname,ip,netmask,gateway,dns,disk\n"
#define ROW1 "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,10.0.0.1,10.0.0.2,sdb\n"
#define ROW2 "52:54:00:12:34:02,mt02.example.com,10.0.0.12,255.255.255.0,,,\n"

static int parse(const char *text, struct hosts *h, struct mt_err *err)
{
    memset(err, 0, sizeof(*err));
    return hosts_parse(text, strlen(text), "hosts.csv", h, err);
}

static void test_good(void **state)
{
    struct hosts h;
    struct mt_err err;
    (void)state;

    assert_int_equal(parse(HDR ROW1 ROW2, &h, &err), 0);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.v[0].mac, "52:54:00:12:34:01");
    assert_string_equal(h.v[0].hostname, "mt01");
    assert_string_equal(h.v[0].ip, "10.0.0.11");
    assert_string_equal(h.v[0].netmask, "255.255.255.0");
    assert_string_equal(h.v[0].gateway, "10.0.0.1");
    assert_string_equal(h.v[0].dns, "10.0.0.2");
    assert_string_equal(h.v[0].disk, "sdb");
    assert_int_equal(h.v[0].line, 2);
    assert_string_equal(h.v[1].gateway, "");
    assert_string_equal(h.v[1].dns, "");
    assert_string_equal(h.v[1].disk, "");
    assert_int_equal(h.v[1].line, 3);
    hosts_free(&h);
}

/* BOM, CRLF, blanks around fields, quoted fields ("" inside), comments and empty
 * lines, columns in another order and case, '-' MAC in upper case, /dev/ disk,
 * three DNS servers separated three ways. */
static void test_format_decisions(void **state)
{
    static const char text[] =
        "\xef\xbb\xbf# fleet of the Lisbon site\r\n"
        "\r\n"
        " Hostname , MAC,ip,netmask,gateway,dns,disk\r\n"
        "  mt01 ,52-54-00-AB-CD-EF, 10.1.0.5 ,255.255.0.0,\"10.1.0.1\",\"10.1.0.2,10.1.0.3; 10.1.0.4\",/dev/vda\r\n"
        "   # a comment line between rows\r\n"
        "\"mt02\",52:54:00:ab:cd:f0,10.1.0.6,255.255.0.0,,10.1.0.2 10.1.0.3,nvme0n1";
    struct hosts h;
    struct mt_err err;
    char args[512];
    (void)state;

    assert_int_equal(parse(text, &h, &err), 0);
    assert_int_equal(h.n, 2);
    assert_string_equal(h.v[0].mac, "52:54:00:ab:cd:ef");
    assert_string_equal(h.v[0].hostname, "mt01");
    assert_string_equal(h.v[0].ip, "10.1.0.5");
    assert_string_equal(h.v[0].gateway, "10.1.0.1");
    assert_string_equal(h.v[0].dns, "10.1.0.2,10.1.0.3,10.1.0.4");
    assert_string_equal(h.v[0].disk, "vda");
    assert_int_equal(h.v[0].line, 4);
    assert_string_equal(h.v[1].hostname, "mt02");
    assert_string_equal(h.v[1].dns, "10.1.0.2,10.1.0.3");
    assert_string_equal(h.v[1].disk, "nvme0n1");
    assert_int_equal(h.v[1].line, 6);
    assert_int_equal(hosts_kernel_args(&h.v[0], args, sizeof(args)), 0);
    assert_string_equal(args, "ip=10.1.0.5 netmask=255.255.0.0 gateway=10.1.0.1 dns=10.1.0.2,10.1.0.3,10.1.0.4 "
                              "hostname=mt01 mt.disk=vda");
    assert_int_equal(hosts_kernel_args(&h.v[0], args, 20), -ENAMETOOLONG);
    hosts_free(&h);
}

/* Each bad input: the message names FILE:LINE and the field. */
struct bad {
    const char *text;
    const char *want; /* substring of the message */
};

static const struct bad BAD[] = {
    /* malformed MACs */
    {HDR "52:54:00:12:34,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac': '52:54:00:12:34' is not a MAC"},
    {HDR "52:54:00:12:34:0g,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac'"},
    {HDR "52:54-00:12:34:01,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac'"},
    {HDR "525400123401,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac'"},
    {HDR "01:00:5e:00:00:01,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac': '01:00:5e:00:00:01' is a multicast"},
    {HDR "00:00:00:00:00:00,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac': '00:00:00:00:00:00' is the all-zero"},
    /* malformed host names */
    {HDR "52:54:00:12:34:01,mt_01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname': 'mt_01'"},
    {HDR "52:54:00:12:34:01,-mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname'"},
    {HDR "52:54:00:12:34:01,mt01-,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname'"},
    {HDR "52:54:00:12:34:01,mt..example,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname'"},
    {HDR "52:54:00:12:34:01,10.0.0.11,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname': '10.0.0.11' is not a host name (its last label is all digits"},
    {HDR "52:54:00:12:34:01,mt 01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname'"},
    /* malformed addresses */
    {HDR "52:54:00:12:34:01,mt01,10.0.0.256,255.255.255.0,,,\n", "hosts.csv:2: field 'ip': '10.0.0.256' is not an IPv4"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0,255.255.255.0,,,\n", "hosts.csv:2: field 'ip'"},
    {HDR "52:54:00:12:34:01,mt01,fe80::1,255.255.255.0,,,\n", "hosts.csv:2: field 'ip'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.0,255.255.255.0,,,\n", "hosts.csv:2: field 'ip': '10.0.0.0' is its subnet's network"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.255,255.255.255.0,,,\n", "hosts.csv:2: field 'ip': '10.0.0.255' is its subnet's network or broadcast"},
    {HDR "52:54:00:12:34:01,mt01,127.0.0.5,255.0.0.0,,,\n", "hosts.csv:2: field 'ip': '127.0.0.5' is not a host address"},
    {HDR "52:54:00:12:34:01,mt01,224.0.0.5,255.255.255.0,,,\n", "hosts.csv:2: field 'ip'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.0.255.0,,,\n", "hosts.csv:2: field 'netmask': '255.0.255.0' is not a netmask (contiguous"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,24,,,\n", "hosts.csv:2: field 'netmask': '24'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,0.0.0.0,,,\n", "hosts.csv:2: field 'netmask'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,10.0.1.1,,\n", "hosts.csv:2: field 'gateway': '10.0.1.1' is outside the host's subnet"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,10.0.0.11,,\n", "hosts.csv:2: field 'gateway': '10.0.0.11' is the host's own address"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,gw,,\n", "hosts.csv:2: field 'gateway': 'gw'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,dns.example.com,\n", "hosts.csv:2: field 'dns': 'dns.example.com'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,1.1.1.1;2.2.2.2;3.3.3.3;4.4.4.4,\n", "hosts.csv:2: field 'dns': '1.1.1.1;2.2.2.2;3.3.3.3;4.4.4.4' names more than 3"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,,/dev/disk/by-id/x\n", "hosts.csv:2: field 'disk': '/dev/disk/by-id/x'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,,sdb;reboot\n", "hosts.csv:2: field 'disk'"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,,SDB\n", "hosts.csv:2: field 'disk'"},
    /* required fields left empty */
    {HDR ",mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'mac' is empty"},
    {HDR "52:54:00:12:34:01,,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: field 'hostname' is empty"},
    {HDR "52:54:00:12:34:01,mt01,,255.255.255.0,,,\n", "hosts.csv:2: field 'ip' is empty"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,,,,\n", "hosts.csv:2: field 'netmask' is empty"},
    /* duplicates: MAC without regard to case or separator, hostname without regard to case, IP */
    {HDR ROW1 "52-54-00-12-34-01,mt03,10.0.0.13,255.255.255.0,,,\n", "hosts.csv:3: field 'mac': 52:54:00:12:34:01 is already the MAC of mt01 (line 2)"},
    {HDR ROW1 "52:54:00:12:34:0A,mt03,10.0.0.13,255.255.255.0,,,\n52:54:00:12:34:0a,mt04,10.0.0.14,255.255.255.0,,,\n", "hosts.csv:4: field 'mac': 52:54:00:12:34:0a is already the MAC of mt03 (line 3)"},
    {HDR ROW1 "52:54:00:12:34:03,MT01,10.0.0.13,255.255.255.0,,,\n", "hosts.csv:3: field 'hostname': MT01 is already the name of line 2"},
    {HDR ROW1 "# comment\n52:54:00:12:34:03,mt03,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:4: field 'ip': 10.0.0.11 is already the address of mt01 (line 2)"},
    /* missing columns: in the header, in a row */
    {"mac,hostname,ip,netmask,gateway,dns\n" "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,\n", "hosts.csv:1: header: the column 'disk' is missing"},
    {"mac,hostname,ip,gateway,dns,disk\n", "hosts.csv:1: header: the column 'netmask' is missing"},
    {"mac,hostname,ip,netmask,gateway,dns,disk,rack\n", "hosts.csv:1: header: unknown column 'rack'"},
    {"mac,hostname,ip,netmask,gateway,dns,disk,mac\n", "hosts.csv:1: header: the column 'mac' is named twice"},
    {"52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:1: header: unknown column '52:54:00:12:34:01' (the first line must name"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,10.0.0.1\n", "hosts.csv:2: field 'dns' is missing: the line has 5 fields, the header 7"},
    {HDR ROW1 "52:54:00:12:34:02,mt02\n", "hosts.csv:3: field 'ip' is missing"},
    {HDR "52:54:00:12:34:01,mt01,10.0.0.11,255.255.255.0,,10.0.0.2,10.0.0.3,sdb\n", "hosts.csv:2: 8 fields, the header names 7"},
    /* CSV syntax */
    {HDR "52:54:00:12:34:01,\"mt01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: a quoted field is not closed on its line"},
    {HDR "52:54:00:12:34:01,mt\"01,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: a double quote inside an unquoted field"},
    {HDR "52:54:00:12:34:01,\"mt01\"x,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: text after a quoted field"},
    {HDR "52:54:00:12:34:01,mt01\r\r,10.0.0.11,255.255.255.0,,,\n", "hosts.csv:2: a control character"},
    /* empty files */
    {"", "hosts.csv: empty: no header line; its first line must name the columns"},
    {"# only a comment\n\n", "hosts.csv: empty: no header line"},
    {HDR, "hosts.csv: names no host"},
};

static void test_bad(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < sizeof(BAD) / sizeof(BAD[0]); i++) {
        struct hosts h;
        struct mt_err err;
        int r = parse(BAD[i].text, &h, &err);
        if (r != -EINVAL || !strstr(err.msg, BAD[i].want)) {
            fprintf(stderr, "case %zu: got %d '%s', want -EINVAL '%s'\n", i, r, err.msg, BAD[i].want);
            fail();
        }
        assert_int_equal(h.n, 0);
        assert_null(h.v);
    }
}

static void test_nul_refused(void **state)
{
    static const char text[] = HDR "52:54:00:12:34:01,mt01\0,10.0.0.11,255.255.255.0,,,\n";
    struct hosts h;
    struct mt_err err = {0};
    (void)state;

    assert_int_equal(hosts_parse(text, sizeof(text) - 1, "hosts.csv", &h, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "hosts.csv: holds a NUL byte"));
}

static void test_find_and_names(void **state)
{
    struct hosts h;
    struct mt_err err;
    char name[21];
    (void)state;

    assert_int_equal(parse(HDR ROW1 ROW2, &h, &err), 0);
    assert_ptr_equal(hosts_find(&h, "MT02.example.COM"), &h.v[1]);
    assert_ptr_equal(hosts_find(&h, "52-54-00-12-34-01"), &h.v[0]);
    assert_ptr_equal(hosts_find(&h, "52:54:00:12:34:01"), &h.v[0]);
    assert_null(hosts_find(&h, "mt03"));
    assert_null(hosts_find(&h, "mt02"));
    hosts_pxelinux_name(&h.v[0], name);
    assert_string_equal(name, "01-52-54-00-12-34-01");
    hosts_free(&h);
}

static void test_append_conflict(void **state)
{
    (void)state;
    assert_null(hosts_append_conflict("console=ttyS0 noipv6 hostnamefoo=1"));
    assert_null(hosts_append_conflict(""));
    assert_string_equal(hosts_append_conflict("console=ttyS0 ip=10.0.0.9"), "ip=");
    assert_string_equal(hosts_append_conflict("  mt.disk=sdc"), "mt.disk=");
    assert_string_equal(hosts_append_conflict("hostname=x"), "hostname=");
    assert_null(hosts_append_conflict("xip=1 vip=2"));
    assert_string_equal(hosts_append_conflict("ksdevice=eth1"), "ksdevice=");
}

static void test_dnsmasq(void **state)
{
    static const char text[] = HDR ROW1 ROW2 "52:54:00:12:34:03,mt03,192.168.7.20,255.255.255.0,192.168.7.1,,\n";
    struct hosts h;
    struct mt_err err;
    char *conf = NULL;
    (void)state;

    assert_int_equal(parse(text, &h, &err), 0);
    assert_int_equal(hosts_dnsmasq_conf(&h, "/srv/pxe/tftp", "header", &conf, &err), 0);
    assert_non_null(strstr(conf, "# header\n"));
    assert_non_null(strstr(conf, "\nenable-tftp\ntftp-root=/srv/pxe/tftp\ndhcp-boot=pxelinux.0\n"));
    /* one static range per subnet, in order */
    assert_non_null(strstr(conf, "\ndhcp-range=10.0.0.0,static,255.255.255.0\n"
                                 "dhcp-range=192.168.7.0,static,255.255.255.0\n"));
    assert_non_null(strstr(conf, "\ndhcp-host=52:54:00:12:34:01,net:mt-host1,10.0.0.11,mt01\n"
                                 "dhcp-option=net:mt-host1,3,10.0.0.1\n"
                                 "dhcp-option=net:mt-host1,6,10.0.0.2\n"));
    /* no gateway, no DNS: empty options, so dnsmasq does not offer itself */
    assert_non_null(strstr(conf, "\ndhcp-host=52:54:00:12:34:02,net:mt-host2,10.0.0.12,mt02.example.com\n"
                                 "dhcp-option=net:mt-host2,3\n"
                                 "dhcp-option=net:mt-host2,6\n"));
    free(conf);
    conf = NULL;
    assert_int_equal(hosts_dnsmasq_conf(&h, "/srv/my pxe/tftp", NULL, &conf, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "/srv/my pxe/tftp: dnsmasq cannot"));
    assert_int_equal(hosts_dnsmasq_conf(&h, "/srv/a,b/tftp", NULL, &conf, &err), -EINVAL);
    assert_int_equal(hosts_dnsmasq_conf(&h, "srv/tftp", NULL, &conf, &err), -EINVAL);
    assert_int_equal(hosts_dnsmasq_conf(&h, "/srv/#/tftp", NULL, &conf, &err), -EINVAL);
    assert_null(conf);
    hosts_free(&h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_format_decisions),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_nul_refused),
        cmocka_unit_test(test_find_and_names),
        cmocka_unit_test(test_append_conflict),
        cmocka_unit_test(test_dnsmasq),
    };
    return cmocka_run_group_tests_name("hosts", tests, NULL, NULL);
}
