/* sgio: SCSI INQUIRY through the SG_IO ioctl on a disk's device node.
 *
 * The RHEL 6 kernel (2.6.32) has no sysfs vpd_pg80/vpd_pg83, so the agent asks
 * the device itself, as udev's scsi_id does: SG_IO v3 on the block device
 * (no sg module needed), read-only, with a time limit. */
#ifndef MT_SGIO_H
#define MT_SGIO_H

#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

/* Largest page the agent asks for (the 2-byte allocation length allows 64k;
 * identification pages are a few hundred bytes). */
#define SGIO_VPD_MAX 1024

/* INQUIRY on an open device: evpd 0 (standard data, page ignored) or 1 (VPD
 * `page`). The response goes to buf (at most buflen), *got receives the bytes
 * transferred. 0, -EIO with err naming devname and the SCSI status/sense when
 * the device refuses, -errno when the ioctl fails (-ENOTTY: not a SCSI device). */
int sgio_inquiry(int fd, const char *devname, int evpd, uint8_t page, uint8_t *buf, size_t buflen,
                 size_t *got, struct mt_err *err);

/* A VPD page, whole: asks with a short allocation length first, then again
 * with the page's own length when it is longer (bounded by buflen). */
int sgio_vpd_page(int fd, const char *devname, uint8_t page, uint8_t *buf, size_t buflen, size_t *got,
                  struct mt_err *err);

#endif
