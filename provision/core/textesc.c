/* textesc: see textesc.h. */
#include "textesc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t text_utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
    size_t len, i;
    unsigned c = s[0], min;

    if (c >= 0xc2 && c <= 0xdf)
        len = 2, c &= 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, c &= 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, c &= 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        c = (c << 6) | (s[i] & 0x3f);
    }
    if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
        return 0;
    *cp = c;
    return len;
}

size_t text_escape(const char *in, size_t inlen, char *out, size_t outlen, const char *keep)
{
    const unsigned char *s = (const unsigned char *)in;
    size_t i = 0, o = 0;

    if (!outlen)
        return 0;
    while (i < inlen) {
        char esc[8];
        size_t take = 1, elen;
        unsigned cp = 0;
        bool copy;

        if (s[i] >= 0x20 && s[i] < 0x7f) {
            copy = true;
        } else if (s[i] < 0x80) {
            copy = s[i] != 0 && keep && strchr(keep, s[i]);
        } else {
            take = text_utf8_seq(s + i, inlen - i, &cp);
            copy = take && cp > 0x9f;
        }
        if (copy) {
            elen = take;
            if (o + elen >= outlen)
                break;
            memcpy(out + o, s + i, elen);
        } else {
            if (take > 1) /* a C1 control, as valid UTF-8 */
                elen = (size_t)snprintf(esc, sizeof(esc), "\\u%04x", cp);
            else
                take = 1, elen = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
            if (o + elen >= outlen)
                break;
            memcpy(out + o, esc, elen);
        }
        o += elen;
        i += take;
    }
    out[o] = '\0';
    return o;
}

/* text_vformat_escaped: see textesc.h. */
char *text_vformat_escaped(const char *keep, const char *fmt, va_list ap)
{
    char small[1024], *raw = small, *esc;
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(ap2);
        return NULL;
    }
    if ((size_t)n >= sizeof(small)) {
        raw = malloc((size_t)n + 1);
        if (raw)
            vsnprintf(raw, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (!raw)
        return NULL;
    esc = malloc(TEXT_ESCAPE_MAX((size_t)n));
    if (esc)
        text_escape(raw, (size_t)n, esc, TEXT_ESCAPE_MAX((size_t)n), keep);
    if (raw != small)
        free(raw);
    return esc;
}
