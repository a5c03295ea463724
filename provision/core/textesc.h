/* textesc: text from outside made safe to print on a terminal or in a log line.
 *
 * Names the agent did not choose reach its messages: archive member names,
 * file system labels, disk vendor/model/serial strings, the configuration
 * server's error messages, values from the configuration file and the command
 * line. A terminal obeys control characters in them (ESC [ ... repaints the
 * screen, CR overwrites the line, a newline forges a line of its own), so every
 * print point passes its text through text_escape(): each byte that is not
 * printable text is written as \xNN (C0 controls, DEL, a byte that is not part
 * of valid UTF-8) and each C1 control (U+0080-U+009F, obeyed by some terminals
 * like ESC) as \u00NN; valid UTF-8 text (a label in another script) is kept. */
#ifndef MT_TEXTESC_H
#define MT_TEXTESC_H

#include <stdarg.h>
#include <stddef.h>

/* Escape in[0..inlen) into out (outlen bytes, NUL-terminated; an escape that
 * does not fit is left out whole, never cut). Control characters listed in
 * `keep` (e.g. "\n\t"; NULL: none) are copied as they are. Returns the length
 * written. */
size_t text_escape(const char *in, size_t inlen, char *out, size_t outlen, const char *keep);

/* Length of the valid UTF-8 sequence at s (n bytes left) whose first byte is
 * >= 0x80, or 0 when it is not valid (overlong, surrogate, beyond U+10FFFF,
 * truncated). *cp receives the code point. */
size_t text_utf8_seq(const unsigned char *s, size_t n, unsigned *cp);

/* The size out needs for any input of inlen bytes: 6 bytes per byte, plus 1. */
#define TEXT_ESCAPE_MAX(inlen) ((inlen) * 6 + 1)

/* vsnprintf, then text_escape the whole result: names from outside reach
 * messages, and no control character of theirs reaches the terminal or the
 * log. Control characters in `keep` (the format's own line ends) are kept.
 * Returns a new string for free(), NULL when out of memory. */
char *text_vformat_escaped(const char *keep, const char *fmt, va_list ap);

#endif
