/* bootcfg: the text edits mt-image makes, as pure functions over strings.
 *
 * - isolinux.cfg: add the kickstart entry as the default, keep every other entry;
 * - pxelinux.cfg/default: render the PXE entry from the same boot line;
 * - the kickstart copy on the media: install source, root password, a header line;
 * - mt-agent.conf: the configuration server address.
 * Each returns 0 with a malloc'ed NUL-terminated *out, or -errno with err set. */
#ifndef MT_BOOTCFG_H
#define MT_BOOTCFG_H

#include <stddef.h>

#include "mterr.h"

#define BOOTCFG_LABEL "mt"

/* The boot entry found in (or written to) a syslinux configuration. */
struct boot_entry {
    char kernel[256];  /* as written after "kernel"/"linux", e.g. "vmlinuz" */
    char append[2048]; /* the append line of the entry it was taken from */
};

/* Finds the entry the installer boots by default (the "menu default" label, else
 * the "default" label, else the first label with a kernel) and copies its kernel
 * and append line. -ENOENT when no label boots a kernel. */
int isolinux_cfg_default_entry(const char *cfg, struct boot_entry *e, struct mt_err *err);

/* Adds (or replaces, on a second run) label "mt" booting e->kernel with e->append
 * plus `extra` (e.g. "ks=cdrom:/mt/ks.cfg console=ttyS0"), makes it the default
 * (default/ontimeout lines, "menu default"), keeps every other entry as it was. */
int isolinux_cfg_add_entry(const char *cfg, const struct boot_entry *e, const char *extra,
                           const char *menu_title, char **out, struct mt_err *err);

/* pxelinux.cfg/default for one entry that boots at once. */
int pxelinux_cfg_render(const struct boot_entry *e, const char *extra, char **out,
                        struct mt_err *err);
/* The same with `comment` (one line, without "# ") first: a per-host file names its host. */
int pxelinux_cfg_render_for(const struct boot_entry *e, const char *extra, const char *comment, char **out,
                            struct mt_err *err);

struct ks_edit {
    const char *install_url; /* NULL: keep the install method; else "url --url=..." */
    const char *rootpw_hash; /* NULL: keep the rootpw line; else a crypt(3) hash */
    const char *header;      /* one comment line put first, without "# "; may be NULL */
};

/* The kickstart copy for the media. -EINVAL when rootpw_hash is not a crypt hash. */
int ks_edit(const char *ks, const struct ks_edit *ed, char **out, struct mt_err *err);

/* mt-agent.conf with "host = HOST" in [cs] (replacing a commented or set host). */
int conf_set_cs_host(const char *conf, const char *host, char **out, struct mt_err *err);

#endif
