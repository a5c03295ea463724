/* check_payload: the payload area's checks: the xfs and reiserfs modules
 * resolve for the target kernel (with their tools), and the vendor's custom
 * changes are in effect (not only recorded in the journal). */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "apply.h"
#include "arraysize.h"
#include "check.h"
#include "modules.h"
#include "rootpath.h"

static bool host_file(const char *path)
{
    char real[PATH_MAX];
    struct stat st;
    return rootpath_resolve(path, real, sizeof(real), 0) == 0 && stat(real, &st) == 0;
}

static void module_check(const struct check_ctx *c, struct check_result *r, const char *module,
                         const char *const tools[], const char *packages)
{
    struct module_info mi;
    struct mt_err err = {0};
    char kver[128];
    const char *tool = NULL;
    size_t i;

    check_remedy(r, "install %s from the media: mt-agent modules install --from %s", packages,
                 c->cfg && c->cfg->payload.dir[0] ? c->cfg->payload.dir : "DIR");
    if (modules_target_kernel(NULL, kver, sizeof(kver), &err) < 0) {
        check_set(r, CHECK_FAIL, "%s", err.msg);
        return;
    }
    if (modules_resolve(kver, module, &mi, &err) < 0) {
        check_set(r, CHECK_FAIL, "kernel %s: %s", kver, err.msg);
        return;
    }
    for (i = 0; tools[i] && !tool; i++)
        if (host_file(tools[i]))
            tool = tools[i];
    if (!tool) {
        check_set(r, CHECK_FAIL, "the %s module resolves for %s (%s) but %s is missing", module, kver,
                  mi.builtin ? "built in" : mi.rel, tools[0]);
        return;
    }
    check_set(r, CHECK_PASS, "%s resolves for kernel %s: %s%s%s; %s present", module, kver,
              mi.builtin ? "built in" : mi.rel, mi.vermagic[0] ? ", vermagic " : "", mi.vermagic, tool);
}

static void check_xfs(const struct check_ctx *c, struct check_result *r)
{
    static const char *const tools[] = {"/sbin/mkfs.xfs", "/usr/sbin/mkfs.xfs", NULL};
    module_check(c, r, "xfs", tools, "xfsprogs");
}

static void check_reiserfs(const struct check_ctx *c, struct check_result *r)
{
    static const char *const tools[] = {"/sbin/mkreiserfs", "/usr/sbin/mkreiserfs", NULL};
    module_check(c, r, "reiserfs", tools, "kmod-reiserfs and reiserfs-utils");
}

static const char *journal_apply_status(const struct check_ctx *c)
{
    json_object *a, *s;

    if (c->journal && json_object_object_get_ex(c->journal, "apply", &a) &&
        json_object_object_get_ex(a, "status", &s) && json_object_is_type(s, json_type_string))
        return json_object_get_string(s);
    return "no record";
}

static void check_customchanges(const struct check_ctx *c, struct check_result *r)
{
    const struct inv_disk *d;
    char *conf = NULL;
    ssize_t n;

    check_remedy(r, "run mt-agent apply --agent <Unified Agent tarball> and reboot");
    if (!host_file(APPLY_MARKER)) {
        check_set(r, CHECK_FAIL, "%s is missing: ApplyCustomChanges.sh has not completed (journal: %s)",
                  APPLY_MARKER, journal_apply_status(c));
        return;
    }
    d = inventory_root_disk(c->inv, c->cfg ? c->cfg->layout.disk : NULL);
    if (!d) {
        check_set(r, CHECK_FAIL, "%s exists, but no disk in the inventory holds / and [layout] disk names none (see mt-agent inventory): "
                                 "cannot verify the multipath blacklist", APPLY_MARKER);
        return;
    }
    if (!d->scsi_id[0]) {
        check_set(r, CHECK_FAIL, "%s exists, but the root disk %s has no WWID, so the script could not blacklist it",
                  APPLY_MARKER, d->name);
        check_remedy(r, "power the VM off, set disk.EnableUUID = TRUE (VM Options > Advanced > Configuration "
                        "Parameters), boot, then run mt-agent apply --force and reboot");
        return;
    }
    n = rootpath_read_file("/etc/multipath.conf", &conf, 1u << 20);
    if (n < 0) {
        check_set(r, CHECK_FAIL, "%s exists, but /etc/multipath.conf cannot be read (%s)", APPLY_MARKER,
                  strerror((int)-n));
        check_remedy(r, "run mt-agent apply --force (the vendor script writes /etc/multipath.conf) and reboot");
        return;
    }
    if (!apply_multipath_blacklists_wwid(conf, d->scsi_id)) {
        free(conf);
        check_set(r, CHECK_FAIL, "/etc/multipath.conf does not blacklist the root disk %s (wwid %s): multipath "
                                 "would claim the master target's own disk", d->name, d->scsi_id);
        check_remedy(r, "run mt-agent apply --force and reboot, or add wwid \"%s\" to the blacklist section of "
                        "/etc/multipath.conf", d->scsi_id);
        return;
    }
    free(conf);
    check_set(r, CHECK_PASS, "%s present; /etc/multipath.conf blacklists root disk %s (wwid %s); journal: %s",
              APPLY_MARKER, d->name, d->scsi_id, journal_apply_status(c));
}

const struct check_def check_defs_payload[] = {
    {"modules.xfs", SEV_ERROR, "XFS support (xfsprogs, xfs module) is installed", check_xfs},
    {"modules.reiserfs", SEV_WARNING, "ReiserFS support (kmod-reiserfs, reiserfs-utils) is installed",
     check_reiserfs},
    {"customchanges.applied", SEV_ERROR, "The vendor's custom changes are applied", check_customchanges},
};
const size_t check_n_payload = ARRAY_SIZE(check_defs_payload);
