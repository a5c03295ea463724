/* mt-image: builds the installer ISO and the PXE tree on the operator's build host. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "image.h"

static const struct image_verb *const VERBS[] = {&image_verb_iso, &image_verb_pxe, &image_verb_ova};
#define N_VERBS (sizeof(VERBS) / sizeof(VERBS[0]))

static void usage(FILE *f)
{
    size_t i;

    fprintf(f, "usage: mt-image [-v|-q] VERB [ARGS]\n\n"
               "Builds a bootable installer ISO or a PXE tree around a CentOS 6.6 boot image,\n"
               "and the VM template (OVA) that boots that ISO,\n"
               "with the mt-agent kickstart, the agent and the payloads.\n\n"
               "global options:\n"
               "  -v, --verbose   more diagnostics\n"
               "  -q, --quiet     errors only\n"
               "  -V, --version   print the version\n"
               "  -h, --help      this help; mt-image VERB --help for a verb\n\nverbs:\n");
    for (i = 0; i < N_VERBS; i++)
        fprintf(f, "  %-6s %s\n", VERBS[i]->name, VERBS[i]->summary);
    fprintf(f, "\nexit codes: 0 done, 1 failed, 2 usage or bad input\n");
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"verbose", no_argument, NULL, 'v'}, {"quiet", no_argument, NULL, 'q'},
        {"version", no_argument, NULL, 'V'}, {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct image_ctx ctx = {0};
    size_t i;
    int c, a;

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
        fprintf(stderr, "mt-image: no verb given\n");
        usage(stderr);
        return 2;
    }
    for (i = 0; i < N_VERBS; i++) {
        if (strcmp(VERBS[i]->name, argv[optind]) != 0)
            continue;
        for (a = optind + 1; a < argc; a++)
            if (!strcmp(argv[a], "--help") || !strcmp(argv[a], "-h")) {
                printf("usage: mt-image %s %s\n\n%s\n", VERBS[i]->name, VERBS[i]->usage,
                       VERBS[i]->summary);
                return 0;
            }
        return VERBS[i]->fn(&ctx, argc - optind, argv + optind);
    }
    fprintf(stderr, "mt-image: unknown verb '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
}
