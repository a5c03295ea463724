/* vpd: SCSI Vital Product Data pages 0x80 (unit serial number) and 0x83
 * (device identification), parsed from bytes.
 *
 * Pure functions over a buffer: the bytes may come from an SG_IO INQUIRY
 * (provision/sgio.h) or from sysfs vpd_pg80/vpd_pg83. Every length field is
 * distrusted: a page or designator that claims more bytes than were handed
 * over makes the page "unreadable" (-EBADMSG with a reason), never a read past
 * the buffer. vpd_scsi_id() reproduces what udev's `scsi_id -g -u` prints for
 * the same pages, so the agent's IDs match /dev/disk/by-id and multipath. */
#ifndef MT_VPD_H
#define MT_VPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPD_MAX_DESIGNATORS 32
#define VPD_REASON_MAX 160

/* Designator types (SPC-4 table "designator type"). */
enum vpd_desig_type {
    VPD_DESIG_VENDOR = 0x0,
    VPD_DESIG_T10 = 0x1,
    VPD_DESIG_EUI64 = 0x2,
    VPD_DESIG_NAA = 0x3,
    VPD_DESIG_REL_PORT = 0x4,
    VPD_DESIG_TPG = 0x5,
    VPD_DESIG_LU_GROUP = 0x6,
    VPD_DESIG_MD5 = 0x7,
    VPD_DESIG_SCSI_NAME = 0x8,
    VPD_DESIG_PROTO_PORT = 0x9,
    VPD_DESIG_UUID = 0xa,
};

enum vpd_code_set { VPD_CS_BINARY = 1, VPD_CS_ASCII = 2, VPD_CS_UTF8 = 3 };

/* Association: what the designator names. */
enum vpd_assoc { VPD_ASSOC_LU = 0, VPD_ASSOC_PORT = 1, VPD_ASSOC_TARGET = 2 };

struct vpd_designator {
    uint8_t protocol;      /* protocol identifier (valid when piv) */
    uint8_t code_set;      /* enum vpd_code_set, or what the device sent */
    bool piv;
    uint8_t assoc;         /* enum vpd_assoc (3 is reserved) */
    uint8_t type;          /* enum vpd_desig_type (0xb..0xf reserved: kept, named "reserved") */
    uint8_t len;           /* bytes in data */
    uint8_t data[255];
};

struct vpd_pg83 {
    bool pre_spc3;         /* SCSI-2 style page (EMC): raw bytes, no designators */
    size_t n;
    struct vpd_designator d[VPD_MAX_DESIGNATORS];
    uint8_t raw[255];      /* pre_spc3 only: the identifier bytes */
    uint8_t raw_len;
};

/* Parse a page 0x80 into a NUL-terminated serial (the bytes as sent, trailing
 * blanks and NULs dropped, non-printable bytes refused). 0, or -EBADMSG with
 * `why` saying what is wrong (wrong page code, truncated, lying length). */
int vpd_parse_pg80(const uint8_t *buf, size_t len, char *serial, size_t serial_len, char *why,
                   size_t why_len);

/* Parse a page 0x83 into its designators. 0, or -EBADMSG with `why`. Unknown
 * designator types and code sets are kept (the caller shows them as such);
 * more than VPD_MAX_DESIGNATORS is -EBADMSG. */
int vpd_parse_pg83(const uint8_t *buf, size_t len, struct vpd_pg83 *out, char *why, size_t why_len);

/* The LU-associated NAA designator, or NULL (the judge of disk.EnableUUID). */
const struct vpd_designator *vpd_find_naa(const struct vpd_pg83 *pg);

/* Designator bytes as lower-case hex ("6000c29..."), ASCII/UTF-8 designators
 * as text with non-printable bytes as '.'. Returns the length written. */
size_t vpd_designator_value(const struct vpd_designator *d, char *out, size_t out_len);

/* "naa", "t10", "eui64", "vendor", "scsi-name", ... "reserved". */
const char *vpd_desig_type_name(uint8_t type);
const char *vpd_assoc_name(uint8_t assoc);

/* What `scsi_id -g -u` prints for a disk with these pages (pg83 and/or serial
 * may be NULL when the device does not have them). vendor and model are the
 * INQUIRY strings (space padding optional). Empty string when scsi_id would
 * print nothing. */
void vpd_scsi_id(const struct vpd_pg83 *pg83, const char *pg80_serial, const char *vendor,
                 const char *model, char *out, size_t out_len);

#endif
