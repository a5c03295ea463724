/* strcopy: a string into a fixed-size field, cut to fit.
 *
 * The library's records hold names and attributes in char arrays sized for
 * what the kernel and the tools give (a device name, a label, a sysfs model);
 * one copy routine fills them. */
#ifndef MT_STRCOPY_H
#define MT_STRCOPY_H

#include <stddef.h>

/* Copy src (NULL copies as "") into dst of len bytes, NUL-terminated, cut at
 * len - 1 bytes (a multi-byte character may be cut: printing escapes it,
 * provision/core/textesc.h). Nothing when len is 0. Returns whether all of
 * src fitted. */
int str_copy(char *dst, size_t len, const char *src);

#endif
