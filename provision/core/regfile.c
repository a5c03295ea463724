/* regfile: see regfile.h. */
#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *regfile_kind(mode_t mode)
{
    if (S_ISREG(mode))
        return "a regular file";
    if (S_ISDIR(mode))
        return "a directory";
    if (S_ISFIFO(mode))
        return "a FIFO (named pipe)";
    if (S_ISCHR(mode))
        return "a character device";
    if (S_ISBLK(mode))
        return "a block device";
    if (S_ISSOCK(mode))
        return "a socket";
    if (S_ISLNK(mode))
        return "a symbolic link";
    return "not a regular file";
}

static int refuse_kind(const char *path, const char *what, mode_t mode, struct mt_err *err)
{
    if (S_ISLNK(mode))
        return mt_err_set(err, -ELOOP,
                          "%s: the %s is a symbolic link; refused (the agent does not follow links "
                          "here): replace the link with the file itself",
                          path, what);
    return mt_err_set(err, S_ISDIR(mode) ? -EISDIR : -EINVAL,
                      "%s: the %s is %s, not a regular file; give the path of a regular file", path, what,
                      regfile_kind(mode));
}

static int open_failed(const char *path, int flags, const char *what, int e, struct mt_err *err)
{
    if (e == ELOOP && (flags & RF_NOFOLLOW))
        return refuse_kind(path, what, S_IFLNK, err);
    if (e == ENOENT)
        return mt_err_set(err, -ENOENT, "%s: the %s does not exist", path, what);
    return mt_err_errno(err, -e, "%s: cannot open the %s", path, what);
}

int regfile_open_as(const char *path, const char *shown, int flags, const char *what, struct stat *st,
                    struct mt_err *err)
{
    struct stat before, after;
    int fd, fl, r;

    r = (flags & RF_NOFOLLOW) ? lstat(path, &before) : stat(path, &before);
    if (r < 0)
        return open_failed(shown, flags, what, errno, err);
    if (!S_ISREG(before.st_mode))
        return refuse_kind(shown, what, before.st_mode, err);
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | ((flags & RF_NOFOLLOW) ? O_NOFOLLOW : 0));
    if (fd < 0)
        return open_failed(shown, flags, what, errno, err);
    if (fstat(fd, &after) < 0) {
        r = -errno;
        close(fd);
        return mt_err_errno(err, r, "%s: cannot stat the %s", shown, what);
    }
    if (!S_ISREG(after.st_mode)) {
        close(fd);
        return refuse_kind(shown, what, after.st_mode, err);
    }
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        r = -errno;
        close(fd);
        return mt_err_errno(err, r, "%s: cannot set up the %s for reading", shown, what);
    }
    if (st)
        *st = after;
    return fd;
}

int regfile_open(const char *path, int flags, const char *what, struct stat *st, struct mt_err *err)
{
    return regfile_open_as(path, path, flags, what, st, err);
}

int regfile_read(const char *path, int flags, const char *what, size_t max, char **out, size_t *len,
                 struct mt_err *err)
{
    size_t used = 0, cap = 4096;
    char *buf;
    int fd, r = 0;

    *out = NULL;
    if (len)
        *len = 0;
    if ((fd = regfile_open(path, flags, what, NULL, err)) < 0)
        return fd;
    if (!(buf = malloc(cap + 1))) {
        close(fd);
        return mt_err_set(err, -ENOMEM, "%s: out of memory reading the %s", path, what);
    }
    for (;;) {
        ssize_t n;

        if (used == cap) {
            char *bigger;

            if (cap > max) {
                r = mt_err_set(err, -EFBIG, "%s: the %s is larger than %zu bytes; is it the right file?",
                               path, what, max);
                break;
            }
            cap *= 2;
            if (!(bigger = realloc(buf, cap + 1))) {
                r = mt_err_set(err, -ENOMEM, "%s: out of memory reading the %s", path, what);
                break;
            }
            buf = bigger;
        }
        n = read(fd, buf + used, cap - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = mt_err_errno(err, -errno, "%s: cannot read the %s", path, what);
            break;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    if (r == 0 && used > max)
        r = mt_err_set(err, -EFBIG, "%s: the %s is larger than %zu bytes; is it the right file?", path, what,
                       max);
    if (r < 0) {
        free(buf);
        return r;
    }
    buf[used] = '\0';
    *out = buf;
    if (len)
        *len = used;
    return 0;
}

int regfile_open_append(const char *path, mode_t mode)
{
    struct stat st;
    int fd, fl, r;

    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, mode);
    if (fd < 0)
        return errno == ENXIO ? -EINVAL : -errno; /* ENXIO: a FIFO without a reader */
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        r = S_ISREG(st.st_mode) ? -errno : -EINVAL;
        close(fd);
        return r;
    }
    fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) < 0) {
        r = -errno;
        close(fd);
        return r;
    }
    return fd;
}
