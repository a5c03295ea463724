/* pxe: a TFTP tree and an HTTP tree for a PXE install of the master target. */
#include <stdio.h>
#include <string.h>

#include "hosts.h"
#include "image.h"
#include "remaster.h"
#include "verbopts.h"

static int cmd_pxe(struct image_ctx *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        VERBOPTS_LONG,
        {"url", required_argument, NULL, 'u'},
        {"repo", required_argument, NULL, 'R'},
        {"syslinux-dir", required_argument, NULL, 'S'},
        {"force", no_argument, NULL, 'f'},
        {"hosts", required_argument, NULL, 'H'},
        {NULL, 0, NULL, 0},
    };
    struct verbopts v;
    struct remaster_opts ro;
    struct remaster_result res;
    struct hosts hosts = {NULL, 0};
    const char *hosts_file = NULL;
    char header[512], install[2048];
    int c, r;

    memset(&v, 0, sizeof(v));
    memset(&ro, 0, sizeof(ro));
    optind = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (verbopts_take(&v, c, optarg))
            continue;
        switch (c) {
        case 'u': ro.url = optarg; break;
        case 'R': ro.repo = optarg; break;
        case 'S': ro.syslinux_dir = optarg; break;
        case 'f': ro.force = true; break;
        case 'H': hosts_file = optarg; break;
        default:
            fprintf(stderr, "usage: mt-image pxe %s\n", image_verb_pxe.usage);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "mt-image pxe: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (!ro.url) {
        fprintf(stderr, "mt-image pxe: --url is required (where the HTTP tree will be served from)\n");
        return 2;
    }
    if ((r = verbopts_finish(&v, "pxe")) != 0)
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
                   v.out, hosts.n, hosts_file, v.out);
    }
    hosts_free(&hosts);
    return r;
}

const struct image_verb image_verb_pxe = {
    "pxe", cmd_pxe,
    "--base BOOT.ISO --out DIR --url http://... [--repo URL] [--syslinux-dir DIR] [--force]\n"
    "           [--ks FILE] [--payload DIR] [--agent BIN] [--rootfs DIR] [--cs HOST]\n"
    "           [--rootpw-file FILE] [--append ARGS] [--force-agent] [--hosts FILE]\n"
    "           --hosts FILE: CSV " HOSTS_COLUMNS ", one pxelinux.cfg/01-<mac>\n"
    "           entry per host with its ip=, netmask=, gateway=, dns=, hostname=, mt.disk=, and\n"
    "           DIR/dnsmasq.conf (DHCP for those MACs, TFTP); unknown MACs boot pxelinux.cfg/default",
    "build a TFTP tree and an HTTP tree for a PXE install"};
