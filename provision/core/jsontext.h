/* jsontext: a JSON document as text that every JSON reader accepts, and that a
 * terminal shows without obeying anything in it.
 *
 * json-c escapes the C0 controls (< 0x20) in strings but copies every other byte
 * as it is: DEL, the C1 controls (U+0080-U+009F; a terminal may obey U+009B as
 * ESC [) and bytes that are not valid UTF-8 (a disk's model or serial read from
 * sysfs or VPD holding 0xff). A document holding such a byte is not valid JSON
 * (RFC 8259 section 8.1: UTF-8). json_text_clean() rewrites json-c's output:
 *   DEL and each C1 control   -> \u007f, \u0080..\u009f  (the same characters: lossless)
 *   each byte that is not part of valid UTF-8 (overlong, surrogate, beyond
 *   U+10FFFF, truncated, a stray continuation byte)
 *                             -> \ufffd, the replacement character (lossy:
 *                                the byte's value is not kept)
 * Valid UTF-8 text (a label in another script) is kept as it is. Such bytes
 * occur only inside strings (json-c writes the structure in ASCII), so the
 * escapes land inside strings. mt-agent-api(7) ENCODING documents this. */
#ifndef MT_JSONTEXT_H
#define MT_JSONTEXT_H

#include <stddef.h>

/* The cleaned copy of the JSON text in[0..inlen) in a new NUL-terminated
 * buffer (free() it), or NULL when out of memory. At most 6 bytes per input
 * byte. */
char *json_text_clean(const char *in, size_t inlen);

/* Whether s[0..n) is valid UTF-8 with no DEL and no C1 control: what
 * json_text_clean() leaves unchanged. */
int json_text_is_clean(const char *s, size_t n);

#endif
