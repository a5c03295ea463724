/* layout: see layout.h. */
#define _GNU_SOURCE
#include "layout.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <limits.h>

#include "rootpath.h"

void layout_policy_from_config(const struct mt_config *cfg, struct layout_policy *p)
{
    p->root_mib = cfg->layout.root_mib;
    p->root_min_mib = cfg->layout.root_min_mib;
    p->crash_extra_mib = cfg->layout.crash_extra_mib;
    p->crash_min_mib = cfg->layout.crash_min_mib;
    p->swap_mib = cfg->layout.swap_mib;
    p->home_min_mib = cfg->layout.home_min_mib;
    p->align_mib = cfg->layout.align_mib;
}

uint64_t layout_swap_rule_mib(uint64_t ram_mib)
{
    if (ram_mib <= 2048)
        return 2 * ram_mib;
    if (ram_mib <= 8192)
        return ram_mib;
    if (ram_mib <= 65536)
        return ram_mib / 2;
    return 4096;
}

static uint64_t round_up(uint64_t x, uint64_t a)
{
    return (x + a - 1) / a * a;
}

static void note(struct layout_plan *plan, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct layout_plan *plan, const char *fmt, ...)
{
    va_list ap;

    if (plan->n_notes >= LAYOUT_MAX_NOTES)
        return;
    va_start(ap, fmt);
    vsnprintf(plan->notes[plan->n_notes++], sizeof(plan->notes[0]), fmt, ap);
    va_end(ap);
}

/* Take up to *excess MiB off p, not below its minimum; note it. */
static void shrink(struct layout_plan *plan, struct layout_part *p, uint64_t *excess, const char *why)
{
    uint64_t room = p->size_mib - p->min_mib, cut = *excess < room ? *excess : room;

    if (cut == 0)
        return;
    p->size_mib -= cut;
    *excess -= cut;
    note(plan, "%s shrunk from %" PRIu64 " MiB to %" PRIu64 " MiB to fit the disk (%s)", p->mount,
         p->want_mib, p->size_mib, why);
}

static void set_part(struct layout_part *p, int number, const char *mount, const char *fstype,
                     const char *label, uint64_t want, uint64_t min)
{
    memset(p, 0, sizeof(*p));
    p->number = number;
    p->mount = mount;
    p->fstype = fstype;
    p->label = label;
    p->want_mib = want;
    p->size_mib = want;
    p->min_mib = min;
}

int layout_plan(uint64_t disk_bytes, uint64_t ram_bytes, const struct layout_policy *pol,
                struct layout_plan *plan, struct mt_err *err)
{
    struct layout_part *root, *crash, *swap, *home;
    uint64_t a = pol->align_mib, ram_mib = ram_bytes / LAYOUT_MIB, limit_bytes, end_mib, avail;
    uint64_t rule, need, excess, start;
    size_t i;

    memset(plan, 0, sizeof(*plan));
    if (a == 0)
        return mt_err_set(err, -EINVAL, "[layout] align_mib is 0; use 1 (MiB)");
    if (pol->root_min_mib > pol->root_mib)
        return mt_err_set(err, -EINVAL,
                          "[layout] root_min_mib (%" PRIu64 ") is larger than root_mib (%" PRIu64
                          "); lower root_min_mib or raise root_mib",
                          pol->root_min_mib, pol->root_mib);
    if (ram_mib == 0)
        return mt_err_set(err, -EINVAL, "RAM size %" PRIu64 " bytes is below 1 MiB; give the memory size in MiB", ram_bytes);
    plan->disk_bytes = disk_bytes;
    plan->ram_bytes = ram_bytes;
    plan->align_mib = a;
    plan->truncated = disk_bytes > LAYOUT_MSDOS_LIMIT_BYTES;
    limit_bytes = plan->truncated ? LAYOUT_MSDOS_LIMIT_BYTES : disk_bytes;
    end_mib = limit_bytes / LAYOUT_MIB / a * a;
    plan->usable_mib = end_mib;
    avail = end_mib > a ? end_mib - a : 0; /* the first partition starts at one alignment unit */

    plan->n_parts = 4;
    root = &plan->parts[0];
    crash = &plan->parts[1];
    swap = &plan->parts[2];
    home = &plan->parts[3];
    set_part(root, 1, "/", "ext4", "MT_ROOT", round_up(pol->root_mib, a), round_up(pol->root_min_mib, a));
    root->boot = true;
    {
        uint64_t want = ram_mib + pol->crash_extra_mib;
        if (want < pol->crash_min_mib)
            want = pol->crash_min_mib;
        set_part(crash, 2, "/var/crash", "ext4", "MT_CRASH", round_up(want, a), round_up(pol->crash_min_mib, a));
    }
    rule = pol->swap_mib ? pol->swap_mib : layout_swap_rule_mib(ram_mib);
    set_part(swap, 3, "swap", "swap", "MT_SWAP", round_up(rule, a),
             pol->swap_mib ? round_up(rule, a) : round_up(rule / 2 ? rule / 2 : 1, a));
    set_part(home, 4, "/home", "ext4", "MT_HOME", round_up(pol->home_min_mib, a), round_up(pol->home_min_mib, a));
    home->grow = true;

    need = root->size_mib + crash->size_mib + swap->size_mib + home->min_mib;
    if (need > avail) {
        excess = need - avail;
        shrink(plan, root, &excess, "root first, down to root_min_mib");
        shrink(plan, swap, &excess, "swap next, down to half the RHEL 6 figure");
        shrink(plan, crash, &excess, "/var/crash last, down to crash_min_mib");
        if (excess > 0) {
            uint64_t mins = root->min_mib + crash->min_mib + swap->min_mib + home->min_mib + a;
            return mt_err_set(err, -ENOSPC,
                              "disk of %" PRIu64 " MiB%s is too small for RAM %" PRIu64
                              " MiB: it needs at least %" PRIu64 " MiB (root %" PRIu64 " + /var/crash %" PRIu64
                              " + swap %" PRIu64 " + /home %" PRIu64 " + %" PRIu64
                              " alignment), %" PRIu64 " MiB more; use a larger disk or lower the [layout] minimums",
                              disk_bytes / LAYOUT_MIB, plan->truncated ? " (2 TiB usable with msdos)" : "",
                              ram_mib, mins, root->min_mib, crash->min_mib, swap->min_mib, home->min_mib, a,
                              mins - (end_mib < mins ? end_mib : mins));
        }
    }
    home->size_mib = avail - root->size_mib - crash->size_mib - swap->size_mib;
    home->want_mib = home->size_mib;
    start = a;
    for (i = 0; i < plan->n_parts; i++) {
        plan->parts[i].start_mib = start;
        start += plan->parts[i].size_mib;
    }
    if (plan->truncated)
        note(plan, "the disk has %" PRIu64 " MiB but an msdos partition table addresses only the first 2 TiB "
                   "(%" PRIu64 " MiB); the %" PRIu64 " MiB beyond stay unallocated",
             disk_bytes / LAYOUT_MIB, LAYOUT_MSDOS_LIMIT_BYTES / LAYOUT_MIB,
             disk_bytes / LAYOUT_MIB - end_mib);
    return 0;
}

/* ---- renderers ------------------------------------------------------------------ */

static const char *human(uint64_t mib, char *buf, size_t len)
{
    if (mib >= 1024 * 1024)
        snprintf(buf, len, "%.1f TiB", (double)mib / (1024.0 * 1024.0));
    else if (mib >= 1024)
        snprintf(buf, len, "%.1f GiB", (double)mib / 1024.0);
    else
        snprintf(buf, len, "%" PRIu64 " MiB", mib);
    return buf;
}

static const char *disk_name(const char *disk)
{
    return strncmp(disk, "/dev/", 5) == 0 ? disk + 5 : disk;
}

char *layout_render_text(const struct layout_plan *plan, const char *disk)
{
    char *out = NULL, h1[32], h2[32];
    size_t len = 0, i;
    FILE *f = open_memstream(&out, &len);

    if (!f)
        return NULL;
    fprintf(f, "Disk %s: %s (%" PRIu64 " bytes), RAM %s; msdos partition table, %" PRIu64 " MiB alignment\n",
            disk, human(plan->disk_bytes / LAYOUT_MIB, h1, sizeof(h1)), plan->disk_bytes,
            human(plan->ram_bytes / LAYOUT_MIB, h2, sizeof(h2)), plan->align_mib);
    fprintf(f, "%-3s %-11s %-5s %-9s %12s %12s %10s\n", "#", "mount", "fs", "label", "start MiB", "size MiB", "size");
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        fprintf(f, "%-3d %-11s %-5s %-9s %12" PRIu64 " %12" PRIu64 " %10s%s\n", p->number, p->mount, p->fstype,
                p->label, p->start_mib, p->size_mib, human(p->size_mib, h1, sizeof(h1)), p->boot ? "  boot" : "");
    }
    for (i = 0; i < plan->n_notes; i++)
        fprintf(f, "note: %s\n", plan->notes[i]);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

json_object *layout_plan_to_json(const struct layout_plan *plan, const char *disk)
{
    json_object *o = json_object_new_object(), *a = json_object_new_array(), *n = json_object_new_array();
    size_t i;

    json_object_object_add(o, "disk", json_object_new_string(disk));
    json_object_object_add(o, "disk_bytes", json_object_new_int64((int64_t)plan->disk_bytes));
    json_object_object_add(o, "ram_bytes", json_object_new_int64((int64_t)plan->ram_bytes));
    json_object_object_add(o, "label", json_object_new_string("msdos"));
    json_object_object_add(o, "align_bytes", json_object_new_int64((int64_t)(plan->align_mib * LAYOUT_MIB)));
    json_object_object_add(o, "usable_bytes", json_object_new_int64((int64_t)(plan->usable_mib * LAYOUT_MIB)));
    json_object_object_add(o, "truncated", json_object_new_boolean(plan->truncated));
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "number", json_object_new_int(p->number));
        json_object_object_add(j, "mount", json_object_new_string(p->mount));
        json_object_object_add(j, "fstype", json_object_new_string(p->fstype));
        json_object_object_add(j, "label", json_object_new_string(p->label));
        json_object_object_add(j, "boot", json_object_new_boolean(p->boot));
        json_object_object_add(j, "start_bytes", json_object_new_int64((int64_t)(p->start_mib * LAYOUT_MIB)));
        json_object_object_add(j, "size_bytes", json_object_new_int64((int64_t)(p->size_mib * LAYOUT_MIB)));
        json_object_object_add(j, "start_mib", json_object_new_int64((int64_t)p->start_mib));
        json_object_object_add(j, "size_mib", json_object_new_int64((int64_t)p->size_mib));
        json_object_object_add(j, "want_mib", json_object_new_int64((int64_t)p->want_mib));
        json_object_array_add(a, j);
    }
    json_object_object_add(o, "partitions", a);
    for (i = 0; i < plan->n_notes; i++)
        json_object_array_add(n, json_object_new_string(plan->notes[i]));
    json_object_object_add(o, "notes", n);
    return o;
}

char *layout_render_kickstart(const struct layout_plan *plan, const char *disk)
{
    char *out = NULL;
    size_t len = 0, i;
    const char *name = disk_name(disk);
    FILE *f = open_memstream(&out, &len);

    if (!f)
        return NULL;
    fprintf(f, "# mt-agent plan for %s: %" PRIu64 " MiB disk, %" PRIu64 " MiB RAM, msdos, %" PRIu64 " MiB alignment\n",
            name, plan->disk_bytes / LAYOUT_MIB, plan->ram_bytes / LAYOUT_MIB, plan->align_mib);
    for (i = 0; i < plan->n_notes; i++)
        fprintf(f, "# note: %s\n", plan->notes[i]);
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        fprintf(f, "part %s --fstype=%s", p->mount, p->fstype);
        /* /home takes what anaconda leaves: its minimum, grown to the end (or to
         * the 2 TiB an msdos label can address). */
        if (p->grow) {
            fprintf(f, " --size=%" PRIu64 " --grow", p->min_mib);
            if (plan->truncated)
                fprintf(f, " --maxsize=%" PRIu64, p->size_mib);
        } else
            fprintf(f, " --size=%" PRIu64, p->size_mib);
        fprintf(f, " --ondisk=%s --asprimary --label=%s\n", name, p->label);
    }
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

/* ---- installed RAM ---------------------------------------------------------------- */

static uint64_t memmap_ram_bytes(void)
{
    char real[PATH_MAX];
    DIR *d;
    struct dirent *e;
    uint64_t sum = 0;

    if (rootpath_resolve("/sys/firmware/memmap", real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return 0;
    while ((e = readdir(d))) {
        char p[PATH_MAX], line[64];
        unsigned long long start, end;

        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "/sys/firmware/memmap/%.200s/type", e->d_name);
        if (rootpath_read_line(p, line, sizeof(line)) < 0 || strcmp(line, "System RAM") != 0)
            continue;
        snprintf(p, sizeof(p), "/sys/firmware/memmap/%.200s/start", e->d_name);
        if (rootpath_read_line(p, line, sizeof(line)) < 0 || sscanf(line, "%llx", &start) != 1)
            continue;
        snprintf(p, sizeof(p), "/sys/firmware/memmap/%.200s/end", e->d_name);
        if (rootpath_read_line(p, line, sizeof(line)) < 0 || sscanf(line, "%llx", &end) != 1 || end < start)
            continue;
        sum += end - start + 1;
    }
    closedir(d);
    return sum;
}

int layout_ram_bytes(uint64_t *ram_bytes, struct mt_err *err)
{
    const uint64_t step = 128 * LAYOUT_MIB;
    uint64_t b = memmap_ram_bytes();

    if (b == 0) {
        char *text = NULL, *p;
        unsigned long long kb = 0;
        ssize_t n = rootpath_read_file("/proc/meminfo", &text, 1 << 20);

        if (n < 0)
            return mt_err_errno(err, (int)n, "/proc/meminfo: cannot read the memory size; give it with --ram-mib");
        p = strstr(text, "MemTotal:");
        if (!p || sscanf(p, "MemTotal: %llu kB", &kb) != 1 || kb == 0) {
            free(text);
            return mt_err_set(err, -EINVAL, "/proc/meminfo: no MemTotal line; give the memory size with --ram-mib");
        }
        free(text);
        b = (uint64_t)kb * 1024;
    }
    *ram_bytes = (b + step - 1) / step * step;
    return 0;
}

int layout_parse_mib(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;

    if (!s || !*s || *s == '-')
        return -EINVAL;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || *end || v == 0 || v > LAYOUT_MIB_ARG_MAX)
        return -EINVAL;
    *out = (uint64_t)v;
    return 0;
}
