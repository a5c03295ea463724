/* inventory: host identity and every disk with its SCSI IDs (provision/disk/inventory.h). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "inventory.h"
#include "rootpath.h"
#include "verbs.h"

static void human_size(uint64_t b, char *out, size_t len)
{
    static const char *const u[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = (double)b;
    int i = 0;
    while (v >= 1024 && i < 5) {
        v /= 1024;
        i++;
    }
    snprintf(out, len, i ? "%.1f %s" : "%.0f %s", v, u[i]);
}

static void print_human(const struct inventory *inv)
{
    const struct inv_host *h = &inv->host;
    char sz[32];
    size_t i, j;

    human_size(h->ram_bytes, sz, sizeof(sz));
    out_printf("host      %s (%s, %s)\n", h->hostname, h->vendor, h->product);
    out_printf("serial    %s\nuuid      %s\n", h->serial, h->uuid);
    out_printf("os        %s, kernel %s, %s\n", h->os_release, h->kernel, h->arch);
    out_printf("cpus      %u, memory %s\n", h->cpus, sz);
    for (i = 0; i < h->n_nics; i++)
        out_printf("nic       %s %s %s %s%s%s\n", h->nics[i].name, h->nics[i].mac, h->nics[i].driver,
                   inv_bootproto_name(h->nics[i].bootproto), h->nics[i].addresses[0] ? " " : "",
                   h->nics[i].addresses);
    out_printf("\n%-6s %-10s %-8s %-16s %-12s %-5s %-34s %s\n", "DISK", "SIZE", "VENDOR", "MODEL", "DRIVER", "PT",
               "SCSI_ID", "USE");
    for (i = 0; i < inv->n_disks; i++) {
        const struct inv_disk *d = &inv->disks[i];
        char use[INV_STR + 16];
        human_size(d->size_bytes, sz, sizeof(sz));
        snprintf(use, sizeof(use), "%s%s%s", d->mounts, d->swap ? (d->mounts[0] ? ",swap" : "swap") : "",
                 !d->mounted && !d->swap ? "-" : "");
        out_printf("%-6s %-10s %-8s %-16s %-12s %-5s %-34s %s\n", d->name, sz, d->vendor[0] ? d->vendor : "-",
                   d->model[0] ? d->model : "-", d->driver[0] ? d->driver : "-", d->pttype[0] ? d->pttype : "-",
                   d->scsi_id[0] ? d->scsi_id : "-", use);
        if (d->serial[0])
            out_printf("       serial (VPD 0x80) %s\n", d->serial);
        for (j = 0; j < d->n_designators; j++)
            out_printf("       designator %s/%s/%s %s\n", d->designators[j].type, d->designators[j].assoc,
                       d->designators[j].code_set, d->designators[j].value);
        if (d->is_scsi && !d->has_naa && strncasecmp(d->vendor, "VMware", 6) == 0)
            out_printf("       no NAA identifier: disk.EnableUUID is not TRUE for this VM\n");
        if (d->vpd_error[0])
            out_printf("       VPD unreadable: %s\n", d->vpd_error);
        if (d->vpd_warning[0])
            out_printf("       VPD malformed%s: %s\n", d->scsi_id[0] ? " (udev still takes the id above)" : "",
                       d->vpd_warning);
        if (d->probe_error[0])
            out_printf("       signatures unknown: %s\n", d->probe_error);
    }
}

static int cmd_inventory(struct mt_ctx *ctx, void *args)
{
    struct inventory inv;
    struct mt_err err = {0};
    size_t i;

    (void)args;
    if (inventory_collect(&inv, &err) < 0) {
        log_error("%s", err.msg);
        return EXIT_FAILED;
    }
    log_info("disks from %s, mounts and swap from %s", inv.disk_source, inv.devuse_source);
    if (strcmp(inv.disk_source, "none") == 0)
        log_warn("/sys/block is not there%s%s (sysfs not mounted? a --root without /sys?): no disk could be "
                 "listed", rootpath_is_host() ? "" : " under --root ", rootpath_is_host() ? "" : rootpath_root());
    for (i = 0; i < inv.n_disks; i++) {
        const struct inv_disk *d = &inv.disks[i];
        if (d->probe_error[0])
            log_warn("%s: partition table and signatures unknown: %s", d->name, d->probe_error);
        if (!d->is_scsi)
            continue;
        if (!d->vpd_source[0])
            log_info("%s: no VPD pages%s%s", d->name, d->vpd_error[0] ? ": " : "", d->vpd_error);
        else
            log_info("%s: VPD via %s%s%s", d->name, strcmp(d->vpd_source, "sg_io") == 0 ? "SG_IO" : "sysfs",
                     d->crosscheck[0] ? ", sysfs cross-check: " : "", d->crosscheck);
        if (d->crosscheck[0] && strcmp(d->crosscheck, "match") != 0)
            log_warn("%s: %s", d->name, d->crosscheck);
    }
    if (ctx->json)
        verb_set_doc(ctx, inventory_to_json(&inv));
    else
        print_human(&inv);
    inventory_free(&inv);
    return EXIT_DONE;
}

const struct verb verb_inventory = {
    "inventory", cmd_inventory, NULL, 0, NULL, "host identity and every disk with its SCSI IDs",
    "Prints the host (DMI vendor, product, serial, UUID, hostname, OS, kernel, CPUs, memory,\n"
    "NICs with static/DHCP) and every disk: size, vendor, model, controller driver, partition\n"
    "table and signatures, mounts and swap, VPD 0x80 serial, every VPD 0x83 designator and\n"
    "the id `scsi_id -g -u` prints. VPD pages are read with SG_IO INQUIRY (cross-checked with\n"
    "sysfs where the kernel has vpd_pg83); under --root from the tree's sysfs files. -v says\n"
    "for each disk where its VPD came from.\n",
    0,
};
