/* textfile: see textfile.h. */
#define _GNU_SOURCE
#include "textfile.h"
#include "regfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int textfile_check(const char *buf, size_t len, size_t *line, size_t *col)
{
    size_t i, ln = 1, start = 0;

    for (i = 0; i < len; i++) {
        if (buf[i] == '\0') {
            *line = ln;
            *col = i - start + 1;
            return -EILSEQ;
        }
        if (buf[i] == '\n') {
            ln++;
            start = i + 1;
        } else if (i - start >= TEXTFILE_LINE_MAX) {
            *line = ln;
            *col = i - start + 1;
            return -E2BIG;
        }
    }
    return 0;
}

static int read_all(int fd, char *buf, size_t want, size_t *got)
{
    *got = 0;
    while (*got < want) {
        ssize_t n = read(fd, buf + *got, want - *got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        if (n == 0)
            break;
        *got += (size_t)n;
    }
    return 0;
}

int textfile_read(const char *path, char **text, size_t *len, struct mt_err *err)
{
    struct stat st;
    size_t line = 0, col = 0;
    char *buf;
    /* a file we rewrite: never through a link, never a FIFO (regfile.h) */
    int fd = regfile_open(path, RF_NOFOLLOW, "file to edit", &st, err), r;

    *text = NULL;
    *len = 0;
    if (fd == -ENOENT)
        mt_err_clear(err);
    if (fd < 0)
        return fd == -ENOENT ? 0 : fd;
    if ((uint64_t)st.st_size > TEXTFILE_SIZE_MAX) {
        close(fd);
        return mt_err_set(err, -EFBIG, "%s: %lld bytes, more than a text file we edit may have (%u); nothing was "
                          "written", path, (long long)st.st_size, TEXTFILE_SIZE_MAX);
    }
    /* one byte more than the limit: a file grown since fstat is still caught */
    if (!(buf = malloc(TEXTFILE_SIZE_MAX + 2))) {
        close(fd);
        return mt_err_set(err, -ENOMEM, "%s: out of memory", path);
    }
    r = read_all(fd, buf, TEXTFILE_SIZE_MAX + 1, len);
    close(fd);
    if (r == 0 && *len > TEXTFILE_SIZE_MAX)
        r = mt_err_set(err, -EFBIG, "%s: more than %u bytes; nothing was written", path, TEXTFILE_SIZE_MAX);
    else if (r < 0)
        r = mt_err_errno(err, r, "%s: cannot read", path);
    else if ((r = textfile_check(buf, *len, &line, &col)) == -EILSEQ)
        r = mt_err_set(err, r, "%s:%zu: a NUL byte at column %zu (a crash can leave these): the file cannot be read as "
                       "text, so it is not rewritten (nothing was written); repair the line by hand, then run again",
                       path, line, col);
    else if (r == -E2BIG)
        r = mt_err_set(err, r, "%s:%zu: a line longer than %d bytes: the file cannot be read as text, so it is not "
                       "rewritten (nothing was written); repair the line by hand, then run again",
                       path, line, TEXTFILE_LINE_MAX);
    if (r < 0) {
        free(buf);
        *len = 0;
        return r;
    }
    buf[*len] = '\0';
    *text = buf;
    return 0;
}
