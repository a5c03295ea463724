/* opttab: see opttab.h. */
#include "opttab.h"

#include "arraysize.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rootpath.h"
#include "textesc.h"

#define OPT_MAX 64
#define OPT_VAL_BASE 0x100

static int fail(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    char raw[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(raw, sizeof(raw), fmt, ap);
    va_end(ap);
    /* the operator's words are in it: no control character of theirs reaches a terminal */
    text_escape(raw, strlen(raw), err, errlen, NULL);
    return -EINVAL;
}

/* The n-th option over all tables, and the count. */
static const struct opt *nth(const struct opt_cmd *cmd, size_t n)
{
    const struct opt *const *t;
    const struct opt *o;

    for (t = cmd->tables; t && *t; t++)
        for (o = *t; o->name; o++)
            if (n-- == 0)
                return o;
    return NULL;
}

static size_t count(const struct opt_cmd *cmd)
{
    size_t n = 0;

    while (nth(cmd, n))
        n++;
    return n;
}

const struct opt *opt_find(const struct opt_cmd *cmd, const char *name)
{
    const struct opt *o;
    size_t i;

    for (i = 0; (o = nth(cmd, i)); i++)
        if (strcmp(o->name, name) == 0)
            return o;
    return NULL;
}

const struct opt *opt_match(const struct opt_cmd *cmd, const char *name, size_t len)
{
    const struct opt *o, *found = NULL;
    size_t i;
    int n = 0;

    for (i = 0; (o = nth(cmd, i)); i++) {
        if (strncmp(o->name, name, len) != 0)
            continue;
        if (o->name[len] == '\0')
            return o;
        found = o;
        n++;
    }
    return n == 1 ? found : NULL;
}

const char *opt_store_keep(struct opt_store *st, const char *s)
{
    char *d;

    if (st->n >= ARRAY_SIZE(st->items) || !(d = strdup(s)))
        return NULL;
    st->items[st->n++] = d;
    return d;
}

void opt_store_free(struct opt_store *st)
{
    while (st->n)
        free(st->items[--st->n]);
}

int opt_box_path(struct opt_store *st, const char *given, struct mt_path *p)
{
    return opt_box_path_flags(st, given, 0, p);
}

int opt_box_path_flags(struct opt_store *st, const char *given, int flags, struct mt_path *p)
{
    char real[PATH_MAX];
    int r;

    if (!given || given[0] != '/')
        return -EINVAL;
    r = rootpath_resolve(given, real, sizeof(real), flags);
    if (r < 0)
        return r;
    p->given = opt_store_keep(st, given); /* a copy: given may be the caller's buffer */
    p->real = opt_store_keep(st, real);
    return p->given && p->real ? 0 : -ENOMEM;
}

int opt_box_disk(struct opt_store *st, const char *given, struct mt_path *p)
{
    char dev[PATH_MAX];
    int r;

    if (!given || !*given)
        return -EINVAL;
    if (strchr(given, '/'))
        return opt_box_path(st, given, p);
    if ((size_t)snprintf(dev, sizeof(dev), "/dev/%s", given) >= sizeof(dev))
        return -ENAMETOOLONG;
    r = opt_box_path(st, dev, p);
    return r;
}

static int parse_number(const struct opt *o, const char *v, uint64_t *out, char *err, size_t errlen)
{
    unsigned long long n;
    char *end;

    errno = 0;
    n = v[0] >= '0' && v[0] <= '9' ? strtoull(v, &end, 10) : 0;
    if (v[0] < '0' || v[0] > '9' || *end || errno || n < o->min || n > o->max)
        return fail(err, errlen, "--%s wants a whole number from %llu to %llu, not '%s'", o->name,
                    (unsigned long long)o->min, (unsigned long long)o->max, v);
    *out = n;
    return 0;
}

static bool is_choice(const char *choices, const char *v)
{
    size_t l = strlen(v);
    const char *c = choices;

    while (l && c && *c) {
        if (strncmp(c, v, l) == 0 && (c[l] == '|' || c[l] == '\0'))
            return true;
        c = strchr(c, '|');
        if (c)
            c++;
    }
    return false;
}

/* An operator's path against what the option expects (opttab.h OPT_FILE/OPT_DIR). */
static int path_is_expected(const struct opt *o, const char *v, char *err, size_t errlen)
{
    const char *is;
    struct stat st;

    if (o->expect == OPT_ANY)
        return 0;
    if (stat(v, &st) < 0)
        return fail(err, errlen, "--%s %s: %s; give an existing %s", o->name, v, strerror(errno),
                    o->expect == OPT_DIR ? "directory" : "file");
    if (o->expect == OPT_DIR ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))
        return 0;
    is = S_ISDIR(st.st_mode) ? "a directory" : S_ISREG(st.st_mode) ? "a regular file" : S_ISFIFO(st.st_mode) ? "a FIFO"
         : S_ISBLK(st.st_mode) || S_ISCHR(st.st_mode) ? "a device" : S_ISSOCK(st.st_mode) ? "a socket" : "not a file";
    if (o->expect == OPT_DIR)
        return fail(err, errlen, "--%s %s: is not a directory (%s); give a directory", o->name, v, is);
    return fail(err, errlen, "--%s %s: is %s, not a regular file; give a regular file", o->name, v, is);
}

static int take_path(const struct opt *o, const char *v, struct mt_path *p, struct opt_store *st, char *err,
                     size_t errlen)
{
    int r = 0;

    if (!*v)
        return fail(err, errlen, "--%s wants a path, not an empty string", o->name);
    switch (o->kind) {
    case OPT_BOX_PATH:
        if (v[0] != '/')
            return fail(err, errlen, "--%s wants an absolute path on the box, not '%s'", o->name, v);
        r = opt_box_path(st, v, p);
        break;
    case OPT_DISK:
        if (!strchr(v, '/'))
            r = opt_box_disk(st, v, p); /* a kernel name: the box's device node */
        else
            p->given = p->real = v;     /* the operator's device node or image file */
        break;
    default:
        if ((r = path_is_expected(o, v, err, errlen)) < 0)
            return r;
        p->given = p->real = v;
        break;
    }
    if (r < 0)
        return fail(err, errlen, "--%s %s: %s", o->name, v, r == -ENAMETOOLONG ? "path too long" : strerror(-r));
    return 0;
}

static int take(const struct opt *o, const char *v, void *args, struct opt_store *st, char *err, size_t errlen)
{
    char *at = (char *)args + o->offset;

    switch (o->kind) {
    case OPT_FLAG: *(bool *)at = true; return 0;
    case OPT_NUMBER: return parse_number(o, v, (uint64_t *)at, err, errlen);
    case OPT_STRING:
        if (o->choices && !is_choice(o->choices, v))
            return fail(err, errlen, "--%s is %s, not '%s'", o->name, o->choices, v);
        if (!*v)
            return fail(err, errlen, "--%s wants a value, not an empty string", o->name);
        *(const char **)at = v;
        return 0;
    case OPT_LIST:
        if (!*v || v[0] == ',' || v[strlen(v) - 1] == ',' || strstr(v, ",,"))
            return fail(err, errlen, "--%s wants a comma list of names (a,b), not '%s'", o->name, v);
        *(const char **)at = v;
        return 0;
    default: return take_path(o, v, (struct mt_path *)at, st, err, errlen);
    }
}

/* getopt_long's table and option string from the verb's tables. */
static void build_getopt(const struct opt_cmd *cmd, size_t n, struct option *lo, char *shorts, size_t slen)
{
    size_t i, k = 0;

    shorts[k++] = '+'; /* stop at the first operand: it is an error, not an option */
    shorts[k++] = ':'; /* ':' for a missing value: our own messages */
    for (i = 0; i < n; i++) {
        const struct opt *o = nth(cmd, i);
        lo[i].name = o->name;
        lo[i].has_arg = o->kind == OPT_FLAG ? no_argument : required_argument;
        lo[i].flag = NULL;
        lo[i].val = OPT_VAL_BASE + (int)i;
        if (o->short_name && k + 3 < slen) {
            shorts[k++] = o->short_name;
            if (o->kind != OPT_FLAG)
                shorts[k++] = ':';
        }
    }
    memset(&lo[n], 0, sizeof(lo[n]));
    shorts[k] = '\0';
}

static int short_to_index(const struct opt_cmd *cmd, size_t n, int c)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (nth(cmd, i)->short_name == c)
            return (int)i;
    return -1;
}

static int check_required(const struct opt_cmd *cmd, size_t n, const bool *seen, char *err, size_t errlen)
{
    size_t i;

    for (i = 0; i < n; i++) {
        const struct opt *o = nth(cmd, i);
        if ((o->flags & OPT_REQUIRED) && !seen[i])
            return fail(err, errlen, "--%s %s is required", o->name, o->arg ? o->arg : "");
    }
    return 0;
}

int opt_parse(const struct opt_cmd *cmd, int argc, char **argv, void *args, struct opt_store *st, char *err,
              size_t errlen)
{
    struct option lo[OPT_MAX + 1];
    char shorts[2 * OPT_MAX + 4];
    bool seen[OPT_MAX];
    size_t n = count(cmd);
    int c, r, idx;

    if (n > OPT_MAX)
        return fail(err, errlen, "%s %s: more than %d options in its table", cmd->prog, cmd->verb, OPT_MAX);
    if (cmd->subcommand) {
        if (argc < 2 || strcmp(argv[1], cmd->subcommand) != 0)
            return fail(err, errlen, "the only subcommand is '%s'", cmd->subcommand);
        argc--;
        argv++;
    }
    memset(seen, 0, sizeof(seen));
    build_getopt(cmd, n, lo, shorts, sizeof(shorts));
    optind = 0; /* glibc: a full reset, for a second parse in the same process */
    opterr = 0;
    while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
        if (c == '?')
            return optopt ? fail(err, errlen, "unknown option '-%c'", optopt)
                          : fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
        if (c == ':')
            return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
        idx = c >= OPT_VAL_BASE ? c - OPT_VAL_BASE : short_to_index(cmd, n, c);
        if (idx < 0 || (size_t)idx >= n)
            return fail(err, errlen, "unknown option '%s'", argv[optind - 1]);
        r = take(nth(cmd, (size_t)idx), optarg, args, st, err, errlen);
        if (r < 0)
            return r;
        seen[idx] = true;
    }
    if (optind < argc)
        return fail(err, errlen, "unexpected argument '%s'", argv[optind]);
    return check_required(cmd, n, seen, err, errlen);
}

/* ---- usage and help ------------------------------------------------------------------ */

static void opt_form(char *buf, size_t len, const struct opt *o)
{
    if (o->kind == OPT_FLAG)
        snprintf(buf, len, "--%s", o->name);
    else
        snprintf(buf, len, "--%s %s", o->name, o->choices ? o->choices : o->arg ? o->arg : "VALUE");
}

#define SYNOPSIS_WIDTH 100

/* The synopsis from column col on, wrapped before SYNOPSIS_WIDTH with
 * continuation lines indented by indent. */
static void synopsis_wrapped(FILE *f, const struct opt_cmd *cmd, size_t col, size_t indent)
{
    const struct opt *o;
    char form[256], item[260];
    size_t i, len;

    if (cmd->subcommand) {
        fprintf(f, " %s", cmd->subcommand);
        col += 1 + strlen(cmd->subcommand);
    }
    for (i = 0; (o = nth(cmd, i)); i++) {
        opt_form(form, sizeof(form), o);
        snprintf(item, sizeof(item), (o->flags & OPT_REQUIRED) ? "%s" : "[%s]", form);
        len = strlen(item);
        if (col + 1 + len > SYNOPSIS_WIDTH && col > indent) {
            fprintf(f, "\n%*s", (int)indent, "");
            col = indent;
        }
        fprintf(f, " %s", item);
        col += 1 + len;
    }
}

void opt_synopsis(FILE *f, const struct opt_cmd *cmd)
{
    synopsis_wrapped(f, cmd, 0, 8);
}

void opt_usage(FILE *f, const struct opt_cmd *cmd, const char *globals)
{
    int n = fprintf(f, "usage: %s%s%s %s", cmd->prog, globals ? " " : "", globals ? globals : "", cmd->verb);

    synopsis_wrapped(f, cmd, n > 0 ? (size_t)n : 0, 8);
    fputc('\n', f);
}

void opt_help(FILE *f, const struct opt_cmd *cmd)
{
    const struct opt *o;
    char form[256], full[300];
    size_t i;

    for (i = 0; (o = nth(cmd, i)); i++) {
        opt_form(form, sizeof(form), o);
        if (o->short_name)
            snprintf(full, sizeof(full), "-%c, %s", o->short_name, form);
        else
            snprintf(full, sizeof(full), "    %s", form);
        if (strlen(full) > 28)
            fprintf(f, "  %s\n  %-28s %s\n", full, "", o->help);
        else
            fprintf(f, "  %-28s %s\n", full, o->help);
    }
}

/* ---- argv for a child ------------------------------------------------------------------ */

void opt_argv_word(struct opt_argv *a, const char *word)
{
    if (a->argc >= OPT_ARGV_MAX) {
        a->overflow = true;
        return;
    }
    a->argv[a->argc++] = word;
    a->argv[a->argc] = NULL;
}

void opt_argv_opt(struct opt_argv *a, const struct opt_cmd *cmd, const char *name, const char *value)
{
    const struct opt *o = opt_find(cmd, name);
    char *flag;

    if (!o) {
        a->unknown = true;
        return;
    }
    if (a->argc >= OPT_ARGV_MAX) {
        a->overflow = true;
        return;
    }
    flag = a->flags[a->argc];
    if ((size_t)snprintf(flag, sizeof(a->flags[0]), "--%s", o->name) >= sizeof(a->flags[0])) {
        a->overflow = true;
        return;
    }
    opt_argv_word(a, flag);
    if (o->kind != OPT_FLAG)
        opt_argv_word(a, value);
}
