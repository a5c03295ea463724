/* mt-image: builds the installer ISO and the PXE tree on the operator's build host. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "say.h"

static void usage(FILE *f)
{
    size_t i, n;
    const struct image_verb *const *v = image_verb_table(&n);

    fprintf(f, "usage: mt-image [-v|-q] VERB [ARGS]\n\n"
               "Builds a bootable installer ISO or a PXE tree around a CentOS 6.6 boot image,\n"
               "and the VM template (OVA) that boots that ISO,\n"
               "with the mt-agent kickstart, the agent and the payloads.\n\n"
               "global options:\n"
               "  -v, --verbose   more diagnostics\n"
               "  -q, --quiet     errors only\n"
               "  -V, --version   print the version\n"
               "  -h, --help      this help; mt-image VERB --help for a verb\n\nverbs:\n");
    for (i = 0; i < n; i++)
        fprintf(f, "  %-6s %s\n", v[i]->name, v[i]->summary);
    fprintf(f, "\nexit codes: 0 done, 1 failed while working, 2 usage or bad input, 3 refused (pxe: OUT not its own)\n");
}

static void verb_help(const struct image_verb *v, const struct opt_cmd *c)
{
    opt_usage(stdout, c, "[-v|-q]");
    printf("\n%s\n", v->summary);
    if (v->help)
        printf("\n%s", v->help);
    printf("\noptions:\n");
    opt_help(stdout, c);
}

/* Parse the verb's options from its tables and run it. */
static int run_verb(struct image_ctx *ctx, const struct image_verb *v, int argc, char **argv)
{
    struct opt_cmd c = {"mt-image", v->name, NULL, v->opts};
    struct image_args a;
    struct opt_store st;
    char err[512];
    int i, r;

    for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            verb_help(v, &c);
            return 0;
        }
    memset(&a, 0, sizeof(a));
    memset(&st, 0, sizeof(st));
    if (opt_parse(&c, argc, argv, &a, &st, err, sizeof(err)) < 0) {
        image_say("mt-image %s: %s\n", v->name, err);
        opt_usage(stderr, &c, NULL);
        image_say("(mt-image %s --help for more)\n", v->name);
        return 2;
    }
    r = v->fn(ctx, &a);
    opt_store_free(&st);
    return r;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"verbose", no_argument, NULL, 'v'}, {"quiet", no_argument, NULL, 'q'},
        {"version", no_argument, NULL, 'V'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct image_ctx ctx = {0};
    const struct image_verb *const *verbs;
    size_t i, n;
    int c;

    while ((c = getopt_long(argc, argv, "+vqVh", opts, NULL)) != -1) {
        switch (c) {
        case 'v': ctx.verbosity++; break;
        case 'q': ctx.verbosity = -1; break;
        case 'V': printf("mt-image %s\n", MT_IMAGE_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind >= argc) {
        image_say("mt-image: no verb given\n");
        usage(stderr);
        return 2;
    }
    verbs = image_verb_table(&n);
    for (i = 0; i < n; i++)
        if (strcmp(verbs[i]->name, argv[optind]) == 0)
            return run_verb(&ctx, verbs[i], argc - optind, argv + optind);
    image_say("mt-image: unknown verb '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
}
