/* check_layout: the disk layout checks.
 *
 *   layout.partitions  the OS disk carries the four labelled partitions
 *                      (MT_ROOT ext4 with the boot flag, MT_CRASH ext4, MT_SWAP
 *                      swap, MT_HOME ext4) in an msdos table; sizes that differ
 *                      from the plan for this RAM are reported, not failed (the
 *                      installer's own rounding).
 *   layout.swap        swap is active on the OS disk and at least half the
 *                      RHEL 6 figure for this RAM (the least the plan gives).
 *   retention.volume   an ext4 labelled MT_RETENTION is mounted at the
 *                      retention mount point and /etc/fstab mounts it there.
 *
 * The OS disk is [layout] disk, else the disk the journal says provision made,
 * else the disk holding the running root. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "arraysize.h"
#include "devuse.h"
#include "layout.h"
#include "rootpath.h"

static const char *const LABELS[4] = {"MT_ROOT", "MT_CRASH", "MT_SWAP", "MT_HOME"};
static const char *const FSTYPES[4] = {"ext4", "ext4", "swap", "ext4"};

static const char *journal_disk(json_object *journal)
{
    json_object *sec, *v;
    if (!journal || !json_object_object_get_ex(journal, "provision", &sec) ||
        !json_object_object_get_ex(sec, "state", &v) || strcmp(json_object_get_string(v), "done") != 0 ||
        !json_object_object_get_ex(sec, "disk", &v))
        return NULL;
    return json_object_get_string(v);
}

/* Find and probe the OS disk; 0, or -ENOENT with a reason in r (skip). */
static int os_disk(const struct check_ctx *c, struct devuse *u, char *why, size_t len)
{
    char path[4096];
    const char *name = c->cfg->layout.disk[0] ? c->cfg->layout.disk : journal_disk(c->journal);
    struct mt_err err = {0, ""};
    size_t i;

    memset(u, 0, sizeof(*u));
    if (name) {
        /* [layout] disk is the box's (resolved here); the journal records the
         * path provision opened, resolved already */
        int r = c->cfg->layout.disk[0] ? devuse_disk_path(name, path, sizeof(path))
                                       : (snprintf(path, sizeof(path), "%s", name), 0);
        if (r < 0 || devuse_probe_resolved(path, u, &err) < 0) {
            snprintf(why, len, "%s", err.msg[0] ? err.msg : name);
            devuse_free(u);
            return -ENOENT;
        }
        return 0;
    }
    for (i = 0; c->inv && i < c->inv->n_disks; i++) {
        if (devuse_probe(c->inv->disks[i].devnode, u, NULL) == 0 && u->running_root[0])
            return 0;
        devuse_free(u);
    }
    snprintf(why, len, "no OS disk known: [layout] disk is empty, the journal has no finished provision, and "
                       "the running root is on no inventoried disk");
    return -ENOENT;
}

/* The RAM the plan is made for (layout_ram_bytes, as plan and provision use
 * it), else the inventory's MemTotal. */
static uint64_t ram_mib(const struct check_ctx *c)
{
    uint64_t b = 0;
    if (layout_ram_bytes(&b, NULL) < 0 || !b)
        b = c->inv ? c->inv->host.ram_bytes : 0;
    return b / LAYOUT_MIB;
}

static const struct devuse_part *part_of(const struct devuse *u, int partno)
{
    size_t i;
    for (i = 0; i < u->n_parts; i++)
        if (u->parts[i].partno == partno)
            return &u->parts[i];
    return NULL;
}

static void layout_partitions(const struct check_ctx *c, struct check_result *r)
{
    struct devuse u;
    struct layout_policy pol;
    struct layout_plan plan;
    char why[1024], have[600] = "", missing[300] = "", differs[300] = "";
    size_t off = 0, moff = 0, doff = 0, i;
    bool planned;

    if (os_disk(c, &u, why, sizeof(why)) < 0) {
        check_set(r, CHECK_SKIP, "%s", why);
        check_remedy(r, "set [layout] disk, or provision the OS disk: mt-agent provision --disk sdX");
        return;
    }
    layout_policy_from_config(c->cfg, &pol);
    planned = ram_mib(c) && layout_plan(u.size_bytes, ram_mib(c) * LAYOUT_MIB, &pol, &plan, NULL) == 0;
    for (i = 0; i < 4; i++) {
        const struct devuse_sig *s = devuse_find_label(&u, LABELS[i]);
        const struct devuse_part *p = s ? part_of(&u, s->partno) : NULL;
        if (!s || !p || strcmp(s->type, FSTYPES[i]) != 0 || (i == 0 && !p->boot)) {
            moff += (size_t)snprintf(missing + moff, moff < sizeof(missing) ? sizeof(missing) - moff : 0,
                                     "%s%s %s%s", moff ? ", " : "", FSTYPES[i], LABELS[i],
                                     s && p && i == 0 && !p->boot ? " (no boot flag)" : s ? " (wrong type or place)" : "");
            continue;
        }
        off += (size_t)snprintf(have + off, off < sizeof(have) ? sizeof(have) - off : 0, "%s%s %" PRIu64 " MiB",
                                off ? ", " : "", LABELS[i], p->size_bytes / LAYOUT_MIB);
        if (planned && p->size_bytes != plan.parts[i].size_mib * LAYOUT_MIB)
            doff += (size_t)snprintf(differs + doff, doff < sizeof(differs) ? sizeof(differs) - doff : 0,
                                     "%s%s planned %" PRIu64 " MiB", doff ? ", " : "", LABELS[i],
                                     plan.parts[i].size_mib);
    }
    if (strcmp(u.pttype, "dos") != 0)
        check_set(r, CHECK_FAIL, "%s has no msdos partition table (%s)", u.path, u.pttype[0] ? u.pttype : "none");
    else if (missing[0])
        check_set(r, CHECK_FAIL, "%s lacks %s (found: %s)", u.path, missing, have[0] ? have : "none of them");
    else if (differs[0])
        check_set(r, CHECK_PASS, "%s: %s; sizes differ from the plan for %" PRIu64 " MiB RAM: %s", u.path, have,
                  ram_mib(c), differs);
    else
        check_set(r, CHECK_PASS, "%s: %s, as planned", u.path, have);
    if (r->status == CHECK_FAIL)
        check_remedy(r, "provision the OS disk (mt-agent plan --disk %s shows the layout; mt-agent provision --disk "
                        "%s lays it down, refusing a disk with data), or reinstall with the kickstart",
                     u.path, u.path);
    devuse_free(&u);
}

static void layout_swap(const struct check_ctx *c, struct check_result *r)
{
    char *text = NULL, *line, *save = NULL;
    uint64_t kib = 0, ram = ram_mib(c), want;
    ssize_t n = rootpath_read_file("/proc/swaps", &text, 1 << 20);

    if (n < 0) {
        check_set(r, CHECK_SKIP, "/proc/swaps: %s", strerror((int)-n));
        return;
    }
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long size;
        if (sscanf(line, "%*s %*s %llu", &size) == 1)
            kib += size;
    }
    free(text);
    want = c->cfg->layout.swap_mib ? c->cfg->layout.swap_mib : layout_swap_rule_mib(ram);
    if (kib == 0) {
        check_set(r, CHECK_FAIL, "no swap is active (the plan wants %" PRIu64 " MiB for %" PRIu64 " MiB RAM)", want,
                  ram);
        check_remedy(r, "swapon -a (is the MT_SWAP partition in /etc/fstab?); mt-agent check --only layout.partitions");
    } else if (kib / 1024 + 1 < want / 2) {
        check_set(r, CHECK_FAIL, "%" PRIu64 " MiB of swap active; the RHEL 6 figure for %" PRIu64
                                 " MiB RAM is %" PRIu64 " MiB (at least half of it expected)",
                  kib / 1024, ram, want);
        check_remedy(r, "enlarge the MT_SWAP partition or add swap, then swapon -a");
    } else
        check_set(r, CHECK_PASS, "%" PRIu64 " MiB of swap active (RHEL 6 figure for %" PRIu64 " MiB RAM: %" PRIu64
                                 " MiB)",
                  kib / 1024, ram, want);
}

/* Does /etc/fstab mount `source` (UUID=... or LABEL=...) at mnt? */
static bool in_fstab(const char *uuid, const char *label, const char *mnt)
{
    char *text = NULL, *line, *save = NULL;
    bool found = false;

    if (rootpath_read_file("/etc/fstab", &text, 1 << 20) < 0)
        return false;
    for (line = strtok_r(text, "\n", &save); line && !found; line = strtok_r(NULL, "\n", &save)) {
        char src[512], dir[512];
        if (sscanf(line, " %511s %511s", src, dir) != 2 || src[0] == '#' || strcmp(dir, mnt) != 0)
            continue;
        found = (strncmp(src, "UUID=", 5) == 0 && strcmp(src + 5, uuid) == 0) ||
                (strncmp(src, "LABEL=", 6) == 0 && strcmp(src + 6, label) == 0);
    }
    free(text);
    return found;
}

static void retention_volume(const struct check_ctx *c, struct check_result *r)
{
    const char *mnt = c->cfg->layout.retention_mount, *label = c->cfg->layout.retention_label;
    char node[4096];
    struct devuse u;
    const struct devuse_sig *s;

    if (devuse_mounted_at(mnt, node, sizeof(node)) < 0) {
        check_set(r, CHECK_FAIL, "nothing is mounted at %s", mnt);
        check_remedy(r, "add a retention disk (about 1 TB) to the VM, then: mt-agent retention --disk sdX "
                        "(an existing %s volume is reused, never reformatted)",
                     label);
        return;
    }
    if (devuse_probe(node, &u, NULL) < 0) {
        check_set(r, CHECK_FAIL, "%s is mounted at %s but cannot be probed", node, mnt);
        devuse_free(&u);
        return;
    }
    s = devuse_find_label(&u, label);
    if (!s || s->partno != 0 || strcmp(s->type, "ext4") != 0)
        check_set(r, CHECK_FAIL, "%s mounted at %s is not an ext4 labelled %s (%s)", node, mnt, label,
                  u.n_sigs ? u.sigs[0].type : "no signature");
    else if (!in_fstab(s->uuid, label, mnt))
        check_set(r, CHECK_FAIL, "%s (UUID=%s) is mounted at %s but /etc/fstab does not mount it there", node,
                  s->uuid, mnt);
    else
        check_set(r, CHECK_PASS, "%s (ext4 %s, UUID=%s) mounted at %s and in /etc/fstab", node, label, s->uuid, mnt);
    if (r->status == CHECK_FAIL)
        check_remedy(r, "mt-agent retention --disk %s mounts it and writes the fstab entry", node);
    devuse_free(&u);
}

const struct check_def check_defs_layout[] = {
    {"layout.partitions", SEV_ERROR, "OS disk carries the planned partitions", layout_partitions},
    {"layout.swap", SEV_WARNING, "Swap is configured as planned", layout_swap},
    {"retention.volume", SEV_ERROR, "A retention volume is mounted at /mnt/retention", retention_volume},
};
const size_t check_n_layout = ARRAY_SIZE(check_defs_layout);
