/* say: see say.h. */
#include "say.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textesc.h"

/* The format's trailing newline is cut off before formatting and printed
 * after the escaped text, so only the arguments' control characters are
 * escaped. (No format here has a newline elsewhere; ways_out() in
 * agentcheck.c, a fixed multi-line text, stays a plain fprintf.) */
void image_say(const char *fmt, ...)
{
    size_t fl = strlen(fmt);
    bool nl = fl > 0 && fmt[fl - 1] == '\n';
    char *body = NULL, *text;
    va_list ap;

    if (nl && (body = malloc(fl)) != NULL) {
        memcpy(body, fmt, fl - 1);
        body[fl - 1] = '\0';
    }
    va_start(ap, fmt);
    text = text_vformat_escaped(NULL, body ? body : fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s%s", text ? text : "(out of memory)", body ? "\n" : "");
    free(body);
    free(text);
}
