/* mterr: see mterr.h. */
#include "mterr.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static void err_vformat(struct mt_err *err, int code, const char *fmt, va_list ap)
{
    err->code = code;
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

int mt_err_set(struct mt_err *err, int code, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    va_start(ap, fmt);
    err_vformat(err, code, fmt, ap);
    va_end(ap);
    return code;
}

int mt_err_errno(struct mt_err *err, int code, const char *fmt, ...)
{
    va_list ap;
    size_t n;

    if (!err)
        return code;
    va_start(ap, fmt);
    err_vformat(err, code, fmt, ap);
    va_end(ap);
    n = strlen(err->msg);
    if (n < sizeof(err->msg))
        snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(code < 0 ? -code : code));
    return code;
}

void mt_err_clear(struct mt_err *err)
{
    if (err) {
        err->code = 0;
        err->msg[0] = '\0';
    }
}
