/* image: the mt-image verbs.
 *
 * Each verb declares its options as tables (agent/cli/opttab.h) over struct
 * image_args: main.c parses them (usage errors, --help generated from the
 * tables) and runs the verb with the parsed arguments. Every path is the
 * operator's, on the build host, relative to the working directory. */
#ifndef MT_IMAGE_H
#define MT_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opttab.h"

#define MT_IMAGE_VERSION "0.1.0"

struct image_ctx {
    int verbosity;
};

/* What the options of iso and pxe are parsed into. */
struct image_args {
    struct mt_path base, out, ks, payload, agent, rootfs, rootpw_file, syslinux_dir;
    const char *cs, *append, *title, *url, *repo;
    bool no_isolinux, force, force_agent;
    struct mt_path hosts;           /* iso, pxe: the hosts file */
    const char *host;               /* iso: the host of that file the ISO boots as */
    /* ova */
    struct mt_path iso, sign_key, sign_cert;
    const char *name, *network;
    uint64_t cpus, memory_mib, os_disk_gib, retention_gib;
};

struct image_verb {
    const char *name;
    int (*fn)(struct image_ctx *ctx, struct image_args *a);
    const struct opt *const *opts;  /* NULL-terminated list of tables */
    const char *summary;
    const char *help;               /* what the verb does, before the options; may be NULL */
};

extern const struct image_verb image_verb_iso, image_verb_pxe, image_verb_ova;

/* The options iso and pxe share (the media: kickstart, agent, overlay, payload). */
extern const struct opt IMAGE_MEDIA_OPTS[];

struct hosts;
/* --hosts FILE (image/hostsopt.c): loads it into *out, refusing an --append that sets
 * what the file sets; prints the error. Returns 0, or 2 (bad hosts file or usage). */
int image_load_hosts(const char *verb, const char *file, const char *append, struct hosts *out);

/* The table, in the order `mt-image --help` lists it. */
const struct image_verb *const *image_verb_table(size_t *n);

#endif
