/* The text edits of mt-image (isolinux.cfg, pxelinux.cfg, the kickstart copy,
 * mt-agent.conf) and the ISO 9660 / El Torito descriptor parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bootcfg.h"
#include "isovd.h"

/* CentOS 6.6's isolinux/isolinux.cfg as shipped on CentOS-6.6-x86_64-minimal.iso. */
static const char CENTOS_CFG[] =
    "default vesamenu.c32\n"
    "#prompt 1\n"
    "timeout 600\n"
    "\n"
    "display boot.msg\n"
    "\n"
    "menu background splash.jpg\n"
    "menu title Welcome to CentOS 6.6!\n"
    "menu color border 0 #ffffffff #00000000\n"
    "\n"
    "label linux\n"
    "  menu label ^Install or upgrade an existing system\n"
    "  menu default\n"
    "  kernel vmlinuz\n"
    "  append initrd=initrd.img\n"
    "label vesa\n"
    "  menu label Install system with ^basic video driver\n"
    "  kernel vmlinuz\n"
    "  append initrd=initrd.img nomodeset\n"
    "label rescue\n"
    "  menu label ^Rescue installed system\n"
    "  kernel vmlinuz\n"
    "  append initrd=initrd.img rescue\n"
    "label local\n"
    "  menu label Boot from ^local drive\n"
    "  localboot 0xffff\n"
    "label memtest86\n"
    "  menu label ^Memory test\n"
    "  kernel memtest\n"
    "  append -\n";

static int count(const char *hay, const char *needle)
{
    int n = 0;
    const char *p = hay;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void test_default_entry_centos(void **state)
{
    struct boot_entry e;
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(CENTOS_CFG, &e, NULL), 0);
    assert_string_equal(e.kernel, "vmlinuz");
    assert_string_equal(e.append, "initrd=initrd.img");
}

static void test_default_entry_by_default_line(void **state)
{
    static const char cfg[] = "DEFAULT second\nLABEL first\n KERNEL a\n APPEND x=1\n"
                              "LABEL second\n KERNEL b\n APPEND y=2\n";
    struct boot_entry e;
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(cfg, &e, NULL), 0);
    assert_string_equal(e.kernel, "b");
    assert_string_equal(e.append, "y=2");
}

static void test_default_entry_none(void **state)
{
    static const char cfg[] = "default local\nlabel local\n  localboot 0xffff\n";
    struct boot_entry e;
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(cfg, &e, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "no label"));
}

static void test_add_entry_centos(void **state)
{
    struct boot_entry e;
    char *out = NULL, *again = NULL;
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(CENTOS_CFG, &e, NULL), 0);
    assert_int_equal(isolinux_cfg_add_entry(CENTOS_CFG, &e, "ks=cdrom:/mt/ks.cfg", NULL, &out, NULL), 0);
    /* the menu module stays the default; our label is the menu default */
    assert_non_null(strstr(out, "default vesamenu.c32\n"));
    assert_int_equal(count(out, "menu default"), 1);
    assert_non_null(strstr(out, "label mt\n  menu label Install mt-agent master target\n  menu default\n"
                                "  kernel vmlinuz\n  append initrd=initrd.img ks=cdrom:/mt/ks.cfg\n"
                                "label linux\n"));
    /* every other entry is kept, in order */
    assert_non_null(strstr(out, "label vesa\n"));
    assert_non_null(strstr(out, "append initrd=initrd.img nomodeset\n"));
    assert_non_null(strstr(out, "label rescue\n"));
    assert_non_null(strstr(out, "  localboot 0xffff\n"));
    assert_non_null(strstr(out, "label memtest86\n  menu label ^Memory test\n  kernel memtest\n  append -\n"));
    assert_non_null(strstr(out, "menu title Welcome to CentOS 6.6!\n"));
    assert_true(strstr(out, "label mt") < strstr(out, "label linux"));
    /* a second run (remastering the remastered ISO) replaces, never duplicates */
    assert_int_equal(isolinux_cfg_default_entry(out, &e, NULL), 0);
    assert_string_equal(e.append, "initrd=initrd.img");
    assert_int_equal(isolinux_cfg_add_entry(out, &e, "ks=cdrom:/mt/ks.cfg", NULL, &again, NULL), 0);
    assert_string_equal(again, out);
    free(out);
    free(again);
}

static void test_add_entry_default_label(void **state)
{
    static const char cfg[] = "default linux\r\nprompt 1\r\ntimeout 50\r\nontimeout linux\r\n"
                              "label linux\r\n  kernel vmlinuz\r\n  append initrd=initrd.img quiet\r\n";
    struct boot_entry e;
    char *out = NULL;
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(cfg, &e, NULL), 0);
    assert_string_equal(e.append, "initrd=initrd.img quiet");
    assert_int_equal(isolinux_cfg_add_entry(cfg, &e, "ks=cdrom:/mt/ks.cfg ip=10.0.0.5", "MT", &out, NULL), 0);
    assert_non_null(strstr(out, "default mt\n"));
    assert_null(strstr(out, "default linux"));
    assert_non_null(strstr(out, "ontimeout mt\n"));
    assert_non_null(strstr(out, "  menu label MT\n"));
    assert_non_null(strstr(out, "  append initrd=initrd.img quiet ks=cdrom:/mt/ks.cfg ip=10.0.0.5\n"));
    assert_non_null(strstr(out, "label linux\n"));
    assert_null(strchr(out, '\r'));
    free(out);
}

static void test_add_entry_no_default_line(void **state)
{
    static const char cfg[] = "label a\n kernel k\n append initrd=i\n";
    struct boot_entry e;
    char *out = NULL;
    (void)state;
    assert_int_equal(isolinux_cfg_default_entry(cfg, &e, NULL), 0);
    assert_int_equal(isolinux_cfg_add_entry(cfg, &e, "ks=x", NULL, &out, NULL), 0);
    assert_int_equal(strncmp(out, "default mt\n", 11), 0);
    assert_non_null(strstr(out, "label a\n"));
    free(out);
}

static void test_pxelinux_render(void **state)
{
    struct boot_entry e = {"vmlinuz", "initrd=initrd.img"};
    struct boot_entry none = {"", ""};
    char *out = NULL;
    (void)state;
    assert_int_equal(pxelinux_cfg_render(&e, "ks=http://10.0.0.1/mt/ks.cfg ksdevice=bootif", &out, NULL), 0);
    assert_non_null(strstr(out, "default mt\n"));
    assert_non_null(strstr(out, "label mt\n  kernel vmlinuz\n  append initrd=initrd.img "
                                "ks=http://10.0.0.1/mt/ks.cfg ksdevice=bootif\n  ipappend 2\n"));
    free(out);
    assert_int_equal(pxelinux_cfg_render(&none, "", &out, NULL), -EINVAL);
}

static const char KS[] = "install\ncdrom\nrootpw --iscrypted --lock *\n"
                         "%pre\necho cdrom\ncdrom\n%end\n";

static void test_ks_edit(void **state)
{
    struct ks_edit ed = {"http://10.0.0.1/os", "$6$salt$abcDEF./123", "made by a test"};
    struct ks_edit keep = {NULL, NULL, NULL};
    struct mt_err err = {0};
    char *out = NULL;
    (void)state;
    assert_int_equal(ks_edit(KS, &ed, &out, NULL), 0);
    assert_string_equal(out, "# made by a test\ninstall\nurl --url=http://10.0.0.1/os\n"
                             "rootpw --iscrypted $6$salt$abcDEF./123\n%pre\necho cdrom\ncdrom\n%end\n");
    free(out);
    assert_int_equal(ks_edit(KS, &keep, &out, NULL), 0);
    assert_string_equal(out, KS);
    free(out);
    ed.rootpw_hash = "secret";
    assert_int_equal(ks_edit(KS, &ed, &out, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "crypt(3)"));
    ed.rootpw_hash = "$6$salt$a b";
    assert_int_equal(ks_edit(KS, &ed, &out, &err), -EINVAL);
}

static void test_ks_edit_adds_missing(void **state)
{
    struct ks_edit ed = {"http://h/os", "$1$s$h", NULL};
    char *out = NULL;
    (void)state;
    assert_int_equal(ks_edit("text\n", &ed, &out, NULL), 0);
    assert_string_equal(out, "text\nurl --url=http://h/os\nrootpw --iscrypted $1$s$h\n");
    free(out);
}

static void test_conf_cs_host(void **state)
{
    char *out = NULL;
    struct mt_err err = {0};
    (void)state;
    assert_int_equal(conf_set_cs_host("[cs]\n;backend = asr\n;host = \n;port = 443\n[layout]\n;disk = \n",
                                      "10.1.2.3", &out, NULL), 0);
    assert_string_equal(out, "[cs]\n;backend = asr\nhost = 10.1.2.3\n;port = 443\n[layout]\n;disk = \n");
    free(out);
    /* no host line in [cs]: it goes at the end of the section, not into [layout] */
    assert_int_equal(conf_set_cs_host("[cs]\nport = 443\n[layout]\n;hostname = x\n", "cs.example.com", &out, NULL), 0);
    assert_string_equal(out, "[cs]\nport = 443\nhost = cs.example.com\n[layout]\n;hostname = x\n");
    free(out);
    assert_int_equal(conf_set_cs_host("[layout]\n", "cs", &out, NULL), 0);
    assert_string_equal(out, "[layout]\n\n[cs]\nhost = cs\n");
    free(out);
    assert_int_equal(conf_set_cs_host("[cs]\n", "a;rm -rf /", &out, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "--cs"));
    assert_int_equal(conf_set_cs_host("[cs]\n", "", &out, &err), -EINVAL);
}

/* ---- ISO 9660 / El Torito ---- */

static void make_vd(unsigned char *s, int type, const char *tail)
{
    memset(s, 0, ISO_SECTOR);
    s[0] = (unsigned char)type;
    memcpy(s + 1, "CD001", 5);
    s[6] = 1;
    if (tail)
        memcpy(s + 7, tail, strlen(tail));
}

static void test_descriptors(void **state)
{
    unsigned char *buf = calloc(4, ISO_SECTOR);
    struct iso_info info;
    struct mt_err err = {0};
    (void)state;
    make_vd(buf, 1, NULL);
    memcpy(buf + 40, "CentOS 6.6 x86_64               ", 32);
    make_vd(buf + ISO_SECTOR, 0, "EL TORITO SPECIFICATION");
    buf[ISO_SECTOR + 0x47] = 0x2c; /* catalog at sector 44 */
    make_vd(buf + 2 * ISO_SECTOR, 255, NULL);
    assert_int_equal(iso_parse_descriptors(buf, 4 * ISO_SECTOR, &info, NULL), 0);
    assert_string_equal(info.volume_id, "CentOS 6.6 x86_64");
    assert_int_equal(info.boot.catalog_lba, 44);
    /* not an ISO: no CD001 */
    memset(buf, 0, 4 * ISO_SECTOR);
    assert_int_equal(iso_parse_descriptors(buf, 4 * ISO_SECTOR, &info, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "not an ISO 9660"));
    /* truncated: less than a sector */
    assert_int_equal(iso_parse_descriptors(buf, 100, &info, NULL), -EINVAL);
    free(buf);
}

static void make_catalog(unsigned char *c)
{
    unsigned sum = 0;
    int i;
    memset(c, 0, 64);
    c[0] = 1;    /* validation entry */
    c[1] = 0;    /* x86 */
    c[30] = 0x55;
    c[31] = 0xaa;
    for (i = 0; i < 32; i += 2)
        if (i != 28)
            sum += (unsigned)(c[i] | c[i + 1] << 8);
    sum = (0x10000 - (sum & 0xffff)) & 0xffff;
    c[28] = (unsigned char)(sum & 0xff);
    c[29] = (unsigned char)(sum >> 8);
    c[32] = 0x88; /* bootable */
    c[33] = 0;    /* no emulation */
    c[38] = 4;    /* 4 sectors */
    c[40] = 45;   /* image at sector 45 */
}

static void test_catalog(void **state)
{
    unsigned char c[64];
    struct iso_boot b;
    struct mt_err err = {0};
    (void)state;
    make_catalog(c);
    memset(&b, 0, sizeof(b));
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, NULL), 0);
    assert_true(b.present);
    assert_int_equal(b.image_lba, 45);
    assert_int_equal(b.load_sectors, 4);
    assert_int_equal(b.media, 0);
    c[4] ^= 1; /* checksum now wrong */
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "checksum"));
    make_catalog(c);
    c[32] = 0; /* not bootable */
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, &err), -EINVAL);
    make_catalog(c);
    c[30] = 0; /* no key bytes */
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, &err), -EINVAL);
    assert_int_equal(iso_parse_catalog(c, 20, &b, &err), -EINVAL);
}

/* Section entries after the default one: a UEFI section (0xEF) is noticed, a
 * non-bootable UEFI entry or a BIOS section is not, a lying count stays in bounds. */
static void test_catalog_uefi_sections(void **state)
{
    unsigned char c[ISO_SECTOR];
    struct iso_boot b;
    (void)state;
    memset(c, 0, sizeof(c));
    make_catalog(c);
    memset(&b, 0, sizeof(b));
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, NULL), 0);
    assert_false(b.uefi);
    /* 0x90 BIOS section with one entry, then 0x91 UEFI section: extension, entry */
    c[64] = 0x90, c[65] = 0x00, c[66] = 1;
    c[96] = 0x88, c[104] = 50;
    c[128] = 0x91, c[129] = 0xef, c[130] = 2;
    c[160] = 0x00, c[168] = 60;   /* not bootable: not counted */
    c[192] = 0x44;                /* its extension entry */
    c[224] = 0x88, c[232] = 70;   /* bootable UEFI image at sector 70 */
    memset(&b, 0, sizeof(b));
    assert_int_equal(iso_parse_catalog(c, sizeof(c), &b, NULL), 0);
    assert_true(b.uefi);
    assert_int_equal(b.uefi_image_lba, 70);
    assert_int_equal(b.platform, 0);
    /* a section claiming 65535 entries in a 256-byte catalog: bounded, no UEFI found */
    c[129] = 0xef, c[130] = 0xff, c[131] = 0xff, c[224] = 0;
    memset(&b, 0, sizeof(b));
    assert_int_equal(iso_parse_catalog(c, 256, &b, NULL), 0);
    assert_false(b.uefi);
    /* the default entry itself for UEFI (validation entry platform 0xEF) */
    memset(c, 0, sizeof(c));
    make_catalog(c);
    c[1] = 0xef;
    {
        unsigned sum = 0;
        int i;
        c[28] = c[29] = 0;
        for (i = 0; i < 32; i += 2)
            sum += (unsigned)(c[i] | c[i + 1] << 8);
        sum = (0x10000 - (sum & 0xffff)) & 0xffff;
        c[28] = (unsigned char)(sum & 0xff);
        c[29] = (unsigned char)(sum >> 8);
    }
    memset(&b, 0, sizeof(b));
    assert_int_equal(iso_parse_catalog(c, 64, &b, NULL), 0);
    assert_true(b.uefi);
    assert_int_equal(b.uefi_image_lba, 45);
}

static void test_has_mbr(void **state)
{
    unsigned char s[512];
    (void)state;
    memset(s, 0, sizeof(s));
    assert_false(iso_has_mbr(s, sizeof(s)));
    s[510] = 0x55, s[511] = 0xaa;
    assert_false(iso_has_mbr(s, sizeof(s))); /* a signature without a partition */
    s[446 + 16 + 4] = 0x17;                  /* second entry: type 0x17 as isohybrid writes */
    assert_true(iso_has_mbr(s, sizeof(s)));
    assert_false(iso_has_mbr(s, 511));
}

static void test_patch_volume_id(void **state)
{
    unsigned char *buf = calloc(3, ISO_SECTOR);
    struct iso_info info;
    (void)state;
    make_vd(buf, 1, NULL);
    memcpy(buf + 40, "CENTOS_6_6_X86_64               ", 32);
    make_vd(buf + ISO_SECTOR, 2, NULL);
    memcpy(buf + ISO_SECTOR + 88, "%/E", 3);
    make_vd(buf + 2 * ISO_SECTOR, 255, NULL);
    assert_int_equal(iso_patch_volume_id(buf, 3 * ISO_SECTOR, "CentOS 6.6 x86_64"), 2);
    assert_int_equal(iso_parse_descriptors(buf, 3 * ISO_SECTOR, &info, NULL), 0);
    assert_string_equal(info.volume_id, "CentOS 6.6 x86_64");
    /* Joliet: UCS-2 big endian, cut at 16 characters */
    assert_int_equal(buf[ISO_SECTOR + 40], 0);
    assert_int_equal(buf[ISO_SECTOR + 41], 'C');
    assert_int_equal(buf[ISO_SECTOR + 41 + 2 * 15], '6');
    assert_int_equal(buf[ISO_SECTOR + 41 + 2 * 14], '_');
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_entry_centos),
        cmocka_unit_test(test_default_entry_by_default_line),
        cmocka_unit_test(test_default_entry_none),
        cmocka_unit_test(test_add_entry_centos),
        cmocka_unit_test(test_add_entry_default_label),
        cmocka_unit_test(test_add_entry_no_default_line),
        cmocka_unit_test(test_pxelinux_render),
        cmocka_unit_test(test_ks_edit),
        cmocka_unit_test(test_ks_edit_adds_missing),
        cmocka_unit_test(test_conf_cs_host),
        cmocka_unit_test(test_descriptors),
        cmocka_unit_test(test_catalog),
        cmocka_unit_test(test_catalog_uefi_sections),
        cmocka_unit_test(test_has_mbr),
        cmocka_unit_test(test_patch_volume_id),
    };
    return cmocka_run_group_tests_name("isolinux", tests, NULL, NULL);
}
