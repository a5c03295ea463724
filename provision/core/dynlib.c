/* dynlib: see dynlib.h. */
#include "dynlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int dynlib_load(struct dynlib *lib, struct mt_err *err)
{
    void *h;
    size_t i;

    if (lib->state == 0) {
        h = dlopen(lib->soname, RTLD_NOW | RTLD_LOCAL);
        if (!h) {
            const char *m = dlerror();
            snprintf(lib->why, sizeof(lib->why), "%s", m ? m : "unknown reason");
            lib->state = -ENOENT;
        }
        for (i = 0; h && i < lib->n; i++) {
            void *f;
            dlerror();
            f = dlsym(h, lib->syms[i].name);
            if (!f) {
                snprintf(lib->why, sizeof(lib->why), "%s has no %s", lib->soname, lib->syms[i].name);
                lib->state = -ENOENT;
                break;
            }
            /* POSIX guarantees a function pointer survives the trip through void * */
            memcpy(lib->syms[i].slot, &f, sizeof(f));
        }
        if (lib->state == 0)
            lib->state = 1;
    }
    if (lib->state < 0)
        return mt_err_set(err, lib->state, "%s (%s) cannot be loaded: %s; install the %s package", lib->what,
                          lib->soname, lib->why, lib->package);
    return 0;
}
