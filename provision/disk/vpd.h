/* vpd: SCSI Vital Product Data pages 0x80 (unit serial number) and 0x83
 * (device identification), parsed from bytes.
 *
 * Pure functions over a buffer: the bytes may come from an SG_IO INQUIRY
 * (provision/disk/sgio.h) or from sysfs vpd_pg80/vpd_pg83. Every length field is
 * distrusted and nothing is read past the buffer. Two readings of a page:
 *   - vpd_parse_pg83/pg80 decode it as sg_vpd does: what is well formed is
 *     listed, what is not (padding after the last designator, a designator or
 *     page longer than the bytes received) is a warning, and only a page that
 *     is not one at all (no header, another page code) is -EBADMSG;
 *   - vpd_udev_id() derives the id exactly as udev's scsi_id (systemd
 *     src/udev/scsi_id/scsi_serial.c, scsi_id.c) does from the same bytes, so
 *     the agent's ids match /dev/disk/by-id and multipath, malformed pages
 *     included; where scsi_id's answer would rest on bytes the device never
 *     sent, it says so instead of guessing. */
#ifndef MT_VPD_H
#define MT_VPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VPD_MAX_DESIGNATORS 32
#define VPD_REASON_MAX 256

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
    uint16_t offset;       /* where its 4-byte header starts in the page */
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
    char warning[VPD_REASON_MAX]; /* what is malformed but was decoded around, "" */
};

/* Parse a page 0x80 into a NUL-terminated serial: the bytes as sent up to a
 * NUL, trailing blanks dropped, non-printable bytes shown as '.'. 0 (with
 * `warning` saying what was malformed: a lying page length, non-printable or
 * NUL bytes, a serial cut to serial_len; "" when none), or -EBADMSG with the
 * reason in `warning` (no header, wrong page code). */
int vpd_parse_pg80(const uint8_t *buf, size_t len, char *serial, size_t serial_len, char *warning,
                   size_t warning_len);

/* Parse a page 0x83 into its designators, as sg_vpd decodes it. 0, with
 * out->warning saying what was skipped; -EBADMSG with `why` when the bytes are
 * no page 0x83 (fewer than 4, another page code). Unknown designator types and
 * code sets are kept (the caller shows them as such); designators past
 * VPD_MAX_DESIGNATORS are not listed (a warning). */
int vpd_parse_pg83(const uint8_t *buf, size_t len, struct vpd_pg83 *out, char *why, size_t why_len);

/* The first LU-associated binary NAA designator of at least 8 bytes, or NULL. */
const struct vpd_designator *vpd_find_naa(const struct vpd_pg83 *pg);

/* Designator bytes as lower-case hex ("6000c29..."), ASCII/UTF-8 designators
 * as text with non-printable bytes as '.'. Returns the length written. */
size_t vpd_designator_value(const struct vpd_designator *d, char *out, size_t out_len);

/* "naa", "t10", "eui64", "vendor", "scsi-name", ... "reserved". */
const char *vpd_desig_type_name(uint8_t type);
const char *vpd_assoc_name(uint8_t assoc);

/* scsi_id reads every page into a zeroed buffer of this many bytes
 * (SCSI_INQ_BUFF_LEN): it never sees more of a page. */
#define VPD_UDEV_BUF 254
/* scsi_id's serial buffer (MAX_SERIAL_LEN): ids that need more are skipped. */
#define VPD_UDEV_SERIAL 256
#define VPD_ID_MAX 320
#define VPD_NAA_MAX 512

enum vpd_id_from {
    VPD_FROM_NONE = 0,
    VPD_FROM_PG83,         /* a designator of page 0x83 */
    VPD_FROM_PG83_SCSI2,   /* a pre-SPC-3 (SCSI-2) page 0x83: its bytes after the header */
    VPD_FROM_PG80,         /* 'S' + vendor + model + the page 0x80 serial */
};

struct vpd_udev_id {
    char id[VPD_ID_MAX];   /* as `scsi_id -g -u` prints it; "" when it prints nothing */
    enum vpd_id_from from;
    int desig_type;        /* VPD_FROM_PG83: enum vpd_desig_type of the designator used; else -1 */
    size_t desig_offset;   /* VPD_FROM_PG83: the offset of its header in the page */
    char naa[VPD_NAA_MAX]; /* the NAA behind id (hex; text for an ASCII NAA), "" when id is not NAA-based */
    char why[2 * VPD_REASON_MAX]; /* no id: why; with an id from page 0x80: why page 0x83 gave none */
    char note[VPD_REASON_MAX + VPD_ID_MAX]; /* a page 0x83 of 256 bytes or more on which an older udev (reading the low
                                * byte of its length, as CentOS 6's does) decides otherwise: what it prints */
};

/* What udev's `scsi_id -g -u` (default pages, no /etc/scsi_id.config) prints for
 * a disk whose device answers with these bytes: p83/p80 as received (NULL
 * when VPD page 0 does not list the page), vendor and model as the INQUIRY
 * strings (space padding optional). scsi_id's own rules: its 254-byte window
 * (bytes past the page and the transfer read as zero), the low byte of the
 * length of a SCSI-2 page 0x83 and of page 0x80, its order of designators
 * (NAA 6, 5, any NAA, EUI-64, T10, vendor specific; binary before ASCII; LU
 * association), the 256-byte limit, then page 0x80, then -u's whitespace and
 * character rules. 0 with out->id; -ENODATA when scsi_id prints nothing
 * (out->why: which page said what); -EBADMSG when its answer would depend on
 * bytes a page claims but the device did not send, or on bytes past its
 * 254-byte buffer (out->why names the offset): then no id is given. */
int vpd_udev_id(const uint8_t *p83, size_t l83, const uint8_t *p80, size_t l80, const char *vendor,
                const char *model, struct vpd_udev_id *out);

#endif
