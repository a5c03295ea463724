/* libFuzzer: the configuration reader (provision/core/config.h), over any bytes.
 * Invariants: no crash or leak; a failure names the source and a line in the
 * input ("fuzz.conf:N: ", 1 <= N <= lines); a success means the text had none of
 * what the reader refuses (NUL, control characters, a CR not before LF, a line
 * longer than the INI library's buffer); the same bytes give the same
 * configuration twice; and the text given twice over fails (every key it sets
 * is then set twice) unless it set nothing. Seeds: tests/fuzz/corpus/fuzz_config. */
#include <errno.h>
#include <ini.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

static size_t count_lines(const uint8_t *d, size_t n)
{
    size_t i, lines = 1;

    for (i = 0; i < n; i++)
        if (d[i] == '\n' && i + 1 < n)
            lines++;
    return lines;
}

/* What a successful parse promises about the bytes. */
static void check_accepted_bytes(const uint8_t *d, size_t n)
{
    size_t i, start = 0;

    if (n >= 3 && !memcmp(d, "\xef\xbb\xbf", 3))
        start = 3;
    for (i = start; i <= n; i++) {
        if (i < n && d[i] != '\n') {
            if (d[i] == 0 || (d[i] < 0x20 && d[i] != '\t' && d[i] != '\r') || d[i] == 0x7f)
                abort();
            if (d[i] == '\r' && !(i + 1 < n && d[i + 1] == '\n'))
                abort();
            continue;
        }
        {
            size_t s = start, e = i;
            if (e > s && d[e - 1] == '\r')
                e--;
            while (s < e && (d[s] == ' ' || d[s] == '\t'))
                s++;
            if (e - s > INI_MAX_LINE - 1)
                abort();
        }
        start = i + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct mt_config a, b, defaults;
    struct mt_err err = {0};
    char *twice;
    int r;

    config_defaults(&defaults);
    config_defaults(&a);
    r = config_load_bytes("fuzz.conf", (const char *)data, size, &a, &err);
    if (r < 0) {
        char *end;
        unsigned long line;
        if (r != -EINVAL || strncmp(err.msg, "fuzz.conf:", 10) != 0)
            abort();
        line = strtoul(err.msg + 10, &end, 10);
        if (*end != ':' || line < 1 || line > count_lines(data, size))
            abort();
        return 0;
    }
    check_accepted_bytes(data, size);
    config_defaults(&b);
    if (config_load_bytes("fuzz.conf", (const char *)data, size, &b, &err) != 0 || memcmp(&a, &b, sizeof(a)) != 0)
        abort();
    twice = malloc(2 * size + 1);
    if (!twice)
        return 0;
    memcpy(twice, data, size);
    twice[size] = '\n';
    memcpy(twice + size + 1, data, size);
    config_defaults(&b);
    if (config_load_bytes("fuzz.conf", twice, 2 * size + 1, &b, &err) == 0 && memcmp(&a, &defaults, sizeof(a)) != 0)
        abort();
    free(twice);
    return 0;
}
