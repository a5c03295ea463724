/* strcopy: see strcopy.h. */
#include "strcopy.h"

#include <string.h>

int str_copy(char *dst, size_t len, const char *src)
{
    size_t n = src ? strlen(src) : 0;
    int whole = n < len;

    if (len == 0)
        return 0;
    if (n >= len)
        n = len - 1;
    if (n)
        memcpy(dst, src, n);
    dst[n] = '\0';
    return whole;
}
