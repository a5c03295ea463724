/* libFuzzer: the extraction path filter and the symbolic link rule (provision/payload/extract.h).
 * Invariants: an accepted name is relative, has no "", "." or ".." component and
 * is a fixed point of the filter; an accepted link target never climbs above the
 * staging directory when resolved from the link's directory. */
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"

static void check_name(const char *in)
{
    char out[PATH_MAX], again[PATH_MAX];
    const char *why, *p;
    enum extract_path_verdict v = extract_path_check(in, out, sizeof(out), &why);

    if (v == EXTRACT_PATH_REFUSED) {
        if (!why)
            abort();
        return;
    }
    if (v == EXTRACT_PATH_SELF) {
        if (out[0])
            abort();
        return;
    }
    if (out[0] == '/' || out[strlen(out) - 1] == '/' || strstr(out, "//"))
        abort();
    for (p = out; p;) {
        const char *end = strchr(p, '/');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == 0 || (l == 1 && p[0] == '.') || (l == 2 && p[0] == '.' && p[1] == '.'))
            abort();
        p = end ? end + 1 : NULL;
    }
    if (extract_path_check(out, again, sizeof(again), &why) != EXTRACT_PATH_OK || strcmp(out, again) != 0)
        abort();
}

static void check_link(const char *link, const char *target)
{
    char norm[PATH_MAX];
    const char *why, *p;
    long depth = 0;

    if (extract_path_check(link, norm, sizeof(norm), &why) != EXTRACT_PATH_OK)
        return;
    if (extract_symlink_check(norm, target, &why) != 0)
        return;
    if (target[0] == '/')
        abort();
    for (p = norm; *p; p++)
        if (*p == '/')
            depth++;
    /* lexical resolution from the link's directory must stay at depth >= 0 */
    for (p = target; *p;) {
        const char *end = strchr(p, '/');
        size_t l = end ? (size_t)(end - p) : strlen(p);
        if (l == 2 && p[0] == '.' && p[1] == '.') {
            if (--depth < 0)
                abort();
        } else if (l > 0 && !(l == 1 && p[0] == '.')) {
            depth++;
        }
        p = end ? end + 1 : p + l;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size + 1), *nl;

    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    check_name(buf);
    nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
        check_link(buf, nl + 1);
    }
    free(buf);
    return 0;
}
