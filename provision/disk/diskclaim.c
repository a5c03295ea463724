/* diskclaim: see diskclaim.h. */
#define _GNU_SOURCE
#include "diskclaim.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static char claimed[PATH_MAX];

/* The pid /proc/locks names for a FLOCK on (dev, ino) when that process is
 * still alive, or 0: it names the process that took the lock, which may have
 * exited leaving it to the children that inherited the file. */
static long lock_holder(const struct stat *st)
{
    FILE *f = fopen("/proc/locks", "re");
    char line[256];
    long holder = 0;

    if (!f)
        return 0;
    while (!holder && fgets(line, sizeof(line), f)) {
        unsigned maj, min;
        unsigned long long ino;
        long pid;
        char kind[16], mode[16], rw[16];
        /* "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" */
        if (sscanf(line, "%*s %15s %15s %15s %ld %x:%x:%llu", kind, mode, rw, &pid, &maj, &min, &ino) == 7 &&
            strcmp(kind, "FLOCK") == 0 && ino == (unsigned long long)st->st_ino &&
            makedev(maj, min) == st->st_dev)
            holder = pid;
    }
    fclose(f);
    return holder > 0 && kill((pid_t)holder, 0) == 0 ? holder : 0;
}

int disk_claim(const char *path, int wait_ms, struct mt_err *err)
{
    int waited = 0;
    struct stat st;
    long holder;
    int fd;

    if (claimed[0] && strcmp(claimed, path) == 0)
        return 0;
    /* no O_CLOEXEC: children hold the claim as long as they live */
    fd = open(path, O_RDONLY | O_NOCTTY);
    if (fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open the disk to claim it", path);
    if (fstat(fd, &st) < 0 || (!S_ISBLK(st.st_mode) && !S_ISREG(st.st_mode))) {
        close(fd);
        return mt_err_set(err, -EINVAL, "%s: not a block device nor an image file", path);
    }
    while (flock(fd, LOCK_EX | LOCK_NB) < 0 && errno == EWOULDBLOCK && waited < wait_ms) {
        usleep(100000);
        waited += 100;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
        int e = errno;
        close(fd);
        if (e != EWOULDBLOCK)
            return mt_err_errno(err, -e, "%s: cannot lock the disk", path);
        holder = lock_holder(&st);
        if (holder > 0)
            return mt_err_set(err, -EBUSY, "%s is being written by another run (process %ld took its lock); "
                                           "nothing was written: wait for it to end, then run again", path, holder);
        return mt_err_set(err, -EBUSY, "%s is being written by another run (its lock is held); nothing was "
                                       "written: wait for it to end, then run again", path);
    }
    snprintf(claimed, sizeof(claimed), "%s", path);
    return 0;
}
