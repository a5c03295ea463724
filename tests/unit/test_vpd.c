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
    vpd_scsi_id(&pg, NULL, "VMware", "Virtual disk", id, sizeof(id));
    assert_string_equal(id, "36000c2934c3fd0b55b5e8e9f4c1d2a07");
    assert_int_equal(strlen(id), 33);
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
    vpd_scsi_id(&pg, serial, "VMware  ", "Virtual disk    ", id, sizeof(id));
    assert_string_equal(id, "36000c2912345678a");
}

static void test_vendor_specific_fallback(void **state)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX], id[320];
    (void)state;
    assert_int_equal(vpd_parse_pg83(qemu_plain_pg83, sizeof(qemu_plain_pg83), &pg, why, sizeof(why)), 0);
    assert_null(vpd_find_naa(&pg));
    /* what /lib/udev/scsi_id -g -u prints in the qemu guest for this disk */
    vpd_scsi_id(&pg, NULL, "VMware", "Virtual disk", id, sizeof(id));
    assert_string_equal(id, "0VMware_Virtual_disk_d1");
    vpd_scsi_id(&pg, NULL, "VMware  ", "Virtual disk    ", id, sizeof(id));
    assert_string_equal(id, "0VMware_Virtual_disk_d1");
}

static void test_pg80_fallback_and_nothing(void **state)
{
    char id[320];
    struct vpd_pg83 empty;
    (void)state;
    memset(&empty, 0, sizeof(empty));
    /* page 0x83 without a usable designator: scsi_id falls back to page 0x80 */
    vpd_scsi_id(&empty, "ABC 123", "ATA", "Some Disk", id, sizeof(id));
    assert_string_equal(id, "SATA_Some_Disk_ABC_123");
    vpd_scsi_id(NULL, NULL, "VMware", "Virtual disk", id, sizeof(id));
    assert_string_equal(id, "");
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
    const struct vpd_designator *naa;
    (void)state;
    assert_int_equal(vpd_parse_pg83(page, sizeof(page), &pg, why, sizeof(why)), 0);
    assert_int_equal(pg.n, 4);
    assert_int_equal(pg.d[1].assoc, VPD_ASSOC_PORT);
    assert_true(pg.d[1].piv);
    naa = vpd_find_naa(&pg);
    assert_ptr_equal(naa, &pg.d[3]);
    vpd_scsi_id(&pg, NULL, "ATA", "X", id, sizeof(id));
    assert_string_equal(id, "35000c500aabbccdd");
    /* without the NAA: EUI-64 before T10 */
    pg.n = 3;
    vpd_scsi_id(&pg, NULL, "ATA", "X", id, sizeof(id));
    assert_string_equal(id, "20011223344556677");
    pg.n = 2;
    vpd_scsi_id(&pg, NULL, "ATA", "X", id, sizeof(id));
    assert_string_equal(id, "1ATA_X");
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
    vpd_scsi_id(&pg, NULL, "V", "M", id, sizeof(id));
    assert_string_equal(id, "");
}

static void expect_unreadable83(const uint8_t *p, size_t len, const char *needle)
{
    struct vpd_pg83 pg;
    char why[VPD_REASON_MAX] = "";
    assert_int_equal(vpd_parse_pg83(p, len, &pg, why, sizeof(why)), -EBADMSG);
    if (!strstr(why, needle))
        fail_msg("reason \"%s\" lacks \"%s\"", why, needle);
}

static void test_lying_lengths(void **state)
{
    uint8_t p[sizeof(vmware_pg83)];
    (void)state;
    expect_unreadable83(vmware_pg83, 3, "truncated");
    expect_unreadable83(vmware_pg83, 0, "truncated");
    /* page length says 20, 12 bytes arrived */
    expect_unreadable83(vmware_pg83, 16, "claims 20 bytes, only 12 received");
    /* designator says 0x30 bytes inside a 20-byte page */
    memcpy(p, vmware_pg83, sizeof(p));
    p[7] = 0x30;
    expect_unreadable83(p, sizeof(p), "claims 48 bytes");
    /* page length leaves half a designator header */
    {
        static const uint8_t half[] = {0x00, 0x83, 0x00, 0x02, 0x01, 0x03};
        expect_unreadable83(half, sizeof(half), "truncated");
    }
    /* wrong page */
    memcpy(p, vmware_pg83, sizeof(p));
    p[1] = 0x80;
    expect_unreadable83(p, sizeof(p), "page code 0x80");
}

static void test_pg80_bad(void **state)
{
    static const uint8_t lying[] = {0x00, 0x80, 0x00, 0x40, 'A', 'B'};
    static const uint8_t binary[] = {0x00, 0x80, 0x00, 0x03, 'A', 0x01, 'B'};
    static const uint8_t padded[] = {0x00, 0x80, 0x00, 0x06, 'A', 'B', ' ', ' ', 0, 0};
    char s[64], why[VPD_REASON_MAX] = "";
    (void)state;
    assert_int_equal(vpd_parse_pg80(lying, sizeof(lying), s, sizeof(s), why, sizeof(why)), -EBADMSG);
    assert_non_null(strstr(why, "claims 64 bytes"));
    assert_int_equal(vpd_parse_pg80(binary, sizeof(binary), s, sizeof(s), why, sizeof(why)), -EBADMSG);
    assert_non_null(strstr(why, "not printable"));
    assert_int_equal(vpd_parse_pg80(padded, sizeof(padded), s, sizeof(s), why, sizeof(why)), 0);
    assert_string_equal(s, "AB");
    assert_int_equal(vpd_parse_pg80(padded, sizeof(padded), s, 2, why, sizeof(why)), -EBADMSG);
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
    vpd_scsi_id(&pg, NULL, "EMC", "SYMMETRIX", id, sizeof(id));
    assert_string_equal(id, "36006048000010203");
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
    vpd_scsi_id(&pg, NULL, "V", "M", id, sizeof(id));
    assert_string_equal(id, "1A_B__C");
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
