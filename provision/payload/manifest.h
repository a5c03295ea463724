/* manifest: the payload digests, as `sha256sum` prints them.
 *
 * One line per file: 64 hex digits, two spaces (or a space and '*', binary
 * mode), the file name. As in sha256sum, a line starting with '\' has a name
 * with "\\" and "\n" escapes. Blank lines and lines starting with '#' are
 * ignored. Anything else is an error naming FILE:LINE, so a damaged manifest
 * is never half believed. */
#ifndef MT_MANIFEST_H
#define MT_MANIFEST_H

#include <stddef.h>

#include "mterr.h"
#include "payload_hash.h"

struct manifest_entry {
    char sha256[SHA256_HEX_LEN + 1]; /* lower case */
    char *name;                      /* as written (unescaped), leading "./" removed */
    unsigned line;
};

struct manifest {
    struct manifest_entry *entries;
    size_t n;
    char source[256];                /* file name for messages */
};

/* Parse `len` bytes of text; `source` names it in messages. Returns 0, or
 * -EINVAL with err "SOURCE:LINE: what is wrong; what to do" (also for the
 * same name listed twice with different digests), or -ENOMEM. */
int manifest_parse(const char *source, const char *text, size_t len, struct manifest *m, struct mt_err *err);

/* Read and parse a manifest file (a real path). */
int manifest_load(const char *path, struct manifest *m, struct mt_err *err);

/* The entry for `name` (compared after removing a leading "./"; a name
 * without '/' also matches an entry's last component), or NULL. */
const struct manifest_entry *manifest_find(const struct manifest *m, const char *name);

void manifest_free(struct manifest *m);

#endif
