/* mterr: the error a provision/ function hands back to its caller.
 *
 * provision/ never prints. A function that fails returns -errno and, when the
 * caller passed a struct mt_err, fills it with one sentence that names the file,
 * device or field and says what to do. The caller (agent/, image/) prints it once. */
#ifndef MT_MTERR_H
#define MT_MTERR_H

#include <stddef.h>

#define MT_ERR_MAX 1024

struct mt_err {
    int code;               /* negative errno, 0 when unset */
    char msg[MT_ERR_MAX];
};

/* Set err (when not NULL) to code and the formatted message; returns code, so
 * a function can `return mt_err_set(err, -EINVAL, "%s: ...", path);`. */
int mt_err_set(struct mt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Like mt_err_set, with ": <strerror(-code)>" appended. */
int mt_err_errno(struct mt_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

void mt_err_clear(struct mt_err *err);

#endif
