/* inventory: what this box is and which disks it has, with their SCSI identity.
 *
 * Host: DMI identity, hostname, OS release, kernel, CPUs, RAM, NICs (addresses,
 * static or DHCP from the distribution's network configuration). Disks: from
 * libudev when udev runs on the host, else (and always under --root) from
 * sysfs; VPD pages 0x80/0x83 by SG_IO INQUIRY on the device node, cross-checked
 * with sysfs vpd_pg80/vpd_pg83/wwid where the kernel has them (under --root the
 * sysfs files are the only source). Partition table and signatures by libblkid,
 * mount and swap use from /proc/self/mountinfo and /proc/swaps. */
#ifndef MT_INVENTORY_H
#define MT_INVENTORY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"
#include "vpd.h"

#define INV_STR 256

enum inv_bootproto { INV_BOOT_UNKNOWN, INV_BOOT_STATIC, INV_BOOT_DHCP };

struct inv_nic {
    char name[64];
    char mac[32];
    char driver[64];
    char addresses[INV_STR];     /* comma list from the config file (IPADDR) or the live interface */
    enum inv_bootproto bootproto;
    char config_source[INV_STR]; /* the file bootproto came from, "" when none */
};

struct inv_host {
    char vendor[INV_STR];        /* DMI sys_vendor */
    char product[INV_STR];       /* DMI product_name */
    char serial[INV_STR];        /* DMI product_serial ("" when unreadable: root only) */
    char uuid[INV_STR];          /* DMI product_uuid, lower case */
    char hostname[INV_STR];
    char os_release[INV_STR];    /* "CentOS release 6.6 (Final)" / PRETTY_NAME */
    char os_id[64];              /* "centos", "rhel", "debian", ... */
    char os_version[64];         /* "6.6" */
    char kernel[INV_STR];        /* /proc/sys/kernel/osrelease */
    char arch[64];               /* from the kernel's view (uname machine, or fixture /proc) */
    unsigned cpus;
    uint64_t ram_bytes;
    struct inv_nic *nics;
    size_t n_nics;
};

struct inv_designator {
    char type[24];               /* vpd_desig_type_name */
    char assoc[12];
    char code_set[8];            /* "binary", "ascii", "utf8", "0x.." */
    char value[520];
};

struct inv_disk {
    char name[64];               /* "sda" */
    char devnode[96];            /* "/dev/sda" */
    uint64_t size_bytes;
    char vendor[16];             /* INQUIRY vendor, trailing blanks stripped */
    char model[32];
    char rev[16];
    char driver[64];             /* SCSI host driver (vmw_pvscsi, virtio_scsi...) or block driver */
    char transport[16];          /* "scsi", "virtio", "ata", "nvme", "other" */
    bool is_scsi;                /* answers SCSI INQUIRY (has a scsi_device) */
    char pttype[16];             /* "dos", "gpt", "" */
    char signatures[INV_STR];    /* comma list of libblkid types on the disk and its partitions */
    int n_partitions;
    bool mounted;
    bool swap;
    char mounts[INV_STR];        /* comma list of mount points (disk and partitions) */
    /* SCSI identity */
    bool has_pg80, has_pg83;
    char serial[256];            /* VPD 0x80 */
    bool has_naa;
    char naa[VPD_NAA_MAX];       /* the NAA designator behind scsi_id (hex), "" when it is not NAA-based */
    char scsi_id[320];           /* as `scsi_id -g -u` prints it, "" when it prints nothing */
    struct inv_designator *designators;
    size_t n_designators;
    char vpd_source[16];         /* "sg_io", "sysfs", "" (none) */
    char vpd_error[2 * VPD_REASON_MAX + 64]; /* why the pages give no id (malformed, or udev's answer unknown), "" */
    char vpd_warning[3 * VPD_REASON_MAX + VPD_ID_MAX]; /* malformed pages udev still takes an id from, "" when none */
    char crosscheck[INV_STR];    /* "" when nothing to compare, "match", or what differed */
    char probe_error[INV_STR];   /* why libblkid could not look (then signatures say nothing), "" */
};

struct inventory {
    struct inv_host host;
    struct inv_disk *disks;
    size_t n_disks;
    char disk_source[16];        /* "udev", "sysfs", or "none" when /sys/block is not there */
    char devuse_source[64];      /* where mount/swap use came from */
};

/* Options for tests and benchmarks; inventory_collect() uses the defaults. */
struct inventory_opts {
    bool no_udev;                /* sysfs even when udev runs */
    bool no_sgio;                /* never open device nodes (sysfs VPD only) */
    bool no_blkid;               /* skip libblkid probing */
};

int inventory_collect(struct inventory *inv, struct mt_err *err);
int inventory_collect_opts(struct inventory *inv, const struct inventory_opts *opts, struct mt_err *err);
void inventory_free(struct inventory *inv);

/* The inventory as JSON: {"host":{...},"disks":[...]}; host_to_json alone for
 * documents that only need the host. New objects owned by the caller. */
json_object *inventory_to_json(const struct inventory *inv);
json_object *inventory_host_to_json(const struct inv_host *host);

const struct inv_disk *inventory_find_disk(const struct inventory *inv, const char *name);

/* The disk holding "/". When "/" is on no disk (the box runs from RAM: the
 * installer, a PXE ramdisk), the disk named `layout_disk` ([layout] disk, "sda"
 * or "/dev/sda"; may be NULL or empty). NULL when neither is found. */
const struct inv_disk *inventory_root_disk(const struct inventory *inv, const char *layout_disk);
const char *inv_bootproto_name(enum inv_bootproto b);

#endif
