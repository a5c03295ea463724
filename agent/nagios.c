/* nagios: see nagios.h. */
#define _GNU_SOURCE
#include "nagios.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

const char *nagios_state_name(enum nagios_state s)
{
    switch (s) {
    case NAGIOS_OK: return "OK";
    case NAGIOS_WARNING: return "WARNING";
    case NAGIOS_CRITICAL: return "CRITICAL";
    default: return "UNKNOWN";
    }
}

enum nagios_state nagios_state_of(const struct check_report *rep)
{
    if (rep->failed)
        return NAGIOS_CRITICAL;
    return rep->warnings ? NAGIOS_WARNING : NAGIOS_OK;
}

/* text with '|' as '/' and control characters as blanks: one plugin output line */
static void put_clean(FILE *f, const char *s)
{
    for (; *s; s++)
        fputc(*s == '|' ? '/' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
}

/* "label: id, id" of the failed checks reported with severity sev (none: nothing). */
static void put_ids(FILE *f, const struct check_report *rep, enum check_severity sev, const char *label,
                    bool *first)
{
    size_t i;
    bool any = false;

    for (i = 0; i < rep->n; i++) {
        const struct check_outcome *o = &rep->items[i];
        if (o->res.status != CHECK_FAIL || check_outcome_severity(o) != sev)
            continue;
        fprintf(f, "%s%s%s", any ? ", " : *first ? "" : "; ", any ? "" : label, o->def->id);
        any = true;
        *first = false;
    }
}

static void put_summary(FILE *f, const struct check_report *rep)
{
    bool first = true;

    if (rep->fail == 0) {
        fprintf(f, "%u checks pass", rep->pass);
        if (rep->skip)
            fprintf(f, ", %u skipped", rep->skip);
        return;
    }
    put_ids(f, rep, SEV_ERROR, "failed: ", &first);
    put_ids(f, rep, SEV_WARNING, rep->failed && !rep->errors ? "failed (strict): " : "warnings: ", &first);
    put_ids(f, rep, SEV_INFO, "notes: ", &first);
}

int nagios_render(const struct check_report *rep, char **out)
{
    enum nagios_state st = nagios_state_of(rep);
    char *buf = NULL;
    size_t len = 0, i;
    FILE *f = open_memstream(&buf, &len);

    if (!f)
        return -ENOMEM;
    fprintf(f, "MT-AGENT %s - ", nagios_state_name(st));
    put_summary(f, rep);
    fprintf(f, " | pass=%u fail=%u skip=%u errors=%u warnings=%u\n", rep->pass, rep->fail, rep->skip,
            rep->errors, rep->warnings);
    for (i = 0; i < rep->n; i++) {
        const struct check_outcome *o = &rep->items[i];
        if (o->res.status != CHECK_FAIL)
            continue;
        fprintf(f, "%s (%s): ", o->def->id, check_severity_name(check_outcome_severity(o)));
        put_clean(f, o->res.detail);
        if (o->res.remediation[0]) {
            fputs("; fix: ", f);
            put_clean(f, o->res.remediation);
        }
        fputc('\n', f);
    }
    if (fclose(f) != 0 || !buf) {
        free(buf);
        return -ENOMEM;
    }
    *out = buf;
    return (int)st;
}

int nagios_unknown(FILE *f, const char *why)
{
    fputs("MT-AGENT UNKNOWN - the checks could not run: ", f);
    put_clean(f, why);
    fputc('\n', f);
    fflush(f);
    return NAGIOS_UNKNOWN;
}
