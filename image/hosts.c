/* hosts: see hosts.h. */
#define _GNU_SOURCE
#include "hosts.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { COL_MAC, COL_HOSTNAME, COL_IP, COL_NETMASK, COL_GATEWAY, COL_DNS, COL_DISK, NCOLS };
static const char *const COL_NAMES[NCOLS] = {"mac", "hostname", "ip", "netmask", "gateway", "dns", "disk"};

#define MAX_FIELDS 16
#define FIELD_MAX 256

/* ---- CSV ---- */

struct csv_row {
    char f[MAX_FIELDS][FIELD_MAX];
    size_t n;
};

static size_t skip_blanks(const char *s, size_t i, size_t len)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

/* One byte of a field: control characters (a stray CR, an escape) are refused. */
static int put_char(char *dst, size_t *k, char c, const char **why)
{
    if ((unsigned char)c < 0x20 && c != '\t') {
        *why = "a control character in a field";
        return -EINVAL;
    }
    if (*k + 1 >= FIELD_MAX) {
        *why = "a field longer than 255 characters";
        return -EINVAL;
    }
    dst[(*k)++] = c;
    return 0;
}

/* A quoted field starting after its opening quote at s[*i]; leaves *i past the
 * closing quote and the blanks after it. */
static int csv_quoted(const char *s, size_t *i, size_t len, char *dst, size_t *k, const char **why)
{
    for (;;) {
        char c;
        if (*i >= len) {
            *why = "a quoted field is not closed on its line (quoted fields cannot span lines)";
            return -EINVAL;
        }
        if (s[*i] == '"' && !(*i + 1 < len && s[*i + 1] == '"')) {
            (*i)++;
            break;
        }
        c = s[*i];
        *i += s[*i] == '"' ? 2 : 1;
        if (put_char(dst, k, c, why) < 0)
            return -EINVAL;
    }
    *i = skip_blanks(s, *i, len);
    if (*i < len && s[*i] != ',') {
        *why = "text after a quoted field's closing quote";
        return -EINVAL;
    }
    return 0;
}

/* Splits one line (without its line end) into fields, blanks around them removed. */
static int csv_split(const char *s, size_t len, struct csv_row *row, const char **why)
{
    size_t i = 0;

    row->n = 0;
    for (;;) {
        char *dst;
        size_t k = 0;
        if (row->n == MAX_FIELDS) {
            *why = "more than 16 fields";
            return -EINVAL;
        }
        dst = row->f[row->n++];
        i = skip_blanks(s, i, len);
        if (i < len && s[i] == '"') {
            i++;
            if (csv_quoted(s, &i, len, dst, &k, why) < 0)
                return -EINVAL;
        } else {
            for (; i < len && s[i] != ','; i++) {
                if (s[i] == '"') {
                    *why = "a double quote inside an unquoted field (quote the whole field)";
                    return -EINVAL;
                }
                if (put_char(dst, &k, s[i], why) < 0)
                    return -EINVAL;
            }
            while (k > 0 && (dst[k - 1] == ' ' || dst[k - 1] == '\t'))
                k--;
        }
        dst[k] = '\0';
        if (i >= len)
            return 0;
        i++; /* the comma */
    }
}

/* ---- fields ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)tolower((unsigned char)c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static int parse_mac(const char *s, char out[18], const char **why)
{
    unsigned char b[6];
    char sep = 0;
    size_t i;

    if (strlen(s) != 17) {
        *why = "is not a MAC address (six hex pairs: aa:bb:cc:dd:ee:ff)";
        return -EINVAL;
    }
    for (i = 0; i < 6; i++) {
        int hi = hexval(s[3 * i]), lo = hexval(s[3 * i + 1]);
        if (hi < 0 || lo < 0 || (i < 5 && s[3 * i + 2] != ':' && s[3 * i + 2] != '-') ||
            (i < 5 && sep && s[3 * i + 2] != sep)) {
            *why = "is not a MAC address (six hex pairs: aa:bb:cc:dd:ee:ff)";
            return -EINVAL;
        }
        if (i < 5)
            sep = s[3 * i + 2];
        b[i] = (unsigned char)(hi << 4 | lo);
    }
    if (b[0] & 1) {
        *why = "is a multicast address (the first octet is odd): no network card has it";
        return -EINVAL;
    }
    if (!(b[0] | b[1] | b[2] | b[3] | b[4] | b[5])) {
        *why = "is the all-zero MAC: no network card has it";
        return -EINVAL;
    }
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
    return 0;
}

static int parse_hostname(const char *s, const char **why)
{
    size_t i, label = 0, len = strlen(s);
    bool digits_only = true;

    if (len == 0 || len > 253) {
        *why = "is not a host name (1 to 253 characters)";
        return -EINVAL;
    }
    for (i = 0; i <= len; i++) {
        char c = s[i];
        if (c == '.' || c == '\0') {
            if (label == 0 || label > 63 || s[i - 1] == '-') {
                *why = "is not a host name (labels of 1 to 63 letters, digits or '-', not ending in '-', "
                       "separated by single dots)";
                return -EINVAL;
            }
            label = 0;
            if (c == '.')
                digits_only = true;
            continue;
        }
        if (!(isalnum((unsigned char)c) || (c == '-' && label > 0))) {
            *why = "is not a host name (letters, digits and '-' only, a label not starting with '-')";
            return -EINVAL;
        }
        if (!isdigit((unsigned char)c))
            digits_only = false;
        label++;
    }
    if (digits_only) {
        *why = "is not a host name (its last label is all digits: an address?)";
        return -EINVAL;
    }
    return 0;
}

static int parse_ipv4(const char *s, uint32_t *out, char canon[16])
{
    struct in_addr a;

    if (inet_pton(AF_INET, s, &a) != 1)
        return -EINVAL;
    *out = ntohl(a.s_addr);
    if (canon)
        inet_ntop(AF_INET, &a, canon, 16);
    return 0;
}

static int parse_netmask(const char *s, uint32_t *mask, char canon[16], const char **why)
{
    if (parse_ipv4(s, mask, canon) < 0) {
        *why = "is not a netmask (an IPv4 dotted quad: 255.255.255.0)";
        return -EINVAL;
    }
    if (*mask == 0 || (~*mask & (~*mask + 1)) != 0) {
        *why = "is not a netmask (contiguous one bits from the left, not zero: 255.255.255.0)";
        return -EINVAL;
    }
    return 0;
}

static int parse_host_ip(const char *s, uint32_t mask, uint32_t *ip, char canon[16], const char **why)
{
    if (parse_ipv4(s, ip, canon) < 0) {
        *why = "is not an IPv4 address (a dotted quad: 10.0.0.11)";
        return -EINVAL;
    }
    if (*ip == 0 || *ip == 0xffffffffu || (*ip >> 24) == 127 || (*ip >> 28) == 14 || (*ip >> 28) == 15) {
        *why = "is not a host address (unspecified, broadcast, loopback, multicast or reserved)";
        return -EINVAL;
    }
    if (mask && mask < 0xfffffffeu && ((*ip & ~mask) == 0 || (*ip & ~mask) == ~mask)) {
        *why = "is its subnet's network or broadcast address (see the netmask)";
        return -EINVAL;
    }
    return 0;
}

/* 1 to 3 addresses separated by ',', ';' or blanks, rendered "a,b,c". */
static int parse_dns(const char *s, char out[48], const char **why)
{
    char buf[FIELD_MAX], *tok, *save = NULL;
    size_t n = 0, len = 0;

    snprintf(buf, sizeof(buf), "%s", s);
    out[0] = '\0';
    for (tok = strtok_r(buf, ",; \t", &save); tok; tok = strtok_r(NULL, ",; \t", &save)) {
        uint32_t a;
        char canon[16];
        if (parse_ipv4(tok, &a, canon) < 0 || a == 0 || a == 0xffffffffu) {
            *why = "is not a list of DNS server addresses (IPv4, separated by ';' or blanks)";
            return -EINVAL;
        }
        if (++n > 3) {
            *why = "names more than 3 DNS servers (the resolver uses 3)";
            return -EINVAL;
        }
        len += (size_t)snprintf(out + len, 48 - len, "%s%s", n > 1 ? "," : "", canon);
    }
    return 0;
}

static int parse_disk(const char *s, char out[32], const char **why)
{
    size_t i;

    if (!strncmp(s, "/dev/", 5))
        s += 5;
    for (i = 0; s[i]; i++)
        if (!(islower((unsigned char)s[i]) || (i > 0 && isdigit((unsigned char)s[i]))))
            break;
    if (i == 0 || s[i] || i >= 32) {
        *why = "is not a disk's kernel name (sdb, vda, nvme0n1; /dev/ optional)";
        return -EINVAL;
    }
    snprintf(out, 32, "%s", s);
    return 0;
}

/* ---- rows ---- */

struct parse {
    const char *file;
    unsigned line;
    int col[NCOLS];   /* field index of each column */
    size_t ncols;     /* fields in the header */
    struct mt_err *err;
};

static int field_err(const struct parse *p, int col, const char *value, const char *why)
{
    return mt_err_set(p->err, -EINVAL, "%s:%u: field '%s': '%s' %s", p->file, p->line, COL_NAMES[col], value,
                      why);
}

static int parse_header(struct parse *p, const struct csv_row *row)
{
    size_t i;
    int c;

    for (c = 0; c < NCOLS; c++)
        p->col[c] = -1;
    for (i = 0; i < row->n; i++) {
        for (c = 0; c < NCOLS && strcasecmp(row->f[i], COL_NAMES[c]); c++)
            ;
        if (c == NCOLS)
            return mt_err_set(p->err, -EINVAL, "%s:%u: header: unknown column '%s' (the first line must name "
                              "the columns " HOSTS_COLUMNS ")", p->file, p->line, row->f[i]);
        if (p->col[c] >= 0)
            return mt_err_set(p->err, -EINVAL, "%s:%u: header: the column '%s' is named twice", p->file,
                              p->line, COL_NAMES[c]);
        p->col[c] = (int)i;
    }
    for (c = 0; c < NCOLS; c++)
        if (p->col[c] < 0)
            return mt_err_set(p->err, -EINVAL, "%s:%u: header: the column '%s' is missing (the columns: "
                              HOSTS_COLUMNS "; gateway, dns and disk may be left empty in a row)",
                              p->file, p->line, COL_NAMES[c]);
    p->ncols = row->n;
    return 0;
}

/* The fields of one row, each checked on its own. */
static int parse_fields(const struct parse *p, const struct csv_row *row, struct host_entry *e)
{
    const char *v[NCOLS], *why = NULL;
    uint32_t ip, mask, gw;
    int c;

    for (c = 0; c < NCOLS; c++) {
        v[c] = row->f[p->col[c]];
        if (!v[c][0] && c <= COL_NETMASK)
            return mt_err_set(p->err, -EINVAL, "%s:%u: field '%s' is empty (mac, hostname, ip and netmask are "
                              "required)", p->file, p->line, COL_NAMES[c]);
    }
    memset(e, 0, sizeof(*e));
    e->line = p->line;
    if (parse_mac(v[COL_MAC], e->mac, &why) < 0)
        return field_err(p, COL_MAC, v[COL_MAC], why);
    if (parse_hostname(v[COL_HOSTNAME], &why) < 0)
        return field_err(p, COL_HOSTNAME, v[COL_HOSTNAME], why);
    snprintf(e->hostname, sizeof(e->hostname), "%s", v[COL_HOSTNAME]);
    if (parse_netmask(v[COL_NETMASK], &mask, e->netmask, &why) < 0)
        return field_err(p, COL_NETMASK, v[COL_NETMASK], why);
    if (parse_host_ip(v[COL_IP], mask, &ip, e->ip, &why) < 0)
        return field_err(p, COL_IP, v[COL_IP], why);
    if (v[COL_GATEWAY][0]) {
        if (parse_host_ip(v[COL_GATEWAY], mask, &gw, e->gateway, &why) < 0)
            return field_err(p, COL_GATEWAY, v[COL_GATEWAY], why);
        if ((gw & mask) != (ip & mask))
            return field_err(p, COL_GATEWAY, v[COL_GATEWAY], "is outside the host's subnet (ip and netmask)");
        if (gw == ip)
            return field_err(p, COL_GATEWAY, v[COL_GATEWAY], "is the host's own address");
    }
    if (v[COL_DNS][0] && parse_dns(v[COL_DNS], e->dns, &why) < 0)
        return field_err(p, COL_DNS, v[COL_DNS], why);
    if (v[COL_DISK][0] && parse_disk(v[COL_DISK], e->disk, &why) < 0)
        return field_err(p, COL_DISK, v[COL_DISK], why);
    return 0;
}

/* A MAC, hostname or address that an earlier row already has. */
static int check_unique(const struct parse *p, const struct hosts *h, const struct host_entry *e)
{
    size_t i;

    for (i = 0; i < h->n; i++) {
        const struct host_entry *o = &h->v[i];
        if (!strcmp(o->mac, e->mac))
            return mt_err_set(p->err, -EINVAL, "%s:%u: field 'mac': %s is already the MAC of %s (line %u): "
                              "a NIC boots one host; correct the MAC or remove one of the two lines",
                              p->file, p->line, e->mac, o->hostname, o->line);
        if (!strcasecmp(o->hostname, e->hostname))
            return mt_err_set(p->err, -EINVAL, "%s:%u: field 'hostname': %s is already the name of line %u "
                              "(names are compared without regard to case): give each host its own name",
                              p->file, p->line, e->hostname, o->line);
        if (!strcmp(o->ip, e->ip))
            return mt_err_set(p->err, -EINVAL, "%s:%u: field 'ip': %s is already the address of %s (line %u): "
                              "give each host its own address",
                              p->file, p->line, e->ip, o->hostname, o->line);
    }
    return 0;
}

static int parse_row(struct parse *p, const struct csv_row *row, struct hosts *h)
{
    struct host_entry e, *nv;
    int r;

    if (row->n < p->ncols) {
        size_t c;
        for (c = 0; c < NCOLS && p->col[c] != (int)row->n; c++)
            ;
        return mt_err_set(p->err, -EINVAL, "%s:%u: field '%s' is missing: the line has %zu fields, the header "
                          "%zu (leave an empty field between commas)", p->file, p->line,
                          c < NCOLS ? COL_NAMES[c] : "?", row->n, p->ncols);
    }
    if (row->n > p->ncols)
        return mt_err_set(p->err, -EINVAL, "%s:%u: %zu fields, the header names %zu (a comma inside a value? "
                          "quote the field)", p->file, p->line, row->n, p->ncols);
    if ((r = parse_fields(p, row, &e)) < 0 || (r = check_unique(p, h, &e)) < 0)
        return r;
    nv = realloc(h->v, (h->n + 1) * sizeof(*nv));
    if (!nv)
        return mt_err_set(p->err, -ENOMEM, "%s: out of memory", p->file);
    h->v = nv;
    h->v[h->n++] = e;
    return 0;
}

int hosts_parse(const char *text, size_t len, const char *file, struct hosts *out, struct mt_err *err)
{
    struct parse p;
    struct csv_row *row = malloc(sizeof(*row));
    size_t pos = 0;
    bool header = false;
    int r = 0;

    memset(out, 0, sizeof(*out));
    memset(&p, 0, sizeof(p));
    p.file = file;
    p.err = err;
    if (!row)
        return mt_err_set(err, -ENOMEM, "%s: out of memory", file);
    if (memchr(text, '\0', len))
        r = mt_err_set(err, -EINVAL, "%s: holds a NUL byte: not a text (CSV) file", file);
    if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
        pos = 3;
    while (r == 0 && pos < len) {
        const char *s = text + pos, *nl = memchr(s, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - s) : len - pos, start;
        const char *why = NULL;
        pos += n + (nl ? 1 : 0);
        p.line++;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        start = skip_blanks(s, 0, n);
        if (start == n || s[start] == '#')
            continue;
        if (csv_split(s, n, row, &why) < 0)
            r = mt_err_set(err, -EINVAL, "%s:%u: %s", file, p.line, why);
        else if (!header && (r = parse_header(&p, row)) == 0)
            header = true;
        else if (header)
            r = parse_row(&p, row, out);
    }
    if (r == 0 && !header)
        r = mt_err_set(err, -EINVAL, "%s: empty: no header line; its first line must name the "
                         "columns " HOSTS_COLUMNS ", then one line per host", file);
    else if (r == 0 && out->n == 0)
        r = mt_err_set(err, -EINVAL, "%s: names no host (a header and no rows): add one line per "
                         "host under the header", file);
    free(row);
    if (r < 0)
        hosts_free(out);
    return r;
}

int hosts_load(const char *path, struct hosts *out, struct mt_err *err)
{
    FILE *f = fopen(path, "re");
    char *buf;
    size_t n;
    int r;

    memset(out, 0, sizeof(*out));
    if (!f)
        return mt_err_errno(err, -errno, "%s", path);
    buf = malloc(HOSTS_MAX_BYTES + 1);
    if (!buf) {
        fclose(f);
        return mt_err_set(err, -ENOMEM, "%s: out of memory", path);
    }
    n = fread(buf, 1, HOSTS_MAX_BYTES + 1, f);
    if (ferror(f))
        r = mt_err_errno(err, -EIO, "%s: reading", path);
    else if (n > HOSTS_MAX_BYTES)
        r = mt_err_set(err, -EFBIG, "%s: larger than %u MiB: not a hosts file", path, HOSTS_MAX_BYTES >> 20);
    else
        r = hosts_parse(buf, n, path, out, err);
    fclose(f);
    free(buf);
    return r;
}

void hosts_free(struct hosts *h)
{
    free(h->v);
    h->v = NULL;
    h->n = 0;
}

const struct host_entry *hosts_find(const struct hosts *h, const char *name)
{
    char mac[18];
    const char *why;
    size_t i;
    bool is_mac = parse_mac(name, mac, &why) == 0;

    for (i = 0; i < h->n; i++)
        if (is_mac ? !strcmp(h->v[i].mac, mac) : !strcasecmp(h->v[i].hostname, name))
            return &h->v[i];
    return NULL;
}

int hosts_kernel_args(const struct host_entry *e, char *buf, size_t len)
{
    int n = snprintf(buf, len, "ip=%s netmask=%s%s%s%s%s hostname=%s%s%s", e->ip, e->netmask,
                     e->gateway[0] ? " gateway=" : "", e->gateway, e->dns[0] ? " dns=" : "", e->dns,
                     e->hostname, e->disk[0] ? " mt.disk=" : "", e->disk);
    return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

void hosts_pxelinux_name(const struct host_entry *e, char out[21])
{
    size_t i;

    snprintf(out, 21, "01-%s", e->mac);
    for (i = 3; out[i]; i++)
        if (out[i] == ':')
            out[i] = '-';
}

const char *hosts_append_conflict(const char *append)
{
    static const char *const keys[] = {"ip=", "netmask=", "gateway=", "dns=", "hostname=", "mt.disk=", "ksdevice=",
                                       NULL};
    const char *p = append;
    size_t i;

    while (p && *p) {
        p += strspn(p, " \t");
        for (i = 0; keys[i]; i++)
            if (!strncmp(p, keys[i], strlen(keys[i])))
                return keys[i];
        p += strcspn(p, " \t");
    }
    return NULL;
}

/* dnsmasq reads a value up to a comma, a blank or '#'; quotes are its own. */
static bool dnsmasq_safe_path(const char *s)
{
    if (s[0] != '/')
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || strchr(",#\"'\\", *s) || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

/* One static dhcp-range per distinct subnet, in the order the hosts name them. */
static void dnsmasq_ranges(FILE *f, const struct hosts *h)
{
    size_t i, j;

    for (i = 0; i < h->n; i++) {
        uint32_t ip = 0, mask = 0, ipj = 0, maskj = 0;
        struct in_addr net;
        char nets[16];
        bool seen = false;
        parse_ipv4(h->v[i].ip, &ip, NULL);
        parse_ipv4(h->v[i].netmask, &mask, NULL);
        for (j = 0; j < i && !seen; j++) {
            parse_ipv4(h->v[j].ip, &ipj, NULL);
            parse_ipv4(h->v[j].netmask, &maskj, NULL);
            seen = maskj == mask && (ipj & maskj) == (ip & mask);
        }
        if (seen)
            continue;
        net.s_addr = htonl(ip & mask);
        inet_ntop(AF_INET, &net, nets, sizeof(nets));
        fprintf(f, "dhcp-range=%s,static,%s\n", nets, h->v[i].netmask);
    }
}

int hosts_dnsmasq_conf(const struct hosts *h, const char *tftp_root, const char *header, char **out,
                       struct mt_err *err)
{
    char *buf = NULL;
    size_t len = 0, i;
    FILE *f;

    if (!dnsmasq_safe_path(tftp_root))
        return mt_err_set(err, -EINVAL, "%s: dnsmasq cannot be given this TFTP root (it must be absolute, "
                          "without blanks, commas, quotes, '#' or non-ASCII characters): choose another --out",
                          tftp_root);
    f = open_memstream(&buf, &len);
    if (!f)
        return mt_err_set(err, -ENOMEM, "out of memory rendering the dnsmasq configuration");
    fprintf(f, "# %s\n", header ? header : "dnsmasq configuration written by mt-image pxe");
    fprintf(f, "# Run: dnsmasq --conf-file=THIS (add port=0 where a DNS server already runs, interface=NIC\n"
               "# to answer on one network only), or copy it into /etc/dnsmasq.d/.\n"
               "# DHCP answers only the MACs below (static ranges); each boots pxelinux.0 over TFTP,\n"
               "# which reads pxelinux.cfg/01-<mac> for its own kernel line. Written for EL6's dnsmasq\n"
               "# 2.48 and later: net: tags, options by number (3 router, 6 DNS servers).\n");
    fprintf(f, "enable-tftp\ntftp-root=%s\ndhcp-boot=pxelinux.0\n", tftp_root);
    dnsmasq_ranges(f, h);
    for (i = 0; i < h->n; i++) {
        const struct host_entry *e = &h->v[i];
        fprintf(f, "# %s (hosts file line %u)\n", e->hostname, e->line);
        fprintf(f, "dhcp-host=%s,net:mt-host%zu,%s,%s\n", e->mac, i + 1, e->ip, e->hostname);
        /* an empty option keeps dnsmasq from offering itself as router or DNS */
        fprintf(f, "dhcp-option=net:mt-host%zu,3%s%s\n", i + 1, e->gateway[0] ? "," : "", e->gateway);
        fprintf(f, "dhcp-option=net:mt-host%zu,6%s%s\n", i + 1, e->dns[0] ? "," : "", e->dns);
    }
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return mt_err_set(err, -ENOMEM, "out of memory rendering the dnsmasq configuration");
    }
    *out = buf;
    return 0;
}
