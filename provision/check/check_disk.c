/* check_disk: every SCSI disk has a unique, stable identity (disk.EnableUUID).
 *
 * VMware virtual disks are judged by the NAA behind their scsi_id, never by
 * whether scsi_id prints something: without EnableUUID udev still derives a
 * vendor-specific id ("0VMware_Virtual_disk_..."), which is neither unique nor
 * stable. Disks of other vendors (raw device mappings of an array, passthrough
 * devices) carry the identity their device gives: they are named for what they
 * are and do not fail the check, since disk.EnableUUID does not apply to them. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

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

/* A VMware virtual disk: INQUIRY vendor "VMware" (pvscsi, LSI Logic: "VMware",
 * older adapters "VMware,"). Other vendors on a VMware VM are raw device
 * mappings and passthrough devices: their identity is the array's. */
static bool vmware_virtual_disk(const struct inv_disk *d)
{
    return strncasecmp(d->vendor, "VMware", 6) == 0;
}

/* "sdb has no NAA identifier (...)" for one VMware disk that lacks it. */
static size_t lacking_add(char *buf, size_t size, size_t n, const struct inv_disk *d)
{
    if (d->vpd_error[0])
        return append(buf, size, n, "%s: VPD unreadable (%s); ", d->name, d->vpd_error);
    if (d->scsi_id[0] && d->vpd_warning[0]) {
        n = append(buf, size, n, "%s has no NAA identifier (scsi_id falls back to %s", d->name, d->scsi_id);
        return append(buf, size, n, "; malformed VPD: %s%s); ", d->vpd_warning, "");
    }
    if (d->scsi_id[0])
        return append(buf, size, n, "%s has no NAA identifier (scsi_id falls back to %s); ", d->name, d->scsi_id);
    return append(buf, size, n, "%s has no NAA identifier%s; ", d->name, "");
}

/* "sdc (EMC SYMMETRIX), " for a disk of another vendor; what does not fit
 * the buffer is counted in *left and said as "and N more". */
static size_t other_add(char *buf, size_t size, size_t n, const struct inv_disk *d, size_t *left)
{
    char who[160];
    int w = snprintf(who, sizeof(who), "%s (%s%s%s%s), ", d->name, d->vendor[0] ? d->vendor : "no vendor",
                     d->model[0] ? " " : "", d->model, d->scsi_id[0] ? "" : ", no id");
    if (*left || w < 0 || n + (size_t)w + 24 >= size) {
        (*left)++;
        return n;
    }
    return append(buf, size, n, "%s%s", who, "");
}

/* End the list: drop the last ", ", say how many did not fit. */
static void other_end(char *buf, size_t size, size_t n, size_t left)
{
    if (n < 2 || n > size)
        return;
    n -= 2;
    buf[n] = '\0';
    if (left)
        snprintf(buf + n, size - n, " and %zu more", left);
}

static void disk_enableuuid(const struct check_ctx *c, struct check_result *r)
{
    const struct inventory *inv = c->inv;
    char lacking[900] = "", names[400] = "", others[400] = "";
    size_t i, nl = 0, nn = 0, no = 0, vmw = 0, other = 0, bad = 0, left = 0, names_left = 0;

    for (i = 0; i < inv->n_disks; i++) {
        const struct inv_disk *d = &inv->disks[i];
        if (!d->is_scsi)
            continue;
        if (!vmware_virtual_disk(d)) {
            other++;
            no = other_add(others, sizeof(others), no, d, &left);
            continue;
        }
        vmw++;
        if (d->has_naa)
            continue;
        bad++;
        /* at master-target scale the lists are cut, and say how many more */
        if (nn + 48 < sizeof(names))
            nn = append(names, sizeof(names), nn, "%s%s", nn ? ", " : "", d->name);
        else
            names_left++;
        if (nl + 420 < sizeof(lacking))
            nl = lacking_add(lacking, sizeof(lacking), nl, d);
    }
    other_end(others, sizeof(others), no, left);
    if (vmw + other == 0) {
        check_set(r, CHECK_FAIL, "no SCSI disk found: the master target's disks must sit on a SCSI controller");
        check_remedy(r, "Attach the VM's disks to a VMware Paravirtual or LSI Logic SCSI controller. Then: " ENABLEUUID_STEPS);
        return;
    }
    if (vmw == 0) {
        check_set(r, CHECK_SKIP, "no VMware virtual disk to judge; %s: identity from the device itself, "
                  "disk.EnableUUID does not apply", others);
        return;
    }
    if (bad == 0) {
        if (other)
            check_set(r, CHECK_PASS, "all %zu VMware virtual disks have an NAA identifier; %s: identity from the "
                      "device itself, disk.EnableUUID does not apply", vmw, others);
        else
            check_set(r, CHECK_PASS, "all %zu SCSI disks have an NAA identifier", vmw);
        return;
    }
    if (names_left)
        snprintf(names + nn, sizeof(names) - nn, " and %zu more", names_left);
    other_end(lacking, sizeof(lacking), nl, 0);
    if (bad > 1 && nl + 420 >= sizeof(lacking))
        snprintf(lacking + nl - 2, sizeof(lacking) - (nl - 2), "; %zu VMware virtual disks in all lack it", bad);
    if (other)
        check_set(r, CHECK_FAIL, "%s; not judged: %s (not VMware virtual disks: identity from the device itself)",
                  lacking, others);
    else
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
