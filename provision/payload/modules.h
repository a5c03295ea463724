/* modules: the reiserfs/xfs module packages (kmod-reiserfs, reiserfs-utils,
 * xfsprogs) from the install media, and whether the target's kernel resolves
 * the modules.
 *
 * Install: each package (NAME-<version>...rpm in the media directory) is
 * hashed while libarchive lists its payload (RPM is a libarchive filter over
 * cpio) and checked against the manifest before anything is installed; every
 * kernel module inside must be built for the target kernel (its path
 * lib/modules/KVER/ and its vermagic); then `rpm -Uvh [--root DIR]` installs
 * what is not installed yet, `depmod [-b DIR] KVER` rebuilds modules.dep, and
 * reiserfs and xfs must resolve there (cross-checked with modinfo when present).
 *
 * Off EL (the target has no /etc/redhat-release, e.g. a sysroot built on
 * Debian) rpm gets --nodeps --nosignature: that rpm database knows neither the
 * kernel the kmod requires nor ELRepo's signing key. The report says so. */
#ifndef MT_MODULES_H
#define MT_MODULES_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"
#include "payload_hash.h"

struct journal;

#define MODULES_MAX_PKGS 8

/* The kernel whose modules matter: `given` when set; on the host the running
 * kernel (uname -r); under --root the only directory of ROOT/lib/modules
 * (none: -ENOENT, several: -EINVAL; the message names the directory and
 * what it found, and leaves the remedy to the caller: modules_install asks
 * for --kernel, check has no such option). */
int modules_target_kernel(const char *given, char *out, size_t outlen, struct mt_err *err);

struct module_info {
    char rel[PATH_MAX];     /* as in modules.dep ("kernel/fs/xfs/xfs.ko"), or "(built in)" */
    bool builtin;
    char vermagic[128];     /* from the file, when it is an uncompressed .ko */
};

/* Does module `name` (dashes and underscores alike) resolve for kernel kver
 * under the root: listed in modules.dep (its file present and, when readable,
 * with a vermagic of this kernel) or in modules.builtin? 0, or -ENOENT (no
 * modules.dep: depmod not run), -ESRCH (not listed), -ENOEXEC (listed, file
 * missing or built for another kernel), with err saying which and what to do. */
int modules_resolve(const char *kver, const char *name, struct module_info *mi, struct mt_err *err);

/* Pure: find module `name` in the text of modules.dep (or modules.builtin) and
 * copy its path. 0 or -ESRCH. */
int modules_dep_find(const char *text, size_t len, const char *name, char *path, size_t pathlen);

/* Pure: the vermagic string of a kernel module image ("6.1.0-56-amd64 SMP ...").
 * 0 or -ENOENT. */
int modules_vermagic(const void *image, size_t len, char *out, size_t outlen);

struct modules_opts {
    const char *from;       /* media directory (a path as given) */
    const char *manifest;   /* NULL: FROM/SHA256SUMS */
    const char *packages;   /* comma list of package names */
    const char *kernel;     /* NULL: modules_target_kernel() */
    bool no_install;        /* verify and inspect only */
    struct journal *journal; /* held (locked) by the caller for the whole install; NULL: not recorded */
};

struct modules_pkg {
    char name[64];
    char file[PATH_MAX];
    char sha256[SHA256_HEX_LEN + 1];
    char nevra[256];
    unsigned entries, kos;
    bool was_installed;     /* already installed before this run */
};

struct modules_report {
    char kernel[128];
    struct modules_pkg pkgs[MODULES_MAX_PKGS];
    size_t n_pkgs;
    char rpm_extra[64];     /* "--nodeps --nosignature" off EL, else "" */
    bool installed_now;     /* rpm ran */
    struct module_info xfs, reiserfs;
};

/* Verify, inspect, install, depmod, resolve; journal section "modules". */
int modules_install(const struct modules_opts *o, struct modules_report *rep, struct mt_err *err);

#endif
