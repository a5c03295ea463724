/* isovd: what libarchive's ISO 9660 reader does not tell: the volume id and the
 * El Torito boot entry (ECMA-119 volume descriptors from sector 16; El Torito 1.0
 * boot record and catalog). Pure parsing over bytes plus one reader of a file. */
#ifndef MT_ISOVD_H
#define MT_ISOVD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

#define ISO_SECTOR 2048

struct iso_boot {
    bool present;          /* an El Torito boot record and a bootable default entry */
    uint32_t catalog_lba;
    uint8_t platform;      /* 0 x86 BIOS, 0xef EFI */
    uint8_t media;         /* 0 no emulation, 1-3 floppy, 4 hard disk */
    uint16_t load_sectors; /* 512-byte sectors the BIOS loads */
    uint32_t image_lba;
    bool info_table;       /* the image carries a boot info table (bytes 8..11 = 16) */
    unsigned char head[ISO_SECTOR]; /* the image's first sector, to find its file */
    size_t head_len;
    bool uefi;             /* a UEFI (platform 0xEF) entry: the default one or in a section */
    uint32_t uefi_image_lba;
};

struct iso_info {
    char volume_id[33];    /* trailing blanks removed */
    struct iso_boot boot;
    bool mbr;              /* an MBR in the system area (isohybrid: bootable from a USB stick) */
};

/* Parses the volume descriptors: buf holds the image from sector 16 on (at least
 * one sector). -EINVAL (with a message) when there is no primary volume descriptor. */
int iso_parse_descriptors(const unsigned char *buf, size_t len, struct iso_info *info,
                          struct mt_err *err);

/* Parses a boot catalog sector into info->boot (default entry), and notes a UEFI
 * entry in the sections that follow (El Torito section headers 0x90/0x91, platform
 * 0xEF). -EINVAL when the validation entry is bad or the default entry is not bootable. */
int iso_parse_catalog(const unsigned char *cat, size_t len, struct iso_boot *boot,
                      struct mt_err *err);

/* True when the image's first 512 bytes (the system area) hold an MBR: the 55 AA
 * signature and at least one partition entry with a type (isohybrid). */
bool iso_has_mbr(const unsigned char *sector0, size_t len);

/* Reads path's descriptors, system area, boot catalog and boot image head.
 * Messages name path. */
int iso_read_info(const char *path, struct iso_info *info, struct mt_err *err);

/* Writes id into the primary (and Joliet) volume descriptors in buf (sectors from 16
 * on): libarchive's writer folds the volume id to d-characters ("CentOS 6.6 x86_64"
 * becomes "CENTOS_6_6_X86_64"); this keeps the base's. Returns how many it set. */
int iso_patch_volume_id(unsigned char *buf, size_t len, const char *id);

/* The same on a file, in place. */
int iso_set_volume_id(const char *path, const char *id, struct mt_err *err);

#endif
