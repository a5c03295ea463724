/* diskclaim: one writer per disk, whatever journal (--root) each run uses.
 *
 * provision and retention claim the disk they were given for their whole run:
 * an exclusive BSD lock (flock LOCK_EX|LOCK_NB) on the whole-disk block device
 * node or on the image file. The lock belongs to the open file, and the file
 * is left open across exec, so every child (mkfs, mkswap) holds it too: the
 * claim ends when the agent and the last process it started are gone, never
 * while a killed run's mkfs still writes.
 *
 * Why not O_EXCL on the block device for the whole run: the kernel refuses an
 * O_EXCL open of a partition while another opener holds its whole disk O_EXCL,
 * and mke2fs and mkswap open the partition O_EXCL, so the agent could not
 * format what it partitioned. The BSD lock on the whole disk is the convention
 * of util-linux (sfdisk/mkswap --lock) and systemd (udev holds off probing a
 * locked disk), so they see it too. A second device node of the same disk made
 * with mknod elsewhere is another inode and is not covered. */
#ifndef MT_DISKCLAIM_H
#define MT_DISKCLAIM_H

#include "mterr.h"

/* Claim `path` (a real path: block device or image file) until exit, waiting
 * up to wait_ms for a holder to let go. 0, -EBUSY when another process holds it (err names the holder's pid when
 * /proc/locks tells), other -errno. Claiming the same path twice is a no-op. */
int disk_claim(const char *path, int wait_ms, struct mt_err *err);

#endif
