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

/* A block device another process holds O_EXCL (a mounted file system, an mkfs). */
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

int retention_apply(const char *disk, const char *mountpoint, const char *label, struct journal *j,
                    struct retention_result *res, struct mt_err *err)
{
    json_object *sec = journal_section(j, "retention");
    const struct devuse_sig *vol;
    struct devuse u;
    struct fstab_entry e;
    char mnt_real[PATH_MAX], fstab_real[PATH_MAX];
    const char *state = jstr(sec, "state"), *jdisk = jstr(sec, "disk");
    bool owned, mounted_here = false;
    size_t i;
    int r;

    memset(res, 0, sizeof(*res));
    r = devuse_probe_resolved(disk, &u, err);
    if (r < 0)
        goto out;
    devuse_describe(&u, res->found, sizeof(res->found));
    if (u.is_partition) {
        r = mt_err_set(err, -EINVAL, "%s is a partition; name the whole disk", disk);
        goto out;
    }
    r = rootpath_resolve(mountpoint, mnt_real, sizeof(mnt_real), 0);
    if (r < 0) {
        r = mt_err_errno(err, r, "%s: cannot resolve", mountpoint);
        goto out;
    }
    owned = state && jdisk && strcmp(state, "formatting") == 0 && strcmp(jdisk, u.path) == 0;
    /* A run killed mid-mkfs leaves its mkfs running (holding the loop device of
     * an image, or the block device O_EXCL): when the disk is ours, wait for it
     * to let go (bounded) rather than refuse or format under it. */
    for (i = 0; owned && i < 480 && !find_volume(&u, label) && !u.n_mounts && !u.n_swaps && !u.n_holders &&
                (u.n_loops || devuse_exclusive_busy(&u));
         i++) {
        char path[PATH_MAX];
        usleep(250000);
        snprintf(path, sizeof(path), "%s", u.path);
        devuse_free(&u);
        if ((r = devuse_probe_resolved(path, &u, err)) < 0)
            goto out;
        devuse_describe(&u, res->found, sizeof(res->found));
    }

    vol = find_volume(&u, label);
    if (!vol) {
        char real[PATH_MAX];
        if (devuse_busy(&u) || devuse_exclusive_busy(&u)) {
            r = mt_err_set(err, -EBUSY, "%s is in use: %s; nothing was written", disk, res->found);
            goto out;
        }
        if (devuse_has_data(&u) && !owned) {
            r = mt_err_set(err, -EEXIST,
                           "%s carries other data: %s; nothing was written. The retention volume is made only on "
                           "an empty disk (or an ext4 labelled %s is reused)",
                           disk, res->found, label);
            goto out;
        }
        /* the journal knows before mkfs starts: a kill mid-mkfs is finished next time */
        json_object_object_add(sec, "disk", json_object_new_string(u.path));
        json_object_object_add(sec, "size_bytes", json_object_new_int64((int64_t)u.size_bytes));
        json_object_object_add(sec, "state", json_object_new_string("formatting"));
        json_object_object_add(sec, "updated", journal_now());
        if ((r = journal_commit(j, err)) < 0)
            goto out;
        /* an image through an autoclear loop device, so a killed run's mkfs
         * is seen holding it (above) */
        if (u.is_block) {
            r = provision_mkfs(u.real, "ext4", label, false, NULL, NULL, err);
        } else {
            char node[PATH_MAX];
            int fd;
            r = loopdev_attach(u.real, 0, u.size_bytes, &fd, node, sizeof(node), err);
            if (r == 0 && (r = rootpath_resolve(node, real, sizeof(real), 0)) == 0)
                r = provision_mkfs(real, "ext4", label, false, NULL, NULL, err);
            if (fd >= 0)
                close(fd);
        }
        if (r < 0)
            goto out;
        res->created = true;
        {
            char path[PATH_MAX];
            snprintf(path, sizeof(path), "%s", u.path);
            devuse_free(&u);
            if ((r = devuse_probe_resolved(path, &u, err)) < 0)
                goto out;
        }
        vol = find_volume(&u, label);
        if (!vol) {
            r = mt_err_set(err, -EIO, "%s: no ext4 labelled %s after mkfs", disk, label);
            goto out;
        }
    } else if (u.n_holders || u.n_swaps || u.running_root[0]) {
        r = mt_err_set(err, -EBUSY, "%s: the retention volume is in use otherwise: %s", disk, res->found);
        goto out;
    }
    res->partno = vol->partno;
    snprintf(res->uuid, sizeof(res->uuid), "%s", vol->uuid);

    /* mounted already? at the mount point: fine; elsewhere: say so */
    for (i = 0; i < u.n_mounts; i++) {
        if (strcmp(u.mounts[i].what, mnt_real) == 0 || strcmp(u.mounts[i].what, mountpoint) == 0)
            mounted_here = true;
    }
    if (!mounted_here && u.n_mounts) {
        r = mt_err_set(err, -EALREADY, "%s: the retention volume is mounted at %s, not at %s; unmount it or give "
                                       "--mount %s",
                       disk, u.mounts[0].what, mountpoint, u.mounts[0].what);
        goto out;
    }
    if (!mounted_here) {
        if ((r = dirs_make(mnt_real, 0755)) < 0) {
            r = mt_err_errno(err, r, "%s: cannot create the mount point", mountpoint);
            goto out;
        }
        if ((r = mount_volume(&u, vol->partno, mnt_real, res, err)) < 0)
            goto out;
    } else
        snprintf(res->node, sizeof(res->node), "%s", u.mounts[0].node);

    memset(&e, 0, sizeof(e));
    snprintf(e.source, sizeof(e.source), "UUID=%s", res->uuid);
    snprintf(e.label, sizeof(e.label), "%s", label);
    snprintf(e.mountpoint, sizeof(e.mountpoint), "%s", mountpoint);
    snprintf(e.fstype, sizeof(e.fstype), "ext4");
    snprintf(e.options, sizeof(e.options), "defaults");
    e.freq = 0;
    e.passno = 2;
    r = rootpath_resolve("/etc/fstab", fstab_real, sizeof(fstab_real), 0);
    if (r == 0)
        r = fstab_update(fstab_real, &e, 1, "# mt-agent retention: the retention volume", &res->fstab_changed, err);
    else
        r = mt_err_errno(err, r, "/etc/fstab: cannot resolve");
    if (r < 0)
        goto out;

    json_object_object_add(sec, "disk", json_object_new_string(u.path));
    json_object_object_add(sec, "size_bytes", json_object_new_int64((int64_t)u.size_bytes));
    json_object_object_add(sec, "uuid", json_object_new_string(res->uuid));
    json_object_object_add(sec, "partition", json_object_new_int(res->partno));
    json_object_object_add(sec, "mount", json_object_new_string(mountpoint));
    json_object_object_add(sec, "state", json_object_new_string("done"));
    json_object_object_add(sec, "updated", journal_now());
    r = journal_commit(j, err);
out:
    devuse_free(&u);
    return r;
}
