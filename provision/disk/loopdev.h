/* loopdev: a loop device over a byte range of an image file, gone when closed.
 *
 * provision formats the partitions of an image file through a loop device
 * bound to each partition's range (offset and size limit), with the kernel's
 * autoclear flag: the device detaches itself when its last user closes it, so
 * a provision killed at any moment leaves no loop device behind (an mkfs that
 * outlives it keeps the device until it exits, then it goes too). */
#ifndef MT_LOOPDEV_H
#define MT_LOOPDEV_H

#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

/* Attach `image` (a real path) from `offset` for `size` bytes to a free loop
 * device. *fd keeps it alive; close it to detach. node gets /dev/loopN (host
 * path). Returns 0 or -errno with err. */
int loopdev_attach(const char *image, uint64_t offset, uint64_t size, int *fd, char *node, size_t nodelen,
                   struct mt_err *err);

#endif
