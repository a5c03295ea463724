/* sigscan_time DISK N: run sigscan_disk() (the blank test's probing, provision/disk/sigscan.h)
 * N times on DISK (image file or block device, read only) and print the median
 * wall time of one scan in microseconds, and how many findings it had. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sigscan.h"

static long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000L + t.tv_nsec / 1000;
}

static int cmp(const void *a, const void *b)
{
    long x = *(const long *)a, y = *(const long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    int fd, n, i;
    uint64_t size;
    struct stat st;
    long *t;
    size_t found = 0;

    if (argc != 3 || (n = atoi(argv[2])) < 1 || (fd = open(argv[1], O_RDONLY | O_CLOEXEC)) < 0 ||
        fstat(fd, &st) < 0) {
        fprintf(stderr, "usage: sigscan_time DISK N\n");
        return 2;
    }
    if (S_ISBLK(st.st_mode)) {
        if (ioctl(fd, BLKGETSIZE64, &size) < 0)
            return 1;
    } else
        size = (uint64_t)st.st_size;
    if (!(t = calloc((size_t)n, sizeof(*t))))
        return 1;
    for (i = 0; i < n; i++) {
        struct sigscan s;
        long t0 = now_us();
        if (sigscan_disk(fd, size, &s) < 0) {
            fprintf(stderr, "sigscan_time: %s: scan failed\n", argv[1]);
            return 1;
        }
        t[i] = now_us() - t0;
        found = s.n;
        sigscan_free(&s);
    }
    qsort(t, (size_t)n, sizeof(*t), cmp);
    printf("%ld %zu\n", t[n / 2], found);
    free(t);
    close(fd);
    return 0;
}
