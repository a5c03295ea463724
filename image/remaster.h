/* remaster: the installer ISO and the PXE tree, built from a base boot ISO that
 * libarchive reads (iso9660) and, for the ISO, libarchive writes (iso9660 writer,
 * El Torito). Output goes to a new OUT.tmp.XXXXXX (DIR.tmp.XXXXXX) and is renamed
 * into place only when complete: an error leaves nothing half-written, and no
 * file of another name is overwritten or removed. pxe_build replaces an existing
 * DIR only with force and only when it is a tree an earlier run wrote
 * (pxetree.h): -EPERM otherwise, -EEXIST without force. */
#ifndef MT_REMASTER_H
#define MT_REMASTER_H

#include <stdbool.h>
#include <stdint.h>

#include "bootcfg.h"
#include "hosts.h"
#include "media.h"
#include "mterr.h"

typedef void (*remaster_progress_fn)(void *arg, const char *phase, uint64_t done, uint64_t total);

struct remaster_opts {
    const char *base;
    const char *out;          /* ISO file, or PXE directory */
    const struct media *media;
    const char *append;       /* extra kernel arguments, may be NULL */
    const char *title;        /* menu label, may be NULL */
    bool no_isolinux;         /* ISO: keep the base's own boot loader untouched */
    /* PXE */
    const char *url;          /* where the HTTP tree is served from */
    const char *repo;         /* install source URL; NULL: the base is copied to http/os */
    const char *syslinux_dir; /* pxelinux.0 and ldlinux.c32; NULL: Debian's paths */
    bool force;               /* PXE: replace an existing DIR that pxe_build wrote (pxetree.h) */
    const struct hosts *hosts; /* PXE: one pxelinux.cfg/01-<mac> each, and DIR/dnsmasq.conf; may be NULL */
    const struct host_entry *host; /* ISO: this host's network and disk in the default entry; may be NULL */
    remaster_progress_fn progress;
    void *progress_arg;
};

struct remaster_result {
    char volume_id[33];
    char boot_image[256];
    char boot_catalog[256];
    char kernel[256];         /* path in the base */
    char initrd[256];
    bool isolinux;
    uint64_t files;           /* entries copied from the base */
    uint64_t bytes_out;
    bool base_uefi;           /* the base has a UEFI El Torito entry: the output does not keep it */
    bool base_mbr;            /* the base has an (isohybrid) MBR: the output does not keep it */
};

int iso_remaster(const struct remaster_opts *o, struct remaster_result *res, struct mt_err *err);
int pxe_build(const struct remaster_opts *o, struct remaster_result *res, struct mt_err *err);

#endif
