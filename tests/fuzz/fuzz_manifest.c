/* libFuzzer: the sha256sum manifest parser (provision/payload/manifest.h).
 * Invariants: no crash or leak; on success every entry has 64 lower-case hex
 * digits and a non-empty name that manifest_find() finds; on failure the
 * message names the source and a line. */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct manifest m;
    struct mt_err err = {0};
    size_t i, k;

    if (manifest_parse("fuzz.sums", (const char *)data, size, &m, &err) < 0) {
        if (strncmp(err.msg, "fuzz.sums", 9) != 0 || m.n != 0)
            abort();
        return 0;
    }
    for (i = 0; i < m.n; i++) {
        const struct manifest_entry *e;
        for (k = 0; k < 64; k++)
            if (!isxdigit((unsigned char)m.entries[i].sha256[k]) || isupper((unsigned char)m.entries[i].sha256[k]))
                abort();
        if (m.entries[i].sha256[64] || !m.entries[i].name[0] || m.entries[i].line == 0)
            abort();
        e = manifest_find(&m, m.entries[i].name);
        if (!e || strcmp(e->sha256, m.entries[i].sha256) != 0)
            abort();
    }
    manifest_free(&m);
    return 0;
}
