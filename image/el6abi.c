/* el6abi: see el6abi.h.
 *
 * The soname table: shared libraries of CentOS 6.6 x86_64 that a C program of
 * this kind links or opens, each with the binary package that ships it there and
 * that package's version. Two sources, named per row:
 *   QA  an `rpm -qa` of a CentOS 6.6 box (centos-release-6-6.el6.centos.12.2,
 *       glibc-2.12-1.149.el6_6.5, kernel 2.6.32-504), published in a public course
 *       repository: the version-release is the one it lists (6.6 updates included;
 *       a soname does not change within EL6).
 *   OS  the CentOS 6.6 os/x86_64 package set (vault.centos.org/6.6/os/x86_64) as
 *       known to the author, not cross-checked on this build machine: the upstream
 *       version only.
 * What CentOS 6.6 lacks has no row: a missing row is a gap. */
#include "el6abi.h"

#include "arraysize.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QA "rpm -qa of a CentOS 6.6 box"
#define OS "CentOS 6.6 os/x86_64 package set"

static const struct el6_soname SONAMES[] = {
    /* glibc: the loader and the C library's parts */
    {"ld-linux-x86-64.so.2", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libc.so.6", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libm.so.6", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libdl.so.2", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libpthread.so.0", "glibc", "2.12-1.149.el6_6.5", QA},
    {"librt.so.1", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libresolv.so.2", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libutil.so.1", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libcrypt.so.1", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libnsl.so.1", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libanl.so.1", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libnss_files.so.2", "glibc", "2.12-1.149.el6_6.5", QA},
    {"libnss_dns.so.2", "glibc", "2.12-1.149.el6_6.5", QA},
    /* the compiler's run-time */
    {"libgcc_s.so.1", "libgcc", "4.4.7-11.el6", QA},
    {"libstdc++.so.6", "libstdc++", "4.4.7-11.el6", QA},
    /* what mt-agent links or opens */
    {"libssl.so.10", "openssl", "1.0.1e-30.el6_6.5", QA},
    {"libcrypto.so.10", "openssl", "1.0.1e-30.el6_6.5", QA},
    {"libblkid.so.1", "libblkid (util-linux-ng)", "2.17.2", OS},
    {"libuuid.so.1", "libuuid (util-linux-ng)", "2.17.2-12.18.el6", QA},
    {"libudev.so.0", "libudev (udev)", "147-2.57.el6", QA},
    {"libjson-c.so.2", "json-c", "0.11", OS},
    {"libjson.so.0", "json-c", "0.11", OS},
    {"libcurl.so.4", "libcurl (curl)", "7.19.7-40.el6_6.4", QA},
    {"libarchive.so.2", "libarchive", "2.8.3-4.el6_2", QA},
    {"libparted-2.1.so.0", "parted", "2.1", OS},
    /* their dependencies */
    {"libz.so.1", "zlib", "1.2.3-29.el6", QA},
    {"liblzma.so.0", "xz-libs", "4.999.9-0.5.beta.20091007git.el6", QA},
    {"libbz2.so.1", "bzip2-libs", "1.0.5-7.el6_0", QA},
    {"libxml2.so.2", "libxml2", "2.7.6-17.el6_6.1", QA},
    {"libexpat.so.1", "expat", "2.0.1", OS},
    {"libacl.so.1", "libacl", "2.2.49", OS},
    {"libattr.so.1", "libattr", "2.4.44", OS},
    {"libselinux.so.1", "libselinux", "2.0.94-5.8.el6", QA},
    {"libsepol.so.1", "libsepol", "2.0.41", OS},
    {"libdevmapper.so.1.02", "device-mapper-libs (lvm2)", "1.02.90", OS},
    {"libpcre.so.0", "pcre", "7.8-6.el6", QA},
    {"libncurses.so.5", "ncurses-libs", "5.7-3.20090208.el6", QA},
    {"libncursesw.so.5", "ncurses-libs", "5.7-3.20090208.el6", QA},
    {"libtinfo.so.5", "ncurses-libs", "5.7-3.20090208.el6", QA},
    {"libreadline.so.6", "readline", "6.0-4.el6", QA},
    {"libidn.so.11", "libidn", "1.18-2.el6", QA},
    {"libssh2.so.1", "libssh2", "1.4.2-1.el6_6.1", QA},
    {"libgssapi_krb5.so.2", "krb5-libs", "1.10.3", OS},
    {"libkrb5.so.3", "krb5-libs", "1.10.3", OS},
    {"libk5crypto.so.3", "krb5-libs", "1.10.3", OS},
    {"libkrb5support.so.0", "krb5-libs", "1.10.3", OS},
    {"libcom_err.so.2", "libcom_err (e2fsprogs)", "1.41.12", OS},
    {"libkeyutils.so.1", "keyutils-libs", "1.4-5.el6", QA},
    {"libldap-2.4.so.2", "openldap", "2.4.39-8.el6", QA},
    {"liblber-2.4.so.2", "openldap", "2.4.39-8.el6", QA},
    {"libsasl2.so.2", "cyrus-sasl-lib", "2.1.23-15.el6_6.1", QA},
    {"libnss3.so", "nss", "3.16.2.3-3.el6_6", QA},
    {"libssl3.so", "nss", "3.16.2.3-3.el6_6", QA},
    {"libsmime3.so", "nss", "3.16.2.3-3.el6_6", QA},
    {"libnssutil3.so", "nss-util", "3.16.2.3-2.el6_6", QA},
    {"libnspr4.so", "nspr", "4.10", OS},
    {"libplc4.so", "nspr", "4.10", OS},
    {"libplds4.so", "nspr", "4.10", OS},
    {"libcap.so.2", "libcap", "2.16-5.5.el6", QA},
    {"libpopt.so.0", "popt", "1.13-7.el6", QA},
    {"libgcrypt.so.11", "libgcrypt", "1.4.5-11.el6_4", QA},
    {"libgpg-error.so.0", "libgpg-error", "1.7", OS},
    {"libelf.so.1", "elfutils-libelf", "0.158", OS},
    {"libffi.so.5", "libffi", "3.0.5-3.2.el6", QA},
    {"libglib-2.0.so.0", "glib2", "2.28.8-4.el6", QA},
    {"libaudit.so.1", "audit-libs", "2.3.7-5.el6", QA},
    {"libpam.so.0", "pam", "1.1.1-20.el6", QA},
};

const struct el6_soname *el6_sonames(size_t *n)
{
    *n = ARRAY_SIZE(SONAMES);
    return SONAMES;
}

const struct el6_soname *el6_soname_find(const char *soname)
{
    size_t i;

    for (i = 0; i < ARRAY_SIZE(SONAMES); i++)
        if (strcmp(SONAMES[i].soname, soname) == 0)
            return &SONAMES[i];
    return NULL;
}

bool el6_glibc_version(const char *name, unsigned *major, unsigned *minor, unsigned *patch)
{
    const char *p;
    char *end;
    unsigned long v[3] = {0, 0, 0};
    int i;

    if (strncmp(name, "GLIBC_", 6) != 0)
        return false;
    p = name + 6;
    for (i = 0; i < 3; i++) {
        if (*p < '0' || *p > '9')
            return false;
        v[i] = strtoul(p, &end, 10);
        p = end;
        if (*p == '\0')
            break;
        if (*p != '.' || i == 2)
            return false;
        p++;
    }
    if (i == 0)
        return false; /* "GLIBC_2": not a version glibc uses */
    *major = (unsigned)v[0];
    *minor = (unsigned)v[1];
    *patch = (unsigned)v[2];
    return true;
}

static int vcmp(const unsigned a[3], const unsigned b[3])
{
    int i;

    for (i = 0; i < 3; i++)
        if (a[i] != b[i])
            return a[i] < b[i] ? -1 : 1;
    return 0;
}

static void gap(struct el6_verdict *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gap(struct el6_verdict *v, const char *fmt, ...)
{
    va_list ap;

    if (v->n_gaps >= EL6_MAX_GAPS)
        return;
    va_start(ap, fmt);
    vsnprintf(v->gaps[v->n_gaps++], EL6_GAP_LEN, fmt, ap);
    va_end(ap);
}

/* "libssl.so.3" -> the rows of CentOS 6.6 with the same name before ".so"
 * ("libssl.so.10 (openssl 1.0.1e)"), or "" when there is none. */
static void same_library(const char *soname, char *buf, size_t len)
{
    const char *dot = strstr(soname, ".so");
    size_t stem = dot ? (size_t)(dot - soname) : strlen(soname), i, n = 0;

    buf[0] = '\0';
    for (i = 0; i < ARRAY_SIZE(SONAMES) && n < len; i++) {
        const char *s = SONAMES[i].soname;
        /* libparted.so.2 and libparted-2.1.so.0: the same library, the version in the name */
        if (strncmp(s, soname, stem) != 0 || (s[stem] != '.' && s[stem] != '-'))
            continue;
        n += (size_t)snprintf(buf + n, len - n, "%s%s (%s %s)", n ? ", " : "", s, SONAMES[i].package,
                              SONAMES[i].version);
    }
}

static void judge_format(const struct elf_needs *n, struct el6_verdict *v)
{
    if (n->elf_class != 2)
        gap(v, "a %s ELF file: CentOS 6.6 x86_64 runs 64-bit (ELFCLASS64) programs",
            n->elf_class == 1 ? "32-bit (ELFCLASS32)" : "not a 32- or 64-bit");
    if (n->machine != 62)
        gap(v, "built for ELF machine %u, not x86-64 (EM_X86_64, 62)", n->machine);
    if (n->interp[0] && strcmp(n->interp, EL6_LOADER) != 0)
        gap(v, "its loader %s is not on CentOS 6.6 (glibc's is %s)", n->interp, EL6_LOADER);
}

/* how: "" for DT_NEEDED, " at run time (.note.dlopen)" for the notes */
static void judge_sonames(const char (*names)[ELFN_NAME], size_t count, const char *how,
                          struct el6_verdict *v)
{
    char alt[200];
    size_t i;

    for (i = 0; i < count; i++) {
        if (el6_soname_find(names[i]))
            continue;
        same_library(names[i], alt, sizeof(alt));
        if (alt[0])
            gap(v, "needs %s%s: CentOS 6.6 has %s instead", names[i], how, alt);
        else
            gap(v, "needs %s%s: not packaged in CentOS 6.6", names[i], how);
    }
}

static void judge_glibc(const struct elf_needs *n, struct el6_verdict *v)
{
    static const unsigned el6[3] = {EL6_GLIBC_MAJOR, EL6_GLIBC_MINOR, 0};
    unsigned newest[3] = {0, 0, 0}, cur[3];
    char list[EL6_GAP_LEN - 100] = "";
    size_t i, j, len = 0, above = 0;

    for (i = 0; i < n->n_versions; i++) {
        const char *name = n->versions[i].name;
        bool seen = false;
        if (!el6_glibc_version(name, &cur[0], &cur[1], &cur[2]) || vcmp(cur, el6) <= 0)
            continue;
        for (j = 0; j < i && !seen; j++) /* the same version from two libraries: once */
            seen = strcmp(n->versions[j].name, name) == 0;
        if (seen)
            continue;
        above++;
        if (len < sizeof(list))
            len += (size_t)snprintf(list + len, sizeof(list) - len, "%s%s", len ? ", " : "", name);
        if (vcmp(cur, newest) > 0) {
            memcpy(newest, cur, sizeof(newest));
            snprintf(v->newest_glibc, sizeof(v->newest_glibc), "%s", name);
        }
    }
    if (above)
        gap(v, "needs %s of the C library, CentOS 6.6 has glibc %u.%u (%zu version%s above it: %s)",
            v->newest_glibc, EL6_GLIBC_MAJOR, EL6_GLIBC_MINOR, above, above == 1 ? "" : "s", list);
}

static void judge_kernel(const struct elf_needs *n, struct el6_verdict *v)
{
    static const unsigned el6[3] = {2, 6, 32};

    if (!n->abi_note)
        return;
    if (n->abi_os != 0)
        gap(v, "its ABI note is for OS %u, not Linux (0)", n->abi_os);
    else if (vcmp(n->abi_kernel, el6) > 0)
        gap(v, "its ABI note asks for kernel %u.%u.%u or newer, CentOS 6.6 runs %s", n->abi_kernel[0],
            n->abi_kernel[1], n->abi_kernel[2], EL6_KERNEL);
}

size_t el6_judge(const struct elf_needs *n, struct el6_verdict *v)
{
    memset(v, 0, sizeof(*v));
    v->is_static = !n->interp[0] && n->n_needed == 0;
    judge_format(n, v);
    judge_sonames(n->needed, n->n_needed, "", v);
    if (n->needed_truncated)
        gap(v, "needs more than %d libraries: not all were judged", ELFN_MAX_NEEDED);
    judge_glibc(n, v);
    if (n->versions_truncated)
        gap(v, "needs more than %d symbol versions: not all were judged", ELFN_MAX_VERSIONS);
    judge_kernel(n, v);
    judge_sonames(n->dlopen, n->n_dlopen, " at run time (.note.dlopen)", v);
    return v->n_gaps;
}

void el6_verdict_join(const struct el6_verdict *v, char *buf, size_t len)
{
    size_t i, n = 0;

    if (!len)
        return;
    buf[0] = '\0';
    for (i = 0; i < v->n_gaps; i++) {
        int w = snprintf(buf + n, len - n, "%s%s", i ? "; " : "", v->gaps[i]);
        if (w < 0 || (size_t)w >= len - n) {
            if (len > 4)
                memcpy(buf + len - 4, "...", 4);
            return;
        }
        n += (size_t)w;
    }
}
