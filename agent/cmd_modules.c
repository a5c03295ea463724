/* modules: install and verify the reiserfs/xfs module packages (provision/payload/modules.h). */
#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "guard.h"
#include "journal.h"
#include "modules.h"
#include "verbs.h"

struct modules_args {
    struct mt_path from, manifest;
    const char *kernel;
    bool verify_only;
};

#define AT(f) .offset = offsetof(struct modules_args, f)
static const struct opt MODULES_OPTS[] = {
    {.name = "from", .kind = OPT_HOST_PATH, .expect = OPT_DIR, .arg = "DIR", AT(from),
     .help = "the directory with the packages (default [payload] dir)"},
    {.name = "manifest", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(manifest),
     .help = "the sha256sum manifest (default [payload] manifest, else DIR/SHA256SUMS)"},
    {.name = "kernel", .kind = OPT_STRING, .arg = "KVER", AT(kernel),
     .help = "the target kernel (default: uname -r; under --root the only one in lib/modules)"},
    {.name = "verify-only", .kind = OPT_FLAG, AT(verify_only), .help = "verify and inspect the packages, install nothing"},
    OPT_END,
};
#undef AT
static const struct opt *const MODULES_TABLES[] = {MODULES_OPTS, NULL};

/* Not given on the command line: the box's [payload] dir and manifest. 0 or an exit code. */
static int modules_paths(struct mt_ctx *ctx, struct modules_args *a)
{
    int r = verb_box_default(ctx, &a->from, ctx->cfg.payload.dir, "[payload] dir");
    return r ? r : verb_box_default(ctx, &a->manifest, ctx->cfg.payload.manifest, "[payload] manifest");
}

static int cmd_modules(struct mt_ctx *ctx, void *argp)
{
    struct modules_args *a = argp;
    struct modules_opts o;
    struct journal j;
    struct modules_report rep;
    struct mt_err err = {0};
    size_t i;
    int r;

    r = modules_paths(ctx, a);
    if (r)
        return r;
    memset(&o, 0, sizeof(o));
    o.from = a->from.real;
    o.manifest = a->manifest.real;
    o.kernel = a->kernel;
    o.no_install = a->verify_only;
    o.packages = ctx->cfg.payload.modules;

    /* the journal lock is held for the whole install: two installs never run rpm at once,
     * and what a killed one left running is ended before rpm -q decides what to install */
    if (!o.no_install) {
        r = journal_load(&j, &err);
        if (r < 0) {
            log_error("%s", err.msg);
            return EXIT_FAILED;
        }
        if (j.moved_aside[0])
            log_warn("%s", err.msg);
        r = guard_children("modules install");
        if (r) {
            journal_free(&j);
            return r;
        }
        o.journal = &j;
    }
    r = modules_install(&o, &rep, &err);
    if (o.journal)
        journal_free(&j);
    if (r < 0)
        log_error("%s", err.msg);
    if (ctx->json) {
        json_object *doc = json_object_new_object(), *pk = json_object_new_array(), *mods = json_object_new_object();
        json_object_object_add(doc, "ok", json_object_new_boolean(r == 0));
        if (r < 0)
            json_object_object_add(doc, "error", json_object_new_string(err.msg));
        json_object_object_add(doc, "kernel", json_object_new_string(rep.kernel));
        for (i = 0; i < rep.n_pkgs; i++) {
            json_object *p = json_object_new_object();
            json_object_object_add(p, "name", json_object_new_string(rep.pkgs[i].name));
            json_object_object_add(p, "file", json_object_new_string(rep.pkgs[i].file));
            json_object_object_add(p, "sha256", json_object_new_string(rep.pkgs[i].sha256));
            json_object_object_add(p, "nevra", json_object_new_string(rep.pkgs[i].nevra));
            json_object_object_add(p, "kernel_modules", json_object_new_int((int)rep.pkgs[i].kos));
            json_object_object_add(p, "was_installed", json_object_new_boolean(rep.pkgs[i].was_installed));
            json_object_array_add(pk, p);
        }
        json_object_object_add(doc, "packages", pk);
        json_object_object_add(doc, "rpm_extra_flags", json_object_new_string(rep.rpm_extra));
        if (rep.xfs.rel[0])
            json_object_object_add(mods, "xfs", json_object_new_string(rep.xfs.rel));
        if (rep.reiserfs.rel[0])
            json_object_object_add(mods, "reiserfs", json_object_new_string(rep.reiserfs.rel));
        json_object_object_add(doc, "modules", mods);
        verb_set_doc(ctx, doc);
    } else {
        for (i = 0; i < rep.n_pkgs && rep.pkgs[i].sha256[0]; i++)
            out_printf("%-16s %s: sha256 verified, %u entries, %u kernel modules for %s%s\n", rep.pkgs[i].name,
                       rep.pkgs[i].file, rep.pkgs[i].entries, rep.pkgs[i].kos, rep.kernel,
                       rep.pkgs[i].was_installed ? "; already installed" : "");
        if (rep.installed_now && rep.rpm_extra[0])
            out_printf("rpm ran with %s: the target is not EL (no /etc/redhat-release), its rpm database "
                       "cannot satisfy the packages' dependencies or know their signing key\n",
                       rep.rpm_extra);
        if (r == 0 && !o.no_install && !rep.installed_now)
            out_printf("all packages already installed; rpm not run\n");
        if (r == 0 && !o.no_install) {
            out_printf("xfs      resolves: %s\n", rep.xfs.rel);
            out_printf("reiserfs resolves: %s\n", rep.reiserfs.rel);
        }
    }
    if (r == -ENOKEY || r == -EINVAL)
        return EXIT_USAGE;
    return r < 0 ? EXIT_FAILED : EXIT_DONE;
}

const struct verb verb_modules = {
    "modules", cmd_modules, MODULES_TABLES, sizeof(struct modules_args), "install",
    "install the reiserfs/xfs module packages",
    "Finds the [payload] modules packages (NAME-<version>.rpm) in DIR, checks each one's SHA-256\n"
    "against the manifest (--manifest, else DIR/SHA256SUMS) while listing its payload with\n"
    "libarchive, checks that every kernel module inside is built for the target kernel, installs\n"
    "them with rpm -Uvh (--root DIR for a sysroot; --nodeps --nosignature when the target is not EL),\n"
    "runs depmod and verifies that reiserfs and xfs resolve. Journal section \"modules\".\n",
    0,
};
