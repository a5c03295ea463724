/* verbopts: what the iso and pxe verbs share: the media options' table (--ks,
 * --agent, --rootfs, --payload, --cs, --rootpw-file, --append, --title), their
 * defaults next to the mt-image binary, and the progress bar on a TTY. */
#ifndef MT_VERBOPTS_H
#define MT_VERBOPTS_H

#include <limits.h>
#include <stdint.h>

#include "image.h"
#include "media.h"
#include "remaster.h"

struct verbopts {
    const char *base, *out, *append, *title;
    struct media_opts m;
    char ks_buf[PATH_MAX], agent_buf[PATH_MAX], rootfs_buf[PATH_MAX];
};

/* Fills v from the parsed arguments, the kickstart, agent and overlay next
 * to the mt-image binary when not given; prints the error and returns 2
 * (usage) when one cannot be found. Every path option must name what it
 * should (file, directory, output whose directory exists), --append and
 * --title hold no control character and none of the keys mt-image sets,
 * the payload directory passes the agent's checks (inputcheck.h): else 2. Then judges the agent against CentOS 6.6
 * (el6abi.h): one that cannot run there is refused with 2, every gap named,
 * unless --force-agent (then a warning names them). */
int verbopts_finish(struct verbopts *v, const struct image_args *a, const char *verb);

/* Builds the media from v, fills ro's common fields and runs build (iso_remaster
 * or pxe_build); prints the error. Returns the exit status: 0, 2 when the
 * media options name something bad (a bad --cs, overlay or payload), 1 when
 * the build fails. */
int verbopts_run(struct image_ctx *ctx, struct verbopts *v, struct remaster_opts *ro,
                 const char *verb,
                 int (*build)(const struct remaster_opts *, struct remaster_result *, struct mt_err *),
                 struct remaster_result *res);

/* remaster_progress_fn for a TTY on stderr; silent otherwise or with -q. */
void verbopts_progress(void *ctx, const char *phase, uint64_t done, uint64_t total);
void verbopts_progress_end(struct image_ctx *ctx);

#endif
