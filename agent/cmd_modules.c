/* modules: install and verify the reiserfs/xfs module packages (provision/modules.h). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "apply.h"
#include "guard.h"
#include "journal.h"
#include "modules.h"
#include "verbs.h"

static int cmd_modules(struct mt_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        {"from", required_argument, NULL, 'f'},   {"manifest", required_argument, NULL, 'm'},
        {"kernel", required_argument, NULL, 'k'}, {"verify-only", no_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    struct modules_opts o;
    struct journal j;
    struct modules_report rep;
    struct mt_err err = {0};
    char from[PATH_MAX], manifest[PATH_MAX];
    const char *from_arg = NULL, *manifest_arg = NULL;
    size_t i;
    int c, r;

    memset(&o, 0, sizeof(o));
    if (argc < 2 || strcmp(argv[1], "install") != 0)
        return verb_usage_error(&verb_modules, "the only subcommand is 'install'");
    argc--;
    argv++;
    optind = 0;
    while ((c = getopt_long(argc, argv, "f:m:k:n", opts, NULL)) != -1) {
        switch (c) {
        case 'f': from_arg = optarg; break;
        case 'm': manifest_arg = optarg; break;
        case 'k': o.kernel = optarg; break;
        case 'n': o.no_install = true; break;
        default: return verb_usage_error(&verb_modules, "bad option");
        }
    }
    if (optind < argc)
        return verb_usage_error(&verb_modules, "unexpected argument '%s'", argv[optind]);
    if (!from_arg)
        from_arg = ctx->cfg.payload.dir;
    if (!manifest_arg && ctx->cfg.payload.manifest[0])
        manifest_arg = ctx->cfg.payload.manifest;
    payload_locate(from_arg, from, sizeof(from));
    o.from = from;
    if (manifest_arg) {
        payload_locate(manifest_arg, manifest, sizeof(manifest));
        o.manifest = manifest;
    }
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
        out_json(doc);
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
    "modules", cmd_modules, "install --from DIR [--manifest FILE] [--kernel KVER] [--verify-only]",
    "install the reiserfs/xfs module packages",
    "Finds the [payload] modules packages (NAME-<version>.rpm) in DIR, checks each one's SHA-256\n"
    "against the manifest (--manifest, else DIR/SHA256SUMS) while listing its payload with\n"
    "libarchive, checks that every kernel module inside is built for the target kernel, installs\n"
    "them with rpm -Uvh (--root DIR for a sysroot; --nodeps --nosignature when the target is not EL),\n"
    "runs depmod and verifies that reiserfs and xfs resolve. Journal section \"modules\".\n"
    "  --kernel KVER    the target kernel (default: uname -r; under --root the only one in lib/modules)\n"
    "  --verify-only    verify and inspect the packages, install nothing\n",
};
