/* retention: see retention.h. */
#define _GNU_SOURCE
#include "retention.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devuse.h"
#include "dirs.h"
#include "fstab.h"
#include "hostid.h"
#include "loopdev.h"
#include "provision.h"
#include "rootpath.h"

static const char *jstr(json_object *o, const char *key)
{
    json_object *v;
    if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
        return NULL;
    return json_object_get_string(v);
}

/* The ext4 volume labelled `label`: its partition (0: whole disk) and UUID. */
static const struct devuse_sig *find_volume(const struct devuse *u, const char *label)
{
    size_t i;
    for (i = 0; i < u->n_sigs; i++)
        if (strcmp(u->sigs[i].label, label) == 0 && strcmp(u->sigs[i].type, "ext4") == 0)
            return &u->sigs[i];
    return NULL;
}

static uint64_t part_offset(const struct devuse *u, int partno, uint64_t *size)
{
    size_t i;
    *size = u->size_bytes;
    for (i = 0; i < u->n_parts; i++)
        if (u->parts[i].partno == partno) {
            *size = u->parts[i].size_bytes;
            return u->parts[i].start_bytes;
        }
    return 0;
}

/* Mount the volume at `mnt_real`. An image file's volume goes through an
 * autoclear loop device: the mount keeps it, unmounting releases it. */
static int mount_volume(const struct devuse *u, int partno, const char *mnt_real, struct retention_result *res,
                        struct mt_err *err)
{
    char real[PATH_MAX];
    int fd = -1, r;

    if (u->is_block) {
        if (partno == 0)
            snprintf(res->node, sizeof(res->node), "%s", u->path);
        else if (provision_partition_node(u->major, u->minor, partno, res->node, sizeof(res->node), 5000) < 0)
            return mt_err_set(err, -ENOENT, "%s: partition %d has no device node", u->path, partno);
        r = rootpath_resolve(res->node, real, sizeof(real), 0);
        if (r < 0)
            return mt_err_errno(err, r, "%s: cannot resolve", res->node);
    } else {
        uint64_t size, off = part_offset(u, partno, &size);
        r = loopdev_attach(u->real, off, size, &fd, res->node, sizeof(res->node), err);
        if (r < 0)
            return r;
        r = rootpath_resolve(res->node, real, sizeof(real), 0);
        if (r < 0) {
            close(fd);
            return mt_err_errno(err, r, "%s: cannot resolve", res->node);
        }
    }
    r = mount(real, mnt_real, "ext4", 0, NULL) < 0 ? -errno : 0;
    if (fd >= 0)
        close(fd);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot mount %s at %s", u->path, res->node, mnt_real);
    res->mounted_now = true;
    return 0;
}

const char *retention_verdict_name(enum retention_verdict v)
{
    switch (v) {
    case RETENTION_REUSE: return "reuse";
    case RETENTION_CREATE: return "blank";
    case RETENTION_RESUME: return "resume";
    case RETENTION_BUSY: return "in use";
    case RETENTION_FOREIGN: return "foreign data";
    }
    return "?";
}

/* One run of retention_apply: what every phase needs. */
struct ret_run {
    const char *disk, *mountpoint, *label;
    bool no_act;
    struct journal *j;
    json_object *sec;
    struct devuse u;
    char mnt_real[PATH_MAX];
    struct retention_result *res;
    struct mt_err *err;
};

/* The journal's killed mkfs was on this very disk: path, size and SCSI id. */
static bool ret_identity(const struct ret_run *rr)
{
    const char *state = jstr(rr->sec, "state"), *jdisk = jstr(rr->sec, "disk"), *id = jstr(rr->sec, "scsi_id");
    json_object *v;

    if (!state || !jdisk || strcmp(state, "formatting") != 0 || strcmp(jdisk, rr->u.path) != 0)
        return false;
    if (!json_object_object_get_ex(rr->sec, "size_bytes", &v) || (uint64_t)json_object_get_int64(v) != rr->u.size_bytes)
        return false;
    return strcmp(id ? id : "", rr->u.scsi_id) == 0;
}

/* ... and the disk carries nothing but what that mkfs writes: ext4 with the
 * UUID the run gave it, or, when mke2fs was killed before it wrote the
 * superblock, its partial writes: bytes no probe recognises (the first MiB
 * holds group descriptors and bitmaps then). The run found this disk blank
 * (RETENTION_CREATE) before it journalled the mkfs, and path, size and SCSI id
 * still match; any recognised signature of another kind is refused. */
static bool ret_owns(const struct ret_run *rr)
{
    const char *uuid = jstr(rr->sec, "uuid_assigned");
    size_t i;

    if (!ret_identity(rr) || !uuid)
        return false;
    for (i = 0; i < rr->u.scan.n; i++) {
        const struct sigscan_finding *f = &rr->u.scan.v[i];
        if (strcmp(f->kind, "unrecognised") == 0)
            continue;
        if (strcmp(f->type, "ext4") != 0 || strcmp(f->uuid, uuid) != 0)
            return false;
    }
    return true;
}

static int ret_reprobe(struct ret_run *rr)
{
    char path[PATH_MAX];
    snprintf(path, sizeof(path), "%s", rr->u.path);
    devuse_free(&rr->u);
    return devuse_probe_resolved(path, &rr->u, rr->err);
}

/* Phase 1: probe the disk. A run killed mid-mkfs leaves its mkfs running
 * (holding the loop device of an image, or the block device O_EXCL): when the
 * disk is that run's, wait for it to let go (bounded) rather than refuse or
 * format under it. */
static int ret_probe(struct ret_run *rr)
{
    struct devuse *u = &rr->u;
    size_t i;
    int r;

    if ((r = devuse_probe_resolved(rr->disk, u, rr->err)) < 0)
        return r;
    if (u->is_partition)
        return mt_err_set(rr->err, -EINVAL, "%s is a partition; name the whole disk", rr->disk);
    if ((r = rootpath_resolve(rr->mountpoint, rr->mnt_real, sizeof(rr->mnt_real), 0)) < 0)
        return mt_err_errno(rr->err, r, "%s: cannot resolve", rr->mountpoint);
    for (i = 0; ret_identity(rr) && i < 480 && !u->n_mounts && !u->n_swaps && !u->n_holders &&
                (u->n_loops || devuse_exclusive_busy(u));
         i++) {
        usleep(250000);
        if ((r = ret_reprobe(rr)) < 0)
            return r;
    }
    devuse_describe(u, rr->res->found, sizeof(rr->res->found));
    rr->res->findings = devuse_findings_json(&u->scan);
    return 0;
}

/* Phase 2: the verdict. An existing volume is reused (never reformatted) unless
 * it is the killed run's own unfinished mkfs; a blank disk gets one; anything
 * else is refused. */
static int ret_judge(struct ret_run *rr)
{
    struct devuse *u = &rr->u;
    const char *state = jstr(rr->sec, "state");
    const struct devuse_sig *vol = find_volume(u, rr->label);
    bool busy = devuse_busy(u) || devuse_exclusive_busy(u);

    /* mke2fs writes the primary superblock last: the killed run's volume, found
     * with its label and the UUID it was given, is a finished mkfs (reused, never
     * run twice); the killed run's disk without it gets its mkfs again */
    if (ret_owns(rr) && !busy && !vol)
        rr->res->verdict = RETENTION_RESUME;
    else if (vol && (u->n_holders || u->n_swaps || u->running_root[0])) {
        rr->res->verdict = RETENTION_BUSY;
        return mt_err_set(rr->err, -EBUSY, "%s: the retention volume is in use otherwise: %s", rr->disk,
                          rr->res->found);
    } else if (vol)
        rr->res->verdict = RETENTION_REUSE;
    else if (busy) {
        rr->res->verdict = RETENTION_BUSY;
        return mt_err_set(rr->err, -EBUSY, "%s is in use: %s; nothing was written", rr->disk, rr->res->found);
    } else if (!devuse_has_data(u))
        rr->res->verdict = RETENTION_CREATE;
    else {
        rr->res->verdict = RETENTION_FOREIGN;
        return mt_err_set(rr->err, -EEXIST,
                          "%s carries other data: %s; nothing was written. The retention volume is made only on "
                          "an empty disk (or an ext4 labelled %s is reused)%s",
                          rr->disk, rr->res->found, rr->label,
                          state && strcmp(state, "formatting") == 0 && !ret_owns(rr)
                              ? "; the journal's unfinished mkfs was on another disk or this one changed since"
                              : "");
    }
    return 0;
}

/* Phase 3 (blank or resumed disk): mkfs with a UUID recorded before it starts,
 * so a run killed mid-mkfs is finished next time instead of being refused. */
static int ret_create(struct ret_run *rr)
{
    struct devuse *u = &rr->u;
    char real[PATH_MAX], uuid[HOSTID_MAX];
    const char *rec = jstr(rr->sec, "uuid_assigned");
    const struct devuse_sig *vol;
    int r, fd = -1;

    rr->res->created = true;
    if (rr->no_act) {
        snprintf(rr->res->uuid, sizeof(rr->res->uuid), "(assigned when run)");
        return 0;
    }
    if (rr->res->verdict == RETENTION_RESUME && rec && strlen(rec) < sizeof(uuid))
        snprintf(uuid, sizeof(uuid), "%s", rec);
    else if (hostid_generate_uuid(uuid) < 0)
        return mt_err_set(rr->err, -EIO, "%s: no random numbers for the volume's UUID", rr->disk);
    json_object_object_add(rr->sec, "disk", json_object_new_string(u->path));
    json_object_object_add(rr->sec, "size_bytes", json_object_new_int64((int64_t)u->size_bytes));
    json_object_object_add(rr->sec, "scsi_id", u->scsi_id[0] ? json_object_new_string(u->scsi_id) : NULL);
    json_object_object_add(rr->sec, "uuid_assigned", json_object_new_string(uuid));
    json_object_object_add(rr->sec, "state", json_object_new_string("formatting"));
    json_object_object_add(rr->sec, "updated", journal_now());
    if ((r = journal_commit(rr->j, rr->err)) < 0)
        return r;
    /* an image through an autoclear loop device, so a killed run's mkfs is seen holding it */
    if (u->is_block) {
        r = provision_mkfs(u->real, "ext4", rr->label, uuid, false, NULL, NULL, rr->err);
    } else {
        char node[PATH_MAX];
        r = loopdev_attach(u->real, 0, u->size_bytes, &fd, node, sizeof(node), rr->err);
        if (r == 0 && (r = rootpath_resolve(node, real, sizeof(real), 0)) == 0)
            r = provision_mkfs(real, "ext4", rr->label, uuid, false, NULL, NULL, rr->err);
        if (fd >= 0)
            close(fd);
    }
    if (r < 0 || (r = ret_reprobe(rr)) < 0)
        return r;
    vol = find_volume(u, rr->label);
    if (!vol || strcmp(vol->uuid, uuid) != 0)
        return mt_err_set(rr->err, -EIO, "%s: no ext4 labelled %s with UUID %s after mkfs", rr->disk, rr->label, uuid);
    return 0;
}

/* Phase 4: mounted at the mount point (already there: fine; elsewhere: refused). */
static int ret_mount(struct ret_run *rr, int partno)
{
    struct devuse *u = &rr->u;
    bool here = false;
    size_t i;
    int r;

    for (i = 0; i < u->n_mounts; i++)
        if (strcmp(u->mounts[i].what, rr->mnt_real) == 0 || strcmp(u->mounts[i].what, rr->mountpoint) == 0)
            here = true;
    if (!here && u->n_mounts)
        return mt_err_set(rr->err, -EALREADY,
                          "%s: the retention volume is mounted at %s, not at %s; unmount it or give --mount %s",
                          rr->disk, u->mounts[0].what, rr->mountpoint, u->mounts[0].what);
    if (here) {
        snprintf(rr->res->node, sizeof(rr->res->node), "%s", u->mounts[0].node);
        return 0;
    }
    if (rr->no_act) {
        rr->res->mounted_now = true;
        snprintf(rr->res->node, sizeof(rr->res->node), "%s", u->path);
        return 0;
    }
    if ((r = dirs_make(rr->mnt_real, 0755)) < 0)
        return mt_err_errno(rr->err, r, "%s: cannot create the mount point", rr->mountpoint);
    return mount_volume(u, partno, rr->mnt_real, rr->res, rr->err);
}

static int ret_fstab(struct ret_run *rr, const char *fstab_real)
{
    struct fstab_entry e;

    memset(&e, 0, sizeof(e));
    snprintf(e.source, sizeof(e.source), "UUID=%s", rr->res->uuid);
    snprintf(e.label, sizeof(e.label), "%s", rr->label);
    snprintf(e.mountpoint, sizeof(e.mountpoint), "%s", rr->mountpoint);
    snprintf(e.fstype, sizeof(e.fstype), "ext4");
    snprintf(e.options, sizeof(e.options), "defaults");
    e.freq = 0;
    e.passno = 2;
    return fstab_update(fstab_real, &e, 1, "# mt-agent retention: the retention volume", rr->no_act,
                        &rr->res->fstab_changed, rr->err);
}

static int ret_record(struct ret_run *rr)
{
    if (rr->no_act)
        return 0;
    json_object_object_add(rr->sec, "disk", json_object_new_string(rr->u.path));
    json_object_object_add(rr->sec, "size_bytes", json_object_new_int64((int64_t)rr->u.size_bytes));
    json_object_object_add(rr->sec, "scsi_id", rr->u.scsi_id[0] ? json_object_new_string(rr->u.scsi_id) : NULL);
    json_object_object_add(rr->sec, "uuid", json_object_new_string(rr->res->uuid));
    json_object_object_add(rr->sec, "partition", json_object_new_int(rr->res->partno));
    json_object_object_add(rr->sec, "mount", json_object_new_string(rr->mountpoint));
    json_object_object_add(rr->sec, "state", json_object_new_string("done"));
    json_object_object_add(rr->sec, "updated", journal_now());
    return journal_commit(rr->j, rr->err);
}

int retention_apply(const char *disk, const char *mountpoint, const char *label, bool no_act, struct journal *j,
                    struct retention_result *res, struct mt_err *err)
{
    struct ret_run rr;
    const struct devuse_sig *vol;
    char fstab_real[PATH_MAX];
    int r;

    memset(res, 0, sizeof(*res));
    memset(&rr, 0, sizeof(rr));
    rr.disk = disk;
    rr.mountpoint = mountpoint;
    rr.label = label;
    rr.no_act = no_act;
    rr.j = j;
    rr.sec = journal_section(j, "retention");
    rr.res = res;
    rr.err = err;
    if ((r = ret_probe(&rr)) < 0 || (r = ret_judge(&rr)) < 0)
        goto out;
    /* the fstab we will edit is readable whole, before anything is written */
    if ((r = rootpath_resolve("/etc/fstab", fstab_real, sizeof(fstab_real), 0)) < 0) {
        r = mt_err_errno(err, r, "/etc/fstab: cannot resolve");
        goto out;
    }
    if ((r = fstab_check(fstab_real, err)) < 0)
        goto out;
    if (res->verdict == RETENTION_CREATE || res->verdict == RETENTION_RESUME) {
        if ((r = ret_create(&rr)) < 0)
            goto out;
    }
    vol = find_volume(&rr.u, label);
    res->partno = vol ? vol->partno : 0;
    if (vol)
        snprintf(res->uuid, sizeof(res->uuid), "%s", vol->uuid);
    if ((r = ret_mount(&rr, res->partno)) < 0 || (r = ret_fstab(&rr, fstab_real)) < 0)
        goto out;
    r = ret_record(&rr);
out:
    devuse_free(&rr.u);
    return r;
}
