/* opttab: the command line of every verb of mt-agent and mt-image, declared once.
 *
 * A verb declares its options as a table of struct opt (name, short name, kind,
 * value name, help line, where the value goes); getopt_long's table, the usage
 * line and the `--help` text are generated from it, so they cannot drift.
 * Values are written into the verb's own argument struct at `offset`:
 *   OPT_FLAG       bool
 *   OPT_NUMBER     uint64_t, within [min, max] (0 means "not given": min >= 1)
 *   OPT_STRING     const char * (NULL when not given); with `choices` "a|b|c",
 *                  one of them
 *   OPT_LIST       const char *, a comma list of non-empty items ("a,b")
 *   OPT_HOST_PATH  struct mt_path: the operator's path, taken as given
 *                  (relative to the working directory, never under --root)
 *   OPT_BOX_PATH   struct mt_path: an absolute path on the box, resolved once
 *                  under --root (rootpath_resolve)
 *   OPT_DISK       struct mt_path: a kernel name (sda) is the box's /dev/sda,
 *                  resolved under --root; anything with a '/' is a host path
 * The path rule (mt-agent(8) PATHS): what the operator names on the command
 * line is a host path; what the agent knows by itself or reads from its
 * configuration is the box's. Each is resolved here, where it is parsed; the
 * library receives the resolved path and never resolves it again.
 *
 * Strings made while parsing (resolved paths) live in a struct opt_store that
 * the caller frees after the verb ran. */
#ifndef MT_OPTTAB_H
#define MT_OPTTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum opt_kind { OPT_FLAG, OPT_NUMBER, OPT_STRING, OPT_LIST, OPT_HOST_PATH, OPT_BOX_PATH, OPT_DISK };

/* What an OPT_HOST_PATH names, checked where it is parsed: a missing path, a
 * directory where a file is wanted (or the reverse), a FIFO, a device or a
 * socket is a usage error naming the option and the path (exit 2).
 *   OPT_ANY   not checked (an output the verb creates: --out, --staging)
 *   OPT_FILE  an existing regular file (a link to one is fine)
 *   OPT_DIR   an existing directory */
enum opt_expect { OPT_ANY, OPT_FILE, OPT_DIR };

#define OPT_REQUIRED 0x1 /* the verb cannot run without it (usage line shows it unbracketed) */

/* A path as given (shown in messages, recorded, passed on) and as this
 * process opens it. given == NULL: not given. For a host path real == given. */
struct mt_path {
    const char *given;
    const char *real;
};

struct opt {
    const char *name;       /* long name without "--"; NULL ends a table */
    char short_name;        /* 0: none */
    enum opt_kind kind;
    const char *arg;        /* the value's name in usage and help ("DIR"); NULL for a flag */
    const char *help;       /* one line */
    size_t offset;          /* where the value goes in the verb's argument struct */
    uint64_t min, max;      /* OPT_NUMBER */
    const char *choices;    /* OPT_STRING: "text|json|kickstart", or NULL */
    unsigned flags;         /* OPT_REQUIRED */
    enum opt_expect expect; /* OPT_HOST_PATH: what it must name */
};

/* Ends a table. Tables are written with designated initializers:
 *   {.name = "timeout", .kind = OPT_NUMBER, .arg = "SEC", .help = "...",
 *    .offset = offsetof(struct apply_args, timeout), .min = 1, .max = 86400} */
#define OPT_END {.name = NULL}

/* A verb's command line: its tables (NULL-terminated list: its own and shared
 * ones), a fixed subcommand word (modules "install") or NULL. */
struct opt_cmd {
    const char *prog;       /* "mt-agent" */
    const char *verb;       /* "apply" */
    const char *subcommand;
    const struct opt *const *tables;
};

struct opt_store {
    char *items[64];
    size_t n;
};

/* Parse argv (argv[0] is the verb; then the subcommand when there is one) into
 * args. Returns 0, or -EINVAL with a message naming the option, the value and
 * what is wanted in err (unknown option, missing or bad value, range, choice,
 * unexpected argument, missing required option, a box path that is relative),
 * or -ENAMETOOLONG / -ENOMEM. */
int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, void *args, struct opt_store *st, char *err,
              size_t errlen);

/* Resolve a path the box owns (from the configuration or built in) under
 * --root into p; `given` must be absolute. 0 or -errno (-EINVAL relative). */
int opt_box_path(struct opt_store *st, const char *given, struct mt_path *p);
/* The same with rootpath flags (RP_NOFOLLOW: a link in the last component is
 * not followed, for a file whose own mode and owner are checked). */
int opt_box_path_flags(struct opt_store *st, const char *given, int flags, struct mt_path *p);
/* A disk named in the configuration: a kernel name or a box path. */
int opt_box_disk(struct opt_store *st, const char *given, struct mt_path *p);

/* A copy of s owned by the store; NULL when out of memory or the store is full. */
const char *opt_store_keep(struct opt_store *st, const char *s);
void opt_store_free(struct opt_store *st);

/* " [--disk DEV] [--wipe] --out DIR": the options' synopsis. */
void opt_synopsis(FILE *f, const struct opt_cmd *cmd);
/* "  -a, --agent TARBALL       help line" for every option. */
void opt_help(FILE *f, const struct opt_cmd *cmd);
/* usage: PROG [global options] VERB SYNOPSIS */
void opt_usage(FILE *f, const struct opt_cmd *cmd, const char *globals);

/* The option getopt_long takes "--name" (len bytes of name) for: the exact
 * name, else the one option it abbreviates; NULL when none or ambiguous. */
const struct opt *opt_match(const struct opt_cmd *cmd, const char *name, size_t len);

/* The option `name` of the command's tables, or NULL. */
const struct opt *opt_find(const struct opt_cmd *cmd, const char *name);

/* An argv under construction: a child's command line built from a verb's
 * table (firstboot's steps), so that a renamed option cannot go unnoticed. */
#define OPT_ARGV_MAX 32
struct opt_argv {
    int argc;
    const char *argv[OPT_ARGV_MAX + 1];
    bool overflow;          /* set when an element did not fit: the caller refuses to run it */
    bool unknown;           /* set when an option is not in the table */
    char flags[OPT_ARGV_MAX][64]; /* "--name" of the options added */
};
void opt_argv_word(struct opt_argv *a, const char *word);
/* Append --name (and value unless a flag); unknown names set a->unknown. */
void opt_argv_opt(struct opt_argv *a, const struct opt_cmd *cmd, const char *name, const char *value);

#endif
