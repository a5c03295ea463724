/* jsontext: see jsontext.h. */
#include "jsontext.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textesc.h"

/* How the byte(s) at s are written: the length taken from the input (*take)
 * and the escape to write instead (esc, "" when they are copied). */
static void json_byte(const unsigned char *s, size_t n, size_t *take, char esc[8])
{
    unsigned cp = 0;

    esc[0] = '\0';
    *take = 1;
    if (s[0] < 0x7f)
        return;
    if (s[0] == 0x7f) {
        memcpy(esc, "\\u007f", 7);
        return;
    }
    *take = text_utf8_seq(s, n, &cp);
    if (*take == 0) {
        *take = 1;
        memcpy(esc, "\\ufffd", 7);
    } else if (cp <= 0x9f) {
        snprintf(esc, 8, "\\u%04x", cp);
    }
}

char *json_text_clean(const char *in, size_t inlen)
{
    const unsigned char *s = (const unsigned char *)in;
    char *out = malloc(inlen * 6 + 1), esc[8];
    size_t i = 0, o = 0, take;

    if (!out)
        return NULL;
    while (i < inlen) {
        json_byte(s + i, inlen - i, &take, esc);
        if (esc[0]) {
            memcpy(out + o, esc, 6);
            o += 6;
        } else {
            memcpy(out + o, s + i, take);
            o += take;
        }
        i += take;
    }
    out[o] = '\0';
    return out;
}

int json_text_is_clean(const char *s, size_t n)
{
    size_t i = 0, take;
    char esc[8];

    while (i < n) {
        json_byte((const unsigned char *)s + i, n - i, &take, esc);
        if (esc[0])
            return 0;
        i += take;
    }
    return 1;
}
