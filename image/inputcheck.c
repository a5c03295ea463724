/* inputcheck: see inputcheck.h. */
#define _GNU_SOURCE
#include "inputcheck.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "manifest.h"
#include "payload_hash.h"
#include "say.h"

/* The directory part of path ("." when it has none). */
static void parent_of(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    size_t n;

    if (!slash) {
        snprintf(buf, len, ".");
        return;
    }
    n = (size_t)(slash - path);
    if (n == 0)
        n = 1;
    snprintf(buf, len, "%.*s", (int)n, path);
}

static int input_out(const char *verb, const char *opt, const char *path, enum input_kind kind)
{
    char parent[PATH_MAX];
    struct stat st;

    if (stat(path, &st) == 0) {
        if (kind == IN_OUT_FILE && S_ISDIR(st.st_mode)) {
            image_say("mt-image %s: --%s %s: is a directory; give the name of the file to write\n", verb,
                    opt, path);
            return 2;
        }
        if (kind == IN_OUT_DIR && !S_ISDIR(st.st_mode)) {
            image_say("mt-image %s: --%s %s: exists and is not a directory; give a directory to write "
                            "the trees into\n", verb, opt, path);
            return 2;
        }
    }
    parent_of(path, parent, sizeof(parent));
    /* pxe makes the missing directories above DIR (mkdir -p): the nearest one that exists must be a directory */
    while (kind == IN_OUT_DIR && stat(parent, &st) < 0 && errno == ENOENT && strcmp(parent, ".") && strcmp(parent, "/")) {
        char up[PATH_MAX];
        parent_of(parent, up, sizeof(up));
        snprintf(parent, sizeof(parent), "%s", up);
    }
    if (stat(parent, &st) < 0 || !S_ISDIR(st.st_mode)) {
        image_say("mt-image %s: --%s %s: its directory %s %s; create it first\n", verb, opt, path, parent,
                stat(parent, &st) < 0 ? "does not exist" : "is not a directory");
        return 2;
    }
    /* OUT.tmp.XXXXXX is made beside OUT and renamed: its directory must take new entries */
    if (access(parent, W_OK | X_OK) < 0) {
        image_say("mt-image %s: --%s %s: cannot create a file in %s (%s); give --%s in a directory you "
                        "can write to\n", verb, opt, path, parent, strerror(errno), opt);
        return 2;
    }
    return 0;
}

/* The real path of path, else of its nearest existing ancestor (an output not yet
 * written). 0, or -1 when none resolves. */
static int real_or_ancestor(const char *path, char *out)
{
    char cur[PATH_MAX], up[PATH_MAX];

    snprintf(cur, sizeof(cur), "%s", path);
    while (!realpath(cur, out)) {
        if (errno != ENOENT || !strcmp(cur, ".") || !strcmp(cur, "/"))
            return -1;
        parent_of(cur, up, sizeof(up));
        snprintf(cur, sizeof(cur), "%s", up);
    }
    return 0;
}

int input_out_outside(const char *verb, const char *out, const char *payload)
{
    char preal[PATH_MAX], oreal[PATH_MAX];
    size_t n;

    if (!out || !payload || !realpath(payload, preal) || real_or_ancestor(out, oreal) < 0)
        return 0;
    n = strlen(preal);
    if (strncmp(oreal, preal, n) || (oreal[n] != '/' && oreal[n] != '\0' && strcmp(preal, "/")))
        return 0;
    image_say("mt-image %s: --out %s: is inside the payload directory %s (--payload): the box would "
                    "receive it as a payload, and the next run refuses the directory (a file its SHA256SUMS "
                    "does not list); write it outside %s\n", verb, out, payload, payload);
    return 2;
}

int input_path(const char *verb, const char *opt, const char *path, enum input_kind kind)
{
    struct stat st;

    if (!path)
        return 0;
    if (kind == IN_OUT_FILE || kind == IN_OUT_DIR)
        return input_out(verb, opt, path, kind);
    if (stat(path, &st) < 0) {
        image_say("mt-image %s: --%s %s: %s; give an existing %s\n", verb, opt, path, strerror(errno),
                kind == IN_DIR ? "directory" : "file");
        return 2;
    }
    if (kind == IN_DIR && !S_ISDIR(st.st_mode)) {
        image_say("mt-image %s: --%s %s: is not a directory; give the directory\n", verb, opt, path);
        return 2;
    }
    if (kind == IN_FILE && S_ISDIR(st.st_mode)) {
        image_say("mt-image %s: --%s %s: is a directory; give a file\n", verb, opt, path);
        return 2;
    }
    if (kind == IN_FILE && !S_ISREG(st.st_mode)) {
        image_say("mt-image %s: --%s %s: is not a regular file; give a file\n", verb, opt, path);
        return 2;
    }
    if (access(path, R_OK) < 0) {
        image_say("mt-image %s: --%s %s: cannot be read (%s); fix its permissions\n", verb, opt, path,
                strerror(errno));
        return 2;
    }
    return 0;
}

int input_text(const char *verb, const char *opt, const char *value, int no_blank)
{
    const unsigned char *p;

    if (!value)
        return 0;
    for (p = (const unsigned char *)value; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (no_blank && *p == ' ')) {
            image_say("mt-image %s: --%s: %s at byte %zu (0x%02x); it would end up in a generated file "
                            "as %s: give it on one line, without control characters%s\n",
                    verb, opt, *p == ' ' ? "a space" : "a control character", (size_t)(p - (const unsigned char *)value),
                    *p, *p == '\n' ? "a new line" : "a broken line", no_blank ? " or blanks" : "");
            return 2;
        }
    return 0;
}

int input_append_keys(const char *verb, const char *append)
{
    static const char *const keys[] = {"ks=", "initrd=", "ksdevice=", NULL};
    const char *p = append;
    size_t i, nkeys = strcmp(verb, "pxe") == 0 ? 3 : 2;

    while (p && *p) {
        p += strspn(p, " \t");
        for (i = 0; i < nkeys && keys[i]; i++)
            if (!strncmp(p, keys[i], strlen(keys[i]))) {
                image_say("mt-image %s: --append sets %s, which mt-image sets itself on the kernel line "
                                "of its entry: remove it from --append\n", verb, keys[i]);
                return 2;
            }
        p += strcspn(p, " \t");
    }
    return 0;
}

/* ---- the payload directory ---- */

static const struct manifest *g_man;
static const char *g_dir;
static int g_rc;
static const char *g_verb;

/* Each regular file of DIR (not SHA256SUMS) must be listed. */
static int unlisted_one(const char *fpath, const struct stat *st, int type, struct FTW *ftw)
{
    const char *rel = fpath + strlen(g_dir);

    (void)st;
    (void)ftw;
    while (*rel == '/')
        rel++;
    if (type != FTW_F || !strcmp(rel, "SHA256SUMS"))
        return 0;
    {
        size_t i;
        for (i = 0; i < g_man->n; i++)
            if (!strcmp(g_man->entries[i].name, rel))
                return 0;
    }
    image_say("mt-image %s: %s/SHA256SUMS: has no line for %s, which the box will refuse to use; add "
                    "its line (cd %s && sha256sum %s >>SHA256SUMS) or remove the file\n",
            g_verb, g_dir, rel, g_dir, rel);
    g_rc = 2;
    return 1;
}

static int payload_digests(const char *verb, const char *dir, const struct manifest *m)
{
    char path[PATH_MAX], hex[SHA256_HEX_LEN + 1];
    struct mt_err err = {0};
    size_t i;

    for (i = 0; i < m->n; i++) {
        const struct manifest_entry *e = &m->entries[i];
        /* `sha256sum * >SHA256SUMS` run again lists the old manifest: no file holds its own
         * digest, and the box looks up only the files it uses */
        if (!strcmp(e->name, "SHA256SUMS") || !strcmp(e->name, "./SHA256SUMS")) {
            image_say("mt-image %s: warning: %s/SHA256SUMS line %u lists SHA256SUMS itself (sha256sum * "
                            "run where it already was): ignored; to drop it, (cd %s && sha256sum *.rpm *.tar.gz "
                            ">SHA256SUMS)\n", verb, dir, e->line, dir);
            continue;
        }
        if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->name) >= sizeof(path)) {
            image_say("mt-image %s: %s/SHA256SUMS line %u: the path of %s is too long; shorten the payload "
                            "directory's path\n", verb, dir, e->line, e->name);
            return 2;
        }
        if (payload_hash_file(path, hex, NULL, &err) < 0) {
            image_say("mt-image %s: %s/SHA256SUMS line %u: %s; copy the file into the payload "
                            "directory or remove its line\n", verb, dir, e->line, err.msg);
            return 2;
        }
        if (payload_digest_verify(path, e->sha256, hex, &err) < 0) {
            image_say("mt-image %s: %s/SHA256SUMS line %u: %s; the box would refuse it: copy the right "
                            "file or regenerate SHA256SUMS\n", verb, dir, e->line, err.msg);
            return 2;
        }
    }
    return 0;
}

/* The default [payload] modules not found as NAME-<version>.rpm at the top of DIR. */
static void payload_modules_warn(const char *verb, const char *dir)
{
    struct mt_config cfg;
    char list[sizeof(cfg.payload.modules)], *tok, *save = NULL;

    config_defaults(&cfg);
    snprintf(list, sizeof(list), "%s", cfg.payload.modules);
    for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        DIR *dp = opendir(dir);
        struct dirent *d;
        size_t nl = strlen(tok);
        bool found = false;

        while (dp && (d = readdir(dp)) && !found) {
            size_t l = strlen(d->d_name);
            found = l > nl + 5 && !strncmp(d->d_name, tok, nl) && d->d_name[nl] == '-' &&
                    isdigit((unsigned char)d->d_name[nl + 1]) && !strcmp(d->d_name + l - 4, ".rpm");
        }
        if (dp)
            closedir(dp);
        if (!found)
            image_say("mt-image %s: warning: %s: no %s-<version>.rpm at its top; the box's firstboot "
                            "(mt-agent modules install, [payload] modules) will fail on it unless its "
                            "configuration leaves it out\n", verb, dir, tok);
    }
}

int input_payload(const char *verb, const char *given, int quiet)
{
    char path[PATH_MAX], dir[PATH_MAX];
    struct manifest m;
    struct mt_err err = {0};
    size_t dl;
    int r;

    if (!given)
        return 0;
    /* payload/ as the operator typed it: messages say payload/SHA256SUMS, not payload//SHA256SUMS */
    snprintf(dir, sizeof(dir), "%s", given); /* input_path opened it: shorter than PATH_MAX */
    for (dl = strlen(dir); dl > 1 && dir[dl - 1] == '/';)
        dir[--dl] = '\0';
    if ((size_t)snprintf(path, sizeof(path), "%s/SHA256SUMS", dir) >= sizeof(path)) {
        image_say("mt-image %s: --payload %s: the path is too long; shorten it\n", verb, given);
        return 2;
    }
    if (access(path, F_OK) < 0) {
        image_say("mt-image %s: %s: no manifest; the box refuses unverified payloads: write it "
                        "(cd %s && sha256sum FILES >SHA256SUMS)\n", verb, path, dir);
        return 2;
    }
    if (manifest_load(path, &m, &err) < 0) {
        image_say("mt-image %s: %s\n", verb, err.msg);
        return 2;
    }
    r = payload_digests(verb, dir, &m);
    if (r == 0) {
        g_man = &m;
        g_dir = dir;
        g_rc = 0;
        g_verb = verb;
        if (nftw(dir, unlisted_one, 16, FTW_PHYS) < 0 && g_rc == 0) {
            image_say("mt-image %s: %s: walking the payloads: %s\n", verb, dir, strerror(errno));
            g_rc = 2;
        }
        r = g_rc;
    }
    manifest_free(&m);
    if (r == 0 && !quiet)
        payload_modules_warn(verb, dir);
    return r;
}
