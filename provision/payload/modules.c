/* modules: see modules.h. */
#define _GNU_SOURCE
#include "modules.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "dl_archive.h"
#include <json-c/json.h>

#include "extract.h"
#include "journal.h"
#include "manifest.h"
#include "timefmt.h"
#include "rootpath.h"
#include "run.h"

#define MODULES_DEP_MAX (32 * 1024 * 1024)
#define KO_MAX (64 * 1024 * 1024)
#define RPM_TIMEOUT_MS (600 * 1000)

int modules_target_kernel(const char *given, char *out, size_t outlen, struct mt_err *err)
{
    char dir[PATH_MAX], found[1024] = "";
    struct dirent *d;
    struct utsname u;
    unsigned n = 0;
    DIR *dp;

    if (given && *given) {
        if (strchr(given, '/') || strcmp(given, "..") == 0)
            return mt_err_set(err, -EINVAL, "--kernel %s: give a kernel release such as 2.6.32-504.el6.x86_64", given);
        snprintf(out, outlen, "%s", given);
        return 0;
    }
    if (rootpath_is_host()) {
        if (uname(&u) < 0)
            return mt_err_errno(err, -errno, "uname");
        snprintf(out, outlen, "%s", u.release);
        return 0;
    }
    if (rootpath_resolve("/lib/modules", dir, sizeof(dir), 0) < 0 || !(dp = opendir(dir)))
        return mt_err_set(err, -ENOENT, "%s/lib/modules: no kernel modules directory",
                          rootpath_root());
    while ((d = readdir(dp))) {
        char p[PATH_MAX + 256];
        struct stat st;
        if (d->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
        if (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))
            continue;
        if (n++ == 0)
            snprintf(out, outlen, "%s", d->d_name);
        if (strlen(found) + strlen(d->d_name) + 3 < sizeof(found)) {
            if (found[0])
                strcat(found, ", ");
            strcat(found, d->d_name);
        }
    }
    closedir(dp);
    if (n == 0)
        return mt_err_set(err, -ENOENT, "%s: no kernel under it", dir);
    if (n > 1)
        return mt_err_set(err, -EINVAL, "%s: several kernels (%s)", dir, found);
    return 0;
}

/* "kernel/fs/xfs/xfs.ko.xz" -> is it module `name`? ('-' and '_' are the same to modprobe) */
static bool path_is_module(const char *path, size_t len, const char *name)
{
    const char *base = path, *p, *ko = NULL;
    size_t blen, i;

    for (p = path; p < path + len; p++)
        if (*p == '/')
            base = p + 1;
    for (p = base; p + 3 <= path + len; p++)
        if (p[0] == '.' && p[1] == 'k' && p[2] == 'o' && (p + 3 == path + len || p[3] == '.'))
            ko = p;
    if (!ko)
        return false;
    blen = (size_t)(ko - base);
    if (blen != strlen(name))
        return false;
    for (i = 0; i < blen; i++) {
        char a = base[i] == '-' ? '_' : base[i], b = name[i] == '-' ? '_' : name[i];
        if (a != b)
            return false;
    }
    return true;
}

int modules_dep_find(const char *text, size_t len, const char *name, char *path, size_t pathlen)
{
    size_t off = 0;

    while (off < len) {
        const char *line = text + off, *nl = memchr(line, '\n', len - off), *colon;
        size_t l = nl ? (size_t)(nl - line) : len - off;

        colon = memchr(line, ':', l);
        if (colon)
            l = (size_t)(colon - line);
        while (l && (line[l - 1] == ' ' || line[l - 1] == '\r'))
            l--;
        if (l && path_is_module(line, l, name)) {
            if (l + 1 > pathlen)
                return -ENAMETOOLONG;
            memcpy(path, line, l);
            path[l] = '\0';
            return 0;
        }
        off += (size_t)((nl ? nl + 1 : text + len) - (text + off));
    }
    return -ESRCH;
}

int modules_vermagic(const void *image, size_t len, char *out, size_t outlen)
{
    static const char key[] = "vermagic=";
    const char *p = memmem(image, len, key, sizeof(key) - 1), *end;
    size_t n;

    if (!p || outlen == 0)
        return -ENOENT;
    p += sizeof(key) - 1;
    end = memchr(p, '\0', len - (size_t)(p - (const char *)image));
    if (!end)
        return -ENOENT;
    n = (size_t)(end - p);
    if (n == 0 || n >= outlen)
        return -ENOENT;
    memcpy(out, p, n);
    out[n] = '\0';
    for (n = 0; out[n]; n++)
        if (!isprint((unsigned char)out[n]))
            return -ENOENT;
    return 0;
}

/* The kernel release a vermagic names is its first word. */
static bool vermagic_is(const char *vermagic, const char *kver)
{
    size_t n = strlen(kver);
    return strncmp(vermagic, kver, n) == 0 && (vermagic[n] == ' ' || vermagic[n] == '\0');
}

int modules_resolve(const char *kver, const char *name, struct module_info *mi, struct mt_err *err)
{
    char hp[PATH_MAX + 64], file[PATH_MAX * 2];
    char *text = NULL;
    ssize_t n;
    int r;

    memset(mi, 0, sizeof(*mi));
    snprintf(hp, sizeof(hp), "/lib/modules/%s/modules.dep", kver);
    n = rootpath_read_file(hp, &text, MODULES_DEP_MAX);
    if (n < 0)
        return mt_err_errno(err, (int)n, "%s: cannot read (under %s); run depmod %s", hp, rootpath_root(), kver);
    r = modules_dep_find(text, (size_t)n, name, mi->rel, sizeof(mi->rel));
    free(text);
    if (r == 0) {
        char *ko = NULL;
        ssize_t kn;

        snprintf(file, sizeof(file), "/lib/modules/%s/%s", kver, mi->rel);
        if (strlen(mi->rel) > 3 && strcmp(mi->rel + strlen(mi->rel) - 3, ".ko") != 0) {
            /* compressed (.ko.xz): present is all we can say without decompressing */
            struct stat st;
            char real[PATH_MAX];
            if (rootpath_resolve(file, real, sizeof(real), 0) < 0 || stat(real, &st) < 0)
                return mt_err_set(err, -ENOEXEC, "%s: listed in modules.dep but missing; reinstall its package",
                                  file);
            return 0;
        }
        kn = rootpath_read_file(file, &ko, KO_MAX);
        if (kn < 0)
            return mt_err_errno(err, -ENOEXEC, "%s: listed in modules.dep but cannot be read; reinstall its package",
                                file);
        r = modules_vermagic(ko, (size_t)kn, mi->vermagic, sizeof(mi->vermagic));
        free(ko);
        if (r < 0)
            return mt_err_set(err, -ENOEXEC, "%s: not a kernel module (no vermagic)", file);
        if (!vermagic_is(mi->vermagic, kver))
            return mt_err_set(err, -ENOEXEC, "%s: built for kernel '%s', not %s; install the kmod built for %s",
                              file, mi->vermagic, kver, kver);
        return 0;
    }
    snprintf(hp, sizeof(hp), "/lib/modules/%s/modules.builtin", kver);
    n = rootpath_read_file(hp, &text, MODULES_DEP_MAX);
    if (n >= 0) {
        r = modules_dep_find(text, (size_t)n, name, mi->rel, sizeof(mi->rel));
        free(text);
        if (r == 0) {
            mi->builtin = true;
            return 0;
        }
    }
    return mt_err_set(err, -ESRCH, "module %s: not in /lib/modules/%s/modules.dep nor built in", name, kver);
}

/* --- install ---------------------------------------------------------------- */

static int find_package(const char *from, const char *name, char *out, size_t outlen, struct mt_err *err)
{
    struct dirent *d;
    size_t nl = strlen(name);
    unsigned n = 0;
    char first[256] = "", second[256] = "";
    DIR *dp = opendir(from);

    if (!dp)
        return mt_err_errno(err, -errno, "%s: cannot open the media directory", from);
    while ((d = readdir(dp))) {
        size_t l = strlen(d->d_name);
        if (l <= nl + 5 || strncmp(d->d_name, name, nl) != 0 || d->d_name[nl] != '-' ||
            !isdigit((unsigned char)d->d_name[nl + 1]) || strcmp(d->d_name + l - 4, ".rpm") != 0 ||
            (l > 8 && strcmp(d->d_name + l - 8, ".src.rpm") == 0))
            continue;
        if (n++ == 0)
            snprintf(first, sizeof(first), "%s", d->d_name);
        else
            snprintf(second, sizeof(second), "%s", d->d_name);
    }
    closedir(dp);
    if (n == 0)
        return mt_err_set(err, -ENOENT, "%s: no %s-<version>.rpm; copy the package onto the media", from, name);
    if (n > 1)
        return mt_err_set(err, -EINVAL, "%s: several %s packages (%s, %s); keep one", from, name, first, second);
    if ((size_t)snprintf(out, outlen, "%s/%s", from, first) >= outlen)
        return mt_err_set(err, -ENAMETOOLONG, "%s/%s: path too long", from, first);
    return 0;
}

/* "x.ko", "x.ko.xz", "x.ko.gz", "x.ko.zst" */
static bool is_module_file(const char *path)
{
    const char *base = strrchr(path, '/'), *ko;

    base = base ? base + 1 : path;
    ko = strstr(base, ".ko");
    return ko && ko > base && (ko[3] == '\0' || ko[3] == '.');
}

struct inspect {
    struct modules_pkg *pkg;
    const char *kernel;
    struct mt_err *err;
};

/* One entry of an RPM payload: count it; a kernel module must be for the target kernel. */
static int inspect_entry(void *data, struct archive *a, struct archive_entry *e)
{
    struct inspect *in = data;
    const char *name = archive_entry_pathname(e), *p, *kv, *slash;
    char kver[128], vermagic[128];
    size_t l;

    in->pkg->entries++;
    if (!name)
        return 0;
    p = name;
    while (p[0] == '.' && p[1] == '/')
        p++, p++;
    if (p[0] == '/')
        p++;
    l = strlen(p);
    if (strncmp(p, "lib/modules/", 12) != 0)
        return 0;
    kv = p + 12;
    slash = strchr(kv, '/');
    if (!slash || (size_t)(slash - kv) >= sizeof(kver) || !is_module_file(p))
        return 0;
    memcpy(kver, kv, (size_t)(slash - kv));
    kver[slash - kv] = '\0';
    in->pkg->kos++;
    if (strcmp(kver, in->kernel) != 0)
        return mt_err_set(in->err, -ENOEXEC,
                          "%s: %s is for kernel %s, the target runs %s; use the package built for %s "
                          "(or --kernel if the target will boot %s)",
                          in->pkg->file, p, kver, in->kernel, in->kernel, kver);
    if (l > 3 && strcmp(p + l - 3, ".ko") == 0 && archive_entry_size(e) > 0 && archive_entry_size(e) <= KO_MAX) {
        size_t size = (size_t)archive_entry_size(e), got = 0;
        char *buf = malloc(size);
        int r = 0;

        if (!buf)
            return mt_err_set(in->err, -ENOMEM, "%s: out of memory", in->pkg->file);
        while (got < size) {
            ssize_t n = archive_read_data(a, buf + got, size - got);
            if (n <= 0)
                break;
            got += (size_t)n;
        }
        if (got != size)
            r = mt_err_set(in->err, -EIO, "%s: %s: %s; the package is damaged", in->pkg->file, p,
                           archive_error_string(a) ? archive_error_string(a) : "short read");
        else if (modules_vermagic(buf, size, vermagic, sizeof(vermagic)) < 0)
            r = mt_err_set(in->err, -ENOEXEC, "%s: %s is not a kernel module (no vermagic)", in->pkg->file, p);
        else if (!vermagic_is(vermagic, in->kernel))
            r = mt_err_set(in->err, -ENOEXEC, "%s: %s is built for kernel '%s', the target runs %s",
                           in->pkg->file, p, vermagic, in->kernel);
        free(buf);
        return r;
    }
    return 0;
}

static int rpm_query(const char *const argv[], char *out, size_t outlen, int *status)
{
    struct run_opts ro;
    struct run_result res;
    int r;

    memset(&ro, 0, sizeof(ro));
    ro.timeout_ms = 60000;
    r = run_argv(argv, &ro, &res);
    if (r < 0)
        return r;
    if (out)
        snprintf(out, outlen, "%s", res.out);
    if (out)
        out[strcspn(out, "\n")] = '\0';
    *status = run_ok(&res) ? 0 : 1;
    run_result_free(&res);
    return 0;
}

static void journal_record(struct journal *j, const struct modules_report *rep, const char *status,
                           const char *error)
{
    json_object *sec, *pk, *mods;
    char ts[32];
    size_t i;

    sec = journal_section(j, "modules");
    timefmt_now(ts, sizeof(ts));
    json_object_object_add(sec, "status", json_object_new_string(status));
    json_object_object_add(sec, "finished_at", json_object_new_string(ts));
    json_object_object_add(sec, "kernel", json_object_new_string(rep->kernel));
    json_object_object_add(sec, "rpm_extra_flags", json_object_new_string(rep->rpm_extra));
    if (error)
        json_object_object_add(sec, "error", json_object_new_string(error));
    else
        json_object_object_del(sec, "error");
    pk = json_object_new_object();
    for (i = 0; i < rep->n_pkgs; i++) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "file", json_object_new_string(rep->pkgs[i].file));
        json_object_object_add(p, "sha256", json_object_new_string(rep->pkgs[i].sha256));
        json_object_object_add(p, "nevra", json_object_new_string(rep->pkgs[i].nevra));
        json_object_object_add(p, "was_installed", json_object_new_boolean(rep->pkgs[i].was_installed));
        json_object_object_add(pk, rep->pkgs[i].name, p);
    }
    json_object_object_add(sec, "packages", pk);
    mods = json_object_new_object();
    if (rep->xfs.rel[0])
        json_object_object_add(mods, "xfs", json_object_new_string(rep->xfs.builtin ? "(built in)" : rep->xfs.rel));
    if (rep->reiserfs.rel[0])
        json_object_object_add(mods, "reiserfs",
                               json_object_new_string(rep->reiserfs.builtin ? "(built in)" : rep->reiserfs.rel));
    json_object_object_add(sec, "modules", mods);
    journal_commit(j, NULL);
}

/* modinfo, when present, must find the same file: an independent reader of modules.dep. */
static int modinfo_cross_check(const char *kver, const char *name, const struct module_info *mi, struct mt_err *err)
{
    const char *argv[10];
    char out[PATH_MAX], tool[PATH_MAX];
    int n = 0, st, r;

    if (mi->builtin || run_which("modinfo", tool, sizeof(tool)) < 0)
        return 0;
    argv[n++] = tool;
    if (!rootpath_is_host()) {
        argv[n++] = "-b";
        argv[n++] = rootpath_root();
    }
    argv[n++] = "-k";
    argv[n++] = kver;
    argv[n++] = "-F";
    argv[n++] = "filename";
    argv[n++] = name;
    argv[n] = NULL;
    r = rpm_query(argv, out, sizeof(out), &st);
    if (r < 0)
        return 0;
    if (st != 0 || strlen(out) < strlen(mi->rel) || strcmp(out + strlen(out) - strlen(mi->rel), mi->rel) != 0)
        return mt_err_set(err, -ENOEXEC, "modinfo -k %s %s says '%s', modules.dep says %s; run depmod %s", kver,
                          name, out, mi->rel, kver);
    return 0;
}

/* 1. find, hash, list, check kernel: all of it before anything is installed */
static int modules_verify(const struct modules_opts *o, struct modules_report *rep, struct mt_err *err)
{
    char manifest_path[PATH_MAX], list[512], *save, *tok;
    struct manifest m;
    int r = 0;

    if (o->manifest)
        snprintf(manifest_path, sizeof(manifest_path), "%s", o->manifest);
    else if ((size_t)snprintf(manifest_path, sizeof(manifest_path), "%s/SHA256SUMS", o->from) >= sizeof(manifest_path))
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", o->from);
    if (access(manifest_path, F_OK) < 0)
        return mt_err_set(err, -ENOKEY, "%s: no manifest; the packages cannot be verified (give --manifest FILE)",
                          manifest_path);
    r = manifest_load(manifest_path, &m, err);
    if (r < 0)
        return r;
    snprintf(list, sizeof(list), "%s", o->packages ? o->packages : "");
    for (tok = strtok_r(list, ", ", &save); tok && r == 0; tok = strtok_r(NULL, ", ", &save)) {
        struct modules_pkg *p;
        const struct manifest_entry *e;
        struct inspect in;
        const char *base;

        if (rep->n_pkgs == MODULES_MAX_PKGS) {
            r = mt_err_set(err, -E2BIG, "more than %d module packages", MODULES_MAX_PKGS);
            break;
        }
        p = &rep->pkgs[rep->n_pkgs++];
        snprintf(p->name, sizeof(p->name), "%s", tok);
        r = find_package(o->from, tok, p->file, sizeof(p->file), err);
        if (r < 0)
            break;
        base = strrchr(p->file, '/') + 1;
        e = manifest_find(&m, base);
        if (!e) {
            r = mt_err_set(err, -ENOKEY, "%s: has no line for %s; add its sha256sum line", manifest_path, base);
            break;
        }
        in.pkg = p;
        in.kernel = rep->kernel;
        in.err = err;
        r = extract_walk(p->file, inspect_entry, &in, NULL, p->sha256, NULL, err);
        if (r == 0)
            r = payload_digest_verify(p->file, e->sha256, p->sha256, err);
    }
    manifest_free(&m);
    return r;
}

/* Is each package installed already? The rpm database is the evidence that
 * survives a kill: a package rpm completed is never installed twice. The
 * argv of `rpm -Uvh` gets the ones that are not. */
static int modules_pending(const char *rpm, struct modules_report *rep, const char **argv, int *n,
                           int *n_files, struct mt_err *err)
{
    size_t i;
    int r, status;

    for (i = 0; i < rep->n_pkgs; i++) {
        const char *q[] = {rpm, "-qp", "--nosignature", "--qf", "%{NAME}-%{VERSION}-%{RELEASE}.%{ARCH}",
                           rep->pkgs[i].file, NULL};
        const char *q2[8];
        int k = 0;

        r = rpm_query(q, rep->pkgs[i].nevra, sizeof(rep->pkgs[i].nevra), &status);
        if (r < 0 || status != 0 || !rep->pkgs[i].nevra[0])
            return mt_err_set(err, -EINVAL, "%s: rpm cannot read its header; the package is damaged",
                              rep->pkgs[i].file);
        q2[k++] = rpm;
        q2[k++] = "-q";
        if (!rootpath_is_host()) {
            q2[k++] = "--root";
            q2[k++] = rootpath_root();
        }
        q2[k++] = rep->pkgs[i].nevra;
        q2[k] = NULL;
        r = rpm_query(q2, NULL, 0, &status);
        rep->pkgs[i].was_installed = r == 0 && status == 0;
        if (!rep->pkgs[i].was_installed) {
            argv[(*n)++] = rep->pkgs[i].file;
            (*n_files)++;
        }
    }
    argv[*n] = NULL;
    return 0;
}

/* Run a tool to its end; a failure names it with its last lines. */
static int run_tool(const char *const argv[], int timeout_ms, const char *what, struct mt_err *err)
{
    struct run_opts ro;
    struct run_result res;
    char desc[64], *tail;
    int r;

    memset(&ro, 0, sizeof(ro));
    ro.timeout_ms = timeout_ms;
    ro.merge_stderr = true;
    r = run_argv(argv, &ro, &res);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot run", argv[0]);
    if (!run_ok(&res)) {
        tail = run_tail(&res, 10);
        r = mt_err_set(err, -EIO, "%s failed (%s):\n%s", what, run_describe(&res, desc, sizeof(desc)),
                       tail ? tail : "");
        free(tail);
    }
    run_result_free(&res);
    return r;
}

/* 2. rpm -Uvh what is not installed yet */
static int modules_rpm(struct modules_report *rep, struct mt_err *err)
{
    char rpm[PATH_MAX], probe[PATH_MAX];
    const char *argv[8 + MODULES_MAX_PKGS];
    struct stat st;
    int r, n = 0, n_files = 0;
    bool off_el;

    if (run_which("rpm", rpm, sizeof(rpm)) < 0)
        return mt_err_set(err, -ENOENT, "rpm: not found; the module packages need rpm (install it, or install "
                                        "the packages with the distribution's tools)");
    off_el = rootpath_resolve("/etc/redhat-release", probe, sizeof(probe), 0) < 0 || stat(probe, &st) < 0;
    if (off_el)
        snprintf(rep->rpm_extra, sizeof(rep->rpm_extra), "--nodeps --nosignature");
    argv[n++] = rpm;
    argv[n++] = "-Uvh";
    if (!rootpath_is_host()) {
        argv[n++] = "--root";
        argv[n++] = rootpath_root();
    }
    if (off_el) {
        argv[n++] = "--nodeps";
        argv[n++] = "--nosignature";
    }
    r = modules_pending(rpm, rep, argv, &n, &n_files, err);
    if (r < 0 || n_files == 0)
        return r;
    r = run_tool(argv, RPM_TIMEOUT_MS, "rpm -Uvh", err);
    if (r == 0)
        rep->installed_now = true;
    return r;
}

/* 3. depmod, then the modules must resolve */
static int modules_depmod(struct modules_report *rep, struct mt_err *err)
{
    const char *dm[6];
    char tool[PATH_MAX], what[160];
    int k = 0, r;

    if (run_which("depmod", tool, sizeof(tool)) < 0)
        return mt_err_set(err, -ENOENT, "depmod: not found (kmod or module-init-tools)");
    dm[k++] = tool;
    if (!rootpath_is_host()) {
        dm[k++] = "-b";
        dm[k++] = rootpath_root();
    }
    dm[k++] = rep->kernel;
    dm[k] = NULL;
    snprintf(what, sizeof(what), "depmod %s", rep->kernel);
    r = run_tool(dm, 120000, what, err);
    if (r == 0)
        r = modules_resolve(rep->kernel, "xfs", &rep->xfs, err);
    if (r == 0)
        r = modinfo_cross_check(rep->kernel, "xfs", &rep->xfs, err);
    if (r == 0)
        r = modules_resolve(rep->kernel, "reiserfs", &rep->reiserfs, err);
    if (r == 0)
        r = modinfo_cross_check(rep->kernel, "reiserfs", &rep->reiserfs, err);
    return r;
}

int modules_install(const struct modules_opts *o, struct modules_report *rep, struct mt_err *err)
{
    int r;

    memset(rep, 0, sizeof(*rep));
    r = modules_target_kernel(o->kernel, rep->kernel, sizeof(rep->kernel), err);
    if (r < 0 && !(o->kernel && *o->kernel)) {
        char why[sizeof(err->msg)];
        snprintf(why, sizeof(why), "%s", err->msg);
        return mt_err_set(err, r, "%s; give the target kernel with --kernel RELEASE", why);
    }
    if (r < 0)
        return r;
    r = modules_verify(o, rep, err);
    if (r == 0 && !o->no_install)
        r = modules_rpm(rep, err);
    if (r == 0 && !o->no_install)
        r = modules_depmod(rep, err);
    if (!o->no_install && o->journal)
        journal_record(o->journal, rep, r == 0 ? "done" : "failed", r == 0 ? NULL : err->msg);
    return r;
}
