/* textfile: read a text file the agent is about to edit, all of it or nothing.
 *
 * A file we rewrite (fstab; any other configuration file) must lose no line.
 * Content that cannot be read as lines of text is refused before anything is
 * written, naming the file and the line: a NUL byte (a crash can leave runs of
 * NULs in a file; C string handling would stop at the first and drop the rest)
 * or a line longer than TEXTFILE_LINE_MAX bytes. */
#ifndef MT_TEXTFILE_H
#define MT_TEXTFILE_H

#include <stddef.h>

#include "mterr.h"

#define TEXTFILE_LINE_MAX 4096      /* bytes per line, without the newline */
#define TEXTFILE_SIZE_MAX (4u << 20) /* a larger file is refused too */

/* Check len bytes of buf. Returns 0, or -EILSEQ (a NUL byte) / -E2BIG (an
 * over-long line) with *line (1-based) and *col (1-based byte in the line)
 * set. Pure. */
int textfile_check(const char *buf, size_t len, size_t *line, size_t *col);

/* Read the real path `path` whole into *text (NUL-terminated, free it; *len
 * its length). A missing file: 0 with *text NULL. Refused (-EILSEQ, -E2BIG,
 * -EFBIG) with err naming path:line and saying nothing was written; read
 * errors -errno. */
int textfile_read(const char *path, char **text, size_t *len, struct mt_err *err);

#endif
