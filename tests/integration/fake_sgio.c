/* fake_sgio: an LD_PRELOAD library that answers SCSI INQUIRY through SG_IO
 * from files, so that the real udev /lib/udev/scsi_id can be run on the bytes
 * of any page (the oracle of tests/integration/21-vpd-shapes.sh).
 *
 * FAKE_SGIO_DIR holds, for the device opened: "inquiry" (standard INQUIRY
 * data), "pg00", "pg80", "pg83" (VPD pages), each sent as it is, cut to the
 * allocation length, as a device sends what it has. A page without a file is
 * refused with CHECK CONDITION, ILLEGAL REQUEST (as a device refuses a page it
 * lacks). SG_IO v4 (bsg) is refused with EINVAL, so scsi_id uses v3. Any other
 * ioctl goes to the C library. Test code: never built into mt-agent. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <scsi/sg.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ioctl(int fd, unsigned long req, ...);

static int answer(const char *name, unsigned char *buf, size_t cap, size_t *n)
{
    char path[PATH_MAX];
    const char *dir = getenv("FAKE_SGIO_DIR");
    ssize_t r;
    int fd;

    if (!dir || snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
        return -1;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    r = read(fd, buf, cap);
    close(fd);
    if (r < 0)
        return -1;
    *n = (size_t)r;
    return 0;
}

static int fake_inquiry(struct sg_io_hdr *io)
{
    const unsigned char *cdb = io->cmdp;
    unsigned char *sense = io->sbp;
    char name[16];
    size_t n = 0;

    if (io->cmd_len < 6 || cdb[0] != 0x12 || io->dxfer_direction != SG_DXFER_FROM_DEV) {
        errno = EINVAL;
        return -1;
    }
    if (cdb[1] & 1)
        snprintf(name, sizeof(name), "pg%02x", cdb[2]);
    else
        snprintf(name, sizeof(name), "inquiry");
    memset(&io->status, 0, sizeof(*io) - offsetof(struct sg_io_hdr, status));
    if (answer(name, io->dxferp, io->dxfer_len, &n) < 0) {
        io->status = 0x02;        /* CHECK CONDITION */
        io->masked_status = 0x01;
        io->driver_status = 0x08; /* DRIVER_SENSE */
        if (sense && io->mx_sb_len >= 18) {
            memset(sense, 0, 18);
            sense[0] = 0x70;
            sense[2] = 0x05; /* ILLEGAL REQUEST */
            sense[7] = 10;
            sense[12] = 0x24; /* INVALID FIELD IN CDB */
            io->sb_len_wr = 18;
        }
        io->resid = (int)io->dxfer_len;
        return 0;
    }
    io->resid = (int)(io->dxfer_len - n);
    return 0;
}

int ioctl(int fd, unsigned long req, ...)
{
    static int (*real)(int, unsigned long, ...);
    va_list ap;
    void *arg;

    va_start(ap, req);
    arg = va_arg(ap, void *);
    va_end(ap);
    if (req == SG_IO && arg) {
        struct sg_io_hdr *io = arg;
        if (io->interface_id != 'S') {
            errno = EINVAL; /* bsg's v4 header: scsi_id falls back to v3 */
            return -1;
        }
        return fake_inquiry(io);
    }
    if (!real)
        real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
    return real ? real(fd, req, arg) : (errno = ENOSYS, -1);
}
