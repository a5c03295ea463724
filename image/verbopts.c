/* verbopts: see verbopts.h. */
#include "verbopts.h"

#include "agentcheck.h"
#include "inputcheck.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "textesc.h"
#include "say.h"

#define AT(f) .offset = offsetof(struct image_args, f)
const struct opt IMAGE_MEDIA_OPTS[] = {
    {.name = "base", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "BOOT.ISO", AT(base), .flags = OPT_REQUIRED,
     .help = "the CentOS 6.6 ISO to start from (minimal or DVD)"},
    {.name = "out", .kind = OPT_HOST_PATH, .arg = "OUT", AT(out), .flags = OPT_REQUIRED,
     .help = "what to write: the ISO (iso) or the directory of the trees (pxe)"},
    {.name = "ks", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(ks),
     .help = "the kickstart template (default: mt-target.ks next to mt-image)"},
    {.name = "payload", .kind = OPT_HOST_PATH, .expect = OPT_DIR, .arg = "DIR", AT(payload),
     .help = "module packages, the Unified Agent tarball and SHA256SUMS, copied to mt/payload"},
    {.name = "agent", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "BIN", AT(agent),
     .help = "the mt-agent binary (default: the one next to mt-image)"},
    {.name = "rootfs", .kind = OPT_HOST_PATH, .expect = OPT_DIR, .arg = "DIR", AT(rootfs),
     .help = "the overlay of the box's files (default: rootfs next to mt-image)"},
    {.name = "cs", .kind = OPT_STRING, .arg = "HOST", AT(cs),
     .help = "the configuration server, written into the box's mt-agent.conf"},
    {.name = "rootpw-file", .kind = OPT_HOST_PATH, .expect = OPT_FILE, .arg = "FILE", AT(rootpw_file),
     .help = "first line: the root password's crypt(3) hash for the kickstart"},
    {.name = "append", .kind = OPT_STRING, .arg = "ARGS", AT(append),
     .help = "boot parameters added to the entry (ip=... mt.disk=sda)"},
    {.name = "title", .kind = OPT_STRING, .arg = "TEXT", AT(title), .help = "the boot menu entry's title"},
    {.name = "force-agent", .kind = OPT_FLAG, AT(force_agent),
     .help = "embed an agent that cannot run on CentOS 6.6 (a warning names every gap)"},
    OPT_END,
};
#undef AT

/* The first of the candidates (relative to the directory of the running binary,
 * or absolute) that exists. */
static const char *pick(char *buf, size_t len, const char *const *cands)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    for (; *cands; cands++) {
        int n2 = (*cands)[0] == '/' ? snprintf(buf, len, "%s", *cands)
                                    : snprintf(buf, len, "%s/%s", exe, *cands);
        if (n2 < 0 || (size_t)n2 >= len)
            continue;
        if (access(buf, R_OK) == 0)
            return buf;
    }
    return NULL;
}

/* Every path the media options name, every text that reaches a generated file,
 * and the payload directory, judged before any work. 0 or 2 (printed). */
static int verbopts_inputs(const struct verbopts *v, const struct image_args *a, const char *verb)
{
    if (input_path(verb, "base", v->base, IN_FILE) || input_path(verb, "out", v->out,
                                                                  strcmp(verb, "pxe") ? IN_OUT_FILE : IN_OUT_DIR) ||
        input_path(verb, "ks", v->m.ks, IN_FILE) || input_path(verb, "agent", v->m.agent, IN_FILE) ||
        input_path(verb, "rootfs", v->m.rootfs, IN_DIR) || input_path(verb, "payload", v->m.payload, IN_DIR) ||
        input_path(verb, "rootpw-file", v->m.rootpw_file, IN_FILE) ||
        input_path(verb, "hosts", a->hosts.real, IN_FILE))
        return 2;
    if (input_text(verb, "append", v->append, 0) || input_text(verb, "title", v->title, 0) ||
        input_text(verb, "cs", v->m.cs_host, 1) || input_append_keys(verb, v->append))
        return 2;
    return input_payload(verb, v->m.payload, 0);
}

int verbopts_finish(struct verbopts *v, const struct image_args *a, const char *verb)
{
    static const char *const ks[] = {"../kickstart/mt-target.ks", "../share/mt-agent/kickstart/mt-target.ks",
                                     "/usr/share/mt-agent/kickstart/mt-target.ks", NULL};
    static const char *const agent[] = {"mt-agent", "../sbin/mt-agent", "/usr/sbin/mt-agent", NULL};
    static const char *const rootfs[] = {"../rootfs", "../share/mt-agent/rootfs",
                                         "/usr/share/mt-agent/rootfs", NULL};

    v->base = a->base.real;
    v->out = a->out.real;
    v->append = a->append;
    v->title = a->title;
    v->m.ks = a->ks.real;
    v->m.payload = a->payload.real;
    v->m.agent = a->agent.real;
    v->m.rootfs = a->rootfs.real;
    v->m.cs_host = a->cs;
    v->m.rootpw_file = a->rootpw_file.real;
    if (!v->m.ks && !(v->m.ks = pick(v->ks_buf, sizeof(v->ks_buf), ks))) {
        image_say("mt-image %s: the kickstart mt-target.ks is not next to mt-image; give --ks FILE\n", verb);
        return 2;
    }
    if (!v->m.agent && !(v->m.agent = pick(v->agent_buf, sizeof(v->agent_buf), agent))) {
        image_say("mt-image %s: mt-agent is not next to mt-image (make); give --agent BIN\n", verb);
        return 2;
    }
    if (!v->m.rootfs && !(v->m.rootfs = pick(v->rootfs_buf, sizeof(v->rootfs_buf), rootfs))) {
        image_say("mt-image %s: the rootfs overlay is not next to mt-image; give --rootfs DIR\n", verb);
        return 2;
    }
    if (verbopts_inputs(v, a, verb) != 0)
        return 2;
    return agent_target_check(v->m.agent, a->force_agent, verb);
}

static bool g_shown;

void verbopts_progress(void *arg, const char *phase, uint64_t done, uint64_t total)
{
    struct image_ctx *ctx = arg;
    static unsigned last = 101;
    static int tty = -1; /* asked once: this runs for every block written */
    unsigned pct;

    if (tty < 0)
        tty = isatty(STDERR_FILENO);
    if (ctx->verbosity < 0 || !tty || total == 0)
        return;
    pct = (unsigned)((done > total ? total : done) * 100 / total);
    if (pct == last && g_shown)
        return;
    last = pct;
    {
        char bar[41];
        unsigned fill = pct * (sizeof(bar) - 1) / 100, i;
        for (i = 0; i < sizeof(bar) - 1; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[sizeof(bar) - 1] = '\0';
        fprintf(stderr, "\r%-10s [%s] %3u%% %llu/%llu MiB", phase, bar, pct,
                (unsigned long long)(done >> 20), (unsigned long long)(total >> 20));
    }
    fflush(stderr);
    g_shown = true;
}

void verbopts_progress_end(struct image_ctx *ctx)
{
    (void)ctx;
    if (g_shown)
        fputc('\n', stderr);
    g_shown = false;
}

/* An error from the library: names from the base image inside, escaped. */
static void print_error(const char *verb, const struct mt_err *err)
{
    char esc[TEXT_ESCAPE_MAX(MT_ERR_MAX)];

    text_escape(err->msg, strnlen(err->msg, sizeof(err->msg)), esc, sizeof(esc), NULL);
    image_say("mt-image %s: %s\n", verb, esc);
}

/* The exit status for a build's -errno: what the base or the options are
 * (not an ISO, no kernel, a command line too long, EINVAL/ENOENT...) is bad
 * input, 2; OUT there and not ours to replace is refused, 3; a failure while
 * reading or writing (EIO, ENOSPC, ENOMEM, EACCES...) is 1. */
static int verbopts_exit(int r)
{
    switch (-r) {
    case EPERM:
    case EEXIST:
        return 3;
    case EINVAL:
    case ENOENT:
    case ENOTDIR:
    case EISDIR:
    case ENAMETOOLONG:
    case ENOEXEC:
        return 2;
    default:
        return 1;
    }
}

int verbopts_run(struct image_ctx *ctx, struct verbopts *v, struct remaster_opts *ro,
                 const char *verb,
                 int (*build)(const struct remaster_opts *, struct remaster_result *, struct mt_err *),
                 struct remaster_result *res)
{
    struct media m;
    struct mt_err err = {0};
    int r;

    if ((r = media_build(&v->m, &m, &err)) < 0) {
        print_error(verb, &err);
        return verbopts_exit(r);
    }
    ro->base = v->base;
    ro->out = v->out;
    ro->media = &m;
    ro->append = v->append;
    ro->title = v->title;
    ro->progress = verbopts_progress;
    ro->progress_arg = ctx;
    r = build(ro, res, &err);
    verbopts_progress_end(ctx);
    media_free(&m);
    ro->media = NULL;
    if (r < 0) {
        print_error(verb, &err);
        return verbopts_exit(r);
    }
    return 0;
}
