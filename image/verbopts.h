/* verbopts: what the iso and pxe verbs share: the media options (--ks, --agent,
 * --rootfs, --payload, --cs, --rootpw-file, --append), their defaults next to the
 * mt-image binary, and the progress bar on a TTY. */
#ifndef MT_VERBOPTS_H
#define MT_VERBOPTS_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "image.h"
#include "media.h"
#include "remaster.h"

#define VERBOPTS_LONG                                                                   \
    {"base", required_argument, NULL, 'b'}, {"out", required_argument, NULL, 'o'},      \
    {"ks", required_argument, NULL, 'k'}, {"payload", required_argument, NULL, 'p'},    \
    {"agent", required_argument, NULL, 'a'}, {"rootfs", required_argument, NULL, 'r'},  \
    {"cs", required_argument, NULL, 'c'}, {"append", required_argument, NULL, 'A'},     \
    {"rootpw-file", required_argument, NULL, 'P'}, {"title", required_argument, NULL, 'T'}, \
    {"force-agent", no_argument, NULL, 'F'}

struct verbopts {
    const char *base, *out, *append, *title;
    struct media_opts m;
    bool force_agent; /* embed an agent that cannot run on CentOS 6.6, with a warning */
    char ks_buf[PATH_MAX], agent_buf[PATH_MAX], rootfs_buf[PATH_MAX];
};

/* Handles one of the shared options; returns 1 when c was one of them. */
int verbopts_take(struct verbopts *v, int c, const char *arg);

/* Fills the defaults of what was not given; prints the error and returns 2 (usage)
 * or 1 when something is missing. Then judges the agent against CentOS 6.6
 * (el6abi.h): one that cannot run there is refused with 2, every gap named, unless
 * --force-agent (then a warning names them). */
int verbopts_finish(struct verbopts *v, const char *verb);

/* Builds the media from v, fills ro's common fields and runs build (iso_remaster
 * or pxe_build); prints the error. Returns the exit status (0 or 1). */
int verbopts_run(struct image_ctx *ctx, struct verbopts *v, struct remaster_opts *ro,
                 const char *verb,
                 int (*build)(const struct remaster_opts *, struct remaster_result *, struct mt_err *),
                 struct remaster_result *res);

/* remaster_progress_fn for a TTY on stderr; silent otherwise or with -q. */
void verbopts_progress(void *ctx, const char *phase, uint64_t done, uint64_t total);
void verbopts_progress_end(struct image_ctx *ctx);

#endif
