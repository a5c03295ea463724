/* vpd: see vpd.h. The scsi_id emulation follows udev's scsi_serial.c
 * (priority list of designators, '0'+vendor+model for vendor-specific ids,
 * 'S'+vendor+model+serial from page 0x80) and scsi_id.c's -u (whitespace runs
 * to one '_', characters outside udev's whitelist to '_'). */
#include "vpd.h"

#include "arraysize.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* scsi_id works in a 256-byte serial buffer: a designator that does not fit is skipped. */
#define SCSI_ID_MAX_SERIAL 256
#define VENDOR_LEN 8
#define MODEL_LEN 16

static int bad(char *why, size_t why_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(char *why, size_t why_len, const char *fmt, ...)
{
    va_list ap;
    if (why && why_len) {
        va_start(ap, fmt);
        vsnprintf(why, why_len, fmt, ap);
        va_end(ap);
    }
    return -EBADMSG;
}

/* Common header check; returns the page length (bytes after the 4-byte header). */
static int page_header(const uint8_t *buf, size_t len, uint8_t code, char *why, size_t why_len)
{
    size_t plen;
    if (!buf || len < 4)
        return bad(why, why_len, "page 0x%02x truncated: %zu bytes, the header alone is 4", code, len);
    if (buf[1] != code)
        return bad(why, why_len, "page code 0x%02x where 0x%02x was asked for", buf[1], code);
    plen = ((size_t)buf[2] << 8) | buf[3];
    if (4 + plen > len)
        return bad(why, why_len, "page 0x%02x claims %zu bytes, only %zu received", code, plen, len - 4);
    return (int)plen;
}

int vpd_parse_pg80(const uint8_t *buf, size_t len, char *serial, size_t serial_len, char *why,
                   size_t why_len)
{
    int plen = page_header(buf, len, 0x80, why, why_len);
    size_t n, i;

    if (plen < 0)
        return plen;
    n = (size_t)plen;
    /* trailing blanks and NUL padding are not part of the serial */
    while (n > 0 && (buf[4 + n - 1] == ' ' || buf[4 + n - 1] == '\0'))
        n--;
    for (i = 0; i < n; i++)
        if (buf[4 + i] < 0x20 || buf[4 + i] > 0x7e)
            return bad(why, why_len, "page 0x80: serial byte %zu is 0x%02x, not printable ASCII", i,
                       buf[4 + i]);
    if (n + 1 > serial_len)
        return bad(why, why_len, "page 0x80: serial of %zu bytes is longer than %zu", n,
                   serial_len ? serial_len - 1 : 0);
    memcpy(serial, buf + 4, n);
    serial[n] = '\0';
    return 0;
}

int vpd_parse_pg83(const uint8_t *buf, size_t len, struct vpd_pg83 *out, char *why, size_t why_len)
{
    int plen = page_header(buf, len, 0x83, why, why_len);
    size_t off, end;

    memset(out, 0, sizeof(*out));
    if (plen < 0)
        return plen;
    end = 4 + (size_t)plen;
    /* SCSI-2 (pre-SPC-3) pages carry the raw identifier where SPC-3 has the
     * reserved byte of the first designator; udev tells them apart the same way. */
    if (plen >= 4 && buf[6] != 0) {
        out->pre_spc3 = true;
        out->raw_len = buf[3];
        memcpy(out->raw, buf + 4, out->raw_len);
        return 0;
    }
    for (off = 4; off < end;) {
        struct vpd_designator *d;
        size_t dlen;

        if (off + 4 > end)
            return bad(why, why_len, "page 0x83: designator at offset %zu truncated (%zu of 4 header bytes)",
                       off, end - off);
        dlen = buf[off + 3];
        if (off + 4 + dlen > end)
            return bad(why, why_len,
                       "page 0x83: designator at offset %zu claims %zu bytes, the page has %zu left", off,
                       dlen, end - off - 4);
        if (out->n >= VPD_MAX_DESIGNATORS)
            return bad(why, why_len, "page 0x83: more than %d designators", VPD_MAX_DESIGNATORS);
        d = &out->d[out->n++];
        d->protocol = buf[off] >> 4;
        d->code_set = buf[off] & 0x0f;
        d->piv = (buf[off + 1] & 0x80) != 0;
        d->assoc = (buf[off + 1] >> 4) & 0x3;
        d->type = buf[off + 1] & 0x0f;
        d->len = (uint8_t)dlen;
        memcpy(d->data, buf + off + 4, dlen);
        off += 4 + dlen;
    }
    return 0;
}

const struct vpd_designator *vpd_find_naa(const struct vpd_pg83 *pg)
{
    size_t i;
    if (!pg)
        return NULL;
    for (i = 0; i < pg->n; i++)
        if (pg->d[i].type == VPD_DESIG_NAA && pg->d[i].assoc == VPD_ASSOC_LU &&
            pg->d[i].code_set == VPD_CS_BINARY && pg->d[i].len >= 8)
            return &pg->d[i];
    return NULL;
}

static const char hexdig[] = "0123456789abcdef";

size_t vpd_designator_value(const struct vpd_designator *d, char *out, size_t out_len)
{
    size_t i, j = 0;
    if (!out_len)
        return 0;
    if (d->code_set == VPD_CS_ASCII || d->code_set == VPD_CS_UTF8) {
        for (i = 0; i < d->len && j + 1 < out_len; i++) {
            if (d->data[i] == '\0')
                break;
            out[j++] = (d->data[i] >= 0x20 && d->data[i] < 0x7f) ? (char)d->data[i] : '.';
        }
        while (j > 0 && out[j - 1] == ' ')
            j--;
    } else {
        for (i = 0; i < d->len && j + 2 < out_len; i++) {
            out[j++] = hexdig[d->data[i] >> 4];
            out[j++] = hexdig[d->data[i] & 0xf];
        }
    }
    out[j] = '\0';
    return j;
}

const char *vpd_desig_type_name(uint8_t type)
{
    static const char *const names[] = {"vendor", "t10", "eui64", "naa", "relative-port", "target-port-group",
                                        "lu-group", "md5", "scsi-name", "protocol-port", "uuid"};
    return type < ARRAY_SIZE(names) ? names[type] : "reserved";
}

const char *vpd_assoc_name(uint8_t assoc)
{
    static const char *const names[] = {"lu", "port", "target", "reserved"};
    return names[assoc & 3];
}

/* udev's priority list (scsi_serial.c id_search_list), minus the target port
 * group entry, which never yields an id. naa: -1 any, else the NAA nibble. */
static const struct {
    uint8_t type;
    int naa;
    uint8_t code_set;
} id_search[] = {
    {VPD_DESIG_NAA, 6, VPD_CS_BINARY},    {VPD_DESIG_NAA, 6, VPD_CS_ASCII},
    {VPD_DESIG_NAA, 5, VPD_CS_BINARY},    {VPD_DESIG_NAA, 5, VPD_CS_ASCII},
    {VPD_DESIG_NAA, -1, VPD_CS_BINARY},   {VPD_DESIG_NAA, -1, VPD_CS_ASCII},
    {VPD_DESIG_EUI64, -1, VPD_CS_BINARY}, {VPD_DESIG_EUI64, -1, VPD_CS_ASCII},
    {VPD_DESIG_T10, -1, VPD_CS_BINARY},   {VPD_DESIG_T10, -1, VPD_CS_ASCII},
    {VPD_DESIG_VENDOR, -1, VPD_CS_BINARY}, {VPD_DESIG_VENDOR, -1, VPD_CS_ASCII},
};

/* Vendor (8) and model (16) as INQUIRY returns them: space padded. */
static size_t put_padded(char *dst, const char *s, size_t width)
{
    size_t n = s ? strnlen(s, width) : 0;
    memcpy(dst, s ? s : "", n);
    memset(dst + n, ' ', width - n);
    return width;
}

/* scsi_id -u: trim, whitespace runs to one '_', then udev's character whitelist. */
static void reformat(const char *in, char *out, size_t out_len)
{
    size_t len = strlen(in), i = 0, j = 0;

    while (len && isspace((unsigned char)in[len - 1]))
        len--;
    while (i < len && isspace((unsigned char)in[i]))
        i++;
    while (i < len && j + 1 < out_len) {
        unsigned char c = (unsigned char)in[i];
        if (isspace(c)) {
            while (i < len && isspace((unsigned char)in[i]))
                i++;
            out[j++] = '_';
            continue;
        }
        if (isalnum(c) || strchr("#+-.:=@_", c)) {
            out[j++] = (char)c;
            i++;
        } else if (c == '\\' && i + 1 < len && in[i + 1] == 'x' && j + 2 < out_len) {
            out[j++] = '\\';
            out[j++] = 'x';
            i += 2;
        } else if (c >= 0xc2 && c <= 0xf4) {
            /* a valid UTF-8 sequence is kept whole */
            size_t need = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1, k;
            for (k = 1; k <= need && i + k < len; k++)
                if (((unsigned char)in[i + k] & 0xc0) != 0x80)
                    break;
            if (k == need + 1 && j + need + 1 < out_len) {
                memcpy(out + j, in + i, need + 1);
                j += need + 1;
                i += need + 1;
            } else {
                out[j++] = '_';
                i++;
            }
        } else {
            out[j++] = '_';
            i++;
        }
    }
    out[j] = '\0';
}

void vpd_scsi_id(const struct vpd_pg83 *pg83, const char *pg80_serial, const char *vendor,
                 const char *model, char *out, size_t out_len)
{
    char serial[SCSI_ID_MAX_SERIAL + VENDOR_LEN + MODEL_LEN + 8];
    size_t k, i, j = 0;

    if (out_len)
        out[0] = '\0';
    if (pg83 && pg83->pre_spc3) {
        serial[j++] = '3';
        /* scsi_id stops where its 256-byte buffer ends */
        for (i = 0; i < pg83->raw_len && j < SCSI_ID_MAX_SERIAL - 3; i++) {
            serial[j++] = hexdig[pg83->raw[i] >> 4];
            serial[j++] = hexdig[pg83->raw[i] & 0xf];
        }
        serial[j] = '\0';
        reformat(serial, out, out_len);
        return;
    }
    for (k = 0; pg83 && k < ARRAY_SIZE(id_search); k++) {
        for (i = 0; i < pg83->n; i++) {
            const struct vpd_designator *d = &pg83->d[i];
            size_t need;
            if (d->assoc != VPD_ASSOC_LU || d->type != id_search[k].type ||
                d->code_set != id_search[k].code_set)
                continue;
            if (id_search[k].naa >= 0 && (d->len == 0 || (d->data[0] >> 4) != id_search[k].naa))
                continue;
            need = (d->code_set == VPD_CS_ASCII ? d->len : 2u * d->len) + 2;
            if (d->type == VPD_DESIG_VENDOR)
                need += VENDOR_LEN + MODEL_LEN;
            if (need > SCSI_ID_MAX_SERIAL)
                continue; /* scsi_id skips what does not fit its buffer */
            j = 0;
            serial[j++] = hexdig[d->type];
            if (d->type == VPD_DESIG_VENDOR) {
                j += put_padded(serial + j, vendor, VENDOR_LEN);
                j += put_padded(serial + j, model, MODEL_LEN);
            }
            if (d->code_set == VPD_CS_ASCII) {
                /* a C string in scsi_id: an embedded NUL ends it */
                size_t n = strnlen((const char *)d->data, d->len);
                memcpy(serial + j, d->data, n);
                j += n;
            } else {
                size_t b;
                for (b = 0; b < d->len; b++) {
                    serial[j++] = hexdig[d->data[b] >> 4];
                    serial[j++] = hexdig[d->data[b] & 0xf];
                }
            }
            serial[j] = '\0';
            reformat(serial, out, out_len);
            return;
        }
    }
    if (pg80_serial) {
        j = 0;
        serial[j++] = 'S';
        j += put_padded(serial + j, vendor, VENDOR_LEN);
        j += put_padded(serial + j, model, MODEL_LEN);
        snprintf(serial + j, sizeof(serial) - j, "%.*s", SCSI_ID_MAX_SERIAL - 32, pg80_serial);
        reformat(serial, out, out_len);
    }
}
