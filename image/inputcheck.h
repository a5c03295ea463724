/* inputcheck: mt-image's command line judged before any work: each path option
 * is the kind of thing it names (an existing file, an existing directory, an
 * output whose directory exists), each text that reaches a generated file
 * (isolinux.cfg, pxelinux.cfg, dnsmasq.conf, the OVF) holds no control
 * character, --append sets none of the keys mt-image itself puts on the kernel
 * line, and the payload directory passes the checks the agent makes on the box
 * (SHA256SUMS present, every digest right, every file listed).
 * Each function prints "mt-image VERB: --OPT VALUE: cause; what to do" and
 * returns 2 (bad input), or 0. */
#ifndef MT_INPUTCHECK_H
#define MT_INPUTCHECK_H

enum input_kind {
    IN_FILE,      /* an existing regular file, readable */
    IN_DIR,       /* an existing directory */
    IN_OUT_FILE,  /* a file to write: not a directory, its directory exists */
    IN_OUT_DIR,   /* a directory to write: not a file, its parent exists */
};

/* path NULL (option not given): 0. */
int input_path(const char *verb, const char *opt, const char *path, enum input_kind kind);

/* No byte below 0x20 nor 0x7f; with no_blank also no space (a URL on the
 * kernel line). value NULL: 0. */
int input_text(const char *verb, const char *opt, const char *value, int no_blank);

/* --append against the keys mt-image sets itself on the verb's kernel line
 * (iso: ks=, initrd=; pxe: also ksdevice=). append NULL: 0. */
int input_append_keys(const char *verb, const char *append);

/* --out (a file or a directory, written or not yet) is not the payload
 * directory nor inside it (symbolic links resolved). Either NULL, or the
 * payload directory missing (input_path says so): 0. */
int input_out_outside(const char *verb, const char *out, const char *payload);

/* The payload directory as the agent will see it: DIR/SHA256SUMS parses
 * (manifest.h), every entry names a file of DIR with that SHA-256
 * (payload_hash.h), every regular file of DIR but SHA256SUMS is listed. The
 * module packages the agent installs by default ([payload] modules) that are
 * not at the top of DIR are named in a warning (the box skips or fails that
 * step). dir NULL: 0. */
int input_payload(const char *verb, const char *dir, int quiet);

#endif
