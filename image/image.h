/* image: the mt-image verbs. */
#ifndef MT_IMAGE_H
#define MT_IMAGE_H

#define MT_IMAGE_VERSION "0.1.0"

struct image_ctx {
    int verbosity;
};

struct image_verb {
    const char *name;
    int (*fn)(struct image_ctx *ctx, int argc, char **argv);
    const char *usage;
    const char *summary;
};

extern const struct image_verb image_verb_iso, image_verb_pxe, image_verb_ova;

struct hosts;
/* --hosts FILE (image/hostsopt.c): loads it into *out, refusing an --append that sets
 * what the file sets; prints the error. Returns 0, or 2 (bad hosts file or usage). */
int image_load_hosts(const char *verb, const char *file, const char *append, struct hosts *out);

#endif
