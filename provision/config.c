/* config: see config.h. A table maps (section, key) to a typed field, so the
 * parser, the defaults and the catalogue can never disagree. */
#include "config.h"

#include "arraysize.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

struct parse_state {
    struct mt_config *cfg;
    char first_error[MT_ERR_MAX];
    int errors;
};

static int on_entry(void *user, const char *section, const char *name, const char *value)
{
    struct parse_state *ps = user;
    char why[512];
    bool section_known = false;
    size_t i;

    for (i = 0; i < N_KEYS; i++) {
        if (strcmp(KEYS[i].section, section) != 0)
            continue;
        section_known = true;
        if (strcmp(KEYS[i].key, name) != 0)
            continue;
        if (set_value(ps->cfg, &KEYS[i], value, why, sizeof(why)) == 0)
            return 1;
        if (!ps->errors++)
            snprintf(ps->first_error, sizeof(ps->first_error), "[%s] %s: %s (expected %s)", section,
                     name, why, type_name(KEYS[i].type));
        return 0;
    }
    if (!ps->errors++) {
        if (!*section)
            snprintf(ps->first_error, sizeof(ps->first_error),
                     "key '%s' outside any section; put it under [cs], [layout], [payload] or [check]",
                     name);
        else if (!section_known)
            snprintf(ps->first_error, sizeof(ps->first_error),
                     "unknown section [%s]; the sections are [cs], [layout], [payload], [check]",
                     section);
        else
            snprintf(ps->first_error, sizeof(ps->first_error),
                     "unknown key '%s' in [%s]; see /etc/mt-agent/mt-agent.conf for the keys", name,
                     section);
    }
    return 0;
}

static int finish(const char *name, int line, struct parse_state *ps, struct mt_err *err)
{
    if (line == 0)
        return 0;
    if (line == -2)
        return mt_err_set(err, -ENOMEM, "%s: out of memory while reading", name);
    if (line < 0)
        return mt_err_set(err, -EIO, "%s: cannot read the configuration file", name);
    if (!ps->errors)
        return mt_err_set(err, -EINVAL,
                          "%s:%d: syntax error; expected [section], key = value, or a ; comment", name,
                          line);
    return mt_err_set(err, -EINVAL, "%s:%d: %s", name, line, ps->first_error);
}

int config_load(const char *path, struct mt_config *cfg, struct mt_err *err)
{
    struct parse_state ps = {.cfg = cfg};
    FILE *f = fopen(path, "r");
    int line;

    if (!f) {
        int e = errno;
        if (e == ENOENT)
            return -ENOENT;
        return mt_err_errno(err, -e, "%s: cannot open the configuration file", path);
    }
    line = ini_parse_file(f, on_entry, &ps);
    fclose(f);
    return finish(path, line, &ps, err);
}

int config_load_string(const char *name, const char *text, struct mt_config *cfg, struct mt_err *err)
{
    struct parse_state ps = {.cfg = cfg};
    return finish(name, ini_parse_string(text, on_entry, &ps), &ps, err);
}
