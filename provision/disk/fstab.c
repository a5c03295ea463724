/* fstab: see fstab.h. */
#define _GNU_SOURCE
#include "fstab.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "journal.h"
#include "textfile.h"

/* Is this fstab line one the entries replace? */
static bool replaced(const char *line, const struct fstab_entry *e, size_t n)
{
    char src[512], mnt[512], type[64];
    size_t i;

    if (sscanf(line, " %511s %511s %63s", src, mnt, type) < 2 || src[0] == '#')
        return false;
    for (i = 0; i < n; i++) {
        char bylabel[80];
        snprintf(bylabel, sizeof(bylabel), "LABEL=%s", e[i].label);
        if (strcmp(src, e[i].source) == 0 || (e[i].label[0] && strcmp(src, bylabel) == 0))
            return true;
        /* swap is not a mount point: another swap device or file is not ours */
        if (strcmp(e[i].mountpoint, "swap") != 0 && strcmp(mnt, e[i].mountpoint) == 0)
            return true;
    }
    return false;
}

char *fstab_merge(const char *old, const struct fstab_entry *e, size_t n, const char *comment)
{
    char *out = NULL, *copy = NULL, *line, *save = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&out, &len);

    if (!f)
        return NULL;
    if (old && !(copy = strdup(old))) {
        fclose(f);
        free(out);
        return NULL;
    }
    /* strtok_r would merge blank lines: walk by hand */
    for (line = copy; line && *line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        if (comment && strcmp(line, comment) == 0)
            continue;
        if (!replaced(line, e, n))
            fprintf(f, "%s\n", line);
    }
    if (comment)
        fprintf(f, "%s\n", comment);
    for (i = 0; i < n; i++)
        fprintf(f, "%-42s %-15s %-5s %-9s %d %d\n", e[i].source, e[i].mountpoint, e[i].fstype,
                e[i].options[0] ? e[i].options : "defaults", e[i].freq, e[i].passno);
    free(copy);
    if (fclose(f) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

int fstab_update(const char *path, const struct fstab_entry *e, size_t n, const char *comment, bool no_act,
                 bool *changed, struct mt_err *err)
{
    char *old = NULL, *text;
    size_t len;
    int r = 0;

    *changed = false;
    if ((r = textfile_read(path, &old, &len, err)) < 0)
        return r;
    text = fstab_merge(old, e, n, comment);
    if (!text) {
        free(old);
        return mt_err_set(err, -ENOMEM, "%s: out of memory", path);
    }
    if (!old || strcmp(old, text) != 0) {
        r = no_act ? 0 : write_file_atomic(path, text, strlen(text), 0644, err);
        *changed = r == 0;
    }
    free(old);
    free(text);
    return r;
}

int fstab_check(const char *path, struct mt_err *err)
{
    char *text = NULL;
    size_t len;
    int r = textfile_read(path, &text, &len, err);
    free(text);
    return r;
}
