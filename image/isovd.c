/* isovd: see isovd.h. */
#include "isovd.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

int iso_parse_descriptors(const unsigned char *buf, size_t len, struct iso_info *info,
                          struct mt_err *err)
{
    size_t off;
    bool pvd = false;
    int i;

    memset(info, 0, sizeof(*info));
    /* Set terminator (type 255) ends the list; stop at 32 descriptors in any case. */
    for (off = 0; off + ISO_SECTOR <= len && off < 32 * ISO_SECTOR; off += ISO_SECTOR) {
        const unsigned char *d = buf + off;
        if (memcmp(d + 1, "CD001", 5) != 0)
            break;
        if (d[0] == 255)
            break;
        if (d[0] == 1 && !pvd) {
            pvd = true;
            memcpy(info->volume_id, d + 40, 32);
            info->volume_id[32] = '\0';
            for (i = 31; i >= 0 && (info->volume_id[i] == ' ' || info->volume_id[i] == '\0'); i--)
                info->volume_id[i] = '\0';
        } else if (d[0] == 0 && !memcmp(d + 7, "EL TORITO SPECIFICATION", 23)) {
            info->boot.catalog_lba = le32(d + 0x47);
        }
    }
    if (!pvd)
        return mt_err_set(err, -EINVAL, "not an ISO 9660 image (no CD001 primary volume "
                                        "descriptor at sector 16)");
    return 0;
}

static void catalog_sections(const unsigned char *cat, size_t len, struct iso_boot *boot);

int iso_parse_catalog(const unsigned char *cat, size_t len, struct iso_boot *boot,
                      struct mt_err *err)
{
    unsigned sum = 0;
    int i;

    if (len < 64)
        return mt_err_set(err, -EINVAL, "El Torito boot catalog is truncated");
    /* Validation entry: header id 1, key bytes 55 AA, 16-bit words summing to 0. */
    if (cat[0] != 1 || cat[30] != 0x55 || cat[31] != 0xaa)
        return mt_err_set(err, -EINVAL, "El Torito boot catalog has no validation entry");
    for (i = 0; i < 32; i += 2)
        sum += (unsigned)(cat[i] | cat[i + 1] << 8);
    if ((sum & 0xffff) != 0)
        return mt_err_set(err, -EINVAL, "El Torito boot catalog checksum is wrong");
    if (cat[32] != 0x88)
        return mt_err_set(err, -EINVAL, "El Torito default entry is not bootable");
    boot->platform = cat[1];
    boot->media = cat[33] & 0x0f;
    boot->load_sectors = (uint16_t)(cat[38] | cat[39] << 8);
    boot->image_lba = le32(cat + 40);
    boot->present = true;
    if (boot->platform == 0xef) {
        boot->uefi = true;
        boot->uefi_image_lba = boot->image_lba;
    }
    catalog_sections(cat, len, boot);
    return 0;
}

/* The section headers after the default entry: 0x90 (more follow) or 0x91 (the
 * last), each followed by its entries (0x88 bootable, 0x00 not) and their
 * extensions (0x44). Bounded by the catalog's length. */
static void catalog_sections(const unsigned char *cat, size_t len, struct iso_boot *boot)
{
    size_t off = 64;

    while (off + 32 <= len && (cat[off] == 0x90 || cat[off] == 0x91)) {
        bool last = cat[off] == 0x91, efi = cat[off + 1] == 0xef;
        unsigned n = (unsigned)(cat[off + 2] | cat[off + 3] << 8), i;
        off += 32;
        for (i = 0; i < n && off + 32 <= len; i++) {
            if (efi && cat[off] == 0x88 && !boot->uefi) {
                boot->uefi = true;
                boot->uefi_image_lba = le32(cat + off + 8);
            }
            off += 32;
            while (off + 32 <= len && cat[off] == 0x44) /* extension entries */
                off += 32;
        }
        if (last)
            break;
    }
}

bool iso_has_mbr(const unsigned char *s, size_t len)
{
    int i;

    if (len < 512 || s[510] != 0x55 || s[511] != 0xaa)
        return false;
    for (i = 0; i < 4; i++)
        if (s[446 + 16 * i + 4] != 0)
            return true;
    return false;
}

static int read_at(int fd, uint64_t off, unsigned char *buf, size_t len, size_t *got)
{
    ssize_t n;
    size_t done = 0;

    while (done < len) {
        n = pread(fd, buf + done, len - done, (off_t)(off + done));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            break;
        done += (size_t)n;
    }
    *got = done;
    return 0;
}

int iso_read_info(const char *path, struct iso_info *info, struct mt_err *err)
{
    static unsigned char buf[32 * ISO_SECTOR];
    unsigned char cat[ISO_SECTOR];
    size_t got;
    int fd, r;
    struct mt_err sub = {0};

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return mt_err_errno(err, -errno, "%s", path);
    r = read_at(fd, 16 * ISO_SECTOR, buf, sizeof(buf), &got);
    if (r < 0) {
        close(fd);
        return mt_err_errno(err, r, "%s: reading the volume descriptors", path);
    }
    r = iso_parse_descriptors(buf, got, info, &sub);
    if (r < 0) {
        close(fd);
        return mt_err_set(err, r, "%s: %s", path, sub.msg);
    }
    if (read_at(fd, 0, cat, 512, &got) == 0)
        info->mbr = iso_has_mbr(cat, got);
    if (info->boot.catalog_lba) {
        r = read_at(fd, (uint64_t)info->boot.catalog_lba * ISO_SECTOR, cat, sizeof(cat), &got);
        if (r == 0 && iso_parse_catalog(cat, got, &info->boot, &sub) == 0) {
            r = read_at(fd, (uint64_t)info->boot.image_lba * ISO_SECTOR, info->boot.head,
                        sizeof(info->boot.head), &info->boot.head_len);
            if (r < 0)
                info->boot.head_len = 0;
            info->boot.info_table = info->boot.head_len >= 12 && le32(info->boot.head + 8) == 16;
        }
    }
    close(fd);
    return 0;
}

int iso_patch_volume_id(unsigned char *buf, size_t len, const char *id)
{
    size_t off, idlen = strlen(id), i;
    int n = 0;

    if (idlen > 32)
        idlen = 32;
    for (off = 0; off + ISO_SECTOR <= len && off < 32 * ISO_SECTOR; off += ISO_SECTOR) {
        unsigned char *d = buf + off;
        if (memcmp(d + 1, "CD001", 5) != 0 || d[0] == 255)
            break;
        if (d[0] == 1) {
            memset(d + 40, ' ', 32);
            memcpy(d + 40, id, idlen);
            n++;
        } else if (d[0] == 2 && d[88] == '%' && d[89] == '/' &&
                   (d[90] == '@' || d[90] == 'C' || d[90] == 'E')) {
            /* Joliet: UCS-2 big endian, 16 characters */
            for (i = 0; i < 16; i++) {
                d[40 + 2 * i] = 0;
                d[41 + 2 * i] = i < idlen ? (unsigned char)id[i] : ' ';
            }
            n++;
        }
    }
    return n;
}

int iso_set_volume_id(const char *path, const char *id, struct mt_err *err)
{
    unsigned char *buf = malloc(32 * ISO_SECTOR);
    size_t got = 0;
    int fd, r = 0;

    if (!buf)
        return mt_err_set(err, -ENOMEM, "out of memory");
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        free(buf);
        return mt_err_errno(err, -errno, "%s", path);
    }
    r = read_at(fd, 16 * ISO_SECTOR, buf, 32 * ISO_SECTOR, &got);
    if (r == 0 && iso_patch_volume_id(buf, got, id) > 0 &&
        pwrite(fd, buf, got, 16 * ISO_SECTOR) != (ssize_t)got)
        r = -errno;
    if (r < 0)
        mt_err_errno(err, r, "%s: writing the volume id", path);
    close(fd);
    free(buf);
    return r;
}
