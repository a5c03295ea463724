/* loopdev: see loopdev.h. */
#define _GNU_SOURCE
#include "loopdev.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "rootpath.h"

/* Bind ffd to the loop device lfd with offset, limit and autoclear in one step
 * where the kernel has LOOP_CONFIGURE (5.8); before that (RHEL 6: 2.6.32)
 * LOOP_SET_FD then LOOP_SET_STATUS64, a window in which a kill leaves the device
 * bound without autoclear. */
static int bind_loop(int lfd, int ffd, uint64_t offset, uint64_t size)
{
    struct loop_info64 info;

    memset(&info, 0, sizeof(info));
    info.lo_offset = offset;
    info.lo_sizelimit = size;
    info.lo_flags = LO_FLAGS_AUTOCLEAR;
#ifdef LOOP_CONFIGURE
    {
        struct loop_config cfg;
        memset(&cfg, 0, sizeof(cfg));
        cfg.fd = (unsigned)ffd;
        cfg.info = info;
        if (ioctl(lfd, LOOP_CONFIGURE, &cfg) == 0)
            return 0;
        if (errno != EINVAL && errno != ENOTTY)
            return -errno;
    }
#endif
    if (ioctl(lfd, LOOP_SET_FD, ffd) < 0)
        return -errno;
    if (ioctl(lfd, LOOP_SET_STATUS64, &info) < 0) {
        int e = -errno;
        ioctl(lfd, LOOP_CLR_FD, 0);
        return e;
    }
    return 0;
}

int loopdev_attach(const char *image, uint64_t offset, uint64_t size, int *fd, char *node, size_t nodelen,
                   struct mt_err *err)
{
    int ctl, ffd, lfd = -1, tries, r = -EBUSY;

    *fd = -1;
    ffd = open(image, O_RDWR | O_CLOEXEC);
    if (ffd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open the image", image);
    ctl = rootpath_open("/dev/loop-control", O_RDWR | O_CLOEXEC, 0);
    if (ctl < 0) {
        r = -errno;
        close(ffd);
        return mt_err_errno(err, r, "/dev/loop-control: cannot open (is the loop module loaded?)");
    }
    /* Another process may take the free device between GET_FREE and the bind:
     * then ask again, a bounded number of times. */
    for (tries = 0; tries < 20; tries++) {
        int n = ioctl(ctl, LOOP_CTL_GET_FREE);
        if (n < 0) {
            r = -errno;
            break;
        }
        snprintf(node, nodelen, "/dev/loop%d", n);
        lfd = rootpath_open(node, O_RDWR | O_CLOEXEC, 0);
        if (lfd < 0) {
            r = -errno;
            usleep(20000); /* devtmpfs may not have made the node yet */
            continue;
        }
        r = bind_loop(lfd, ffd, offset, size);
        if (r == 0)
            break;
        close(lfd);
        lfd = -1;
        if (r != -EBUSY)
            break;
    }
    close(ctl);
    close(ffd);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot attach a loop device", image);
    *fd = lfd;
    return 0;
}
