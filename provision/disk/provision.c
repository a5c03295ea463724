/* provision: see provision.h. */
#define _GNU_SOURCE
#include "provision.h"

#include <blkid/blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dl_parted.h"
#include "fstab.h"
#include "hostid.h"
#include "loopdev.h"
#include "rootpath.h"
#include "run.h"

#define MKFS_TIMEOUT_MS (3600 * 1000)

const char *provision_verdict_name(enum provision_verdict v)
{
    switch (v) {
    case PROVISION_BLANK: return "blank";
    case PROVISION_ALREADY: return "already provisioned";
    case PROVISION_RESUME: return "resume";
    case PROVISION_FOREIGN: return "foreign data";
    case PROVISION_BUSY: return "in use";
    case PROVISION_RETENTION: return "retention volume";
    }
    return "?";
}

/* ---- matching the disk against the plan ----------------------------------------- */

static unsigned msdos_type(const struct layout_part *p)
{
    return strcmp(p->fstype, "swap") == 0 ? 0x82 : 0x83;
}

static bool table_matches(const struct devuse *u, const struct layout_plan *plan)
{
    size_t i;

    if (strcmp(u->pttype, "dos") != 0 || u->n_parts != plan->n_parts)
        return false;
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        const struct devuse_part *d = &u->parts[i];
        if (d->partno != p->number || d->start_bytes != p->start_mib * LAYOUT_MIB ||
            d->size_bytes != p->size_mib * LAYOUT_MIB || d->type != msdos_type(p) || d->boot != p->boot)
            return false;
    }
    return true;
}

/* Partition p carries exactly one signature: the planned fs type with the planned label. */
static bool fs_matches(const struct devuse *u, const struct layout_part *p, const char **uuid)
{
    const struct devuse_sig *s[2];

    if (devuse_sigs_of(u, p->number, s, 2) != 1)
        return false;
    if (strcmp(s[0]->type, p->fstype) != 0 || strcmp(s[0]->label, p->label) != 0)
        return false;
    if (uuid)
        *uuid = s[0]->uuid;
    return true;
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The UUID the journal's map `map` ("assigned", "formatted") holds for partition n, or NULL. */
static const char *journal_part_uuid(json_object *sec, const char *map, int n)
{
    json_object *f;
    char key[16];
    if (!sec || !json_object_object_get_ex(sec, map, &f))
        return NULL;
    snprintf(key, sizeof(key), "%d", n);
    return jstr(f, key);
}

/* The plan's partition holding byte `off`, or NULL. */
static const struct layout_part *plan_part_at(const struct layout_plan *plan, uint64_t off)
{
    size_t i;
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        if (off >= p->start_mib * LAYOUT_MIB && off < (p->start_mib + p->size_mib) * LAYOUT_MIB)
            return p;
    }
    return NULL;
}

/* Finding f is the plan's own: the msdos table in sector 0, or, inside planned
 * partition p, p's file system type and label (and with `sec`, the UUID the
 * journal assigned to p before its mkfs). */
static bool finding_planned(const struct sigscan_finding *f, const struct layout_plan *plan, json_object *sec)
{
    const struct layout_part *p;
    const char *want;

    if (strcmp(f->kind, "partition_table") == 0)
        return strcmp(f->type, "dos") == 0 && f->offset < 512;
    p = plan_part_at(plan, f->offset);
    if (!p || strcmp(f->type, p->fstype) != 0 || strcmp(f->label, p->label) != 0)
        return false;
    if (!sec)
        return true;
    want = journal_part_uuid(sec, "assigned", p->number);
    return want && strcmp(want, f->uuid) == 0;
}

/* Every finding is the plan's own; else `why` names the first that is not. */
static bool findings_planned(const struct devuse *u, const struct layout_plan *plan, json_object *sec, char *why,
                             size_t len)
{
    size_t i;
    for (i = 0; i < u->scan.n; i++)
        if (!finding_planned(&u->scan.v[i], plan, sec)) {
            sigscan_describe(&u->scan.v[i], why, len);
            return false;
        }
    return true;
}

/* The journal's killed run was on this very disk: same path, state partitioning
 * or formatting, same size, same SCSI identity (none recorded = none now). */
static bool journal_identity(json_object *sec, const struct devuse *u, char *why, size_t len)
{
    const char *state = jstr(sec, "state"), *disk = jstr(sec, "disk"), *id = jstr(sec, "scsi_id");
    json_object *v;

    if (!state || !disk || strcmp(disk, u->path) != 0)
        return false;
    if (strcmp(state, "partitioning") != 0 && strcmp(state, "formatting") != 0)
        return false;
    if (!json_object_object_get_ex(sec, "size_bytes", &v) || (uint64_t)json_object_get_int64(v) != u->size_bytes) {
        snprintf(why, len, "the killed run's disk had %" PRId64 " bytes, this one %" PRIu64,
                 v ? json_object_get_int64(v) : (int64_t)0, u->size_bytes);
        return false;
    }
    if (strcmp(id ? id : "", u->scsi_id) != 0) {
        snprintf(why, len, "the killed run's disk had SCSI id '%s', this one '%s'", id ? id : "", u->scsi_id);
        return false;
    }
    return true;
}

/* The disk carries exactly what the killed run had written so far: at most
 * the planned table (with the recorded id, once recorded: always in state
 * formatting), and in each partition nothing or the planned file system with
 * the UUID the run gave its mkfs. */
static bool journal_owns(json_object *sec, const struct devuse *u, const struct layout_plan *plan, bool tbl_ok,
                         char *why, size_t len)
{
    const char *state = jstr(sec, "state"), *ptuuid = jstr(sec, "ptuuid");
    bool formatting;

    if (!journal_identity(sec, u, why, len))
        return false;
    formatting = strcmp(state, "formatting") == 0;
    if (u->pttype[0] && (!tbl_ok || (ptuuid && *ptuuid && strcmp(ptuuid, u->ptuuid) != 0))) {
        snprintf(why, len, "its partition table is not the one the killed run wrote");
        return false;
    }
    if (formatting && u->pttype[0] && (!ptuuid || !*ptuuid)) {
        snprintf(why, len, "the journal recorded no partition table id");
        return false;
    }
    /* a file system only with the UUID the journal assigned before its mkfs, whatever the state
     * (a resumed run records its claim again before going on) */
    return findings_planned(u, plan, sec, why, len);
}

static void found_append(struct provision_inspection *in, const char *what)
{
    size_t l = strlen(in->found);
    snprintf(in->found + l, sizeof(in->found) - l, "%s%s", l ? "; " : "", what);
}

int provision_inspect(const char *disk, uint64_t ram_bytes, const struct layout_policy *pol,
                      const char *retention_label, json_object *journal_provision,
                      struct provision_inspection *in, struct mt_err *err)
{
    struct devuse *u = &in->use;
    size_t i;
    bool all_fs = true;
    int r;

    memset(in, 0, sizeof(*in));
    r = devuse_probe_resolved(disk, u, err);
    if (r < 0)
        return r;
    if (u->is_partition)
        return mt_err_set(err, -EINVAL, "%s is a partition; name the whole disk (e.g. /dev/sda)", disk);
    in->exclusive_busy = !devuse_busy(u) && devuse_exclusive_busy(u);
    devuse_describe(u, in->found, sizeof(in->found));
    if (in->exclusive_busy)
        found_append(in, "opened exclusively by another process");
    /* A disk in use or holding the retention volume is refused whatever its
     * size: say that rather than that it is too small. */
    if (devuse_busy(u) || in->exclusive_busy) {
        in->verdict = PROVISION_BUSY;
        in->owned = journal_identity(journal_provision, u, in->not_ours, sizeof(in->not_ours));
        return 0;
    }
    if (retention_label && *retention_label && devuse_find_label(u, retention_label)) {
        in->verdict = PROVISION_RETENTION;
        return 0;
    }
    r = layout_plan(u->size_bytes, ram_bytes, pol, &in->plan, err);
    if (r < 0) {
        char msg[MT_ERR_MAX];
        snprintf(msg, sizeof(msg), "%s", err ? err->msg : "");
        return mt_err_set(err, r, "%s: %s", disk, msg);
    }
    in->table_matches = table_matches(u, &in->plan);
    for (i = 0; i < in->plan.n_parts; i++) {
        in->fs_matches[i] = in->table_matches && fs_matches(u, &in->plan.parts[i], NULL);
        all_fs = all_fs && in->fs_matches[i];
    }
    in->owned = u->scan.n && journal_owns(journal_provision, u, &in->plan, in->table_matches, in->not_ours,
                                          sizeof(in->not_ours));
    if (in->table_matches && all_fs && findings_planned(u, &in->plan, NULL, (char[256]){0}, 256))
        in->verdict = PROVISION_ALREADY;
    else if (!devuse_has_data(u))
        in->verdict = PROVISION_BLANK;
    else if (in->owned)
        in->verdict = PROVISION_RESUME;
    else
        in->verdict = PROVISION_FOREIGN;
    return 0;
}

void provision_inspection_free(struct provision_inspection *in)
{
    devuse_free(&in->use);
}

bool provision_busy_may_clear(const struct provision_inspection *in)
{
    const struct devuse *u = &in->use;
    return in->verdict == PROVISION_BUSY && in->owned && !u->n_mounts && !u->n_swaps && !u->n_holders &&
           !u->running_root[0];
}

/* ---- journal ------------------------------------------------------------------------ */

static void jset_str(json_object *o, const char *k, const char *v)
{
    json_object_object_add(o, k, v ? json_object_new_string(v) : NULL);
}

static json_object *plan_summary(const struct layout_plan *plan)
{
    json_object *a = json_object_new_array();
    size_t i;
    for (i = 0; i < plan->n_parts; i++) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "number", json_object_new_int(plan->parts[i].number));
        json_object_object_add(p, "label", json_object_new_string(plan->parts[i].label));
        json_object_object_add(p, "start_mib", json_object_new_int64((int64_t)plan->parts[i].start_mib));
        json_object_object_add(p, "size_mib", json_object_new_int64((int64_t)plan->parts[i].size_mib));
        json_object_array_add(a, p);
    }
    return a;
}

/* Record the state and commit, before the step that writes; --no-act commits nothing. */
static int journal_step(struct journal *j, json_object *sec, const char *state, bool no_act, struct mt_err *err)
{
    if (no_act)
        return 0;
    jset_str(sec, "state", state);
    json_object_object_add(sec, "updated", journal_now());
    return journal_commit(j, err);
}

/* ---- actions -------------------------------------------------------------------------- */

static json_object *act(const struct provision_opts *o, json_object *actions, const char *name, const char *target)
{
    json_object *a = json_object_new_object();
    json_object_object_add(a, "action", json_object_new_string(name));
    json_object_object_add(a, "target", json_object_new_string(target));
    if (o->no_act)
        json_object_object_add(a, "no_act", json_object_new_boolean(1));
    json_object_array_add(actions, a);
    return a;
}

static void act_done(const struct provision_opts *o, const json_object *a)
{
    if (o->action)
        o->action(o->data, a);
}

/* ---- wiping ---------------------------------------------------------------------------- */

#define WIPE_ROUNDS 8 /* erasing a magic can uncover another (a backup GPT behind the primary) */

static int zero_range(int fd, uint64_t off, uint64_t len)
{
    static const char zero[65536];
    while (len) {
        size_t n = len < sizeof(zero) ? (size_t)len : sizeof(zero);
        ssize_t w = pwrite(fd, zero, n, (off_t)off);
        if (w <= 0)
            return w < 0 ? -errno : -EIO;
        off += (uint64_t)w;
        len -= (uint64_t)w;
    }
    return 0;
}

/* Zero what finding f occupies: its magic (what wipefs -a erases), or for
 * unrecognised data the rest of its region. Without the magic's length (old
 * libblkid) the MiB from where it was seen. */
static int wipe_finding(int fd, const struct sigscan_finding *f, uint64_t disk_size)
{
    uint64_t len = f->len ? f->len : SIGSCAN_REGION;
    if (f->offset >= disk_size)
        return 0;
    if (len > disk_size - f->offset)
        len = disk_size - f->offset;
    return zero_range(fd, f->offset, len);
}

static int wipe_round(const struct devuse *u, json_object *what, struct mt_err *err)
{
    int fd = open(u->real, O_RDWR | O_CLOEXEC | (u->is_block ? O_EXCL : 0)), r = 0;
    json_object *all;
    size_t i;

    if (fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open for writing", u->path);
    all = devuse_findings_json(&u->scan);
    for (i = 0; i < u->scan.n && r == 0; i++) {
        json_object_array_add(what, json_object_get(json_object_array_get_idx(all, i)));
        r = wipe_finding(fd, &u->scan.v[i], u->size_bytes);
    }
    json_object_put(all);
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (u->is_block)
        ioctl(fd, BLKFLSBUF, 0);
    close(fd);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot erase the old signatures", u->path);
    return 0;
}

static int reprobe(struct provision_inspection *in, struct mt_err *err);

/* Erase everything the inspection found, until a new inspection finds nothing
 * (what --wipe promises). --no-act: list it only. */
static int wipe_all(struct provision_inspection *in, bool no_act, json_object *what, struct mt_err *err)
{
    int round, r;
    char desc[512];

    if (no_act) {
        json_object *all = devuse_findings_json(&in->use.scan);
        size_t i;
        for (i = 0; i < json_object_array_length(all); i++)
            json_object_array_add(what, json_object_get(json_object_array_get_idx(all, i)));
        json_object_put(all);
        return 0;
    }
    for (round = 0; round < WIPE_ROUNDS && in->use.scan.n; round++) {
        if ((r = wipe_round(&in->use, what, err)) < 0 || (r = reprobe(in, err)) < 0)
            return r;
    }
    if (in->use.scan.n) {
        sigscan_describe(&in->use.scan.v[0], desc, sizeof(desc));
        return mt_err_set(err, -EIO, "%s: after %d rounds of erasing, libblkid still finds %s", in->use.path,
                          WIPE_ROUNDS, desc);
    }
    return 0;
}

/* ---- partition table (libparted) ------------------------------------------------------ */

static char g_ped_msg[1024];

/* libparted asks through exceptions. Warnings and information are noted and
 * passed (a kernel that cannot be told shows up later as a missing partition
 * node, with this message); errors cancel the operation. */
static PedExceptionOption ped_handler(PedException *ex)
{
    snprintf(g_ped_msg, sizeof(g_ped_msg), "%s", ex->message ? ex->message : "");
    if (ex->type <= PED_EXCEPTION_WARNING) {
        if (ex->options & PED_EXCEPTION_IGNORE)
            return PED_EXCEPTION_IGNORE;
        if (ex->options & PED_EXCEPTION_OK)
            return PED_EXCEPTION_OK;
    }
    if (ex->options & PED_EXCEPTION_CANCEL)
        return PED_EXCEPTION_CANCEL;
    return PED_EXCEPTION_UNHANDLED;
}

static PedFileSystemType *ped_fs(const char *fstype)
{
    PedFileSystemType *t;
    if (strcmp(fstype, "swap") != 0)
        return ped_file_system_type_get(fstype);
    t = ped_file_system_type_get("linux-swap(v1)");
    return t ? t : ped_file_system_type_get("linux-swap");
}

static int write_table(const struct devuse *u, const struct layout_plan *plan, struct mt_err *err)
{
    PedDevice *dev;
    PedDisk *disk = NULL;
    PedDiskType *type;
    size_t i;
    int r;

    if ((r = dl_parted_load(err)) < 0)
        return r;
    type = ped_disk_type_get("msdos");

    g_ped_msg[0] = '\0';
    ped_exception_set_handler(ped_handler);
    dev = ped_device_get(u->real);
    if (!dev || !type)
        return mt_err_set(err, -EIO, "%s: libparted cannot open the disk: %s", u->path, g_ped_msg);
    disk = ped_disk_new_fresh(dev, type);
    if (!disk) {
        r = mt_err_set(err, -EIO, "%s: libparted cannot make an msdos label: %s", u->path, g_ped_msg);
        goto out;
    }
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        PedSector ss = dev->sector_size;
        PedSector start = (PedSector)(p->start_mib * LAYOUT_MIB) / ss;
        PedSector end = start + (PedSector)(p->size_mib * LAYOUT_MIB) / ss - 1;
        PedPartition *part = ped_partition_new(disk, PED_PARTITION_NORMAL, ped_fs(p->fstype), start, end);
        PedConstraint *c;
        if (!part) {
            r = mt_err_set(err, -EIO, "%s: libparted: partition %d: %s", u->path, p->number, g_ped_msg);
            goto out;
        }
        c = ped_constraint_exact(&part->geom);
        if (!c || !ped_disk_add_partition(disk, part, c)) {
            if (c)
                ped_constraint_destroy(c);
            ped_partition_destroy(part);
            r = mt_err_set(err, -EIO, "%s: libparted cannot place partition %d at %" PRIu64 " MiB: %s", u->path,
                           p->number, p->start_mib, g_ped_msg);
            goto out;
        }
        ped_constraint_destroy(c);
        if (p->boot && !ped_partition_set_flag(part, PED_PARTITION_BOOT, 1)) {
            r = mt_err_set(err, -EIO, "%s: libparted cannot set the boot flag: %s", u->path, g_ped_msg);
            goto out;
        }
    }
    if (!ped_disk_commit_to_dev(disk)) {
        r = mt_err_set(err, -EIO, "%s: libparted cannot write the partition table: %s", u->path, g_ped_msg);
        goto out;
    }
    if (u->is_block && !ped_disk_commit_to_os(disk)) {
        r = mt_err_set(err, -EIO, "%s: the kernel was not told of the new partitions: %s", u->path, g_ped_msg);
        goto out;
    }
out:
    if (disk)
        ped_disk_destroy(disk);
    ped_device_destroy(dev);
    return r;
}

/* Tell the kernel of the partitions of the table on disk (a loop device
 * re-attached after a kill has none until then). */
static int inform_kernel(const struct devuse *u, struct mt_err *err)
{
    PedDevice *dev;
    PedDisk *disk;
    int r;

    if ((r = dl_parted_load(err)) < 0)
        return r;

    g_ped_msg[0] = '\0';
    ped_exception_set_handler(ped_handler);
    dev = ped_device_get(u->real);
    if (!dev)
        return mt_err_set(err, -EIO, "%s: libparted cannot open the disk: %s", u->path, g_ped_msg);
    disk = ped_disk_new(dev);
    if (!disk || !ped_disk_commit_to_os(disk))
        r = mt_err_set(err, -EIO, "%s: the kernel was not told of the partitions: %s", u->path, g_ped_msg);
    if (disk)
        ped_disk_destroy(disk);
    ped_device_destroy(dev);
    return r;
}

int provision_partition_node(unsigned major, unsigned minor, int partno, char *node, size_t len, int timeout_ms)
{
    char sysdir[64], real[PATH_MAX];
    int waited;

    snprintf(sysdir, sizeof(sysdir), "/sys/dev/block/%u:%u", major, minor);
    for (waited = 0; waited <= timeout_ms; waited += 50) {
        DIR *d;
        struct dirent *e;
        bool found = false;

        if (rootpath_resolve(sysdir, real, sizeof(real), 0) == 0 && (d = opendir(real))) {
            while (!found && (e = readdir(d))) {
                char p[PATH_MAX], line[32], nreal[PATH_MAX];
                struct stat st;
                if (e->d_name[0] == '.')
                    continue;
                snprintf(p, sizeof(p), "%s/%.200s/partition", sysdir, e->d_name);
                if (rootpath_read_line(p, line, sizeof(line)) < 0 || atoi(line) != partno)
                    continue;
                snprintf(node, len, "/dev/%.200s", e->d_name);
                found = rootpath_resolve(node, nreal, sizeof(nreal), 0) == 0 && stat(nreal, &st) == 0 &&
                        S_ISBLK(st.st_mode);
            }
            closedir(d);
        }
        if (found)
            return 0;
        usleep(50000);
    }
    return -ENOENT;
}

/* ---- mkfs ----------------------------------------------------------------------------- */

struct mkfs_progress {
    void (*fn)(void *data, const char *label, uint64_t done, uint64_t total);
    void *data;
    char label[64];
};

/* mke2fs prints "Writing inode tables: 12/800" with backspaces: report the last N/M. */
static void mkfs_output(void *data, int stream, const char *buf, size_t len)
{
    struct mkfs_progress *p = data;
    size_t i;
    (void)stream;

    if (!p->fn)
        return;
    for (i = 0; i < len; i++) {
        unsigned long long a, b;
        if (buf[i] < '0' || buf[i] > '9' || (i > 0 && buf[i - 1] >= '0' && buf[i - 1] <= '9'))
            continue;
        if (sscanf(buf + i, "%llu/%llu", &a, &b) == 2 && b > 0 && a <= b)
            p->fn(p->data, p->label, a, b);
    }
}

int provision_mkfs(const char *node, const char *fstype, const char *label, const char *uuid, bool lazy_init,
                   void (*progress)(void *data, const char *label, uint64_t done, uint64_t total), void *data,
                   struct mt_err *err)
{
    const char *ext4[] = {"mkfs.ext4", "-F", "-L", label, "-E",
                          lazy_init ? "lazy_itable_init=1,lazy_journal_init=1" : "lazy_itable_init=1",
                          uuid ? "-U" : node, uuid ? uuid : NULL, node, NULL};
    const char *swap[] = {"mkswap", "-L", label, uuid ? "-U" : node, uuid ? uuid : NULL, node, NULL};
    struct mkfs_progress p = {progress, data, ""};
    struct run_opts ro;
    struct run_result res;
    char how[128];
    int r;

    memset(&ro, 0, sizeof(ro));
    ro.timeout_ms = MKFS_TIMEOUT_MS;
    ro.on_output = mkfs_output;
    ro.data = &p;
    snprintf(p.label, sizeof(p.label), "mkfs %s %s", fstype, label);
    r = run_argv(strcmp(fstype, "swap") == 0 ? swap : ext4, &ro, &res);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot run %s", node, strcmp(fstype, "swap") == 0 ? "mkswap" : "mkfs.ext4");
    if (!run_ok(&res)) {
        char *tail = run_tail(&res, 4);
        r = mt_err_set(err, -EIO, "%s: %s -L %s failed (%s): %s", node,
                       strcmp(fstype, "swap") == 0 ? "mkswap" : "mkfs.ext4", label,
                       run_describe(&res, how, sizeof(how)), tail ? tail : "");
        free(tail);
    }
    if (progress && r == 0)
        progress(data, p.label, 1, 1);
    run_result_free(&res);
    return r;
}

/* mkfs partition p of the disk: on a block device through its partition node,
 * on an image file through a loop device over the partition's range. */
static int mkfs_part(const struct devuse *u, const struct layout_part *p, const char *uuid,
                     const struct provision_opts *o, char *node, size_t nodelen, struct mt_err *err)
{
    char real[PATH_MAX];
    int fd = -1, r;

    if (u->is_block) {
        r = provision_partition_node(u->major, u->minor, p->number, node, nodelen, 5000);
        if (r < 0)
            return mt_err_set(err, r, "%s: partition %d has no device node (the kernel does not know it%s%s)",
                              u->path, p->number, g_ped_msg[0] ? ": " : "", g_ped_msg);
        r = rootpath_resolve(node, real, sizeof(real), 0);
        if (r < 0)
            return mt_err_errno(err, r, "%s: cannot resolve", node);
    } else {
        r = loopdev_attach(u->real, p->start_mib * LAYOUT_MIB, p->size_mib * LAYOUT_MIB, &fd, node, nodelen, err);
        if (r < 0)
            return r;
        r = rootpath_resolve(node, real, sizeof(real), 0);
        if (r < 0) {
            close(fd);
            return mt_err_errno(err, r, "%s: cannot resolve", node);
        }
    }
    r = provision_mkfs(real, p->fstype, p->label, uuid, o->lazy_init, o->progress, o->data, err);
    if (fd >= 0)
        close(fd); /* autoclear: the loop device goes */
    return r;
}

/* ---- fstab -------------------------------------------------------------------------------- */

/* The target root's etc/fstab: host path and real path (both PATH_MAX). */
static int target_fstab(const struct provision_opts *o, char *host, char *path, struct mt_err *err)
{
    int r;
    if ((size_t)snprintf(host, PATH_MAX, "%s/etc/fstab", strcmp(o->target_root, "/") == 0 ? "" : o->target_root) >=
        PATH_MAX)
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", o->target_root);
    /* target_root is resolved already (the caller's path): its etc/fstab is
     * looked up inside it, links staying in it, and never under --root again */
    r = rootpath_resolve_in(o->target_root, "/etc/fstab", path, PATH_MAX, 0);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve", host);
    return 0;
}

int provision_check_files(const struct provision_opts *o, struct mt_err *err)
{
    char host[PATH_MAX], path[PATH_MAX];
    int r;
    if (!o->target_root)
        return 0;
    if ((r = target_fstab(o, host, path, err)) < 0)
        return r;
    return fstab_check(path, err);
}

static int write_fstab(const struct provision_opts *o, const struct devuse *u, const struct layout_plan *plan,
                       json_object *actions, struct mt_err *err)
{
    struct fstab_entry e[LAYOUT_MAX_PARTS];
    char path[PATH_MAX], host[PATH_MAX], comment[PATH_MAX + 64];
    bool changed;
    size_t i;
    int r;
    json_object *a;

    memset(e, 0, sizeof(e));
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        const char *uuid = NULL;
        if (o->no_act && !fs_matches(u, p, &uuid))
            uuid = "(the UUID mkfs will get)";
        else if (!fs_matches(u, p, &uuid) || !uuid || !*uuid)
            return mt_err_set(err, -EIO, "%s: partition %d has no %s file system labelled %s after mkfs", u->path,
                              p->number, p->fstype, p->label);
        snprintf(e[i].source, sizeof(e[i].source), "UUID=%s", uuid);
        snprintf(e[i].label, sizeof(e[i].label), "%s", p->label);
        snprintf(e[i].mountpoint, sizeof(e[i].mountpoint), "%s", p->mount);
        snprintf(e[i].fstype, sizeof(e[i].fstype), "%s", p->fstype);
        snprintf(e[i].options, sizeof(e[i].options), "defaults");
        e[i].freq = strcmp(p->fstype, "swap") == 0 ? 0 : 1;
        e[i].passno = strcmp(p->mount, "/") == 0 ? 1 : strcmp(p->fstype, "swap") == 0 ? 0 : 2;
    }
    if ((r = target_fstab(o, host, path, err)) < 0)
        return r;
    snprintf(comment, sizeof(comment), "# mt-agent provision: the OS disk");
    r = fstab_update(path, e, plan->n_parts, comment, o->no_act, &changed, err);
    if (r < 0)
        return r;
    a = act(o, actions, changed ? "fstab" : "fstab unchanged", host);
    act_done(o, a);
    return 0;
}

/* ---- apply -------------------------------------------------------------------------------- */

static int reprobe(struct provision_inspection *in, struct mt_err *err)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", in->use.path);
    devuse_free(&in->use);
    return devuse_probe_resolved(path, &in->use, err);
}

/* One run of provision_apply: what every phase needs. */
struct apply_run {
    struct provision_inspection *in;
    const struct provision_opts *o;
    struct journal *j;
    json_object *sec, *actions;
    struct mt_err *err;
};

/* Phase 1: the journal knows the disk (path, size, SCSI id, plan) is ours
 * before anything is written. */
static int phase_claim(struct apply_run *a)
{
    const struct devuse *u = &a->in->use;
    char state[32];

    if (a->o->no_act)
        return 0;
    if (a->in->verdict != PROVISION_RESUME) {
        json_object_object_add(a->sec, "formatted", json_object_new_object());
        json_object_object_add(a->sec, "assigned", json_object_new_object());
        json_object_object_add(a->sec, "ptuuid", NULL);
        json_object_object_add(a->sec, "started", journal_now());
        json_object_object_add(a->sec, "finished", NULL);
    }
    jset_str(a->sec, "disk", u->path);
    json_object_object_add(a->sec, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
    jset_str(a->sec, "scsi_id", u->scsi_id[0] ? u->scsi_id : NULL);
    json_object_object_add(a->sec, "plan", plan_summary(&a->in->plan));
    /* a resumed run keeps the state it resumes (formatting stays formatting) */
    snprintf(state, sizeof(state), "%s",
             a->in->verdict == PROVISION_RESUME && jstr(a->sec, "state") ? jstr(a->sec, "state") : "partitioning");
    return journal_step(a->j, a->sec, state, false, a->err);
}

/* Phase 2: the partition table, after erasing everything found; kept when a
 * resumed disk already has it (the kernel is told of it again if needed). */
static int phase_table(struct apply_run *a)
{
    struct provision_inspection *in = a->in;
    struct devuse *u = &in->use;
    json_object *act_o, *what;
    int r;

    if (in->verdict == PROVISION_RESUME && in->table_matches) {
        if (u->is_block && !a->o->no_act &&
            provision_partition_node(u->major, u->minor, 1, (char[PATH_MAX]){0}, PATH_MAX, 0) < 0) {
            if ((r = inform_kernel(u, a->err)) < 0)
                return r;
            act_done(a->o, act(a->o, a->actions, "partitions re-read", u->path));
        }
        return 0;
    }
    what = json_object_new_array();
    if ((r = wipe_all(in, a->o->no_act, what, a->err)) < 0) {
        json_object_put(what);
        return r;
    }
    act_o = act(a->o, a->actions, "wipe", u->path);
    json_object_object_add(act_o, "erased", what);
    act_done(a->o, act_o);
    if (!a->o->no_act) {
        json_object_object_add(a->sec, "formatted", json_object_new_object());
        json_object_object_add(a->sec, "assigned", json_object_new_object());
        if ((r = write_table(u, &in->plan, a->err)) < 0)
            return r;
    }
    act_o = act(a->o, a->actions, "partition", u->path);
    json_object_object_add(act_o, "label", json_object_new_string("msdos"));
    act_done(a->o, act_o);
    return 0;
}

/* The UUID partition p gets: the one the journal assigned (a killed mkfs may
 * have written it already), else a new one, recorded before mkfs runs. */
static int assign_uuid(struct apply_run *a, const struct layout_part *p, char uuid[HOSTID_MAX])
{
    const char *rec = journal_part_uuid(a->sec, "assigned", p->number);
    json_object *assigned;
    char key[16];

    if (rec && strlen(rec) < HOSTID_MAX) {
        snprintf(uuid, HOSTID_MAX, "%s", rec);
        return 0;
    }
    if (hostid_generate_uuid(uuid) < 0)
        return mt_err_set(a->err, -EIO, "%s: no random numbers for a file system UUID (OpenSSL RAND_bytes)",
                          a->in->use.path);
    if (!json_object_object_get_ex(a->sec, "assigned", &assigned)) {
        assigned = json_object_new_object();
        json_object_object_add(a->sec, "assigned", assigned);
    }
    snprintf(key, sizeof(key), "%d", p->number);
    json_object_object_add(assigned, key, json_object_new_string(uuid));
    return journal_step(a->j, a->sec, "formatting", a->o->no_act, a->err);
}

/* mkfs of partition p with its assigned UUID, recorded once complete. */
static int format_part(struct apply_run *a, const struct layout_part *p)
{
    struct devuse *u = &a->in->use;
    char node[PATH_MAX], key[16], uuid[HOSTID_MAX];
    const char *got = NULL;
    json_object *act_o, *formatted;
    int r;

    if (a->o->no_act) {
        snprintf(node, sizeof(node), "%s partition %d", u->path, p->number);
        snprintf(uuid, sizeof(uuid), "(assigned when run)");
    } else {
        if ((r = assign_uuid(a, p, uuid)) < 0 || (r = mkfs_part(u, p, uuid, a->o, node, sizeof(node), a->err)) < 0 ||
            (r = reprobe(a->in, a->err)) < 0)
            return r;
        if (!fs_matches(u, p, &got) || !got || strcmp(got, uuid) != 0)
            return mt_err_set(a->err, -EIO, "%s: partition %d: no %s labelled %s with UUID %s after mkfs", u->path,
                              p->number, p->fstype, p->label, uuid);
        if (!json_object_object_get_ex(a->sec, "formatted", &formatted)) {
            formatted = json_object_new_object();
            json_object_object_add(a->sec, "formatted", formatted);
        }
        snprintf(key, sizeof(key), "%d", p->number);
        json_object_object_add(formatted, key, json_object_new_string(uuid));
        if ((r = journal_step(a->j, a->sec, "formatting", false, a->err)) < 0)
            return r;
    }
    act_o = act(a->o, a->actions, strcmp(p->fstype, "swap") == 0 ? "mkswap" : "mkfs.ext4", node);
    json_object_object_add(act_o, "partition", json_object_new_int(p->number));
    json_object_object_add(act_o, "label", json_object_new_string(p->label));
    json_object_object_add(act_o, "uuid", json_object_new_string(uuid));
    act_done(a->o, act_o);
    return 0;
}

/* Phase 3: the table reads back as planned, its id is recorded, and every file
 * system whose completed mkfs is not on record is made. */
static int phase_format(struct apply_run *a)
{
    struct provision_inspection *in = a->in;
    struct devuse *u = &in->use;
    size_t i;
    int r;

    if (!a->o->no_act) {
        if ((r = reprobe(in, a->err)) < 0)
            return r;
        if (!table_matches(u, &in->plan))
            return mt_err_set(a->err, -EIO, "%s: the partition table does not read back as written (%s)", u->path,
                              u->pttype[0] ? u->pttype : "no table");
        jset_str(a->sec, "ptuuid", u->ptuuid[0] ? u->ptuuid : NULL);
        if ((r = journal_step(a->j, a->sec, "formatting", false, a->err)) < 0)
            return r;
    }
    for (i = 0; i < in->plan.n_parts; i++) {
        const struct layout_part *p = &in->plan.parts[i];
        const char *uuid = NULL, *rec = journal_part_uuid(a->sec, "formatted", p->number);

        if (in->verdict == PROVISION_RESUME && fs_matches(u, p, &uuid) && rec && uuid && strcmp(rec, uuid) == 0)
            continue;
        if ((r = format_part(a, p)) < 0)
            return r;
    }
    return 0;
}

/* Phase 4: the journal says done, with the UUIDs the disk carries. */
static int phase_done(struct apply_run *a)
{
    const struct devuse *u = &a->in->use;
    const struct layout_plan *plan = &a->in->plan;
    json_object *uuids;
    size_t i;

    if (a->o->no_act)
        return 0;
    uuids = json_object_new_object();
    for (i = 0; i < plan->n_parts; i++) {
        const char *uuid = NULL;
        if (fs_matches(u, &plan->parts[i], &uuid) && uuid)
            json_object_object_add(uuids, plan->parts[i].label, json_object_new_string(uuid));
    }
    jset_str(a->sec, "disk", u->path);
    json_object_object_add(a->sec, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
    jset_str(a->sec, "ptuuid", u->ptuuid[0] ? u->ptuuid : NULL);
    json_object_object_add(a->sec, "uuids", uuids);
    if (!jstr(a->sec, "state") || strcmp(jstr(a->sec, "state"), "done") != 0)
        json_object_object_add(a->sec, "finished", journal_now());
    return journal_step(a->j, a->sec, "done", false, a->err);
}

int provision_apply(struct provision_inspection *in, const struct provision_opts *o, struct journal *j,
                    json_object *actions, struct mt_err *err)
{
    struct apply_run a = {in, o, j, journal_section(j, "provision"), actions, err};
    int r;

    switch (in->verdict) {
    case PROVISION_ALREADY:
        act_done(o, act(o, actions, "already provisioned", in->use.path));
        if (o->target_root && (r = write_fstab(o, &in->use, &in->plan, actions, err)) < 0)
            return r;
        return phase_done(&a);
    case PROVISION_BLANK:
    case PROVISION_RESUME:
    case PROVISION_FOREIGN:
        break;
    default:
        return mt_err_set(err, -EPERM, "%s: refusing to write a disk that is %s: %s", in->use.path,
                          provision_verdict_name(in->verdict), in->found);
    }
    if ((r = phase_claim(&a)) < 0 || (r = phase_table(&a)) < 0 || (r = phase_format(&a)) < 0)
        return r;
    if (!o->no_act)
        in->verdict = PROVISION_ALREADY; /* it is now */
    if (o->target_root && (r = write_fstab(o, &in->use, &in->plan, actions, err)) < 0)
        return r;
    return phase_done(&a);
}
