/* check_disk: every SCSI disk has a unique, stable identity (disk.EnableUUID).
 *
 * Judged by the NAA designator of VPD page 0x83, never by whether scsi_id
 * prints something: without EnableUUID udev still derives a vendor-specific
 * id ("0VMware_Virtual_disk_..."), which is neither unique nor stable. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "arraysize.h"

#define ENABLEUUID_STEPS                                                                                   \
    "In the vSphere client: power the VM off; Edit Settings > VM Options > Advanced > Configuration "     \
    "Parameters (Edit Configuration); add the parameter disk.EnableUUID with the value TRUE (case "       \
    "sensitive, no quotes); power the VM on and run mt-agent check again."

static size_t append(char *buf, size_t size, size_t n, const char *fmt, const char *a, const char *b)
{
    if (n < size)
        n += (size_t)snprintf(buf + n, size - n, fmt, a, b);
    return n < size ? n : size;
}

static void disk_enableuuid(const struct check_ctx *c, struct check_result *r)
{
    const struct inventory *inv = c->inv;
    char lacking[700] = "", names[400] = "";
    size_t i, nl = 0, nn = 0, scsi = 0, bad = 0;

    for (i = 0; i < inv->n_disks; i++) {
        const struct inv_disk *d = &inv->disks[i];
        if (!d->is_scsi)
            continue;
        scsi++;
        if (d->has_naa)
            continue;
        bad++;
        nn = append(names, sizeof(names), nn, "%s%s", nn ? ", " : "", d->name);
        if (d->vpd_error[0])
            nl = append(lacking, sizeof(lacking), nl, "%s: VPD unreadable (%s); ", d->name, d->vpd_error);
        else if (d->scsi_id[0])
            nl = append(lacking, sizeof(lacking), nl, "%s has no NAA identifier (scsi_id falls back to %s); ",
                        d->name, d->scsi_id);
        else
            nl = append(lacking, sizeof(lacking), nl, "%s has no NAA identifier%s; ", d->name, "");
    }
    if (scsi == 0) {
        check_set(r, CHECK_FAIL, "no SCSI disk found: the master target's disks must sit on a SCSI controller");
        check_remedy(r, "Attach the VM's disks to a VMware Paravirtual or LSI Logic SCSI controller. Then: " ENABLEUUID_STEPS);
        return;
    }
    if (bad == 0) {
        check_set(r, CHECK_PASS, "all %zu SCSI disks have an NAA identifier", scsi);
        return;
    }
    if (nl >= 2 && nl < sizeof(lacking))
        lacking[nl - 2] = '\0';
    check_set(r, CHECK_FAIL, "%s", lacking);
    check_remedy(r, "disk.EnableUUID is not TRUE for this VM (disks %s). " ENABLEUUID_STEPS, names);
}

static void disk_scsi_id_unique(const struct check_ctx *c, struct check_result *r)
{
    const struct inventory *inv = c->inv;
    char dup[900] = "";
    size_t i, j, n = 0, ided = 0;

    for (i = 0; i < inv->n_disks; i++) {
        const struct inv_disk *a = &inv->disks[i];
        bool first = true;
        if (!a->scsi_id[0])
            continue;
        ided++;
        for (j = 0; j < i; j++)
            if (strcmp(inv->disks[j].scsi_id, a->scsi_id) == 0)
                first = false;
        if (!first)
            continue;
        for (j = i + 1; j < inv->n_disks; j++)
            if (strcmp(inv->disks[j].scsi_id, a->scsi_id) == 0) {
                n = append(dup, sizeof(dup), n, "%s and %s", a->name, inv->disks[j].name);
                n = append(dup, sizeof(dup), n, " share %s%s; ", a->scsi_id, "");
            }
    }
    if (ided == 0) {
        check_set(r, CHECK_SKIP, "no disk has a SCSI id to compare (see disk.enableuuid)");
        return;
    }
    if (n == 0) {
        check_set(r, CHECK_PASS, "%zu SCSI ids, all distinct", ided);
        return;
    }
    if (n >= 2 && n < sizeof(dup))
        dup[n - 2] = '\0';
    check_set(r, CHECK_FAIL, "%s", dup);
    check_remedy(r, "Two disks answering with one id are usually cloned VMDKs: multipath would merge them. "
                    "Power the VM off, remove the cloned disk and add a new one (or give the copy a new UUID "
                    "with vmkfstools -J setuuid on the ESXi host).");
}

const struct check_def check_defs_disk[] = {
    {"disk.enableuuid", SEV_ERROR, "Every SCSI disk has an NAA identifier (disk.EnableUUID = TRUE)",
     disk_enableuuid},
    {"disk.scsi-id-unique", SEV_ERROR, "SCSI ids are unique across disks", disk_scsi_id_unique},
};
const size_t check_n_disk = ARRAY_SIZE(check_defs_disk);
