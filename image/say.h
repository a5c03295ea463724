/* say: mt-image's messages on standard error, escaped.
 *
 * Paths, host names and archive names the operator (or a base ISO, a hosts
 * file) chose reach these messages; like mt-agent's log lines they go through
 * text_vformat_escaped (provision/core/textesc.h), so a control character in
 * a name cannot move the cursor, repaint the screen or forge a line. The
 * format's trailing "\n" is kept; a newline inside an argument is printed as
 * \x0a. */
#ifndef MT_IMAGE_SAY_H
#define MT_IMAGE_SAY_H

void image_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
