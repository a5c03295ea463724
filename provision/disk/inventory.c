/* inventory: see inventory.h. Every path goes through the root resolver, so
 * the same code reads the live host and a fixture tree; only device nodes
 * (SG_IO, libblkid) and udev are the live host's alone. */
#include "inventory.h"

#include <blkid.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libudev.h>
#include <limits.h>
#include <pthread.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "devuse.h"
#include "arraysize.h"
#include "rootpath.h"
#include "sgio.h"
#include "strcopy.h"

#define SYS_BLOCK "/sys/block"

/* ---- small readers ---------------------------------------------------- */

static void read_attr(const char *path, char *buf, size_t len)
{
    if (rootpath_read_line(path, buf, len) < 0)
        buf[0] = '\0';
}

static void lower(char *s)
{
    for (; *s; s++)
        *s = (char)tolower((unsigned char)*s);
}

/* Value of KEY=VALUE in a shell-style file (quotes stripped); "" when absent. */
static void shell_var(const char *text, const char *key, char *out, size_t len)
{
    const char *p = text;
    size_t klen = strlen(key);
    out[0] = '\0';
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t l = eol ? (size_t)(eol - p) : strlen(p);
        while (l && (*p == ' ' || *p == '\t')) {
            p++;
            l--;
        }
        if (l > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t vl = l - klen - 1;
            while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' '))
                vl--;
            if (vl >= 2 && (v[0] == '"' || v[0] == '\'') && v[vl - 1] == v[0]) {
                v++;
                vl -= 2;
            }
            snprintf(out, len, "%.*s", (int)vl, v);
            /* the last assignment wins, as in the shell */
        }
        p = eol ? eol + 1 : NULL;
    }
}

static void list_add(char *list, size_t len, const char *item)
{
    size_t n = strlen(list);
    if (n + strlen(item) + 2 > len)
        return;
    snprintf(list + n, len - n, "%s%s", n ? "," : "", item);
}

static bool list_has(const char *list, const char *item)
{
    size_t l = strlen(item);
    const char *p = list;
    while ((p = strstr(p, item)) != NULL) {
        if ((p == list || p[-1] == ',') && (p[l] == ',' || p[l] == '\0'))
            return true;
        p += l;
    }
    return false;
}

/* ---- host ------------------------------------------------------------- */

static void os_release_parse(struct inv_host *h)
{
    char *text = NULL;
    char line[INV_STR];

    if (rootpath_read_line("/etc/redhat-release", line, sizeof(line)) == 0 && line[0]) {
        const char *rel = strstr(line, "release ");
        str_copy(h->os_release, sizeof(h->os_release), line);
        if (strncmp(line, "CentOS", 6) == 0)
            snprintf(h->os_id, sizeof(h->os_id), "centos");
        else if (strncmp(line, "Red Hat Enterprise Linux", 24) == 0)
            snprintf(h->os_id, sizeof(h->os_id), "rhel");
        else if (strncmp(line, "Scientific Linux", 16) == 0)
            snprintf(h->os_id, sizeof(h->os_id), "scientific");
        else if (strncmp(line, "Fedora", 6) == 0)
            snprintf(h->os_id, sizeof(h->os_id), "fedora");
        else
            snprintf(h->os_id, sizeof(h->os_id), "redhat-like");
        if (rel) {
            size_t n = strspn(rel + 8, "0123456789.");
            snprintf(h->os_version, sizeof(h->os_version), "%.*s", (int)n, rel + 8);
        }
        return;
    }
    if (rootpath_read_file("/etc/os-release", &text, 65536) >= 0 ||
        rootpath_read_file("/usr/lib/os-release", &text, 65536) >= 0) {
        shell_var(text, "PRETTY_NAME", h->os_release, sizeof(h->os_release));
        shell_var(text, "ID", h->os_id, sizeof(h->os_id));
        shell_var(text, "VERSION_ID", h->os_version, sizeof(h->os_version));
        if (!h->os_release[0])
            shell_var(text, "NAME", h->os_release, sizeof(h->os_release));
        free(text);
    }
}

static void cpu_mem(struct inv_host *h)
{
    char *text = NULL;
    const char *p;
    if (rootpath_read_file("/proc/cpuinfo", &text, 4u << 20) >= 0) {
        for (p = text; (p = strstr(p, "processor")) != NULL; p += 9)
            if ((p == text || p[-1] == '\n') && (p[9] == '\t' || p[9] == ' ' || p[9] == ':'))
                h->cpus++;
        free(text);
    }
    text = NULL;
    if (rootpath_read_file("/proc/meminfo", &text, 1u << 20) >= 0) {
        unsigned long long kb;
        p = strstr(text, "MemTotal:");
        if (p && sscanf(p + 9, "%llu", &kb) == 1)
            h->ram_bytes = (uint64_t)kb * 1024;
        free(text);
    }
}

/* BOOTPROTO and addresses of a NIC from EL's ifcfg file, then Debian's interfaces. */
static void nic_config(struct inv_nic *n)
{
    char path[PATH_MAX], *text = NULL, v[INV_STR];

    snprintf(path, sizeof(path), "/etc/sysconfig/network-scripts/ifcfg-%s", n->name);
    if (rootpath_read_file(path, &text, 65536) >= 0) {
        str_copy(n->config_source, sizeof(n->config_source), path);
        shell_var(text, "BOOTPROTO", v, sizeof(v));
        lower(v);
        if (strcmp(v, "dhcp") == 0 || strcmp(v, "bootp") == 0)
            n->bootproto = INV_BOOT_DHCP;
        else {
            char ip[64], prefix[16], mask[64];
            shell_var(text, "IPADDR", ip, sizeof(ip));
            if (!ip[0])
                shell_var(text, "IPADDR0", ip, sizeof(ip));
            shell_var(text, "PREFIX", prefix, sizeof(prefix));
            shell_var(text, "NETMASK", mask, sizeof(mask));
            /* BOOTPROTO=none or static with an address; "none" alone configures nothing */
            n->bootproto = ip[0] ? INV_BOOT_STATIC : INV_BOOT_UNKNOWN;
            if (ip[0])
                snprintf(n->addresses, sizeof(n->addresses), "%s%s%s", ip, prefix[0] ? "/" : "",
                         prefix[0] ? prefix : "");
            (void)mask;
        }
        free(text);
        return;
    }
    text = NULL;
    if (rootpath_read_file("/etc/network/interfaces", &text, 1u << 20) >= 0) {
        char *line = text, *save = NULL;
        bool in = false;
        for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
            char w1[64], w2[64], w3[64], w4[64];
            int k = sscanf(line, "%63s %63s %63s %63s", w1, w2, w3, w4);
            if (k >= 1 && strcmp(w1, "iface") == 0) {
                in = k >= 4 && strcmp(w2, n->name) == 0 && strcmp(w3, "inet") == 0;
                if (in) {
                    snprintf(n->config_source, sizeof(n->config_source), "/etc/network/interfaces");
                    n->bootproto = strcmp(w4, "dhcp") == 0 ? INV_BOOT_DHCP
                                   : strcmp(w4, "static") == 0 ? INV_BOOT_STATIC
                                                               : INV_BOOT_UNKNOWN;
                }
            } else if (in && k >= 2 && strcmp(w1, "address") == 0) {
                str_copy(n->addresses, sizeof(n->addresses), w2);
            }
        }
        free(text);
    }
}

static int nics_collect(struct inv_host *h)
{
    char real[PATH_MAX];
    DIR *d;
    struct dirent *e;
    size_t cap = 0;

    if (rootpath_resolve("/sys/class/net", real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return 0;
    while ((e = readdir(d)) != NULL) {
        struct inv_nic *n;
        char p[PATH_MAX], link[PATH_MAX];
        struct stat st;
        if (e->d_name[0] == '.' || strcmp(e->d_name, "lo") == 0)
            continue;
        if (h->n_nics == cap) {
            struct inv_nic *nn = realloc(h->nics, (cap ? cap * 2 : 4) * sizeof(*nn));
            if (!nn) {
                closedir(d);
                return -ENOMEM;
            }
            h->nics = nn;
            cap = cap ? cap * 2 : 4;
        }
        n = &h->nics[h->n_nics++];
        memset(n, 0, sizeof(*n));
        str_copy(n->name, sizeof(n->name), e->d_name);
        nic_config(n);
        /* virtual interfaces (bridges, ifb, veth) have no device and no configuration file */
        snprintf(p, sizeof(p), "/sys/class/net/%s/device", e->d_name);
        if (!n->config_source[0] && rootpath_stat(p, &st) < 0) {
            h->n_nics--;
            continue;
        }
        snprintf(p, sizeof(p), "/sys/class/net/%s/address", e->d_name);
        read_attr(p, n->mac, sizeof(n->mac));
        snprintf(p, sizeof(p), "/sys/class/net/%s/device/driver", e->d_name);
        if (rootpath_readlink(p, link, sizeof(link)) > 0)
            str_copy(n->driver, sizeof(n->driver), strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
    }
    closedir(d);
    return 0;
}

static int host_collect(struct inv_host *h)
{
    read_attr("/sys/class/dmi/id/sys_vendor", h->vendor, sizeof(h->vendor));
    read_attr("/sys/class/dmi/id/product_name", h->product, sizeof(h->product));
    read_attr("/sys/class/dmi/id/product_serial", h->serial, sizeof(h->serial));
    read_attr("/sys/class/dmi/id/product_uuid", h->uuid, sizeof(h->uuid));
    lower(h->uuid);
    read_attr("/proc/sys/kernel/hostname", h->hostname, sizeof(h->hostname));
    if (!h->hostname[0])
        read_attr("/etc/hostname", h->hostname, sizeof(h->hostname));
    read_attr("/proc/sys/kernel/osrelease", h->kernel, sizeof(h->kernel));
    read_attr("/proc/sys/kernel/arch", h->arch, sizeof(h->arch));
    if (!h->arch[0] && rootpath_is_host()) {
        struct utsname u;
        if (uname(&u) == 0)
            str_copy(h->arch, sizeof(h->arch), u.machine);
    }
    os_release_parse(h);
    cpu_mem(h);
    return nics_collect(h);
}

/* ---- disks: enumeration ------------------------------------------------ */

struct namelist {
    char (*names)[64];
    size_t n, cap;
};

static int names_add(struct namelist *l, const char *name)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        char(*nn)[64] = realloc(l->names, cap * sizeof(*nn));
        if (!nn)
            return -ENOMEM;
        l->names = nn;
        l->cap = cap;
    }
    snprintf(l->names[l->n++], 64, "%s", name);
    return 0;
}

static int cmp_name(const void *a, const void *b)
{
    const char *x = a, *y = b;
    size_t lx = strlen(x), ly = strlen(y);
    /* sda < sdb < ... < sdz < sdaa: shorter names first, like the kernel assigns them */
    if (lx != ly && strncmp(x, y, 2) == 0)
        return lx < ly ? -1 : 1;
    return strcmp(x, y);
}

/* A whole disk worth listing: backed by hardware (has device/), not a CD-ROM. */
static bool disk_wanted(const char *name)
{
    char p[PATH_MAX], type[16];
    struct stat st;
    if (!strncmp(name, "loop", 4) || !strncmp(name, "ram", 3) || !strncmp(name, "dm-", 3) ||
        !strncmp(name, "sr", 2) || !strncmp(name, "zram", 4) || !strncmp(name, "md", 2))
        return false;
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device", name);
    if (rootpath_stat(p, &st) < 0)
        return false;
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/type", name);
    read_attr(p, type, sizeof(type));
    return strcmp(type, "5") != 0; /* 5: CD/DVD */
}

static bool udev_running(void)
{
    struct stat st;
    return rootpath_is_host() && (stat("/run/udev/control", &st) == 0 || stat("/dev/.udev", &st) == 0);
}

static int enumerate_udev(struct namelist *l)
{
    struct udev *u = udev_new();
    struct udev_enumerate *en;
    struct udev_list_entry *e;
    int r = 0;
    if (!u)
        return -ENOMEM;
    en = udev_enumerate_new(u);
    if (!en) {
        udev_unref(u);
        return -ENOMEM;
    }
    udev_enumerate_add_match_subsystem(en, "block");
    udev_enumerate_add_match_property(en, "DEVTYPE", "disk");
    if (udev_enumerate_scan_devices(en) < 0)
        r = -EIO;
    for (e = udev_enumerate_get_list_entry(en); r == 0 && e; e = udev_list_entry_get_next(e)) {
        const char *path = udev_list_entry_get_name(e), *name = strrchr(path, '/');
        if (name && disk_wanted(name + 1))
            r = names_add(l, name + 1);
    }
    udev_enumerate_unref(en);
    udev_unref(u);
    return r;
}

static int enumerate_sysfs(struct namelist *l)
{
    char real[PATH_MAX];
    DIR *d;
    struct dirent *e;
    int r = 0;
    if (rootpath_resolve(SYS_BLOCK, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return -errno ? -errno : -ENOENT;
    while (r == 0 && (e = readdir(d)) != NULL)
        if (e->d_name[0] != '.' && disk_wanted(e->d_name))
            r = names_add(l, e->d_name);
    closedir(d);
    return r;
}

/* ---- disks: identity -------------------------------------------------- */

static int add_designators(struct inv_disk *d, const struct vpd_pg83 *pg)
{
    size_t i;
    if (pg->pre_spc3) {
        struct vpd_designator raw;
        memset(&raw, 0, sizeof(raw));
        raw.code_set = VPD_CS_BINARY;
        raw.type = VPD_DESIG_NAA;
        raw.len = pg->raw_len;
        memcpy(raw.data, pg->raw, pg->raw_len);
        d->designators = calloc(1, sizeof(*d->designators));
        if (!d->designators)
            return -ENOMEM;
        d->n_designators = 1;
        snprintf(d->designators[0].type, sizeof(d->designators[0].type), "scsi-2");
        snprintf(d->designators[0].assoc, sizeof(d->designators[0].assoc), "lu");
        snprintf(d->designators[0].code_set, sizeof(d->designators[0].code_set), "binary");
        vpd_designator_value(&raw, d->designators[0].value, sizeof(d->designators[0].value));
        return 0;
    }
    if (!pg->n)
        return 0;
    d->designators = calloc(pg->n, sizeof(*d->designators));
    if (!d->designators)
        return -ENOMEM;
    d->n_designators = pg->n;
    for (i = 0; i < pg->n; i++) {
        struct inv_designator *o = &d->designators[i];
        const struct vpd_designator *v = &pg->d[i];
        str_copy(o->type, sizeof(o->type), vpd_desig_type_name(v->type));
        str_copy(o->assoc, sizeof(o->assoc), vpd_assoc_name(v->assoc));
        if (v->code_set == VPD_CS_BINARY)
            snprintf(o->code_set, sizeof(o->code_set), "binary");
        else if (v->code_set == VPD_CS_ASCII)
            snprintf(o->code_set, sizeof(o->code_set), "ascii");
        else if (v->code_set == VPD_CS_UTF8)
            snprintf(o->code_set, sizeof(o->code_set), "utf8");
        else
            snprintf(o->code_set, sizeof(o->code_set), "0x%x", v->code_set);
        vpd_designator_value(v, o->value, sizeof(o->value));
    }
    return 0;
}

struct raw_pages {
    bool has80, has83;
    uint8_t p80[SGIO_VPD_MAX], p83[SGIO_VPD_MAX];
    size_t l80, l83;
    char err[INV_STR];
};

static bool page_listed(const uint8_t *p0, size_t len, uint8_t page)
{
    size_t i, n;
    if (len < 4 || p0[1] != 0)
        return false;
    n = p0[3];
    for (i = 4; i < 4 + n && i < len; i++)
        if (p0[i] == page)
            return true;
    return false;
}

/* VPD by SG_IO on the open device node: page 0 says which pages exist (as
 * scsi_id). */
static void pages_sgio(const struct inv_disk *d, int fd, struct raw_pages *rp)
{
    uint8_t p0[255];
    size_t l0 = 0;
    struct mt_err e = {0};

    memset(rp, 0, sizeof(*rp));
    if (sgio_inquiry(fd, d->devnode, 1, 0x00, p0, sizeof(p0), &l0, &e) < 0) {
        str_copy(rp->err, sizeof(rp->err), e.msg);
    } else {
        if (page_listed(p0, l0, 0x80)) {
            if (sgio_vpd_page(fd, d->devnode, 0x80, rp->p80, sizeof(rp->p80), &rp->l80, &e) == 0)
                rp->has80 = true;
            else
                str_copy(rp->err, sizeof(rp->err), e.msg);
        }
        if (page_listed(p0, l0, 0x83)) {
            if (sgio_vpd_page(fd, d->devnode, 0x83, rp->p83, sizeof(rp->p83), &rp->l83, &e) == 0)
                rp->has83 = true;
            else
                str_copy(rp->err, sizeof(rp->err), e.msg);
        }
    }
}

/* A sysfs VPD page: its first cap bytes are what the decoders read (the
 * kernel's own attribute is bounded too), so a longer one is read in part on
 * purpose. */
static bool read_bin(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
    char *data = NULL;
    ssize_t n = rootpath_read_head(path, &data, cap);
    if (n < 0)
        return false;
    memcpy(buf, data, (size_t)n);
    *len = (size_t)n;
    free(data);
    return true;
}

static void pages_sysfs(const struct inv_disk *d, struct raw_pages *rp)
{
    char p[PATH_MAX];
    memset(rp, 0, sizeof(*rp));
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/vpd_pg80", d->name);
    rp->has80 = read_bin(p, rp->p80, sizeof(rp->p80), &rp->l80);
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/vpd_pg83", d->name);
    rp->has83 = read_bin(p, rp->p83, sizeof(rp->p83), &rp->l83);
}

/* Append a reason to a "; "-separated list; empty reasons are no reason. */
static void reason_add(char *list, size_t len, const char *item)
{
    size_t n = strlen(list);
    if (!item[0] || n + strlen(item) + 3 > len)
        return;
    snprintf(list + n, len - n, "%s%s", n ? "; " : "", item);
}

/* Parse the pages into d: designators and serial as sg_vpd decodes them, the
 * id as udev's scsi_id derives it from the same bytes (vpd_udev_id). A
 * malformed page is a warning when scsi_id still gets an id, else the reason
 * there is none (vpd_error). naa is the NAA behind scsi_id. */
static int identity_from_pages(struct inv_disk *d, const struct raw_pages *rp)
{
    struct vpd_pg83 *pg = calloc(1, sizeof(*pg));
    struct vpd_udev_id *u = calloc(1, sizeof(*u));
    char why[VPD_REASON_MAX] = "", warn[sizeof(d->vpd_warning)] = "";
    bool bad83 = false;
    int r = 0, ru;

    if (!pg || !u) {
        free(pg);
        free(u);
        return -ENOMEM;
    }
    d->has_pg80 = rp->has80;
    d->has_pg83 = rp->has83;
    if (rp->has83) {
        if (vpd_parse_pg83(rp->p83, rp->l83, pg, why, sizeof(why)) == 0) {
            reason_add(warn, sizeof(warn), pg->warning);
            bad83 = pg->warning[0] != '\0';
            r = add_designators(d, pg);
        } else {
            reason_add(warn, sizeof(warn), why);
            bad83 = true;
        }
    }
    if (rp->has80 && vpd_parse_pg80(rp->p80, rp->l80, d->serial, sizeof(d->serial), why, sizeof(why)) <= 0)
        reason_add(warn, sizeof(warn), why);
    ru = vpd_udev_id(rp->has83 ? rp->p83 : NULL, rp->l83, rp->has80 ? rp->p80 : NULL, rp->l80, d->vendor,
                     d->model, u);
    if (ru == 0) {
        str_copy(d->scsi_id, sizeof(d->scsi_id), u->id);
        str_copy(d->naa, sizeof(d->naa), u->naa);
        d->has_naa = u->naa[0] != '\0';
        /* a malformed page 0x83 scsi_id passed over for page 0x80 is worth a word */
        if (u->from == VPD_FROM_PG80 && bad83)
            reason_add(warn, sizeof(warn), u->why);
        reason_add(warn, sizeof(warn), u->note);
    } else if (ru == -EBADMSG || warn[0]) {
        /* an id would be a guess, or a malformed page is why there is none */
        str_copy(d->vpd_error, sizeof(d->vpd_error), u->why);
    }
    str_copy(d->vpd_warning, sizeof(d->vpd_warning), warn);
    free(pg);
    free(u);
    return r;
}

/* The bytes a page says it has (a device may transfer padding after them). */
static size_t page_bytes(const uint8_t *p, size_t len)
{
    size_t want;
    if (len < 4)
        return len;
    want = 4 + (((size_t)p[2] << 8) | p[3]);
    return want < len ? want : len;
}

static bool same_page(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
    la = page_bytes(a, la);
    lb = page_bytes(b, lb);
    return la == lb && memcmp(a, b, la) == 0;
}

/* Compare what SG_IO returned with what sysfs has (newer kernels). */
static void crosscheck(struct inv_disk *d, const struct raw_pages *dev)
{
    struct raw_pages sys;
    char p[PATH_MAX], wwid[INV_STR];
    char diff[INV_STR] = "";
    bool compared = false;

    pages_sysfs(d, &sys);
    if (sys.has83 && dev->has83) {
        compared = true;
        if (!same_page(sys.p83, sys.l83, dev->p83, dev->l83))
            list_add(diff, sizeof(diff), "vpd_pg83 differs from the SG_IO page 0x83");
    }
    if (sys.has80 && dev->has80) {
        compared = true;
        if (!same_page(sys.p80, sys.l80, dev->p80, dev->l80))
            list_add(diff, sizeof(diff), "vpd_pg80 differs from the SG_IO page 0x80");
    }
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/wwid", d->name);
    if (rootpath_read_line(p, wwid, sizeof(wwid)) == 0 && wwid[0]) {
        compared = true;
        if (strncmp(wwid, "naa.", 4) == 0 && (!d->has_naa || strcasecmp(wwid + 4, d->naa) != 0))
            list_add(diff, sizeof(diff), "sysfs wwid names another NAA");
    }
    if (compared)
        str_copy(d->crosscheck, sizeof(d->crosscheck), diff[0] ? diff : "match");
}

/* ---- disks: use and contents -------------------------------------------- */

/* Device numbers "maj:min" of the disk and its partitions, with their names. */
struct devparts {
    char dev[64][16];
    char name[64][64];
    size_t n;
};

static void disk_parts(const char *disk, struct devparts *dp)
{
    char p[PATH_MAX], real[PATH_MAX];
    DIR *d;
    struct dirent *e;

    dp->n = 0;
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/dev", disk);
    read_attr(p, dp->dev[0], sizeof(dp->dev[0]));
    str_copy(dp->name[0], sizeof(dp->name[0]), disk);
    dp->n = 1;
    snprintf(p, sizeof(p), SYS_BLOCK "/%s", disk);
    if (rootpath_resolve(p, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return;
    while ((e = readdir(d)) != NULL && dp->n < 64) {
        char q[PATH_MAX];
        struct stat st;
        if (strncmp(e->d_name, disk, strlen(disk)) != 0)
            continue;
        snprintf(q, sizeof(q), SYS_BLOCK "/%s/%s/partition", disk, e->d_name);
        if (rootpath_stat(q, &st) < 0)
            continue;
        snprintf(q, sizeof(q), SYS_BLOCK "/%s/%s/dev", disk, e->d_name);
        read_attr(q, dp->dev[dp->n], sizeof(dp->dev[dp->n]));
        str_copy(dp->name[dp->n], sizeof(dp->name[dp->n]), e->d_name);
        dp->n++;
    }
    closedir(d);
}

/* Mounts and swap of the disk and its partitions: devuse's reading of
 * mountinfo and /proc/swaps (the texts read once for all disks), the same that
 * provision and retention judge a disk by. */
static void disk_use(struct inv_disk *d, const char *mountinfo, const char *swaps)
{
    struct devuse u;
    size_t i;

    if (devuse_scan_use(d->name, mountinfo ? mountinfo : "", swaps ? swaps : "", &u) == 0) {
        for (i = 0; i < u.n_mounts; i++) {
            d->mounted = true;
            if (!list_has(d->mounts, u.mounts[i].what))
                list_add(d->mounts, sizeof(d->mounts), u.mounts[i].what);
        }
        d->swap = u.n_swaps > 0;
    }
    devuse_free(&u);
}

/* Signatures live in the first few hundred KiB (partition tables, file
 * systems, LVM) and the last MiB (RAID metadata, backup GPT) of a disk. Ask
 * for both areas at once, asynchronously: the device reads them in a few large
 * requests while the INQUIRYs run, instead of one small read per probe. */
#define PREFETCH_HEAD (256u << 10)
#define PREFETCH_TAIL (1u << 20)

static void prefetch_signature_areas(int fd, uint64_t size)
{
    (void)posix_fadvise(fd, 0, PREFETCH_HEAD, POSIX_FADV_WILLNEED);
    if (size > (uint64_t)PREFETCH_HEAD + PREFETCH_TAIL)
        (void)posix_fadvise(fd, (off_t)(size - PREFETCH_TAIL), PREFETCH_TAIL, POSIX_FADV_WILLNEED);
}

/* Partition table and signatures by libblkid on the device nodes (host only);
 * the whole disk through the descriptor already open on it. */
static void disk_probe(struct inv_disk *d, const struct devparts *dp, int diskfd, const char *openerr)
{
    size_t i;
    for (i = 0; i < dp->n; i++) {
        char node[PATH_MAX];
        blkid_probe pr;
        const char *v = NULL;
        int pr_rc;
        if (i == 0) {
            if (diskfd < 0 || !(pr = blkid_new_probe())) {
                /* an unreadable disk must not look blank */
                list_add(d->probe_error, sizeof(d->probe_error), diskfd < 0 ? openerr : "libblkid: out of memory");
                continue;
            }
            if (blkid_probe_set_device(pr, diskfd, 0, 0) < 0) {
                list_add(d->probe_error, sizeof(d->probe_error), "libblkid cannot use the device");
                blkid_free_probe(pr);
                continue;
            }
            /* libblkid asks for no readahead; its ~30 scattered reads then
             * cost one device round trip each. Normal readahead plus the
             * prefetch in disk_collect() serve most of them from memory. */
            (void)posix_fadvise(diskfd, 0, 0, POSIX_FADV_NORMAL);
        } else {
            snprintf(node, sizeof(node), "/dev/%s", dp->name[i]);
            if (!(pr = blkid_new_probe_from_filename(node))) {
                char why[INV_STR];
                snprintf(why, sizeof(why), "/dev/%.64s: cannot open: %s", dp->name[i], strerror(errno));
                list_add(d->probe_error, sizeof(d->probe_error), why);
                continue;
            }
        }
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        if (i == 0) {
            blkid_probe_enable_partitions(pr, 1);
            blkid_probe_set_partitions_flags(pr, BLKID_PARTS_ENTRY_DETAILS);
        }
        pr_rc = blkid_do_safeprobe(pr);
        if (pr_rc < 0) { /* -2: more than one signature claims the same place */
            char why[INV_STR];
            snprintf(why, sizeof(why), "%s: %s", dp->name[i],
                     pr_rc == -2 ? "signatures contradict each other (libblkid)" : "libblkid could not read it");
            list_add(d->probe_error, sizeof(d->probe_error), why);
        }
        if (pr_rc == 0) {
            if (i == 0 && blkid_probe_lookup_value(pr, "PTTYPE", &v, NULL) == 0 && v) {
                str_copy(d->pttype, sizeof(d->pttype), v);
                list_add(d->signatures, sizeof(d->signatures), v);
            }
            if (blkid_probe_lookup_value(pr, "TYPE", &v, NULL) == 0 && v) {
                char sig[160];
                snprintf(sig, sizeof(sig), "%s:%s", dp->name[i], v);
                list_add(d->signatures, sizeof(d->signatures), sig);
            }
        }
        blkid_free_probe(pr);
    }
}

static void scsi_driver(struct inv_disk *d)
{
    char p[PATH_MAX], real[PATH_MAX], link[PATH_MAX];
    const char *base;
    unsigned h, c, t, l;

    /* device is a link to the SCSI device's directory, named H:C:T:L */
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device", d->name);
    if (rootpath_readlink(p, real, sizeof(real)) < 0 && rootpath_resolve(p, real, sizeof(real), 0) < 0)
        return;
    base = strrchr(real, '/');
    base = base ? base + 1 : real;
    if (d->is_scsi && sscanf(base, "%u:%u:%u:%u", &h, &c, &t, &l) == 4) {
        snprintf(p, sizeof(p), "/sys/class/scsi_host/host%u/proc_name", h);
        read_attr(p, d->driver, sizeof(d->driver));
        if (d->driver[0])
            return;
    }
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/driver", d->name);
    if (rootpath_readlink(p, link, sizeof(link)) > 0)
        str_copy(d->driver, sizeof(d->driver), strrchr(link, '/') ? strrchr(link, '/') + 1 : link);
}

static int disk_collect(struct inv_disk *d, const char *name, const struct inventory_opts *o,
                        const char *mountinfo, const char *swaps)
{
    char p[PATH_MAX], v[64], openerr[INV_STR] = "";
    struct stat st;
    struct devparts *dp;
    struct raw_pages *rp;
    int r, fd = -1;

    str_copy(d->name, sizeof(d->name), name);
    snprintf(d->devnode, sizeof(d->devnode), "/dev/%s", name);
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/size", name);
    read_attr(p, v, sizeof(v));
    d->size_bytes = strtoull(v, NULL, 10) * 512;
    snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/scsi_level", name);
    d->is_scsi = rootpath_stat(p, &st) == 0;
    if (d->is_scsi) {
        snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/vendor", name);
        read_attr(p, d->vendor, sizeof(d->vendor));
        snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/model", name);
        read_attr(p, d->model, sizeof(d->model));
        snprintf(p, sizeof(p), SYS_BLOCK "/%s/device/rev", name);
        read_attr(p, d->rev, sizeof(d->rev));
    }
    scsi_driver(d);
    if (d->is_scsi)
        snprintf(d->transport, sizeof(d->transport), "scsi");
    else if (strcmp(d->driver, "virtio_blk") == 0)
        snprintf(d->transport, sizeof(d->transport), "virtio");
    else if (strncmp(name, "nvme", 4) == 0)
        snprintf(d->transport, sizeof(d->transport), "nvme");
    else
        snprintf(d->transport, sizeof(d->transport), "other");

    dp = calloc(1, sizeof(*dp));
    rp = calloc(1, sizeof(*rp));
    if (!dp || !rp) {
        free(dp);
        free(rp);
        return -ENOMEM;
    }
    disk_parts(name, dp);
    d->n_partitions = (int)dp->n - 1;
    disk_use(d, mountinfo, swaps);
    /* one open of the device node serves libblkid and SG_IO */
    if (rootpath_is_host() && (!o->no_blkid || (d->is_scsi && !o->no_sgio)) &&
        (fd = open(d->devnode, O_RDONLY | O_NONBLOCK | O_CLOEXEC)) < 0)
        snprintf(openerr, sizeof(openerr), "%s: cannot open: %s", d->devnode, strerror(errno));
    if (fd >= 0 && !o->no_blkid)
        prefetch_signature_areas(fd, d->size_bytes);
    /* the INQUIRYs run while the prefetch is under way */
    if (d->is_scsi && rootpath_is_host() && !o->no_sgio) {
        if (fd >= 0)
            pages_sgio(d, fd, rp);
        else
            str_copy(rp->err, sizeof(rp->err), openerr);
    }
    if (rootpath_is_host() && !o->no_blkid)
        disk_probe(d, dp, fd, openerr);

    r = 0;
    if (d->is_scsi) {
        /* the device is the authority; sysfs is what a fixture tree has */
        if (rootpath_is_host() && !o->no_sgio) {
            if (!rp->err[0])
                snprintf(d->vpd_source, sizeof(d->vpd_source), "sg_io");
        }
        if (!d->vpd_source[0]) {
            char sgerr[INV_STR];
            str_copy(sgerr, sizeof(sgerr), rp->err);
            pages_sysfs(d, rp);
            if (rp->has80 || rp->has83)
                snprintf(d->vpd_source, sizeof(d->vpd_source), "sysfs");
            else if (sgerr[0])
                str_copy(d->vpd_error, sizeof(d->vpd_error), sgerr);
        }
        if (d->vpd_source[0])
            r = identity_from_pages(d, rp);
        if (r == 0 && strcmp(d->vpd_source, "sg_io") == 0)
            crosscheck(d, rp);
    }
    if (fd >= 0)
        close(fd);
    free(dp);
    free(rp);
    return r;
}

/* ---- the whole ------------------------------------------------------- */

/* Disks are independent and their cost is waiting on the device (INQUIRYs,
 * libblkid's reads; on SAN-backed disks a round trip each) and CPU, so a few
 * workers take the next disk from a shared counter; each writes only its own slot, and the result is in name order
 * whatever the timing. */
#define INV_WORKERS_MAX 8

struct disk_work {
    pthread_mutex_t lock;
    size_t next, n;
    char (*names)[64];
    struct inv_disk *disks;
    int *rc;
    const struct inventory_opts *o;
    const char *mountinfo, *swaps;
};

static void *disk_worker(void *arg)
{
    struct disk_work *w = arg;
    for (;;) {
        size_t i;
        pthread_mutex_lock(&w->lock);
        i = w->next < w->n ? w->next++ : w->n;
        pthread_mutex_unlock(&w->lock);
        if (i >= w->n)
            return NULL;
        w->rc[i] = disk_collect(&w->disks[i], w->names[i], w->o, w->mountinfo, w->swaps);
    }
}

/* Collect every disk into w->disks[0..n); the caller works too, beside up to
 * INV_WORKERS_MAX - 1 threads. */
static void collect_disks(struct disk_work *w)
{
    pthread_t th[INV_WORKERS_MAX - 1];
    size_t nth = 0, want = w->n < INV_WORKERS_MAX ? w->n : INV_WORKERS_MAX, i;

    pthread_mutex_init(&w->lock, NULL);
    /* libblkid sets up its debug mask on first use: do that before threads */
    if (w->n > 1 && rootpath_is_host() && !w->o->no_blkid) {
        blkid_probe pr = blkid_new_probe();
        if (pr)
            blkid_free_probe(pr);
    }
    for (i = 1; i < want; i++) {
        if (pthread_create(&th[nth], NULL, disk_worker, w) != 0)
            break; /* fewer workers is only slower */
        nth++;
    }
    disk_worker(w);
    for (i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    pthread_mutex_destroy(&w->lock);
}

int inventory_collect_opts(struct inventory *inv, const struct inventory_opts *opts, struct mt_err *err)
{
    static const struct inventory_opts defaults;
    const struct inventory_opts *o = opts ? opts : &defaults;
    struct namelist l = {0};
    struct disk_work w;
    char *mountinfo = NULL, *swaps = NULL;
    size_t i;
    int r, *rc;

    memset(inv, 0, sizeof(*inv));
    r = host_collect(&inv->host);
    if (r < 0)
        return mt_err_errno(err, r, "inventory: host");
    if (!o->no_udev && udev_running()) {
        snprintf(inv->disk_source, sizeof(inv->disk_source), "udev");
        r = enumerate_udev(&l);
    } else {
        snprintf(inv->disk_source, sizeof(inv->disk_source), "sysfs");
        r = enumerate_sysfs(&l);
    }
    if (r < 0 && r != -ENOENT) {
        free(l.names);
        return mt_err_errno(err, r, "inventory: listing disks (%s)", inv->disk_source);
    }
    memset(&w, 0, sizeof(w));
    /* no /sys/block (a sysroot without devices): no disks, not an error; the
     * source says so, for the caller to tell the operator */
    if (r == -ENOENT)
        snprintf(inv->disk_source, sizeof(inv->disk_source), "none");
    r = 0;
    if (l.n > 1)
        qsort(l.names, l.n, sizeof(*l.names), cmp_name);

    if (rootpath_read_file("/proc/self/mountinfo", &mountinfo, 4u << 20) < 0)
        mountinfo = NULL;
    if (rootpath_read_file("/proc/swaps", &swaps, 1u << 20) < 0)
        swaps = NULL;
    snprintf(inv->devuse_source, sizeof(inv->devuse_source), "%s",
             mountinfo ? "/proc/self/mountinfo, /proc/swaps" : "none (no /proc/self/mountinfo)");

    inv->disks = calloc(l.n ? l.n : 1, sizeof(*inv->disks));
    rc = calloc(l.n ? l.n : 1, sizeof(*rc));
    if (!inv->disks || !rc) {
        free(inv->disks);
        inv->disks = NULL;
        free(rc);
        free(l.names);
        free(mountinfo);
        free(swaps);
        return mt_err_set(err, -ENOMEM, "inventory: out of memory");
    }
    w.n = l.n;
    w.names = l.names;
    w.disks = inv->disks;
    w.rc = rc;
    w.o = o;
    w.mountinfo = mountinfo;
    w.swaps = swaps;
    collect_disks(&w);
    inv->n_disks = l.n;
    for (i = 0; i < l.n; i++)
        if (rc[i] < 0) {
            r = rc[i];
            mt_err_errno(err, r, "inventory: disk %s", l.names[i]);
            break;
        }
    free(rc);
    free(l.names);
    free(mountinfo);
    free(swaps);
    if (r < 0) {
        inventory_free(inv);
        return r;
    }
    return 0;
}

int inventory_collect(struct inventory *inv, struct mt_err *err)
{
    return inventory_collect_opts(inv, NULL, err);
}

void inventory_free(struct inventory *inv)
{
    size_t i;
    if (!inv)
        return;
    for (i = 0; i < inv->n_disks; i++)
        free(inv->disks[i].designators);
    free(inv->disks);
    free(inv->host.nics);
    memset(inv, 0, sizeof(*inv));
}

const struct inv_disk *inventory_find_disk(const struct inventory *inv, const char *name)
{
    size_t i;
    for (i = 0; inv && i < inv->n_disks; i++)
        if (strcmp(inv->disks[i].name, name) == 0)
            return &inv->disks[i];
    return NULL;
}

/* True when the comma-separated mount list has "/" itself. */
static bool mounts_have_root(const char *m)
{
    while (m && *m) {
        const char *e = strchr(m, ',');
        size_t l = e ? (size_t)(e - m) : strlen(m);
        if (l == 1 && m[0] == '/')
            return true;
        m = e ? e + 1 : NULL;
    }
    return false;
}

const struct inv_disk *inventory_root_disk(const struct inventory *inv, const char *layout_disk)
{
    size_t i;

    for (i = 0; inv && i < inv->n_disks; i++)
        if (mounts_have_root(inv->disks[i].mounts))
            return &inv->disks[i];
    if (!layout_disk || !layout_disk[0])
        return NULL;
    if (strncmp(layout_disk, "/dev/", 5) == 0)
        layout_disk += 5;
    return inventory_find_disk(inv, layout_disk);
}

const char *inv_bootproto_name(enum inv_bootproto b)
{
    return b == INV_BOOT_STATIC ? "static" : b == INV_BOOT_DHCP ? "dhcp" : "unknown";
}

/* ---- JSON ------------------------------------------------------------ */

static void add_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, json_object_new_string(v ? v : ""));
}

static json_object *comma_array(const char *list)
{
    json_object *a = json_object_new_array();
    const char *p = list;
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t l = e ? (size_t)(e - p) : strlen(p);
        json_object_array_add(a, json_object_new_string_len(p, (int)l));
        p = e ? e + 1 : NULL;
    }
    return a;
}

/* A record's members as JSON, declared once: name, kind, where in the record. */
enum member_kind { M_STR, M_U64, M_UINT, M_INT, M_BOOL, M_LIST };
struct member {
    const char *name;
    enum member_kind kind;
    size_t offset;
};

static void add_members(json_object *o, const void *rec, const struct member *m, size_t n)
{
    const char *at;
    size_t i;

    for (i = 0; i < n; i++) {
        at = (const char *)rec + m[i].offset;
        switch (m[i].kind) {
        case M_STR: add_str(o, m[i].name, at); break;
        case M_U64: json_object_object_add(o, m[i].name, json_object_new_int64((int64_t)*(const uint64_t *)at)); break;
        case M_UINT: json_object_object_add(o, m[i].name, json_object_new_int((int)*(const unsigned *)at)); break;
        case M_INT: json_object_object_add(o, m[i].name, json_object_new_int(*(const int *)at)); break;
        case M_BOOL: json_object_object_add(o, m[i].name, json_object_new_boolean(*(const bool *)at)); break;
        case M_LIST: json_object_object_add(o, m[i].name, comma_array(at)); break;
        }
    }
}

#define H(n, k) {#n, k, offsetof(struct inv_host, n)}
static const struct member HOST_MEMBERS[] = {
    H(vendor, M_STR), H(product, M_STR), H(serial, M_STR),     H(uuid, M_STR),   H(hostname, M_STR),
    H(os_release, M_STR), H(os_id, M_STR), H(os_version, M_STR), H(kernel, M_STR), H(arch, M_STR),
    H(cpus, M_UINT),  H(ram_bytes, M_U64),
};
#undef H

json_object *inventory_host_to_json(const struct inv_host *h)
{
    json_object *o = json_object_new_object(), *nics = json_object_new_array();
    size_t i;
    add_members(o, h, HOST_MEMBERS, ARRAY_SIZE(HOST_MEMBERS));
    for (i = 0; i < h->n_nics; i++) {
        json_object *n = json_object_new_object();
        add_str(n, "name", h->nics[i].name);
        add_str(n, "mac", h->nics[i].mac);
        add_str(n, "driver", h->nics[i].driver);
        json_object_object_add(n, "addresses", comma_array(h->nics[i].addresses));
        add_str(n, "bootproto", inv_bootproto_name(h->nics[i].bootproto));
        add_str(n, "config", h->nics[i].config_source);
        json_object_array_add(nics, n);
    }
    json_object_object_add(o, "nics", nics);
    return o;
}

/* A disk's members before its designators, and after them. */
#define D(n, k) {#n, k, offsetof(struct inv_disk, n)}
static const struct member DISK_MEMBERS[] = {
    D(name, M_STR),     D(devnode, M_STR),   D(size_bytes, M_U64), D(vendor, M_STR), D(model, M_STR),
    D(rev, M_STR),      D(driver, M_STR),    D(transport, M_STR),  D(pttype, M_STR),
    {"partitions", M_INT, offsetof(struct inv_disk, n_partitions)},
    D(signatures, M_LIST), D(mounted, M_BOOL), D(swap, M_BOOL),    D(mounts, M_LIST), D(serial, M_STR),
    D(has_naa, M_BOOL), D(naa, M_STR),       D(scsi_id, M_STR),
};
static const struct member DISK_MEMBERS_AFTER[] = {
    D(vpd_source, M_STR), D(vpd_error, M_STR), D(vpd_warning, M_STR), D(probe_error, M_STR), D(crosscheck, M_STR),
};
#undef D

json_object *inventory_to_json(const struct inventory *inv)
{
    json_object *o = json_object_new_object(), *disks = json_object_new_array();
    size_t i, j;
    json_object_object_add(o, "host", inventory_host_to_json(&inv->host));
    for (i = 0; i < inv->n_disks; i++) {
        const struct inv_disk *d = &inv->disks[i];
        json_object *x = json_object_new_object(), *ds = json_object_new_array();
        add_members(x, d, DISK_MEMBERS, ARRAY_SIZE(DISK_MEMBERS));
        for (j = 0; j < d->n_designators; j++) {
            json_object *g = json_object_new_object();
            add_str(g, "type", d->designators[j].type);
            add_str(g, "association", d->designators[j].assoc);
            add_str(g, "code_set", d->designators[j].code_set);
            add_str(g, "value", d->designators[j].value);
            json_object_array_add(ds, g);
        }
        json_object_object_add(x, "designators", ds);
        add_members(x, d, DISK_MEMBERS_AFTER, ARRAY_SIZE(DISK_MEMBERS_AFTER));
        json_object_array_add(disks, x);
    }
    json_object_object_add(o, "disks", disks);
    add_str(o, "disk_source", inv->disk_source);
    add_str(o, "devuse_source", inv->devuse_source);
    return o;
}
