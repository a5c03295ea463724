/* config: see config.h. A table maps (section, key) to a typed field, so the
 * parser, the defaults and the catalogue can never disagree. */
#include "config.h"

#include "arraysize.h"

#include <errno.h>
#include <ini.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "regfile.h"

enum key_type { T_UINT, T_BOOL, T_STR, T_BACKEND, T_PATH, T_LIST };

struct key_def {
    const char *section, *key;
    enum key_type type;
    size_t offset;
    unsigned min, max;          /* T_UINT */
    const char *def;            /* default, as text */
};

#define F(member) offsetof(struct mt_config, member)

static const struct key_def KEYS[] = {
    {"cs", "backend", T_BACKEND, F(cs.backend), 0, 0, "asr"},
    {"cs", "host", T_STR, F(cs.host), 0, 0, ""},
    {"cs", "port", T_UINT, F(cs.port), 1, 65535, "443"},
    {"cs", "data_port", T_UINT, F(cs.data_port), 1, 65535, "9443"},
    {"cs", "ca_file", T_PATH, F(cs.ca_file), 0, 0, ""},
    {"cs", "fingerprint", T_STR, F(cs.fingerprint), 0, 0, ""},
    {"cs", "passphrase_file", T_PATH, F(cs.passphrase_file), 0, 0, "/etc/mt-agent/passphrase"},
    {"cs", "timeout", T_UINT, F(cs.timeout), 1, 86400, "300"},
    {"cs", "connect_timeout", T_UINT, F(cs.connect_timeout), 1, 600, "10"},
    {"cs", "configurator", T_PATH, F(cs.configurator), 0, 0,
     "/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh"},

    {"layout", "disk", T_STR, F(layout.disk), 0, 0, ""},
    {"layout", "root_mib", T_UINT, F(layout.root_mib), 1024, 16777216, "40960"},
    {"layout", "root_min_mib", T_UINT, F(layout.root_min_mib), 1024, 16777216, "20480"},
    {"layout", "crash_extra_mib", T_UINT, F(layout.crash_extra_mib), 0, 16777216, "1024"},
    {"layout", "crash_min_mib", T_UINT, F(layout.crash_min_mib), 256, 16777216, "2048"},
    {"layout", "swap_mib", T_UINT, F(layout.swap_mib), 0, 16777216, "0"},
    {"layout", "home_min_mib", T_UINT, F(layout.home_min_mib), 64, 16777216, "1024"},
    {"layout", "align_mib", T_UINT, F(layout.align_mib), 1, 1024, "1"},
    {"layout", "retention_disk", T_STR, F(layout.retention_disk), 0, 0, ""},
    {"layout", "retention_mount", T_PATH, F(layout.retention_mount), 0, 0, "/mnt/retention"},
    {"layout", "retention_label", T_STR, F(layout.retention_label), 0, 0, "MT_RETENTION"},

    {"payload", "dir", T_PATH, F(payload.dir), 0, 0, "/opt/mt-agent/payload"},
    {"payload", "manifest", T_PATH, F(payload.manifest), 0, 0, ""},
    {"payload", "agent_tarball", T_STR, F(payload.agent_tarball), 0, 0, ""},
    {"payload", "install_dir", T_PATH, F(payload.install_dir), 0, 0, "/usr/local/ASR"},
    {"payload", "script_timeout", T_UINT, F(payload.script_timeout), 1, 86400, "600"},
    {"payload", "modules", T_LIST, F(payload.modules), 0, 0, "kmod-reiserfs,reiserfs-utils,xfsprogs"},

    {"check", "min_cpus", T_UINT, F(check.min_cpus), 1, 4096, "4"},
    {"check", "min_ram_mib", T_UINT, F(check.min_ram_mib), 1, 16777216, "6144"},
    {"check", "min_os_disk_gib", T_UINT, F(check.min_os_disk_gib), 1, 1048576, "100"},
    {"check", "min_retention_gib", T_UINT, F(check.min_retention_gib), 1, 1048576, "1024"},
    {"check", "required_packages", T_LIST, F(check.required_packages), 0, 0,
     "xfsprogs,perl,lsscsi,rsync,wget,kexec-tools"},
    {"check", "ignore", T_LIST, F(check.ignore), 0, 0, ""},
    {"check", "strict", T_BOOL, F(check.strict), 0, 0, "false"},
};

#define N_KEYS ARRAY_SIZE(KEYS)

static const char *type_name(enum key_type t)
{
    switch (t) {
    case T_UINT: return "integer";
    case T_BOOL: return "boolean";
    case T_BACKEND: return "asr|http";
    case T_PATH: return "absolute path";
    case T_LIST: return "comma list";
    case T_STR: break;
    }
    return "string";
}

const struct config_key_info *config_catalogue(int *n_out)
{
    static struct config_key_info info[N_KEYS];
    size_t i;

    for (i = 0; i < N_KEYS; i++) {
        info[i].section = KEYS[i].section;
        info[i].key = KEYS[i].key;
        info[i].type = type_name(KEYS[i].type);
        info[i].default_value = KEYS[i].def;
    }
    *n_out = (int)N_KEYS;
    return info;
}

/* Store text `v` into the field of `k`; on error write the reason to why. */
static int set_value(struct mt_config *cfg, const struct key_def *k, const char *v, char *why, size_t wlen)
{
    char *field = (char *)cfg + k->offset;

    switch (k->type) {
    case T_UINT: {
        char *end;
        unsigned long n;

        errno = 0;
        if (!*v || v[0] == '-' || v[0] == '+') {
            snprintf(why, wlen, "'%s' is not a whole number", v);
            return -1;
        }
        n = strtoul(v, &end, 10);
        if (errno || *end || n < k->min || n > k->max) {
            snprintf(why, wlen, "'%s' is not a whole number from %u to %u", v, k->min, k->max);
            return -1;
        }
        *(unsigned *)(void *)field = (unsigned)n;
        return 0;
    }
    case T_BOOL:
        if (!strcasecmp(v, "true") || !strcasecmp(v, "yes") || !strcmp(v, "1") || !strcasecmp(v, "on"))
            *(bool *)(void *)field = true;
        else if (!strcasecmp(v, "false") || !strcasecmp(v, "no") || !strcmp(v, "0") || !strcasecmp(v, "off"))
            *(bool *)(void *)field = false;
        else {
            snprintf(why, wlen, "'%s' is not a boolean (true or false)", v);
            return -1;
        }
        return 0;
    case T_BACKEND:
        if (!strcmp(v, "asr"))
            *(enum cs_backend *)(void *)field = CS_BACKEND_ASR;
        else if (!strcmp(v, "http"))
            *(enum cs_backend *)(void *)field = CS_BACKEND_HTTP;
        else {
            snprintf(why, wlen, "'%s' is not a backend (asr or http)", v);
            return -1;
        }
        return 0;
    case T_PATH:
        if (*v && v[0] != '/') {
            snprintf(why, wlen, "'%s' is not an absolute path", v);
            return -1;
        }
        /* fall through */
    case T_STR:
    case T_LIST:
        if (strlen(v) >= MT_CFG_STR) {
            snprintf(why, wlen, "value longer than %d characters", MT_CFG_STR - 1);
            return -1;
        }
        if (k->type == T_LIST && strchr(v, ' ') && !strchr(v, ',')) {
            snprintf(why, wlen, "'%s': separate the items with commas", v);
            return -1;
        }
        strcpy(field, v);
        return 0;
    }
    return -1;
}

void config_defaults(struct mt_config *cfg)
{
    char why[256];
    size_t i;

    memset(cfg, 0, sizeof(*cfg));
    for (i = 0; i < N_KEYS; i++)
        if (set_value(cfg, &KEYS[i], KEYS[i].def, why, sizeof(why)) < 0)
            abort(); /* a bad built-in default is a programming error */
}

/* The reader inih calls for each line (ini_parse_stream), over the whole file
 * held in memory. It, not inih, splits lines, so it knows every line's number
 * and can refuse what inih would read silently in a way the operator did not
 * mean: inih cuts a line longer than its buffer and reads the tail as a line of
 * its own; it takes an indented line as a continuation of the key above; it
 * ignores text after "[section]" and never reports a section without keys; it
 * takes a lone CR as part of a line. See config.h for the rules. */
struct parse_state {
    struct mt_config *cfg;
    const char *text;           /* the file, NUL-terminated */
    size_t len, off;            /* its length, the start of the next line */
    int lineno;                 /* the line the reader last handed to inih */
    int key_line[N_KEYS];       /* where each key was set, 0: not yet */
    char first_error[MT_ERR_MAX];
    int error_line;
    int errors;
};

static int parse_error(struct parse_state *ps, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Record an error at `line` (the first one is the one reported). Returns 0. */
static int parse_error(struct parse_state *ps, int line, const char *fmt, ...)
{
    va_list ap;

    if (ps->errors++)
        return 0;
    ps->error_line = line;
    va_start(ap, fmt);
    vsnprintf(ps->first_error, sizeof(ps->first_error), fmt, ap);
    va_end(ap);
    return 0;
}

static bool is_section(const char *name)
{
    size_t i;

    for (i = 0; i < N_KEYS; i++)
        if (!strcmp(KEYS[i].section, name))
            return true;
    return false;
}

/* A "[section]" line: the name must be known, and nothing but a comment may
 * follow the ']' (inih would ignore "[layout] root_mib = 1" after the ']'). */
static bool check_section_line(struct parse_state *ps, const char *s, size_t n)
{
    const char *close = memchr(s, ']', n);
    char name[64];
    size_t i, len;

    if (!close)
        return parse_error(ps, ps->lineno, "'[' without a closing ']'; a section header is [name]");
    len = (size_t)(close - s - 1);
    for (i = len + 2; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
        ;
    if (i < n && s[i] != ';' && s[i] != '#')
        return parse_error(ps, ps->lineno,
                           "text after the section header [%.*s]; put '%.*s' on a line of its own",
                           (int)len, s + 1, (int)(n - i), s + i);
    if (len < sizeof(name)) {
        memcpy(name, s + 1, len);
        name[len] = '\0';
    }
    if (len >= sizeof(name) || !is_section(name))
        return parse_error(ps, ps->lineno,
                           "unknown section [%.*s]; the sections are [cs], [layout], [payload], [check]",
                           (int)len, s + 1);
    return true;
}

/* Check one line's bytes [s, s+n) (line end removed). false: error recorded. */
static bool check_line(struct parse_state *ps, const char *s, size_t n, int max, bool indented)
{
    size_t i;

    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '\r')
            return parse_error(ps, ps->lineno,
                               "carriage return inside the line (a file with CR-only, old Mac, line ends?); "
                               "save it with LF or CRLF line ends");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return parse_error(ps, ps->lineno, "control character 0x%02x at column %zu; this must be "
                               "a text file", c, i + 1);
    }
    if (n > (size_t)max)
        return parse_error(ps, ps->lineno, "line is %zu bytes long, more than the %d a line may have; "
                           "shorten it", n, max);
    if (!n || *s == ';' || *s == '#')
        return true;
    if (*s == '[')
        return check_section_line(ps, s, n);
    if (!memchr(s, '=', n) && !memchr(s, ':', n))
        return parse_error(ps, ps->lineno, indented ?
                           "indented line without '='; a value cannot continue on the next line: put "
                           "key = value on one line" :
                           "syntax error; expected [section], key = value, or a ; comment");
    return true;
}

/* ini_reader: hand inih the next line, without its line end and indentation,
 * or NULL at the end or after an error. */
static char *next_line(char *str, int num, void *stream)
{
    struct parse_state *ps = stream;
    const char *s, *nl;
    size_t n, lead = 0;

    if (ps->off >= ps->len || ps->errors)
        return NULL;
    s = ps->text + ps->off;
    nl = memchr(s, '\n', ps->len - ps->off);
    n = nl ? (size_t)(nl - s) : ps->len - ps->off;
    ps->off += n + (nl ? 1 : 0);
    ps->lineno++;
    if (nl && n && s[n - 1] == '\r') /* CRLF; a CR before the end of the file is an error */
        n--;
    if (ps->lineno == 1 && n >= 3 && !memcmp(s, "\xef\xbb\xbf", 3))
        s += 3, n -= 3;
    while (lead < n && (s[lead] == ' ' || s[lead] == '\t'))
        lead++;
    if (memchr(s, '\0', n)) {
        parse_error(ps, ps->lineno, "NUL byte in the line; this must be a text file");
        return NULL;
    }
    if (!check_line(ps, s + lead, n - lead, num - 1, lead > 0))
        return NULL;
    /* a line too long with its indentation still fits once that is removed */
    memcpy(str, s + lead, n - lead);
    str[n - lead] = '\0';
    return str;
}

/* A value inih hands over that does not mean what it seems to. */
static const char *value_trap(const char *v)
{
    size_t n = strlen(v);
    const char *h;

    if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
        return "quotes are not removed (they would be part of the value); write the value without them";
    for (h = strchr(v, '#'); h; h = strchr(h + 1, '#'))
        if (h == v || h[-1] == ' ' || h[-1] == '\t')
            return "'#' starts a comment only at the start of a line; after a value use ' ; comment'";
    return NULL;
}

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *ps = user;
    const char *trap;
    char why[512];
    size_t i;

    if (!*name)
        return parse_error(ps, ps->lineno, "syntax error: a value without a key name before the '='");
    for (i = 0; i < N_KEYS; i++) {
        if (strcmp(KEYS[i].section, section) != 0 || strcmp(KEYS[i].key, name) != 0)
            continue;
        if (ps->key_line[i])
            return parse_error(ps, ps->lineno, "[%s] %s is set twice (lines %d and %d); keep one", section,
                               name, ps->key_line[i], ps->lineno);
        ps->key_line[i] = ps->lineno;
        if ((trap = value_trap(value)))
            return parse_error(ps, ps->lineno, "[%s] %s: %s", section, name, trap);
        if (set_value(ps->cfg, &KEYS[i], value, why, sizeof(why)) == 0)
            return 1;
        return parse_error(ps, ps->lineno, "[%s] %s: %s (expected %s)", section, name, why,
                           type_name(KEYS[i].type));
    }
    if (!*section)
        return parse_error(ps, ps->lineno,
                           "key '%s' outside any section; put it under [cs], [layout], [payload] or [check]",
                           name);
    /* an unknown section was refused by the reader */
    return parse_error(ps, ps->lineno,
                       "unknown key '%s' in [%s]; see /etc/mt-agent/mt-agent.conf for the keys", name,
                       section);
}

/* Parse text[0..len) (NUL-terminated) into cfg; `name` in messages. */
static int parse_text(const char *name, const char *text, size_t len, struct mt_config *cfg,
                      struct mt_err *err)
{
    struct parse_state *ps = calloc(1, sizeof(*ps));
    int line, r = 0;

    if (!ps)
        return mt_err_set(err, -ENOMEM, "%s: out of memory while reading", name);
    ps->cfg = cfg;
    ps->text = text;
    ps->len = len;
    line = ini_parse_stream(next_line, ps, on_entry, ps);
    if (ps->errors)
        r = mt_err_set(err, -EINVAL, "%s:%d: %s", name, ps->error_line, ps->first_error);
    else if (line == -2)
        r = mt_err_set(err, -ENOMEM, "%s: out of memory while reading", name);
    else if (line < 0)
        r = mt_err_set(err, -EIO, "%s: cannot read the configuration file", name);
    else if (line > 0)
        r = mt_err_set(err, -EINVAL,
                       "%s:%d: syntax error; expected [section], key = value, or a ; comment", name, line);
    free(ps);
    return r;
}

int config_load(const char *path, struct mt_config *cfg, struct mt_err *err)
{
    size_t len;
    char *text;
    int r = regfile_read(path, 0, "configuration file", CONFIG_MAX_BYTES, &text, &len, err);

    if (r < 0)
        return r;
    r = parse_text(path, text, len, cfg, err);
    free(text);
    return r;
}

int config_load_string(const char *name, const char *text, struct mt_config *cfg, struct mt_err *err)
{
    return parse_text(name, text, strlen(text), cfg, err);
}

int config_load_bytes(const char *name, const char *bytes, size_t len, struct mt_config *cfg,
                      struct mt_err *err)
{
    char *copy = malloc(len + 1);
    int r;

    if (!copy)
        return mt_err_set(err, -ENOMEM, "%s: out of memory while reading", name);
    memcpy(copy, bytes, len);
    copy[len] = '\0';
    r = parse_text(name, copy, len, cfg, err);
    free(copy);
    return r;
}
