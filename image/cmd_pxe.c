/* pxe: a TFTP tree and an HTTP tree for a PXE install of the master target. */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hosts.h"
#include "image.h"
#include "inputcheck.h"
#include "pxetree.h"
#include "remaster.h"
#include "verbopts.h"
#include "say.h"

#define AT(f) .offset = offsetof(struct image_args, f)
static const struct opt PXE_OPTS[] = {
    {.name = "url", .kind = OPT_STRING, .arg = "http://HOST/PATH", AT(url), .flags = OPT_REQUIRED,
     .help = "where the HTTP tree will be served from"},
    {.name = "repo", .kind = OPT_STRING, .arg = "URL", AT(repo),
     .help = "the install source (default: URL/os, the base copied there)"},
    {.name = "syslinux-dir", .kind = OPT_HOST_PATH, .expect = OPT_DIR, .arg = "DIR", AT(syslinux_dir),
     .help = "where pxelinux.0 and ldlinux.c32 are (default: the system's syslinux)"},
    {.name = "force", .kind = OPT_FLAG, AT(force), .help = "replace an OUT directory an earlier mt-image pxe wrote (nothing else)"},
    {.name = "hosts", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(hosts),
     .help = "CSV " HOSTS_COLUMNS ": a pxelinux.cfg/01-<mac> entry per host and OUT/dnsmasq.conf"},
    OPT_END,
};
#undef AT
static const struct opt *const PXE_TABLES[] = {IMAGE_MEDIA_OPTS, PXE_OPTS, NULL};

/* pxe's own options, before any work: 0 or 2 (printed). */
static int pxe_inputs(const struct image_args *a)
{
    if (input_text("pxe", "url", a->url, 1) || input_text("pxe", "repo", a->repo, 1) ||
        input_path("pxe", "syslinux-dir", a->syslinux_dir.real, IN_DIR))
        return 2;
    if (strncmp(a->url, "http://", 7) && strncmp(a->url, "https://", 8)) {
        image_say("mt-image pxe: --url %s: not an http:// or https:// URL; the installer fetches the "
                        "kickstart and the media over HTTP\n", a->url);
        return 2;
    }
    return 0;
}

/* An existing OUT: replaced only with --force and only when an earlier
 * mt-image pxe wrote it (pxetree.h). 0 or 3 (refused, printed). */
static int pxe_out_free(const struct image_args *a)
{
    struct mt_err err = {0};
    struct stat st;

    if (lstat(a->out.real, &st) < 0)
        return 0;
    if (!a->force) {
        image_say("mt-image pxe: %s: exists; remove it, or give --force if mt-image pxe wrote it\n",
                a->out.given);
        return 3;
    }
    if (pxe_tree_owned(a->out.real, &err) < 0) {
        image_say("mt-image pxe: %s\n", err.msg);
        return 3;
    }
    return 0;
}

static int cmd_pxe(struct image_ctx *ctx, struct image_args *a)
{
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    struct hosts hosts = {NULL, 0};
    const char *hosts_file = a->hosts.real;
    char header[512], install[2048], outdir[PATH_MAX];
    size_t ol;
    int r;

    /* --out pxe/ names the directory pxe: DIR.tmp.XXXXXX must sit beside it, not in it */
    if (a->out.real && (ol = strlen(a->out.real)) < sizeof(outdir)) {
        memcpy(outdir, a->out.real, ol + 1);
        while (ol > 1 && outdir[ol - 1] == '/')
            outdir[--ol] = '\0';
        a->out.real = outdir;
    }
    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    ro.url = a->url;
    ro.repo = a->repo;
    ro.syslinux_dir = a->syslinux_dir.real;
    ro.force = a->force;
    if ((r = pxe_inputs(a)) != 0 || (r = input_out_outside("pxe", a->out.real, a->payload.real)) != 0 ||
        (r = verbopts_finish(&v, a, "pxe")) != 0 || (r = pxe_out_free(a)) != 0)
        return r;
    if (hosts_file && (r = image_load_hosts("pxe", hosts_file, v.append, &hosts)) != 0)
        return r;
    ro.hosts = hosts_file ? &hosts : NULL;
    {
        size_t ul = strlen(ro.url);
        if (ro.repo)
            snprintf(install, sizeof(install), "%s", ro.repo);
        else
            snprintf(install, sizeof(install), "%.*s/os", (int)(ul && ro.url[ul - 1] == '/' ? ul - 1 : ul),
                     ro.url);
    }
    snprintf(header, sizeof(header), "mt-image %s pxe: from %s, served at %s%s%s", MT_IMAGE_VERSION,
             v.base, ro.url, v.m.cs_host ? ", configuration server " : "", v.m.cs_host ? v.m.cs_host : "");
    v.m.header = header;
    v.m.install_url = install;
    r = verbopts_run(ctx, &v, &ro, "pxe", pxe_build, &res);
    if (r == 0 && ctx->verbosity >= 0) {
        printf("%s/tftp: pxelinux.0 (BIOS clients), ldlinux.c32, vmlinuz (%s), initrd.img (%s), pxelinux.cfg/default\n",
               v.out, res.kernel, res.initrd);
        printf("%s/http: mt/ (kickstart, agent, overlay, payloads)%s; serve it at %s\n", v.out,
               ro.repo ? "" : " and os/ (the base, the install source)", ro.url);
        if (hosts_file)
            printf("%s/tftp/pxelinux.cfg: 01-<mac> for each of the %zu hosts of %s (static network, "
                   "OS disk); %s/dnsmasq.conf: DHCP for those MACs and TFTP\n",
                   v.out, hosts.n, a->hosts.given, v.out);
    }
    hosts_free(&hosts);
    return r;
}

const struct image_verb image_verb_pxe = {
    "pxe", cmd_pxe, PXE_TABLES, "build a TFTP tree and an HTTP tree for a PXE install",
    "Writes OUT/tftp (pxelinux, the base's kernel and initrd) and OUT/http (mt/, and os/ = the base as\n"
    "install source unless --repo).\n",
};
