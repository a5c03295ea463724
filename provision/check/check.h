/* check: the readiness checks of a master target (`mt-agent check`).
 *
 * A catalogue of checks, each with a dotted id, a severity, a title and a
 * function that fills a result (pass, fail or skip, with detail and
 * remediation). Each area keeps its checks in provision/check_<area>.c:
 *
 *     const struct check_def check_defs_<area>[] = { {"area.x", SEV_ERROR, "title", fn}, ... };
 *     const size_t check_n_<area> = ARRAY_SIZE(check_defs_<area>);
 *
 * and check.c lists the areas (one line each) and the catalogue's order (the
 * one mt-agent(8) CHECKS documents). Check functions read only their
 * context (inventory, configuration, journal, files through the root resolver):
 * they never change the box. */
#ifndef MT_CHECK_H
#define MT_CHECK_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "inventory.h"
#include "mterr.h"

enum check_status { CHECK_PASS, CHECK_FAIL, CHECK_SKIP };
enum check_severity { SEV_ERROR, SEV_WARNING, SEV_INFO };

struct check_ctx {
    const struct mt_config *cfg;
    const struct inventory *inv;
    json_object *journal; /* root of state.json, read only, may be NULL */
};

struct check_result {
    enum check_status status;
    char detail[1024];
    char remediation[1024];
    /* Set by a check whose failure is only a warning this time (os.release on
     * another 6.x): reported and counted as a warning whatever the severity. */
    bool warn_only;
};

struct check_def {
    const char *id;
    enum check_severity severity;
    const char *title;
    void (*fn)(const struct check_ctx *c, struct check_result *r);
};

/* Fill a result (printf-style); remediation may be NULL. Return nothing so a
 * check function can `return check_fail(r, "...", ...)`-style end. */
void check_set(struct check_result *r, enum check_status st, const char *detail_fmt, ...)
    __attribute__((format(printf, 3, 4)));
void check_remedy(struct check_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The whole catalogue in order; *n receives its length. */
const struct check_def *const *check_catalogue(size_t *n);
const struct check_def *check_find(const char *id);

const char *check_status_name(enum check_status s);
const char *check_severity_name(enum check_severity s);

/* Parse a comma list of ids; unknown ids are -EINVAL with err naming the first
 * one. `selected[i]` (length = catalogue) is set true for each listed id. */
int check_parse_ids(const char *list, bool *selected, struct mt_err *err);

/* One check run: the definition, its result and whether it counts as failed. */
struct check_outcome {
    const struct check_def *def;
    struct check_result res;
};

struct check_report {
    struct check_outcome *items;
    size_t n;
    unsigned pass, fail, skip, errors, warnings;
    bool failed; /* an error-severity check failed (or a warning with strict) */
};

/* Run the checks: `only` (NULL/"" = all) minus `ignore`, both comma lists of ids
 * (unknown id: -EINVAL naming it). strict: failed warnings count as failures. */
int check_run(const struct check_ctx *c, const char *only, const char *ignore, bool strict,
              struct check_report *rep, struct mt_err *err);
void check_report_free(struct check_report *rep);

/* The severity an outcome is reported with (warn_only downgrades an error). */
enum check_severity check_outcome_severity(const struct check_outcome *o);

/* {"checks":[{id,severity,status,title,detail,remediation}],"summary":{...}} items. */
json_object *check_report_checks_json(const struct check_report *rep);
json_object *check_report_summary_json(const struct check_report *rep);

#endif
