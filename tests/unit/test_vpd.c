/* VPD parser and scsi_id emulation: real pages (VMware's 16-byte NAA, qemu's
 * 8-byte NAA and vendor-specific fallback), and pages that lie about their
 * lengths, which must be "unreadable", never a crash. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "vpd.h"

/* ESXi, pvscsi disk of a VM with disk.EnableUUID = TRUE: one NAA 6 designator,
 * 16 bytes, IEEE company id 00:0c:29 (sg_vpd -p di on such a VM shows the same layout). */
static const uint8_t vmware_pg83[] = {
    0x00, 0x83, 0x00, 0x14,                         /* page 0x83, 20 bytes */
    0x01, 0x03, 0x00, 0x10,                         /* binary, LU, NAA, 16 bytes */
    0x60, 0x00, 0xc2, 0x93, 0x4c, 0x3f, 0xd0, 0xb5, 0x5b, 0x5e, 0x8e, 0x9f, 0x4c, 0x1d, 0x2a, 0x07,
};

/* qemu scsi-hd with wwn=0x6000c2912345678a and serial=6000c2912345678a9abcdef012345678:
 * the device id (serial cut to 20 characters) as a vendor-specific ASCII
 * designator, then the 8-byte NAA. */
static const uint8_t qemu_wwn_pg83[] = {
    0x00, 0x83, 0x00, 0x24,
    0x02, 0x00, 0x00, 0x14, '6', '0', '0', '0', 'c', '2', '9', '1', '2', '3', '4', '5', '6', '7', '8', 'a',
    '9', 'a', 'b', 'c',
    0x01, 0x03, 0x00, 0x08, 0x60, 0x00, 0xc2, 0x91, 0x23, 0x45, 0x67, 0x8a,
};

/* qemu scsi-hd without wwn or serial (like disk.EnableUUID = FALSE): only the
 * drive name as a vendor-specific designator. */
static const uint8_t qemu_plain_pg83[] = {
    0x00, 0x83, 0x00, 0x06, 0x02, 0x00, 0x00, 0x02, 'd', '1',
};

static const uint8_t qemu_pg80[] = {
    0x00, 0x80, 0x00, 0x20, '6', '0', '0', '0', 'c', '2', '9', '1', '2', '3', '4', '5', '6', '7', '8', 'a',
    '9', 'a', 'b', 'c', 'd', 'e', 'f', '0', '1', '2', '3', '4', '5', '6', '7', '8',
};

/* What vpd_udev_id gives: the id, or "" (then *rc says why). */
static const char *udev_id(const uint8_t *p83, size_t l83, const uint8_t *p80, size_t l80, const char *vendor,
                           const char *model, int *rc)
{
    static struct vpd_udev_id u;
    int r = vpd_udev_id(p83, l83, p80, l80, vendor, model, &u);
    if (rc)
        *rc = r;
    if (r == 0 && strlen(u.id) >= sizeof(u.id))
        fail_msg("id not terminated");
    return r == 0 ? u.id : "";
}

static void test_vmware_16byte_naa(void **state)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320], v[80];
    const struct vpd_designator *naa;
    (void)state;
    assert_int_equal(vpd_parse_pg83(vmware_pg83, sizeof(vmware_pg83), &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, 1);
    naa = vpd_find_naa(&pg);
    assert_non_null(naa);
    assert_int_equal(naa->len, 16);
    vpd_designator_value(naa, v, sizeof(v));
    assert_string_equal(v, "6000c2934c3fd0b55b5e8e9f4c1d2a07");
    assert_string_equal(udev_id(vmware_pg83, sizeof(vmware_pg83), NULL, 0, "VMware", "Virtual disk", NULL),
                        "36000c2934c3fd0b55b5e8e9f4c1d2a07");
    (void)id;
}

static void test_qemu_8byte_naa(void **state)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320], v[80], serial[64];
    const struct vpd_designator *naa;
    (void)state;
    assert_int_equal(vpd_parse_pg83(qemu_wwn_pg83, sizeof(qemu_wwn_pg83), &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, 2);
    assert_int_equal(pg.d[0].type, VPD_DESIG_VENDOR);
    assert_int_equal(pg.d[0].code_set, VPD_CS_ASCII);
    naa = vpd_find_naa(&pg);
    assert_non_null(naa);
    assert_int_equal(naa->len, 8);
    vpd_designator_value(naa, v, sizeof(v));
    assert_string_equal(v, "6000c2912345678a");
    vpd_designator_value(&pg.d[0], v, sizeof(v));
    assert_string_equal(v, "6000c2912345678a9abc");
    assert_int_equal(vpd_parse_pg80(qemu_pg80, sizeof(qemu_pg80), serial, sizeof(serial), why, sizeof(why)), 0);
    assert_string_equal(serial, "6000c2912345678a9abcdef012345678");
    /* the NAA wins over the vendor-specific designator listed first */
    assert_string_equal(udev_id(qemu_wwn_pg83, sizeof(qemu_wwn_pg83), qemu_pg80, sizeof(qemu_pg80), "VMware  ",
                                "Virtual disk    ", NULL),
                        "36000c2912345678a");
    (void)id;
}

static void test_vendor_specific_fallback(void **state)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    (void)state;
    assert_int_equal(vpd_parse_pg83(qemu_plain_pg83, sizeof(qemu_plain_pg83), &pg, why, sizeof(why)), 0);
    assert_null(vpd_find_naa(&pg));
    /* what /lib/udev/scsi_id -g -u prints in the qemu guest for this disk */
    assert_string_equal(udev_id(qemu_plain_pg83, sizeof(qemu_plain_pg83), NULL, 0, "VMware", "Virtual disk", NULL),
                        "0VMware_Virtual_disk_d1");
    assert_string_equal(
        udev_id(qemu_plain_pg83, sizeof(qemu_plain_pg83), NULL, 0, "VMware  ", "Virtual disk    ", NULL),
        "0VMware_Virtual_disk_d1");
    (void)id;
}

static void test_pg80_fallback_and_nothing(void **state)
{
    static const uint8_t empty83[] = {0x00, 0x83, 0x00, 0x00};
    static const uint8_t pg80[] = {0x00, 0x80, 0x00, 0x07, 'A', 'B', 'C', ' ', '1', '2', '3'};
    int rc;
    (void)state;
    /* page 0x83 without a usable designator: scsi_id falls back to page 0x80 */
    assert_string_equal(udev_id(empty83, sizeof(empty83), pg80, sizeof(pg80), "ATA", "Some Disk", NULL),
                        "SATA_Some_Disk_ABC_123");
    assert_string_equal(udev_id(NULL, 0, NULL, 0, "VMware", "Virtual disk", &rc), "");
    assert_int_equal(rc, -ENODATA);
    assert_string_equal(udev_id(empty83, sizeof(empty83), NULL, 0, "VMware", "Virtual disk", &rc), "");
    assert_int_equal(rc, -ENODATA);
}

static void test_priority_and_association(void **state)
{
    /* T10 (ASCII), an NAA 5 and an NAA 6 of the target port (ignored), an EUI-64:
     * scsi_id takes the LU-associated NAA 5 */
    static const uint8_t page[] = {
        0x00, 0x83, 0x00, 0x30,
        0x02, 0x01, 0x00, 0x08, 'A', 'T', 'A', ' ', ' ', ' ', ' ', 'X',
        0x61, 0x93, 0x00, 0x08, 0x60, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
        0x01, 0x02, 0x00, 0x08, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
        0x01, 0x03, 0x00, 0x08, 0x50, 0x00, 0xc5, 0x00, 0xaa, 0xbb, 0xcc, 0xdd,
    };
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    uint8_t p[sizeof(page)];
    const struct vpd_designator *naa;
    (void)state;
    assert_int_equal(vpd_parse_pg83(page, sizeof(page), &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, 4);
    assert_int_equal(pg.d[1].assoc, VPD_ASSOC_PORT);
    assert_true(pg.d[1].piv);
    naa = vpd_find_naa(&pg);
    assert_ptr_equal(naa, &pg.d[3]);
    assert_string_equal(udev_id(page, sizeof(page), NULL, 0, "ATA", "X", NULL), "35000c500aabbccdd");
    /* without the NAA (a shorter page length): EUI-64 before T10 */
    memcpy(p, page, sizeof(page));
    p[3] = 0x24;
    assert_string_equal(udev_id(p, 0x28, NULL, 0, "ATA", "X", NULL), "20011223344556677");
    p[3] = 0x18;
    assert_string_equal(udev_id(p, 0x1c, NULL, 0, "ATA", "X", NULL), "1ATA_X");
    (void)id;
}

static void test_unknown_types_kept(void **state)
{
    /* a reserved designator type 0xe and a code set 0x7: kept and named, not fatal */
    static const uint8_t page[] = {0x00, 0x83, 0x00, 0x08, 0x07, 0x0e, 0x00, 0x04, 1, 2, 3, 4};
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    (void)state;
    assert_int_equal(vpd_parse_pg83(page, sizeof(page), &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, 1);
    assert_string_equal(vpd_desig_type_name(pg.d[0].type), "reserved");
    assert_string_equal(vpd_desig_type_name(VPD_DESIG_NAA), "naa");
    assert_null(vpd_find_naa(&pg));
    assert_string_equal(udev_id(page, sizeof(page), NULL, 0, "V", "M", NULL), "");
    (void)id;
}

static void expect_unreadable83(const uint8_t *p, size_t len, const char *needle)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX] = "";
    assert_int_equal(vpd_parse_pg83(p, len, &pg, why, sizeof(why)), -EBADMSG);
    if (!strstr(why, needle))
        fail_msg("reason \"%s\" lacks \"%s\"", why, needle);
}

/* Decoded around, with a warning that names the fault. */
static void expect_warning83(const uint8_t *p, size_t len, size_t n, const char *needle)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX] = "";
    assert_int_equal(vpd_parse_pg83(p, len, &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, n);
    if (!strstr(pg.warning, needle))
        fail_msg("warning \"%s\" lacks \"%s\"", pg.warning, needle);
}

static void expect_udev_unknown(const uint8_t *p83, size_t l83, const uint8_t *p80, size_t l80, const char *needle)
{
    struct vpd_udev_id u;
    assert_int_equal(vpd_udev_id(p83, l83, p80, l80, "V", "M", &u), -EBADMSG);
    assert_string_equal(u.id, "");
    assert_string_equal(u.naa, "");
    if (!strstr(u.why, needle))
        fail_msg("reason \"%s\" lacks \"%s\"", u.why, needle);
}

static void test_lying_lengths(void **state)
{
    uint8_t p[sizeof(vmware_pg83)];
    struct vpd_udev_id u;
    size_t i;
    (void)state;
    expect_unreadable83(vmware_pg83, 3, "truncated");
    expect_unreadable83(vmware_pg83, 0, "truncated");
    /* page length says 20, 12 bytes arrived: the NAA is cut, scsi_id's id would rest on the rest */
    expect_warning83(vmware_pg83, 16, 0, "claims 20 bytes, only 12 received");
    expect_udev_unknown(vmware_pg83, 16, NULL, 0, "claims 20 bytes, only 12 received");
    /* a designator that says 0x30 bytes inside a 20-byte page: not listed; scsi_id
     * reads on into its zeroed buffer (what /lib/udev/scsi_id prints, see 21-vpd-shapes) */
    memcpy(p, vmware_pg83, sizeof(p));
    p[7] = 0x30;
    expect_warning83(p, sizeof(p), 0, "claims 48 bytes");
    assert_int_equal(vpd_udev_id(p, sizeof(p), NULL, 0, "V", "M", &u), 0);
    assert_int_equal(strlen(u.id), 1 + 2 * 0x30);
    assert_memory_equal(u.id, "36000c2934c3fd0b55b5e8e9f4c1d2a07", 33);
    for (i = 33; i < strlen(u.id); i++)
        assert_int_equal(u.id[i], '0');
    assert_string_equal(u.naa, u.id + 1);
    /* the page length leaves half a designator header: scsi_id reads the rest as zeros */
    {
        static const uint8_t half[] = {0x00, 0x83, 0x00, 0x02, 0x01, 0x03};
        expect_warning83(half, sizeof(half), 0, "2 bytes after the last designator");
        assert_string_equal(udev_id(half, sizeof(half), NULL, 0, "V", "M", NULL), "3");
    }
    /* wrong page: not a page 0x83; scsi_id ignores it and has nothing else */
    memcpy(p, vmware_pg83, sizeof(p));
    p[1] = 0x80;
    expect_unreadable83(p, sizeof(p), "page code 0x80");
    assert_int_equal(vpd_udev_id(p, sizeof(p), NULL, 0, "V", "M", &u), -ENODATA);
    assert_non_null(strstr(u.why, "page code 0x80"));
}

static void test_pg80_bad(void **state)
{
    static const uint8_t lying[] = {0x00, 0x80, 0x00, 0x40, 'A', 'B'};
    static const uint8_t binary[] = {0x00, 0x80, 0x00, 0x03, 'A', 0x01, 'B'};
    static const uint8_t padded[] = {0x00, 0x80, 0x00, 0x06, 'A', 'B', ' ', ' ', 0, 0};
    static const uint8_t nul[] = {0x00, 0x80, 0x00, 0x05, 'A', 'B', 0, 'C', 'D'};
    char s[64], why[VPD_REASON_MAX] = "";
    (void)state;
    assert_int_equal(vpd_parse_pg80(lying, sizeof(lying), s, sizeof(s), why, sizeof(why)), 0);
    assert_non_null(strstr(why, "claims 64 bytes"));
    assert_string_equal(s, "AB");
    expect_udev_unknown(NULL, 0, lying, sizeof(lying), "page 0x80 claims 64 bytes, only 2 received");
    assert_int_equal(vpd_parse_pg80(binary, sizeof(binary), s, sizeof(s), why, sizeof(why)), 0);
    assert_non_null(strstr(why, "not printable"));
    assert_string_equal(s, "A.B");
    assert_string_equal(udev_id(NULL, 0, binary, sizeof(binary), "V", "M", NULL), "SV_M_A_B");
    assert_int_equal(vpd_parse_pg80(padded, sizeof(padded), s, sizeof(s), why, sizeof(why)), 0);
    assert_string_equal(s, "AB");
    assert_string_equal(why, "");
    assert_int_equal(vpd_parse_pg80(padded, sizeof(padded), s, 2, why, sizeof(why)), 0);
    assert_string_equal(s, "A");
    assert_non_null(strstr(why, "cut"));
    assert_int_equal(vpd_parse_pg80(nul, sizeof(nul), s, sizeof(s), why, sizeof(why)), 0);
    assert_string_equal(s, "AB");
    assert_non_null(strstr(why, "NUL"));
    assert_string_equal(udev_id(NULL, 0, nul, sizeof(nul), "V", "M", NULL), "SV_M_AB");
    static const uint8_t wrong[] = {0x00, 0x83, 0x00, 0x01, 'A'};
    assert_int_equal(vpd_parse_pg80(wrong, sizeof(wrong), s, sizeof(s), why, sizeof(why)), -EBADMSG);
    assert_non_null(strstr(why, "page code 0x83"));
}

static void test_pre_spc3(void **state)
{
    /* EMC Symmetrix SCSI-2 style: raw WWN right after the header, byte 6 non-zero */
    static const uint8_t page[] = {0x00, 0x83, 0x00, 0x08, 0x60, 0x06, 0x04, 0x80, 0x00, 0x01, 0x02, 0x03};
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    (void)state;
    assert_int_equal(vpd_parse_pg83(page, sizeof(page), &pg, why, sizeof(why)), 0);
    assert_true(pg.pre_spc3);
    assert_string_equal(udev_id(page, sizeof(page), NULL, 0, "EMC", "SYMMETRIX", NULL), "36006048000010203");
    (void)id;
}

static void test_whitelist(void **state)
{
    /* characters outside udev's whitelist become '_'; runs of blanks one '_' */
    static const uint8_t page[] = {0x00, 0x83, 0x00, 0x0c, 0x02, 0x01, 0x00, 0x08, 'A', '/', 'B', ' ', ' ',
                                   '*', 'C', ' '};
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    (void)state;
    assert_int_equal(vpd_parse_pg83(page, sizeof(page), &pg, why, sizeof(why)), 0);
    assert_string_equal(udev_id(page, sizeof(page), NULL, 0, "V", "M", NULL), "1A_B__C");
    (void)id;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vmware_16byte_naa),    cmocka_unit_test(test_qemu_8byte_naa),
        cmocka_unit_test(test_vendor_specific_fallback), cmocka_unit_test(test_pg80_fallback_and_nothing),
        cmocka_unit_test(test_priority_and_association), cmocka_unit_test(test_unknown_types_kept),
        cmocka_unit_test(test_lying_lengths),        cmocka_unit_test(test_pg80_bad),
        cmocka_unit_test(test_pre_spc3),             cmocka_unit_test(test_whitelist),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
