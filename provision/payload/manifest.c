/* manifest: see manifest.h. */
#include "manifest.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regfile.h"

#define MANIFEST_MAX_BYTES (4 * 1024 * 1024)

static const char *strip_dot_slash(const char *s)
{
    while (s[0] == '.' && s[1] == '/')
        s += 2;
    return s;
}

/* Unescape a sha256sum name ("\\" and "\n") into a new string; NULL on a bad escape. */
static char *unescape_name(const char *s, size_t len, int escaped)
{
    char *out = malloc(len + 1), *o = out;
    size_t i;

    if (!out)
        return NULL;
    for (i = 0; i < len; i++) {
        if (escaped && s[i] == '\\') {
            if (i + 1 >= len || (s[i + 1] != '\\' && s[i + 1] != 'n')) {
                free(out);
                return NULL;
            }
            *o++ = s[i + 1] == 'n' ? '\n' : '\\';
            i++;
        } else {
            *o++ = s[i];
        }
    }
    *o = '\0';
    return out;
}

static int parse_line(const char *source, unsigned lineno, const char *s, size_t len,
                      struct manifest *m, size_t *cap, struct mt_err *err)
{
    struct manifest_entry e;
    int escaped = 0;
    size_t i;
    char *name;

    while (len && (s[len - 1] == '\r' || s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    for (i = 0; i < len && (s[i] == ' ' || s[i] == '\t'); i++)
        ;
    if (i == len || s[i] == '#')
        return 0;
    if (i == 0 && s[0] == '\\') {
        escaped = 1;
        s++;
        len--;
    }
    for (i = 0; i < SHA256_HEX_LEN; i++) {
        if (i >= len || !isxdigit((unsigned char)s[i]))
            return mt_err_set(err, -EINVAL,
                              "%s:%u: not a 'SHA256  NAME' line (want 64 hex digits, two spaces, "
                              "the file name, as sha256sum prints); regenerate the manifest with "
                              "sha256sum",
                              source, lineno);
        e.sha256[i] = (char)tolower((unsigned char)s[i]);
    }
    e.sha256[SHA256_HEX_LEN] = '\0';
    if (len < SHA256_HEX_LEN + 3 || s[SHA256_HEX_LEN] != ' ' ||
        (s[SHA256_HEX_LEN + 1] != ' ' && s[SHA256_HEX_LEN + 1] != '*'))
        return mt_err_set(err, -EINVAL,
                          "%s:%u: the digest must be followed by two spaces (or ' *') and a file "
                          "name; regenerate the manifest with sha256sum",
                          source, lineno);
    name = unescape_name(s + SHA256_HEX_LEN + 2, len - SHA256_HEX_LEN - 2, escaped);
    if (!name)
        return mt_err_set(err, -EINVAL, "%s:%u: bad escape in the file name", source, lineno);
    if (memchr(s + SHA256_HEX_LEN + 2, '\0', len - SHA256_HEX_LEN - 2) || !*strip_dot_slash(name)) {
        free(name);
        return mt_err_set(err, -EINVAL, "%s:%u: empty or invalid file name", source, lineno);
    }
    memmove(name, strip_dot_slash(name), strlen(strip_dot_slash(name)) + 1);
    for (i = 0; i < m->n; i++) {
        if (strcmp(m->entries[i].name, name) == 0 && strcmp(m->entries[i].sha256, e.sha256) != 0) {
            int r = mt_err_set(err, -EINVAL,
                               "%s:%u: '%s' is listed again with another digest (first at line %u); "
                               "keep one line per file",
                               source, lineno, name, m->entries[i].line);
            free(name);
            return r;
        }
    }
    if (m->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 8;
        struct manifest_entry *ne = realloc(m->entries, nc * sizeof(*ne));
        if (!ne) {
            free(name);
            return mt_err_set(err, -ENOMEM, "%s: out of memory", source);
        }
        m->entries = ne;
        *cap = nc;
    }
    e.name = name;
    e.line = lineno;
    m->entries[m->n++] = e;
    return 0;
}

int manifest_parse(const char *source, const char *text, size_t len, struct manifest *m, struct mt_err *err)
{
    size_t off = 0, cap = 0;
    unsigned lineno = 0;
    int r;

    memset(m, 0, sizeof(*m));
    snprintf(m->source, sizeof(m->source), "%s", source);
    while (off < len) {
        const char *nl = memchr(text + off, '\n', len - off);
        size_t l = nl ? (size_t)(nl - (text + off)) : len - off;

        lineno++;
        r = parse_line(source, lineno, text + off, l, m, &cap, err);
        if (r < 0) {
            manifest_free(m);
            return r;
        }
        off += l + (nl ? 1 : 0);
    }
    return 0;
}

int manifest_load(const char *path, struct manifest *m, struct mt_err *err)
{
    char *buf;
    size_t n;
    int r;

    memset(m, 0, sizeof(*m));
    r = regfile_read(path, 0, "manifest", MANIFEST_MAX_BYTES, &buf, &n, err);
    if (r == -EFBIG)
        return mt_err_set(err, -EFBIG, "%s: larger than %d bytes; is this a manifest?", path, MANIFEST_MAX_BYTES);
    if (r < 0)
        return r;
    r = manifest_parse(path, buf, n, m, err);
    free(buf);
    return r;
}

const struct manifest_entry *manifest_find(const struct manifest *m, const char *name)
{
    const char *want = strip_dot_slash(name);
    size_t i;

    for (i = 0; i < m->n; i++)
        if (strcmp(m->entries[i].name, want) == 0)
            return &m->entries[i];
    if (strchr(want, '/'))
        return NULL;
    for (i = 0; i < m->n; i++) {
        const char *slash = strrchr(m->entries[i].name, '/');
        if (slash && strcmp(slash + 1, want) == 0)
            return &m->entries[i];
    }
    return NULL;
}

void manifest_free(struct manifest *m)
{
    size_t i;

    for (i = 0; i < m->n; i++)
        free(m->entries[i].name);
    free(m->entries);
    m->entries = NULL;
    m->n = 0;
}
