/* media: the mt/ directory mt-image puts on the installer media (ISO or HTTP tree):
 *   mt/ks.cfg        the kickstart copy (bootcfg ks_edit)
 *   mt/mt-agent      the agent binary, 0755
 *   mt/rootfs.tar    the rootfs overlay, owned by root (a tar keeps modes an ISO may not)
 *   mt/payload/...   the payload files; mt/payload.list names them, one a line
 * Items are either in memory or a file on the build host, streamed when written. */
#ifndef MT_MEDIA_H
#define MT_MEDIA_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "mterr.h"

struct media_item {
    char *path;        /* relative, e.g. "mt/payload/SHA256SUMS" */
    mode_t mode;       /* S_IFREG|0644, S_IFDIR|0755 ... */
    char *src;         /* file to stream from, or NULL */
    unsigned char *data; /* in-memory content when src is NULL */
    uint64_t size;
};

struct media {
    struct media_item *items;
    size_t n, cap;
    uint64_t bytes;    /* total data size */
};

struct media_opts {
    const char *ks;          /* kickstart template */
    const char *agent;       /* mt-agent binary */
    const char *rootfs;      /* rootfs overlay directory */
    const char *payload;     /* payload directory, may be NULL */
    const char *cs_host;     /* written into etc/mt-agent/mt-agent.conf, may be NULL */
    const char *rootpw_file; /* first line: crypt(3) hash, may be NULL */
    const char *install_url; /* "url --url=" for the kickstart, NULL keeps cdrom */
    const char *header;      /* comment line for the kickstart */
};

int media_build(const struct media_opts *o, struct media *m, struct mt_err *err);
void media_free(struct media *m);

/* Reads a whole (small) file into a NUL-terminated buffer; refuses more than max bytes. */
int media_slurp(const char *path, size_t max, char **out, size_t *len, struct mt_err *err);

#endif
