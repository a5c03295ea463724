/* dynlib: libcurl, libarchive and libparted are opened when a verb first needs
 * them, not when mt-agent starts.
 *
 * Together they pull about 45 shared libraries (Kerberos, LDAP, GnuTLS, ICU,
 * device-mapper, SELinux, ...) whose loading and constructors cost more than
 * an inventory of 64 disks; inventory, check, status and plan need none of
 * them, and the EL6 installer's %pre (which runs `mt-agent plan`) has none of
 * them. Each library's entry points are function pointers typed from its own
 * header (__typeof__), resolved with dlopen/dlsym by the soname the build
 * linked against (see the Makefile), and called through macros with the
 * library's own names, so the code that uses them reads as usual.
 *
 * dl_curl.h, dl_archive.h and dl_parted.h hold the tables; include those
 * instead of the libraries' headers. */
#ifndef MT_DYNLIB_H
#define MT_DYNLIB_H

#include <stddef.h>

#include "mterr.h"

struct dynlib_sym {
    const char *name; /* symbol in the library */
    void *slot;       /* address of the function pointer to fill */
};

struct dynlib {
    const char *soname;        /* as the build linked it, e.g. "libcurl.so.4" */
    const char *what;          /* for messages: "libcurl" */
    const char *package;       /* what to install when it is missing */
    const struct dynlib_sym *syms;
    size_t n;
    int state;                 /* 0 not tried, 1 loaded, -errno failed */
    char why[256];             /* the loader's message after a failure */
};

#define DL_STR_(f) #f
#define DL_STR(f) DL_STR_(f) /* after macro expansion (libarchive 2 names) */

/* One library's table, from its list FUNCS(X) of function names: the struct
 * of pointers dl_NAME, its dynlib dl_NAME_lib and dl_NAME_load(). DL_DEFINE
 * (in one .c file, with DL_FNS_ defined as dl_NAME) gives them storage. */
#define DL_MEMBER_(f) __typeof__(f) *f;
#define DL_DECLARE(name, FUNCS)                                                                                   \
    struct dl_##name##_fns {                                                                                      \
        FUNCS(DL_MEMBER_)                                                                                         \
    };                                                                                                            \
    extern struct dl_##name##_fns dl_##name;                                                                      \
    extern struct dynlib dl_##name##_lib;                                                                         \
    static inline int dl_##name##_load(struct mt_err *err)                                                        \
    {                                                                                                             \
        return dynlib_load(&dl_##name##_lib, err);                                                                \
    }
#define DL_ENTRY_(f) {DL_STR(f), &DL_FNS_.f},
#define DL_DEFINE(name, FUNCS, soname, package)                                                                   \
    struct dl_##name##_fns dl_##name;                                                                             \
    static const struct dynlib_sym dl_##name##_syms[] = {FUNCS(DL_ENTRY_)};                                       \
    struct dynlib dl_##name##_lib = {soname, "lib" #name, package, dl_##name##_syms,                              \
                                     sizeof(dl_##name##_syms) / sizeof(dl_##name##_syms[0]), 0, ""}

/* Load the library and every symbol once (later calls return the first
 * result). Returns 0, or -ENOENT with err naming the library, the loader's
 * reason and the package to install. Not thread safe: call it before
 * starting threads that use the library. */
int dynlib_load(struct dynlib *lib, struct mt_err *err);

#endif
