/* bootcfg: see bootcfg.h. Line-based edits; every input line is kept unless the
 * edit is about it, so an operator's own entries and comments survive. */
#include "bootcfg.h"

#include "arraysize.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct sbuf {
    char *p;
    size_t len, cap;
    bool oom;
};

static void sb_addn(struct sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *np;
        while (cap < b->len + n + 1)
            cap *= 2;
        np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
    char tmp[4096];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(tmp)) {
        b->oom = true;
        return;
    }
    sb_addn(b, tmp, (size_t)n);
}

static int sb_finish(struct sbuf *b, char **out, struct mt_err *err)
{
    if (b->oom || !b->p) {
        free(b->p);
        return mt_err_set(err, -ENOMEM, "out of memory editing a configuration file");
    }
    *out = b->p;
    return 0;
}

/* A line split into its first word (keyword, lower-cased) and the rest. */
struct cfg_line {
    const char *start; /* the whole line, without its newline */
    size_t len;
    char key[32];
    char key2[32]; /* second word, for "menu default" / "menu label" */
    const char *rest; /* after the keyword and blanks */
    size_t rest_len;
};

static void parse_line(const char *s, size_t len, struct cfg_line *l)
{
    size_t i = 0, k = 0;

    memset(l, 0, sizeof(*l));
    l->start = s;
    l->len = len;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    while (i < len && !isspace((unsigned char)s[i]) && k + 1 < sizeof(l->key))
        l->key[k++] = (char)tolower((unsigned char)s[i++]);
    while (i < len && !isspace((unsigned char)s[i]))
        i++;
    while (i < len && isspace((unsigned char)s[i]))
        i++;
    l->rest = s + i;
    l->rest_len = len - i;
    while (l->rest_len > 0 && isspace((unsigned char)l->rest[l->rest_len - 1]))
        l->rest_len--;
    for (k = 0; k < l->rest_len && k + 1 < sizeof(l->key2) && !isspace((unsigned char)l->rest[k]); k++)
        l->key2[k] = (char)tolower((unsigned char)l->rest[k]);
}

static bool rest_is(const struct cfg_line *l, const char *word)
{
    return l->rest_len == strlen(word) && strncasecmp(l->rest, word, l->rest_len) == 0;
}

/* Calls fn for each line of text; stops when fn returns non-zero. */
typedef int (*line_fn)(const struct cfg_line *l, void *arg);
static int for_each_line(const char *text, line_fn fn, void *arg)
{
    const char *p = text;
    struct cfg_line l;
    int r;

    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        size_t trim = len;
        if (trim > 0 && p[trim - 1] == '\r')
            trim--;
        parse_line(p, trim, &l);
        r = fn(&l, arg);
        if (r)
            return r;
        p += len + (nl ? 1 : 0);
    }
    return 0;
}

static void copy_rest(char *dst, size_t cap, const struct cfg_line *l)
{
    size_t n = l->rest_len < cap - 1 ? l->rest_len : cap - 1;
    memcpy(dst, l->rest, n);
    dst[n] = '\0';
}

/* ---- finding the default entry ---- */

struct label_info {
    char name[64];
    char kernel[256];
    char append[2048];
    bool menu_default;
};

struct scan {
    struct label_info labels[64];
    size_t n;
    char default_name[64];
    bool in_label;
};

static int scan_line(const struct cfg_line *l, void *arg)
{
    struct scan *s = arg;
    struct label_info *cur = s->n ? &s->labels[s->n - 1] : NULL;

    if (!strcmp(l->key, "label")) {
        if (s->n == ARRAY_SIZE(s->labels))
            return 0;
        cur = &s->labels[s->n++];
        memset(cur, 0, sizeof(*cur));
        copy_rest(cur->name, sizeof(cur->name), l);
        s->in_label = true;
    } else if (!strcmp(l->key, "default")) {
        copy_rest(s->default_name, sizeof(s->default_name), l);
    } else if (s->in_label && cur && (!strcmp(l->key, "kernel") || !strcmp(l->key, "linux"))) {
        copy_rest(cur->kernel, sizeof(cur->kernel), l);
    } else if (s->in_label && cur && !strcmp(l->key, "append")) {
        copy_rest(cur->append, sizeof(cur->append), l);
    } else if (s->in_label && cur && !strcmp(l->key, "menu") && rest_is(l, "default")) {
        cur->menu_default = true;
    }
    return 0;
}

int isolinux_cfg_default_entry(const char *cfg, struct boot_entry *e, struct mt_err *err)
{
    struct scan *s = calloc(1, sizeof(*s));
    const struct label_info *pick = NULL;
    size_t i;

    if (!s)
        return mt_err_set(err, -ENOMEM, "out of memory reading isolinux.cfg");
    for_each_line(cfg, scan_line, s);
    for (i = 0; i < s->n && !pick; i++)
        if (s->labels[i].menu_default && s->labels[i].kernel[0] &&
            strcasecmp(s->labels[i].name, BOOTCFG_LABEL) != 0)
            pick = &s->labels[i];
    for (i = 0; i < s->n && !pick; i++)
        if (!strcasecmp(s->labels[i].name, s->default_name) && s->labels[i].kernel[0] &&
            strcasecmp(s->labels[i].name, BOOTCFG_LABEL) != 0)
            pick = &s->labels[i];
    for (i = 0; i < s->n && !pick; i++)
        if (s->labels[i].kernel[0] && strcasecmp(s->labels[i].name, BOOTCFG_LABEL) != 0)
            pick = &s->labels[i];
    /* A config this tool already edited has only its own entry left to copy. */
    for (i = 0; i < s->n && !pick; i++)
        if (s->labels[i].kernel[0])
            pick = &s->labels[i];
    if (!pick) {
        free(s);
        return mt_err_set(err, -ENOENT, "no label in it boots a kernel (no \"kernel\" line)");
    }
    snprintf(e->kernel, sizeof(e->kernel), "%s", pick->kernel);
    snprintf(e->append, sizeof(e->append), "%s", pick->append);
    free(s);
    return 0;
}

/* ---- adding the entry ---- */

struct add_state {
    struct sbuf *b;
    const struct boot_entry *e;
    const char *extra;
    const char *title;
    bool skipping;     /* inside an old "label mt" block */
    bool inserted;
    bool saw_default;
};

static void emit_entry(struct add_state *st)
{
    struct sbuf *b = st->b;

    sb_printf(b, "label %s\n", BOOTCFG_LABEL);
    sb_printf(b, "  menu label %s\n", st->title);
    sb_printf(b, "  menu default\n");
    sb_printf(b, "  kernel %s\n", st->e->kernel);
    sb_printf(b, "  append");
    if (st->e->append[0])
        sb_printf(b, " %s", st->e->append);
    if (st->extra && st->extra[0])
        sb_printf(b, " %s", st->extra);
    sb_printf(b, "\n");
    st->inserted = true;
}

static bool is_module(const struct cfg_line *l)
{
    return l->rest_len > 4 && strncasecmp(l->rest + l->rest_len - 4, ".c32", 4) == 0;
}

static int add_line(const struct cfg_line *l, void *arg)
{
    struct add_state *st = arg;
    struct sbuf *b = st->b;

    if (!strcmp(l->key, "label")) {
        st->skipping = rest_is(l, BOOTCFG_LABEL);
        if (st->skipping)
            return 0;
        if (!st->inserted)
            emit_entry(st);
    } else if (st->skipping) {
        return 0;
    }
    if (!strcmp(l->key, "default")) {
        st->saw_default = true;
        /* "default vesamenu.c32" runs the menu, whose "menu default" we set. */
        if (!is_module(l)) {
            sb_printf(b, "default %s\n", BOOTCFG_LABEL);
            return 0;
        }
    } else if (!strcmp(l->key, "ontimeout")) {
        sb_printf(b, "ontimeout %s\n", BOOTCFG_LABEL);
        return 0;
    } else if (!strcmp(l->key, "menu") && rest_is(l, "default")) {
        return 0; /* only our entry is the menu default */
    }
    sb_addn(b, l->start, l->len);
    sb_addn(b, "\n", 1);
    return 0;
}

int isolinux_cfg_add_entry(const char *cfg, const struct boot_entry *e, const char *extra,
                           const char *menu_title, char **out, struct mt_err *err)
{
    struct sbuf b = {0};
    struct add_state st = {&b, e, extra, menu_title ? menu_title : "Install mt-agent master target",
                           false, false, false};

    if (!e->kernel[0])
        return mt_err_set(err, -EINVAL, "the boot entry has no kernel");
    for_each_line(cfg, add_line, &st);
    if (!st.inserted) {
        if (b.len && b.p[b.len - 1] != '\n')
            sb_addn(&b, "\n", 1);
        emit_entry(&st);
    }
    if (!st.saw_default) {
        /* no default line: ours goes first */
        struct sbuf h = {0};
        sb_printf(&h, "default %s\n", BOOTCFG_LABEL);
        if (b.p)
            sb_addn(&h, b.p, b.len);
        free(b.p);
        b = h;
    }
    return sb_finish(&b, out, err);
}

int pxelinux_cfg_render(const struct boot_entry *e, const char *extra, char **out,
                        struct mt_err *err)
{
    return pxelinux_cfg_render_for(e, extra, "pxelinux.cfg/default written by mt-image: boots the mt-agent "
                                   "kickstart at once.", out, err);
}

int pxelinux_cfg_render_for(const struct boot_entry *e, const char *extra, const char *comment, char **out,
                            struct mt_err *err)
{
    struct sbuf b = {0};

    if (!e->kernel[0])
        return mt_err_set(err, -EINVAL, "the boot entry has no kernel");
    sb_printf(&b, "# %s\n", comment);
    sb_printf(&b, "default %s\nprompt 0\ntimeout 1\n\n", BOOTCFG_LABEL);
    sb_printf(&b, "label %s\n  kernel %s\n  append", BOOTCFG_LABEL, e->kernel);
    if (e->append[0])
        sb_printf(&b, " %s", e->append);
    if (extra && extra[0])
        sb_printf(&b, " %s", extra);
    /* BOOTIF= names the NIC that PXE-booted; ksdevice=bootif makes anaconda use it */
    sb_printf(&b, "\n  ipappend 2\n");
    return sb_finish(&b, out, err);
}

/* ---- the kickstart ---- */

static bool valid_crypt_hash(const char *h)
{
    size_t i;

    if (strncmp(h, "$1$", 3) && strncmp(h, "$5$", 3) && strncmp(h, "$6$", 3))
        return false;
    if (!strchr(h + 3, '$'))
        return false;
    for (i = 0; h[i]; i++)
        if (!(isalnum((unsigned char)h[i]) || strchr("$./=", h[i])))
            return false;
    return true;
}

struct ks_state {
    struct sbuf *b;
    const struct ks_edit *ed;
    bool in_section;
    bool method_done;
    bool rootpw_done;
};

static int ks_line(const struct cfg_line *l, void *arg)
{
    struct ks_state *st = arg;
    struct sbuf *b = st->b;

    if (l->key[0] == '%') {
        if (!strcmp(l->key, "%end"))
            st->in_section = false;
        else if (strcmp(l->key, "%include") && strcmp(l->key, "%ksappend"))
            st->in_section = true;
    } else if (!st->in_section) {
        bool method = !strcmp(l->key, "cdrom") || !strcmp(l->key, "url") ||
                      !strcmp(l->key, "nfs") || !strcmp(l->key, "harddrive");
        if (method && st->ed->install_url) {
            if (!st->method_done)
                sb_printf(b, "url --url=%s\n", st->ed->install_url);
            st->method_done = true;
            return 0;
        }
        if (!strcmp(l->key, "rootpw") && st->ed->rootpw_hash) {
            if (!st->rootpw_done)
                sb_printf(b, "rootpw --iscrypted %s\n", st->ed->rootpw_hash);
            st->rootpw_done = true;
            return 0;
        }
    }
    sb_addn(b, l->start, l->len);
    sb_addn(b, "\n", 1);
    return 0;
}

int ks_edit(const char *ks, const struct ks_edit *ed, char **out, struct mt_err *err)
{
    struct sbuf b = {0};
    struct ks_state st = {&b, ed, false, false, false};

    if (ed->rootpw_hash && !valid_crypt_hash(ed->rootpw_hash))
        return mt_err_set(err, -EINVAL,
                          "the root password is not a crypt(3) hash ($6$salt$...); make one with "
                          "openssl passwd -6 or python3 -c 'import crypt; print(crypt.crypt(\"PW\"))'");
    if (ed->header)
        sb_printf(&b, "# %s\n", ed->header);
    for_each_line(ks, ks_line, &st);
    if (ed->install_url && !st.method_done)
        sb_printf(&b, "url --url=%s\n", ed->install_url);
    if (ed->rootpw_hash && !st.rootpw_done)
        sb_printf(&b, "rootpw --iscrypted %s\n", ed->rootpw_hash);
    return sb_finish(&b, out, err);
}

/* ---- mt-agent.conf ---- */

struct conf_state {
    struct sbuf *b;
    const char *host;
    bool in_cs;
    bool done;
    bool saw_cs;
};

static bool is_host_line(const struct cfg_line *l)
{
    const char *p = l->start;
    const char *end = l->start + l->len;

    while (p < end && isspace((unsigned char)*p))
        p++;
    if (p < end && (*p == ';' || *p == '#'))
        p++;
    while (p < end && isspace((unsigned char)*p))
        p++;
    if (end - p < 4 || strncmp(p, "host", 4))
        return false;
    p += 4;
    while (p < end && isspace((unsigned char)*p))
        p++;
    return p < end && *p == '=';
}

static int conf_line(const struct cfg_line *l, void *arg)
{
    struct conf_state *st = arg;

    if (l->key[0] == '[') {
        if (st->in_cs && !st->done) {
            sb_printf(st->b, "host = %s\n", st->host);
            st->done = true;
        }
        st->in_cs = !strncmp(l->key, "[cs]", 4);
        st->saw_cs |= st->in_cs;
    } else if (st->in_cs && !st->done && is_host_line(l)) {
        sb_printf(st->b, "host = %s\n", st->host);
        st->done = true;
        return 0;
    }
    sb_addn(st->b, l->start, l->len);
    sb_addn(st->b, "\n", 1);
    return 0;
}

int conf_set_cs_host(const char *conf, const char *host, char **out, struct mt_err *err)
{
    struct sbuf b = {0};
    struct conf_state st = {&b, host, false, false, false};
    size_t i;

    for (i = 0; host[i]; i++)
        if (!(isalnum((unsigned char)host[i]) || strchr(".-:[]_", host[i])))
            return mt_err_set(err, -EINVAL, "--cs '%s': not a host name or IP address", host);
    if (!host[0])
        return mt_err_set(err, -EINVAL, "--cs: empty host");
    for_each_line(conf, conf_line, &st);
    if (!st.done) {
        if (!st.saw_cs)
            sb_printf(&b, "\n[cs]\n");
        sb_printf(&b, "host = %s\n", host);
    }
    return sb_finish(&b, out, err);
}
