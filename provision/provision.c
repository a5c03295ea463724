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

/* Signatures on the whole disk other than its partition table. */
static size_t whole_disk_extras(const struct devuse *u)
{
    const struct devuse_sig *s[1];
    return devuse_sigs_of(u, 0, s, 1);
}

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

static bool journal_owns(json_object *sec, const struct devuse *u)
{
    const char *state = jstr(sec, "state"), *disk = jstr(sec, "disk"), *ptuuid = jstr(sec, "ptuuid");
    json_object *v;

    if (!state || !disk || strcmp(disk, u->path) != 0)
        return false;
    if (strcmp(state, "partitioning") != 0 && strcmp(state, "formatting") != 0)
        return false;
    if (!json_object_object_get_ex(sec, "size_bytes", &v) || (uint64_t)json_object_get_int64(v) != u->size_bytes)
        return false;
    /* once our table was written, the disk must still carry that table */
    if (ptuuid && *ptuuid && u->ptuuid[0] && strcmp(ptuuid, u->ptuuid) != 0)
        return false;
    return true;
}

/* A block device opened O_EXCL elsewhere (a mounted file system, an mkfs of the
 * killed run still writing a partition) cannot be opened O_EXCL here. */
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
    if (in->exclusive_busy) {
        size_t l = strlen(in->found);
        snprintf(in->found + l, sizeof(in->found) - l, "%sopened exclusively by another process",
                 l ? "; " : "");
    }
    /* A disk in use or holding the retention volume is refused whatever its
     * size: say that rather than that it is too small. */
    if (devuse_busy(u) || in->exclusive_busy) {
        in->verdict = PROVISION_BUSY;
        in->owned = journal_owns(journal_provision, u);
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
    in->owned = journal_owns(journal_provision, u);
    in->table_matches = table_matches(u, &in->plan);
    for (i = 0; i < in->plan.n_parts; i++) {
        in->fs_matches[i] = in->table_matches && fs_matches(u, &in->plan.parts[i], NULL);
        all_fs = all_fs && in->fs_matches[i];
    }
    if (in->table_matches && all_fs && whole_disk_extras(u) == 0)
        in->verdict = PROVISION_ALREADY;
    else if (in->owned)
        in->verdict = PROVISION_RESUME;
    else if (!devuse_has_data(u))
        in->verdict = PROVISION_BLANK;
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

static int journal_step(struct journal *j, json_object *sec, const char *state, struct mt_err *err)
{
    jset_str(sec, "state", state);
    json_object_object_add(sec, "updated", journal_now());
    return journal_commit(j, err);
}

/* The UUID the journal recorded for partition n after its mkfs completed, or NULL. */
static const char *journal_formatted(json_object *sec, int n)
{
    json_object *f;
    char key[16];
    if (!json_object_object_get_ex(sec, "formatted", &f))
        return NULL;
    snprintf(key, sizeof(key), "%d", n);
    return jstr(f, key);
}

/* ---- actions -------------------------------------------------------------------------- */

static json_object *act(const struct provision_opts *o, json_object *actions, const char *name, const char *target)
{
    json_object *a = json_object_new_object();
    json_object_object_add(a, "action", json_object_new_string(name));
    json_object_object_add(a, "target", json_object_new_string(target));
    json_object_array_add(actions, a);
    (void)o;
    return a;
}

static void act_done(const struct provision_opts *o, const json_object *a)
{
    if (o->action)
        o->action(o->data, a);
}

/* ---- wiping ---------------------------------------------------------------------------- */

/* Erase every signature libblkid finds in [off, off+size) of fd (what wipefs -a
 * does); names of what was erased appended to `what`. */
static int wipe_range(int fd, uint64_t off, uint64_t size, bool whole, json_object *what)
{
#ifdef BLKID_PARTS_MAGIC /* libblkid >= 2.20 (blkid_do_wipe) */
    blkid_probe pr = blkid_new_probe();
    int rounds = 0;

    if (!pr)
        return -ENOMEM;
    if (blkid_probe_set_device(pr, fd, (blkid_loff_t)off, (blkid_loff_t)size) < 0) {
        blkid_free_probe(pr);
        return -EIO;
    }
    blkid_probe_enable_superblocks(pr, 1);
    blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_MAGIC | BLKID_SUBLKS_TYPE);
    blkid_probe_enable_partitions(pr, whole);
    blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
    while (blkid_do_probe(pr) == 0 && rounds++ < 64) {
        const char *type = NULL;
        if (blkid_probe_lookup_value(pr, "TYPE", &type, NULL) < 0)
            blkid_probe_lookup_value(pr, "PTTYPE", &type, NULL);
        if (blkid_do_wipe(pr, 0) < 0) {
            blkid_free_probe(pr);
            return -EIO;
        }
        json_object_array_add(what, json_object_new_string(type ? type : "?"));
    }
    blkid_free_probe(pr);
    return 0;
#else
    /* Old libblkid (CentOS 6: util-linux-ng 2.17) cannot wipe: zero the first
     * and last MiB of the range, where the signatures live. */
    static char zero[65536];
    uint64_t len = size ? size : 0, at;
    struct stat st;
    (void)whole;
    if (!len) {
        if (fstat(fd, &st) < 0)
            return -errno;
        if (S_ISBLK(st.st_mode) && ioctl(fd, BLKGETSIZE64, &len) < 0)
            return -errno;
        if (S_ISREG(st.st_mode))
            len = (uint64_t)st.st_size;
    }
    for (at = 0; at < len && at < LAYOUT_MIB; at += sizeof(zero))
        if (pwrite(fd, zero, sizeof(zero), (off_t)(off + at)) < 0)
            return -errno;
    for (at = len > LAYOUT_MIB ? len - LAYOUT_MIB : 0; at + sizeof(zero) <= len; at += sizeof(zero))
        if (pwrite(fd, zero, sizeof(zero), (off_t)(off + at)) < 0)
            return -errno;
    json_object_array_add(what, json_object_new_string("first and last MiB zeroed"));
    return 0;
#endif
}

static int wipe_disk(const struct devuse *u, json_object *what, struct mt_err *err)
{
    int fd = open(u->real, O_RDWR | O_CLOEXEC | (u->is_block ? O_EXCL : 0)), r = 0;
    size_t i;

    if (fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open for writing", u->path);
    /* the partitions' contents first: their offsets come from the table */
    for (i = 0; i < u->n_parts && r == 0; i++)
        if (!u->parts[i].extended && u->parts[i].size_bytes)
            r = wipe_range(fd, u->parts[i].start_bytes, u->parts[i].size_bytes, false, what);
    if (r == 0)
        r = wipe_range(fd, 0, 0, true, what);
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (u->is_block)
        ioctl(fd, BLKFLSBUF, 0);
    close(fd);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot erase the old signatures", u->path);
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

int provision_mkfs(const char *node, const char *fstype, const char *label, bool lazy_init,
                   void (*progress)(void *data, const char *label, uint64_t done, uint64_t total), void *data,
                   struct mt_err *err)
{
    const char *ext4[] = {"mkfs.ext4", "-F", "-L", label, "-E",
                          lazy_init ? "lazy_itable_init=1,lazy_journal_init=1" : "lazy_itable_init=1", node, NULL};
    const char *swap[] = {"mkswap", "-L", label, node, NULL};
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
static int mkfs_part(const struct devuse *u, const struct layout_part *p, const struct provision_opts *o,
                     char *node, size_t nodelen, struct mt_err *err)
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
    r = provision_mkfs(real, p->fstype, p->label, o->lazy_init, o->progress, o->data, err);
    if (fd >= 0)
        close(fd); /* autoclear: the loop device goes */
    return r;
}

/* ---- fstab -------------------------------------------------------------------------------- */

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
        if (!fs_matches(u, p, &uuid) || !uuid || !*uuid)
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
    if ((size_t)snprintf(host, sizeof(host), "%s/etc/fstab", strcmp(o->target_root, "/") == 0 ? "" : o->target_root) >=
        sizeof(host))
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", o->target_root);
    /* target_root is resolved already (the caller's path): its etc/fstab is
     * looked up inside it, links staying in it, and never under --root again */
    r = rootpath_resolve_in(o->target_root, "/etc/fstab", path, sizeof(path), 0);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve", host);
    snprintf(comment, sizeof(comment), "# mt-agent provision: the OS disk");
    r = fstab_update(path, e, plan->n_parts, comment, &changed, err);
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

int provision_apply(struct provision_inspection *in, const struct provision_opts *o, struct journal *j,
                    json_object *actions, struct mt_err *err)
{
    json_object *sec = journal_section(j, "provision"), *a, *formatted;
    const struct layout_plan *plan = &in->plan;
    struct devuse *u = &in->use;
    size_t i;
    int r;

    switch (in->verdict) {
    case PROVISION_ALREADY:
        a = act(o, actions, "already provisioned", u->path);
        act_done(o, a);
        if (o->target_root && (r = write_fstab(o, u, plan, actions, err)) < 0)
            return r;
        goto done;
    case PROVISION_BLANK:
    case PROVISION_RESUME:
    case PROVISION_FOREIGN:
        break;
    default:
        return mt_err_set(err, -EPERM, "%s: refusing to write a disk that is %s: %s", u->path,
                          provision_verdict_name(in->verdict), in->found);
    }

    /* 1. the journal knows the disk is ours before anything is written */
    if (in->verdict != PROVISION_RESUME) {
        json_object_object_add(sec, "formatted", json_object_new_object());
        json_object_object_add(sec, "ptuuid", NULL);
        json_object_object_add(sec, "started", journal_now());
        json_object_object_add(sec, "finished", NULL);
    }
    jset_str(sec, "disk", u->path);
    json_object_object_add(sec, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
    json_object_object_add(sec, "plan", plan_summary(plan));
    if ((r = journal_step(j, sec, "partitioning", err)) < 0)
        return r;

    /* 2. the partition table: redone unless a resumed disk already has it */
    if (in->verdict != PROVISION_RESUME || !in->table_matches) {
        json_object *what = json_object_new_array();
        if ((r = wipe_disk(u, what, err)) < 0) {
            json_object_put(what);
            return r;
        }
        a = act(o, actions, "wipe", u->path);
        json_object_object_add(a, "erased", what);
        act_done(o, a);
        json_object_object_add(sec, "formatted", json_object_new_object());
        if ((r = write_table(u, plan, err)) < 0)
            return r;
        a = act(o, actions, "partition", u->path);
        json_object_object_add(a, "label", json_object_new_string("msdos"));
        act_done(o, a);
    } else if (u->is_block && provision_partition_node(u->major, u->minor, 1, (char[PATH_MAX]){0}, PATH_MAX, 0) < 0) {
        if ((r = inform_kernel(u, err)) < 0)
            return r;
        a = act(o, actions, "partitions re-read", u->path);
        act_done(o, a);
    }
    if ((r = reprobe(in, err)) < 0)
        return r;
    if (!table_matches(u, plan))
        return mt_err_set(err, -EIO, "%s: the partition table does not read back as written (%s)", u->path,
                          u->pttype[0] ? u->pttype : "no table");
    jset_str(sec, "ptuuid", u->ptuuid[0] ? u->ptuuid : NULL);
    if ((r = journal_step(j, sec, "formatting", err)) < 0)
        return r;

    /* 3. every file system whose completed mkfs is not on record */
    if (!json_object_object_get_ex(sec, "formatted", &formatted)) {
        formatted = json_object_new_object();
        json_object_object_add(sec, "formatted", formatted);
    }
    for (i = 0; i < plan->n_parts; i++) {
        const struct layout_part *p = &plan->parts[i];
        const char *uuid = NULL, *rec = journal_formatted(sec, p->number);
        char node[PATH_MAX], key[16];

        if (fs_matches(u, p, &uuid) && rec && uuid && strcmp(rec, uuid) == 0)
            continue;
        if ((r = mkfs_part(u, p, o, node, sizeof(node), err)) < 0)
            return r;
        if ((r = reprobe(in, err)) < 0)
            return r;
        if (!fs_matches(u, p, &uuid) || !uuid)
            return mt_err_set(err, -EIO, "%s: partition %d: no %s labelled %s after mkfs", u->path, p->number,
                              p->fstype, p->label);
        snprintf(key, sizeof(key), "%d", p->number);
        json_object_object_add(formatted, key, json_object_new_string(uuid));
        if ((r = journal_step(j, sec, "formatting", err)) < 0)
            return r;
        a = act(o, actions, strcmp(p->fstype, "swap") == 0 ? "mkswap" : "mkfs.ext4", node);
        json_object_object_add(a, "partition", json_object_new_int(p->number));
        json_object_object_add(a, "label", json_object_new_string(p->label));
        json_object_object_add(a, "uuid", json_object_new_string(uuid));
        act_done(o, a);
    }
    in->verdict = PROVISION_ALREADY; /* it is now */
    if (o->target_root && (r = write_fstab(o, u, plan, actions, err)) < 0)
        return r;

done:
    {
        json_object *uuids = json_object_new_object();
        for (i = 0; i < plan->n_parts; i++) {
            const char *uuid = NULL;
            if (fs_matches(u, &plan->parts[i], &uuid) && uuid)
                json_object_object_add(uuids, plan->parts[i].label, json_object_new_string(uuid));
        }
        jset_str(sec, "disk", u->path);
        json_object_object_add(sec, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
        jset_str(sec, "ptuuid", u->ptuuid[0] ? u->ptuuid : NULL);
        json_object_object_add(sec, "uuids", uuids);
        if (!jstr(sec, "state") || strcmp(jstr(sec, "state"), "done") != 0)
            json_object_object_add(sec, "finished", journal_now());
        return journal_step(j, sec, "done", err);
    }
}
