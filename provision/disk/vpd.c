/* vpd: see vpd.h. The scsi_id emulation follows udev's scsi_serial.c
 * (priority list of designators, '0'+vendor+model for vendor-specific ids,
 * the SCSI-2 page of old EMC arrays, 'S'+vendor+model+serial from page 0x80)
 * and scsi_id.c's -u (whitespace runs to one '_', characters outside udev's
 * whitelist to '_'), reading the bytes through scsi_id's own 254-byte window. */
#include "vpd.h"

#include "arraysize.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

/* Append "; "-separated text to a warning (cut, never overflowing). */
static void warn_add(char *w, size_t w_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void warn_add(char *w, size_t w_len, const char *fmt, ...)
{
    size_t n;
    va_list ap;
    if (!w || !w_len)
        return;
    n = strnlen(w, w_len);
    if (n && n + 2 < w_len) {
        memcpy(w + n, "; ", 3);
        n += 2;
    }
    if (n + 1 >= w_len)
        return;
    va_start(ap, fmt);
    vsnprintf(w + n, w_len - n, fmt, ap);
    va_end(ap);
}

/* The page header: code and length. Returns the bytes of the page that were
 * received (4 + page length, or fewer when the device sent fewer: a warning). */
static int page_bounds(const uint8_t *buf, size_t len, uint8_t code, size_t *claimed, char *why, size_t why_len,
                       char *w, size_t w_len)
{
    if (!buf || len < 4)
        return bad(why, why_len, "page 0x%02x truncated: %zu bytes, the header alone is 4", code, len);
    if (buf[1] != code)
        return bad(why, why_len, "page code 0x%02x where 0x%02x was asked for", buf[1], code);
    *claimed = 4 + (((size_t)buf[2] << 8) | buf[3]);
    if (*claimed > len) {
        warn_add(w, w_len, "page 0x%02x claims %zu bytes, only %zu received", code, *claimed - 4, len - 4);
        return (int)len;
    }
    return (int)*claimed;
}

int vpd_parse_pg80(const uint8_t *buf, size_t len, char *serial, size_t serial_len, char *warning,
                   size_t warning_len)
{
    size_t claimed, n, i, nul;
    int end;
    bool odd = false;

    if (warning && warning_len)
        warning[0] = '\0';
    if (serial && serial_len)
        serial[0] = '\0';
    end = page_bounds(buf, len, 0x80, &claimed, warning, warning_len, warning, warning_len);
    if (end < 0)
        return end;
    n = (size_t)end - 4;
    /* a C string to scsi_id: a NUL ends the serial */
    nul = strnlen((const char *)buf + 4, n);
    for (i = nul; i < n; i++)
        if (buf[4 + i] != '\0') {
            warn_add(warning, warning_len, "page 0x80: a NUL at byte %zu ends the serial, %zu bytes after it",
                     nul, n - nul);
            break;
        }
    n = nul;
    while (n > 0 && buf[4 + n - 1] == ' ')
        n--;
    for (i = 0; i < n; i++)
        if (buf[4 + i] < 0x20 || buf[4 + i] > 0x7e)
            odd = true;
    if (odd)
        warn_add(warning, warning_len, "page 0x80: the serial has bytes that are not printable ASCII (shown as '.')");
    if (serial_len && n + 1 > serial_len) {
        warn_add(warning, warning_len, "page 0x80: serial of %zu bytes cut to %zu", n, serial_len - 1);
        n = serial_len - 1;
    }
    for (i = 0; serial && i < n; i++)
        serial[i] = (buf[4 + i] >= 0x20 && buf[4 + i] <= 0x7e) ? (char)buf[4 + i] : '.';
    if (serial && serial_len)
        serial[n] = '\0';
    return 0;
}

/* One designator header at off; false when it does not fit the page. */
static bool take_designator(const uint8_t *buf, size_t off, size_t end, struct vpd_pg83 *out)
{
    struct vpd_designator *d;
    size_t dlen = buf[off + 3];

    if (off + 4 + dlen > end) {
        warn_add(out->warning, sizeof(out->warning),
                 "page 0x83: the designator at offset %zu claims %zu bytes, the page has %zu left: not listed",
                 off, dlen, end - off - 4);
        return false;
    }
    d = &out->d[out->n++];
    d->offset = (uint16_t)off;
    d->protocol = buf[off] >> 4;
    d->code_set = buf[off] & 0x0f;
    d->piv = (buf[off + 1] & 0x80) != 0;
    d->assoc = (buf[off + 1] >> 4) & 0x3;
    d->type = buf[off + 1] & 0x0f;
    d->len = (uint8_t)dlen;
    memcpy(d->data, buf + off + 4, dlen);
    return true;
}

int vpd_parse_pg83(const uint8_t *buf, size_t len, struct vpd_pg83 *out, char *why, size_t why_len)
{
    size_t claimed, off, end, i;
    int r;

    memset(out, 0, sizeof(*out));
    r = page_bounds(buf, len, 0x83, &claimed, why, why_len, out->warning, sizeof(out->warning));
    if (r < 0)
        return r;
    end = (size_t)r;
    /* SCSI-2 (pre-SPC-3) pages carry the raw identifier where SPC-3 has the
     * reserved byte of the first designator; udev tells them apart the same way. */
    if (end > 6 && buf[6] != 0) {
        out->pre_spc3 = true;
        out->raw_len = (uint8_t)(end - 4 < sizeof(out->raw) ? end - 4 : sizeof(out->raw));
        memcpy(out->raw, buf + 4, out->raw_len);
        return 0;
    }
    for (off = 4; off < end;) {
        if (off + 4 > end) {
            bool zeros = true;
            for (i = off; i < end; i++)
                zeros = zeros && buf[i] == 0;
            warn_add(out->warning, sizeof(out->warning),
                     "page 0x83: %zu %sbytes after the last designator (offset %zu) are no designator: ignored",
                     end - off, zeros ? "zero " : "", off);
            break;
        }
        if (out->n >= VPD_MAX_DESIGNATORS) {
            warn_add(out->warning, sizeof(out->warning),
                     "page 0x83: more than %d designators, those from offset %zu on are not listed",
                     VPD_MAX_DESIGNATORS, off);
            break;
        }
        if (!take_designator(buf, off, end, out))
            break;
        off += 4 + buf[off + 3];
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

/* ---- scsi_id, byte for byte ------------------------------------------ */

/* A page as scsi_id's zeroed 254-byte buffer holds it. */
struct udev_view {
    const uint8_t *buf;
    size_t got;            /* bytes received */
    size_t claimed;        /* 4 + the page length */
    size_t unknown_at;     /* set by vbyte: the last byte read that is not known */
};

#define VBYTE_UNKNOWN (-1)

/* Byte i of scsi_id's buffer: what the device sent; zero past the page and
 * the transfer (scsi_id zeroes the buffer first); unknown when the page claims
 * it but it was not received, or past the buffer (scsi_id reads its stack). */
static int vbyte(struct udev_view *v, size_t i)
{
    if (i < VPD_UDEV_BUF && i < v->got)
        return v->buf[i];
    if (i < VPD_UDEV_BUF && i >= v->claimed)
        return 0;
    v->unknown_at = i;
    return VBYTE_UNKNOWN;
}

static void view_init(struct udev_view *v, const uint8_t *buf, size_t len)
{
    v->buf = buf;
    v->got = len;
    v->claimed = len >= 4 ? 4 + (((size_t)buf[2] << 8) | buf[3]) : 4;
    v->unknown_at = (size_t)-1;
}

static int unknown_reason(const struct udev_view *v, uint8_t page, char *why, size_t why_len)
{
    if (v->unknown_at >= VPD_UDEV_BUF)
        warn_add(why, why_len,
                 "page 0x%02x: scsi_id would read byte %zu, past the %d bytes it reads of the page: its id is undefined",
                 page, v->unknown_at, VPD_UDEV_BUF);
    else
        warn_add(why, why_len,
                 "page 0x%02x claims %zu bytes, only %zu received: scsi_id's id would rest on byte %zu, which the device did not send",
                 page, v->claimed - 4, v->got >= 4 ? v->got - 4 : 0, v->unknown_at);
    return -EBADMSG;
}

/* scsi_id's serial, then -u: out gets the id. */
static void udev_finish(const char *serial, struct vpd_udev_id *out)
{
    reformat(serial, out->id, sizeof(out->id));
}

/* check_fill_0x83_id for the designator at j and search entry k: 1 taken
 * (serial filled), 0 not this one, VBYTE_UNKNOWN when it rests on unknown bytes. */
static int udev_try_designator(struct udev_view *v, size_t j, size_t k, const char *vendor, const char *model,
                               char *serial, struct vpd_udev_id *out)
{
    int b0, b1 = vbyte(v, j + 1), b, len;
    size_t need, i, s;

    /* read in scsi_id's order, so an unknown byte is named only where it decides */
    if (b1 == VBYTE_UNKNOWN)
        return VBYTE_UNKNOWN;
    if ((b1 & 0x30) != 0 || (b1 & 0x0f) != id_search[k].type)
        return 0;
    if (id_search[k].naa >= 0) {
        if ((b = vbyte(v, j + 4)) == VBYTE_UNKNOWN)
            return VBYTE_UNKNOWN;
        if ((b >> 4) != id_search[k].naa)
            return 0;
    }
    if ((b0 = vbyte(v, j)) == VBYTE_UNKNOWN)
        return VBYTE_UNKNOWN;
    if ((b0 & 0x0f) != id_search[k].code_set)
        return 0;
    if ((len = vbyte(v, j + 3)) == VBYTE_UNKNOWN)
        return VBYTE_UNKNOWN;
    need = (id_search[k].code_set == VPD_CS_ASCII ? (size_t)len : 2u * (size_t)len) + 2;
    if (id_search[k].type == VPD_DESIG_VENDOR)
        need += VENDOR_LEN + MODEL_LEN;
    if (need > VPD_UDEV_SERIAL)
        return 0; /* scsi_id skips what does not fit its serial buffer */
    s = 0;
    serial[s++] = hexdig[id_search[k].type];
    if (id_search[k].type == VPD_DESIG_VENDOR) {
        s += put_padded(serial + s, vendor, VENDOR_LEN);
        s += put_padded(serial + s, model, MODEL_LEN);
    }
    for (i = 0; i < (size_t)len; i++) {
        if ((b = vbyte(v, j + 4 + i)) == VBYTE_UNKNOWN)
            return VBYTE_UNKNOWN;
        if (id_search[k].code_set == VPD_CS_ASCII) {
            serial[s++] = (char)b;
        } else {
            serial[s++] = hexdig[b >> 4];
            serial[s++] = hexdig[b & 0xf];
        }
    }
    serial[s] = '\0';
    if (id_search[k].type == VPD_DESIG_NAA)
        snprintf(out->naa, sizeof(out->naa), "%s", serial + 1);
    out->from = VPD_FROM_PG83;
    out->desig_type = id_search[k].type;
    out->desig_offset = j;
    return 1;
}

/* do_scsi_page83_inquiry's search: every entry of the list over every
 * designator up to `last` (the offset of the page's last byte). 1 found, 0
 * none, VBYTE_UNKNOWN. */
static int udev_search_pg83(struct udev_view *v, size_t last, const char *vendor, const char *model, char *serial,
                            struct vpd_udev_id *out)
{
    size_t k, j;
    int r, len;

    for (k = 0; k < ARRAY_SIZE(id_search); k++) {
        for (j = 4; j <= last; j += (size_t)len + 4) {
            r = udev_try_designator(v, j, k, vendor, model, serial, out);
            if (r != 0)
                return r;
            /* the next header: an unknown length matters only when it could
             * still point inside the page */
            if ((len = vbyte(v, j + 3)) == VBYTE_UNKNOWN) {
                if (j + 4 > last)
                    break;
                return VBYTE_UNKNOWN;
            }
        }
    }
    return 0;
}

/* check_fill_0x83_prespc3: '3' and the bytes after the header, as many as the
 * low byte of the page length says, until 253 characters. */
static int udev_scsi2_pg83(struct udev_view *v, char *serial, struct vpd_udev_id *out)
{
    size_t i, j = 0, n = v->buf[3];
    int b;

    serial[j++] = hexdig[VPD_DESIG_NAA];
    for (i = 0; i < n && j < VPD_UDEV_SERIAL - 3; i++) {
        if ((b = vbyte(v, 4 + i)) == VBYTE_UNKNOWN)
            return VBYTE_UNKNOWN;
        serial[j++] = hexdig[b >> 4];
        serial[j++] = hexdig[b & 0xf];
    }
    serial[j] = '\0';
    snprintf(out->naa, sizeof(out->naa), "%s", serial + 1);
    out->from = VPD_FROM_PG83_SCSI2;
    return 1;
}

/* udev before systemd's 16-bit fix (CentOS 6's udev 147 among them) walks the
 * designators only as far as the low byte of the page length says: on a page
 * of 256 bytes or more it may take another designator, or none. Said in
 * out->note when it would. */
static void old_udev_note(struct udev_view *v, const char *vendor, const char *model, const char *serial, int r,
                          struct vpd_udev_id *out)
{
    struct vpd_udev_id old;
    char oserial[VPD_UDEV_SERIAL + VENDOR_LEN + MODEL_LEN + 8], oid[VPD_ID_MAX] = "";
    int ro;

    memset(&old, 0, sizeof(old));
    ro = udev_search_pg83(v, (size_t)v->buf[3] + 3, vendor, model, oserial, &old);
    if (ro == VBYTE_UNKNOWN) {
        snprintf(out->note, sizeof(out->note), "page 0x83 is %zu bytes: an older udev (CentOS 6's, which reads "
                 "the low byte of the page length) would read bytes that are not there", v->claimed);
    } else if (ro != r || (r == 1 && strcmp(oserial, serial) != 0)) {
        if (ro == 1)
            reformat(oserial, oid, sizeof(oid));
        snprintf(out->note, sizeof(out->note), "page 0x83 is %zu bytes: an older udev (CentOS 6's, which reads "
                 "the low byte of the page length) would print %s", v->claimed, ro == 1 ? oid : "no id from it");
    }
}

/* Page 0x83 as scsi_id takes it: 1 id, 0 none (why says), -EBADMSG unknown. */
static int udev_pg83(const uint8_t *p, size_t l, const char *vendor, const char *model, char *serial,
                     struct vpd_udev_id *out)
{
    struct udev_view v;
    int b6, r;

    if (l < 4) {
        warn_add(out->why, sizeof(out->why), "page 0x83 truncated: %zu bytes, the header alone is 4", l);
        return 0;
    }
    if (p[1] != 0x83) {
        warn_add(out->why, sizeof(out->why), "page 0x83 answered with page code 0x%02x: scsi_id ignores it", p[1]);
        return 0;
    }
    view_init(&v, p, l);
    if ((b6 = vbyte(&v, 6)) == VBYTE_UNKNOWN)
        return unknown_reason(&v, 0x83, out->why, sizeof(out->why));
    r = b6 != 0 ? udev_scsi2_pg83(&v, serial, out) : udev_search_pg83(&v, v.claimed - 1, vendor, model, serial, out);
    if (b6 == 0 && p[2] != 0 && r >= 0)
        old_udev_note(&v, vendor, model, serial, r, out);
    if (r == VBYTE_UNKNOWN) {
        out->naa[0] = '\0';
        out->from = VPD_FROM_NONE;
        return unknown_reason(&v, 0x83, out->why, sizeof(out->why));
    }
    if (r == 0)
        warn_add(out->why, sizeof(out->why),
                 "page 0x83 has no designator scsi_id uses (an NAA, EUI-64, T10 or vendor-specific one of the "
                 "logical unit, binary or ASCII, that fits its 256-byte serial)");
    return r;
}

/* do_scsi_page80_inquiry: 'S', vendor, model and as many bytes as the low
 * byte of the page length says. */
static int udev_pg80(const uint8_t *p, size_t l, const char *vendor, const char *model, char *serial,
                     struct vpd_udev_id *out)
{
    struct udev_view v;
    size_t i, j = 0, n;
    int b;

    if (l < 4) {
        warn_add(out->why, sizeof(out->why), "page 0x80 truncated: %zu bytes, the header alone is 4", l);
        return 0;
    }
    if (p[1] != 0x80) {
        warn_add(out->why, sizeof(out->why), "page 0x80 answered with page code 0x%02x: scsi_id ignores it", p[1]);
        return 0;
    }
    n = p[3];
    if (1 + VENDOR_LEN + MODEL_LEN + n > VPD_UDEV_SERIAL) {
        warn_add(out->why, sizeof(out->why), "page 0x80: a serial of %zu bytes does not fit scsi_id's buffer", n);
        return 0;
    }
    view_init(&v, p, l);
    serial[j++] = 'S';
    j += put_padded(serial + j, vendor, VENDOR_LEN);
    j += put_padded(serial + j, model, MODEL_LEN);
    for (i = 0; i < n; i++) {
        if ((b = vbyte(&v, 4 + i)) == VBYTE_UNKNOWN)
            return unknown_reason(&v, 0x80, out->why, sizeof(out->why));
        serial[j++] = (char)b;
    }
    serial[j] = '\0';
    out->from = VPD_FROM_PG80;
    return 1;
}

int vpd_udev_id(const uint8_t *p83, size_t l83, const uint8_t *p80, size_t l80, const char *vendor,
                const char *model, struct vpd_udev_id *out)
{
    char serial[VPD_UDEV_SERIAL + VENDOR_LEN + MODEL_LEN + 8];
    int r = 0;

    memset(out, 0, sizeof(*out));
    out->desig_type = -1;
    if (p83) {
        r = udev_pg83(p83, l83, vendor, model, serial, out);
        if (r < 0)
            return r;
    } else {
        warn_add(out->why, sizeof(out->why), "no page 0x83");
    }
    if (r == 0 && p80)
        r = udev_pg80(p80, l80, vendor, model, serial, out);
    else if (r == 0)
        warn_add(out->why, sizeof(out->why), "no page 0x80");
    if (r < 0)
        return r;
    if (r == 0)
        return -ENODATA;
    if (out->from != VPD_FROM_PG80)
        out->why[0] = '\0';
    udev_finish(serial, out);
    return 0;
}
