/* mt-agent: global options, configuration, then the verb. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rootpath.h"
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
    struct mt_err err = {0};
    int c, r;

    if (!ctx) {
        fprintf(stderr, "mt-agent: out of memory\n");
        return EXIT_FAILED;
    }
    /* "+": options after the verb belong to the verb */
    while ((c = getopt_long(argc, argv, "+c:r:jvqVh", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 'r': root = optarg; break;
        case 'j': ctx->json = true; break;
        case 'v': ctx->verbosity = ctx->verbosity < 0 ? 1 : ctx->verbosity + 1; break;
        case 'q': ctx->verbosity = -1; break;
        case 'V': printf("mt-agent %s\n", MT_AGENT_VERSION); free(ctx); return EXIT_DONE;
        case 'h': usage(stdout); free(ctx); return EXIT_DONE;
        default: usage(stderr); free(ctx); return EXIT_USAGE;
        }
    }
    out_init("mt-agent", ctx->json, ctx->verbosity);

    r = rootpath_set(root);
    if (r < 0) {
        snprintf(err.msg, sizeof(err.msg), "--root %s: %s; give an existing directory", root, strerror(-r));
        log_error("%s", err.msg);
        free(ctx);
        return check_early_failure(argc - optind, argv + optind, EXIT_USAGE, err.msg);
    }

    config_defaults(&ctx->cfg);
    if (config) {
        snprintf(ctx->config_path, sizeof(ctx->config_path), "%s", config);
    } else {
        r = rootpath_resolve(MT_CONFIG_DEFAULT_PATH, ctx->config_path, sizeof(ctx->config_path), 0);
        if (r < 0)
            ctx->config_path[0] = '\0';
    }
    if (ctx->config_path[0]) {
        r = config_load(ctx->config_path, &ctx->cfg, &err);
        if (r == -ENOENT && !config) {
            ctx->config_path[0] = '\0'; /* no file: built-in defaults */
        } else if (r == -ENOENT) {
            snprintf(err.msg, sizeof(err.msg), "%s: no such configuration file; check the --config path", config);
            log_error("%s", err.msg);
            free(ctx);
            return check_early_failure(argc - optind, argv + optind, EXIT_USAGE, err.msg);
        } else if (r < 0) {
            log_error("%s", err.msg);
            free(ctx);
            return check_early_failure(argc - optind, argv + optind, EXIT_USAGE, err.msg);
        }
    }

    r = dispatch_verb(ctx, argc - optind, argv + optind);
    free(ctx);
    return r;
}
