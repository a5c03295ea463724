/* check: see check.h. The catalogue is assembled from the areas' tables in
 * the order of `catalogue_order` (every id there is an area's: test_check
 * holds them to it), so `check --list`, the man page and the completion agree
 * on one catalogue. */
#include "check.h"

#include "arraysize.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern const struct check_def check_defs_platform[];
extern const size_t check_n_platform;
extern const struct check_def check_defs_disk[];
extern const size_t check_n_disk;
extern const struct check_def check_defs_host[];
extern const size_t check_n_host;
extern const struct check_def check_defs_cs[];
extern const size_t check_n_cs;
extern const struct check_def check_defs_payload[];
extern const size_t check_n_payload;
extern const struct check_def check_defs_layout[];
extern const size_t check_n_layout;

/* One line per area; an area's helper adds its line here. */
static const struct {
    const struct check_def *defs;
    const size_t *n;
} areas[] = {
    {check_defs_platform, &check_n_platform},
    {check_defs_disk, &check_n_disk},
    {check_defs_host, &check_n_host},
    {check_defs_cs, &check_n_cs},
    {check_defs_payload, &check_n_payload},
    {check_defs_layout, &check_n_layout},
};

/* The order checks are listed and run in (mt-agent(8) CHECKS). */
static const char *const catalogue_order[] = {
    "platform.vmware", "platform.firmware", "os.release", "os.arch", "host.resources", "disk.enableuuid",
    "disk.scsi-id-unique",
    "layout.partitions", "layout.swap", "packages.required", "modules.xfs", "modules.reiserfs",
    "customchanges.applied", "retention.volume", "network.static-ip", "time.sync", "cs.reachable",
    "cs.registered",
};

static const struct check_def **catalogue;
static size_t catalogue_n;

static const struct check_def *area_find(const char *id)
{
    size_t a, i;
    for (a = 0; a < ARRAY_SIZE(areas); a++)
        for (i = 0; i < *areas[a].n; i++)
            if (strcmp(areas[a].defs[i].id, id) == 0)
                return &areas[a].defs[i];
    return NULL;
}

static bool listed(const struct check_def *d, size_t upto)
{
    size_t i;
    for (i = 0; i < upto; i++)
        if (catalogue[i] == d || strcmp(catalogue[i]->id, d->id) == 0)
            return true;
    return false;
}

const struct check_def *const *check_catalogue(size_t *n)
{
    size_t a, i, total = ARRAY_SIZE(catalogue_order);

    if (!catalogue) {
        for (a = 0; a < ARRAY_SIZE(areas); a++)
            total += *areas[a].n;
        catalogue = calloc(total, sizeof(*catalogue));
        if (!catalogue) {
            *n = 0;
            return NULL;
        }
        for (i = 0; i < ARRAY_SIZE(catalogue_order); i++) {
            const struct check_def *d = area_find(catalogue_order[i]);
            if (d)
                catalogue[catalogue_n++] = d;
        }
        /* checks an area adds beyond that list follow, in area order */
        for (a = 0; a < ARRAY_SIZE(areas); a++)
            for (i = 0; i < *areas[a].n; i++)
                if (!listed(&areas[a].defs[i], catalogue_n))
                    catalogue[catalogue_n++] = &areas[a].defs[i];
    }
    *n = catalogue_n;
    return catalogue;
}

const struct check_def *check_find(const char *id)
{
    size_t n, i;
    const struct check_def *const *cat = check_catalogue(&n);
    for (i = 0; i < n; i++)
        if (strcmp(cat[i]->id, id) == 0)
            return cat[i];
    return NULL;
}

const char *check_status_name(enum check_status s)
{
    return s == CHECK_PASS ? "pass" : s == CHECK_FAIL ? "fail" : "skip";
}

const char *check_severity_name(enum check_severity s)
{
    return s == SEV_ERROR ? "error" : s == SEV_WARNING ? "warning" : "info";
}

void check_set(struct check_result *r, enum check_status st, const char *fmt, ...)
{
    va_list ap;
    r->status = st;
    va_start(ap, fmt);
    vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
    va_end(ap);
}

void check_remedy(struct check_result *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->remediation, sizeof(r->remediation), fmt, ap);
    va_end(ap);
}

int check_parse_ids(const char *list, bool *selected, struct mt_err *err)
{
    size_t n, i;
    const struct check_def *const *cat = check_catalogue(&n);
    const char *p = list;

    while (p && *p) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        char id[128];
        bool found = false;

        while (len && (*p == ' ' || *p == '\t')) {
            p++;
            len--;
        }
        while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len) {
            if (len >= sizeof(id))
                return mt_err_set(err, -EINVAL, "check id \"%.*s...\" is too long; mt-agent check --list shows the ids",
                                  40, p);
            memcpy(id, p, len);
            id[len] = '\0';
            for (i = 0; i < n; i++)
                if (strcmp(cat[i]->id, id) == 0) {
                    selected[i] = true;
                    found = true;
                }
            if (!found)
                return mt_err_set(err, -EINVAL, "unknown check id \"%s\"; mt-agent check --list shows the ids", id);
        }
        p = end ? end + 1 : NULL;
    }
    return 0;
}

int check_run(const struct check_ctx *c, const char *only, const char *ignore, bool strict,
              struct check_report *rep, struct mt_err *err)
{
    size_t n, i;
    const struct check_def *const *cat = check_catalogue(&n);
    bool *want = calloc(n ? n : 1, sizeof(bool)), *skip = calloc(n ? n : 1, sizeof(bool));
    int r = 0;

    memset(rep, 0, sizeof(*rep));
    if (!want || !skip || !cat) {
        r = mt_err_set(err, -ENOMEM, "check: out of memory");
        goto out;
    }
    if (only && *only) {
        r = check_parse_ids(only, want, err);
        if (r < 0)
            goto out;
    } else {
        for (i = 0; i < n; i++)
            want[i] = true;
    }
    if (ignore && *ignore) {
        r = check_parse_ids(ignore, skip, err);
        if (r < 0)
            goto out;
    }
    rep->items = calloc(n ? n : 1, sizeof(*rep->items));
    if (!rep->items) {
        r = mt_err_set(err, -ENOMEM, "check: out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        struct check_outcome *o;
        if (!want[i] || skip[i])
            continue;
        o = &rep->items[rep->n++];
        o->def = cat[i];
        o->res.status = CHECK_SKIP;
        cat[i]->fn(c, &o->res);
        switch (o->res.status) {
        case CHECK_PASS: rep->pass++; break;
        case CHECK_SKIP: rep->skip++; break;
        case CHECK_FAIL:
            rep->fail++;
            if (cat[i]->severity == SEV_ERROR && !o->res.warn_only) {
                rep->errors++;
                rep->failed = true;
            } else if (cat[i]->severity == SEV_WARNING || o->res.warn_only) {
                rep->warnings++;
                if (strict)
                    rep->failed = true;
            }
            break;
        }
    }
out:
    free(want);
    free(skip);
    return r;
}

enum check_severity check_outcome_severity(const struct check_outcome *o)
{
    return o->res.warn_only && o->def->severity == SEV_ERROR ? SEV_WARNING : o->def->severity;
}

void check_report_free(struct check_report *rep)
{
    free(rep->items);
    memset(rep, 0, sizeof(*rep));
}

json_object *check_report_checks_json(const struct check_report *rep)
{
    json_object *arr = json_object_new_array();
    size_t i;
    for (i = 0; i < rep->n; i++) {
        const struct check_outcome *o = &rep->items[i];
        json_object *it = json_object_new_object();
        json_object_object_add(it, "id", json_object_new_string(o->def->id));
        json_object_object_add(it, "severity",
                               json_object_new_string(check_severity_name(check_outcome_severity(o))));
        json_object_object_add(it, "status", json_object_new_string(check_status_name(o->res.status)));
        json_object_object_add(it, "title", json_object_new_string(o->def->title));
        json_object_object_add(it, "detail", json_object_new_string(o->res.detail));
        json_object_object_add(it, "remediation", json_object_new_string(o->res.remediation));
        json_object_array_add(arr, it);
    }
    return arr;
}

json_object *check_report_summary_json(const struct check_report *rep)
{
    json_object *s = json_object_new_object();
    json_object_object_add(s, "pass", json_object_new_int((int)rep->pass));
    json_object_object_add(s, "fail", json_object_new_int((int)rep->fail));
    json_object_object_add(s, "skip", json_object_new_int((int)rep->skip));
    json_object_object_add(s, "errors", json_object_new_int((int)rep->errors));
    json_object_object_add(s, "warnings", json_object_new_int((int)rep->warnings));
    return s;
}
