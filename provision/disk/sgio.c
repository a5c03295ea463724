/* sgio: see sgio.h. SG_IO v3 (struct sg_io_hdr) is what 2.6.32 and every later
 * kernel accept on sd block devices. */
#include "sgio.h"

#include <errno.h>
#include <scsi/sg.h>
#include <string.h>
#include <sys/ioctl.h>

#define INQUIRY_TIMEOUT_MS 5000

int sgio_inquiry(int fd, const char *devname, int evpd, uint8_t page, uint8_t *buf, size_t buflen,
                 size_t *got, struct mt_err *err)
{
    uint8_t cdb[6] = {0x12, 0, 0, 0, 0, 0};
    uint8_t sense[32];
    struct sg_io_hdr io;

    if (buflen > 0xffff)
        buflen = 0xffff;
    cdb[1] = evpd ? 1 : 0;
    cdb[2] = evpd ? page : 0;
    /* SPC-3 made the allocation length 2 bytes; older devices read only byte 4,
     * so short requests keep byte 3 zero (as scsi_id does). */
    cdb[3] = (uint8_t)(buflen >> 8);
    cdb[4] = (uint8_t)(buflen & 0xff);
    memset(&io, 0, sizeof(io));
    memset(sense, 0, sizeof(sense));
    memset(buf, 0, buflen);
    io.interface_id = 'S';
    io.cmd_len = sizeof(cdb);
    io.cmdp = cdb;
    io.dxfer_direction = SG_DXFER_FROM_DEV;
    io.dxferp = buf;
    io.dxfer_len = (unsigned)buflen;
    io.sbp = sense;
    io.mx_sb_len = sizeof(sense);
    io.timeout = INQUIRY_TIMEOUT_MS;
    if (ioctl(fd, SG_IO, &io) < 0)
        return mt_err_errno(err, -errno, "%s: SG_IO INQUIRY%s 0x%02x", devname, evpd ? " VPD page" : "",
                            page);
    if ((io.info & SG_INFO_OK_MASK) != SG_INFO_OK) {
        /* sense key, ASC/ASCQ of fixed or descriptor format sense data */
        unsigned key = 0, asc = 0, ascq = 0;
        if (io.sb_len_wr >= 14 && (sense[0] & 0x7e) == 0x70) {
            key = sense[2] & 0xf;
            asc = sense[12];
            ascq = sense[13];
        } else if (io.sb_len_wr >= 4 && (sense[0] & 0x7e) == 0x72) {
            key = sense[1] & 0xf;
            asc = sense[2];
            ascq = sense[3];
        }
        return mt_err_set(err, -EIO,
                          "%s: INQUIRY%s 0x%02x refused: status 0x%x host 0x%x driver 0x%x sense %x/%02x/%02x",
                          devname, evpd ? " VPD page" : "", page, io.status, io.host_status, io.driver_status,
                          key, asc, ascq);
    }
    *got = buflen - (io.resid > 0 && (size_t)io.resid <= buflen ? (size_t)io.resid : 0);
    return 0;
}

int sgio_vpd_page(int fd, const char *devname, uint8_t page, uint8_t *buf, size_t buflen, size_t *got,
                  struct mt_err *err)
{
    size_t want, first = buflen < 255 ? buflen : 255;
    int r = sgio_inquiry(fd, devname, 1, page, buf, first, got, err);
    if (r < 0)
        return r;
    if (*got < 4)
        return 0; /* the parser reports it truncated */
    want = 4 + (((size_t)buf[2] << 8) | buf[3]);
    if (want <= *got || want <= first)
        return 0;
    if (want > buflen)
        want = buflen;
    return sgio_inquiry(fd, devname, 1, page, buf, want, got, err);
}
