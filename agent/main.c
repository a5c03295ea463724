/* mt-agent: global options, configuration, then the verb. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "answer.h"
#include "rootpath.h"
#include "textesc.h"
#include "verbs.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: mt-agent [--config FILE] [--root DIR] [--json] [-v|-q] VERB [ARGS]\n"
            "\n"
            "Turns a VMware VM into a registered, ready master target.\n"
            "\n"
            "global options:\n"
            "  -c, --config FILE  configuration file (default %s under --root)\n"
            "  -r, --root DIR     resolve every host path under DIR (fixture trees, a sysroot)\n"
            "  -j, --json         print exactly one JSON document on stdout\n"
            "  -v, --verbose      more diagnostics on stderr (twice: debug)\n"
            "  -q, --quiet        errors only on stderr\n"
            "  -V, --version      print the version\n"
            "  -h, --help         this help; mt-agent VERB --help for a verb\n"
            "\n",
            MT_CONFIG_DEFAULT_PATH);
    verb_list_print(f);
    fprintf(f, "\nexit codes: 0 done, 1 failed, 2 usage or bad config, 3 refused for safety,\n"
               "            4 configuration server unreachable or not authenticated\n");
}

/* --help (-h) in the run's form. */
static int main_help(const struct answer *a)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);

    if (!f)
        return EXIT_FAILED;
    usage(f);
    fclose(f);
    answer_text(a, "help", text ? text : "");
    free(text);
    return EXIT_DONE;
}

/* A bad global option: said on stderr (escaped: it is the operator's word),
 * with the usage in text form, then answered in the run's form. */
static int main_bad_option(const struct answer *a, int c, const char *arg)
{
    char raw[512], msg[512 * 6];

    if (c == ':')
        snprintf(raw, sizeof(raw), "option '%s' needs a value", arg);
    else
        snprintf(raw, sizeof(raw), "unknown option '%s'", arg);
    text_escape(raw, strlen(raw), msg, sizeof(msg), NULL);
    fprintf(stderr, "mt-agent: %s\n", msg);
    if (a->form == ANSWER_TEXT)
        usage(stderr);
    else
        fprintf(stderr, "(mt-agent --help for the global options)\n");
    return answer_failure(a, EXIT_USAGE, msg);
}

/* --root and the configuration file: 0, or the run's answer to the failure. */
static int main_setup(struct mt_ctx *ctx, const char *root, const char *config)
{
    struct mt_err err = {0};
    /* an empty --root (an unset variable) would be this host's own root: refused */
    int r = root && !*root ? -EINVAL : rootpath_set(root);

    if (r == -EINVAL && root && !*root) {
        snprintf(err.msg, sizeof(err.msg), "--root: an empty path; give a directory (leave --root out for this host)");
        log_error("%s", err.msg);
        return answer_failure(&ctx->ans, EXIT_USAGE, err.msg);
    }
    if (r < 0) {
        snprintf(err.msg, sizeof(err.msg), "--root %s: %s; give an existing directory", root, strerror(-r));
        log_error("%s", err.msg);
        return answer_failure(&ctx->ans, EXIT_USAGE, err.msg);
    }
    config_defaults(&ctx->cfg);
    if (config) {
        snprintf(ctx->config_path, sizeof(ctx->config_path), "%s", config);
    } else {
        r = rootpath_resolve(MT_CONFIG_DEFAULT_PATH, ctx->config_path, sizeof(ctx->config_path), 0);
        if (r < 0)
            ctx->config_path[0] = '\0';
    }
    if (!ctx->config_path[0])
        return 0;
    r = config_load(ctx->config_path, &ctx->cfg, &err);
    if (r == -ENOENT && !config) {
        ctx->config_path[0] = '\0'; /* no file: built-in defaults */
        return 0;
    }
    if (r == -ENOENT)
        snprintf(err.msg, sizeof(err.msg), "--config %s: no such configuration file; check the path", config);
    if (r < 0) {
        log_error("%s", err.msg);
        return answer_failure(&ctx->ans, EXIT_USAGE, err.msg);
    }
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'}, {"root", required_argument, NULL, 'r'},
        {"json", no_argument, NULL, 'j'},         {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},         {NULL, 0, NULL, 0},
    };
    struct mt_ctx *ctx = calloc(1, sizeof(*ctx));
    const char *config = NULL, *root = NULL;
    char bad[3] = "-?";
    int c, r;

    if (!ctx) {
        fprintf(stderr, "mt-agent: out of memory\n");
        return EXIT_FAILED;
    }
    /* the answer's form first: every failure from here on is answered in it */
    answer_scan(argc, argv, &ctx->ans);
    ctx->json = ctx->ans.form == ANSWER_JSON;
    out_init("mt-agent", ctx->json, 0);
    opterr = 0;
    /* "+": options after the verb belong to the verb; ":": our own messages */
    while ((c = getopt_long(argc, argv, "+:c:r:jvqVh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'r': root = optarg; break;
        case 'j': break; /* answer_scan saw it */
        case 'v': ctx->verbosity = ctx->verbosity < 0 ? 1 : ctx->verbosity + 1; break;
        case 'q': ctx->verbosity = -1; break;
        case 'V':
            r = answer_text(&ctx->ans, "version", "mt-agent " MT_AGENT_VERSION "\n");
            free(ctx);
            return r;
        case 'h': r = main_help(&ctx->ans); free(ctx); return r;
        default:
            bad[1] = (char)optopt;
            r = main_bad_option(&ctx->ans, c, c == '?' && optopt ? bad : argv[optind - 1]);
            free(ctx);
            return r;
        }
    }
    out_init("mt-agent", ctx->json, ctx->verbosity);
    r = main_setup(ctx, root, config);
    if (r == 0)
        r = dispatch_verb(ctx, argc - optind, argv + optind);
    free(ctx);
    return r;
}
