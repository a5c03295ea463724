/* answer: see answer.h. */
#include "answer.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nagios.h"
#include "verbs.h"

/* main()'s global options (agent/main.c), as getopt_long reads them. */
static const struct {
    const char *name;
    char short_name;
    bool value;
} GLOBALS[] = {
    {"config", 'c', true}, {"root", 'r', true},     {"json", 'j', false}, {"verbose", 'v', false},
    {"quiet", 'q', false}, {"version", 'V', false}, {"help", 'h', false},
};
#define N_GLOBALS (sizeof(GLOBALS) / sizeof(GLOBALS[0]))

/* The global long option "--name[=v]" names (exact, else a unique prefix), or -1. */
static int global_long(const char *arg)
{
    size_t len = strcspn(arg, "="), i;
    int found = -1;

    for (i = 0; i < N_GLOBALS; i++) {
        if (strncmp(GLOBALS[i].name, arg, len) != 0)
            continue;
        if (GLOBALS[i].name[len] == '\0')
            return (int)i;
        found = found == -1 ? (int)i : -2;
    }
    return found < 0 ? -1 : found;
}

static int global_short(char c)
{
    size_t i;

    for (i = 0; i < N_GLOBALS; i++)
        if (GLOBALS[i].short_name == c)
            return (int)i;
    return -1;
}

/* The global options: sets *json; returns the index of the verb word (argc: none). */
static int scan_globals(int argc, char **argv, bool *json)
{
    int i, g;
    const char *c;

    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0)
            return i + 1;
        if (a[0] != '-' || a[1] == '\0')
            return i;
        if (a[1] == '-') {
            g = global_long(a + 2);
            if (g >= 0 && GLOBALS[g].short_name == 'j')
                *json = true;
            if (g >= 0 && GLOBALS[g].value && !strchr(a, '='))
                i++;
            continue;
        }
        for (c = a + 1; *c; c++) {
            g = global_short(*c);
            if (g >= 0 && GLOBALS[g].short_name == 'j')
                *json = true;
            if (g >= 0 && GLOBALS[g].value) {
                if (c[1] == '\0')
                    i++;
                break;
            }
        }
    }
    return argc;
}

/* A short option's table entry, or NULL. */
static const struct opt *verb_short(const struct opt_cmd *cmd, char c)
{
    const struct opt *const *t;
    const struct opt *o;

    for (t = cmd->tables; t && *t; t++)
        for (o = *t; o->name; o++)
            if (o->short_name && o->short_name == c)
                return o;
    return NULL;
}

/* The value of the verb's last --format in argv[from..), or NULL. */
static const char *scan_format(const struct verb *v, int argc, char **argv, int from)
{
    struct opt_cmd cmd = verb_cmd(v);
    const char *format = NULL, *c;
    const struct opt *o;
    int i;

    if (v->subcommand && from < argc && strcmp(argv[from], v->subcommand) == 0)
        from++;
    for (i = from; i < argc; i++) {
        const char *a = argv[i], *eq;
        if (a[0] != '-' || a[1] == '\0' || strcmp(a, "--") == 0)
            break; /* getopt stops at the first operand too */
        if (a[1] == '-') {
            eq = strchr(a, '=');
            o = opt_match(&cmd, a + 2, eq ? (size_t)(eq - a - 2) : strlen(a + 2));
            if (!o || o->kind == OPT_FLAG)
                continue;
            c = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
            if (c && strcmp(o->name, "format") == 0)
                format = c;
            continue;
        }
        for (c = a + 1; *c; c++) {
            o = verb_short(&cmd, *c);
            if (o && o->kind != OPT_FLAG) {
                if (c[1] == '\0')
                    i++;
                break;
            }
        }
    }
    return format;
}

void answer_scan(int argc, char **argv, struct answer *a)
{
    bool json = false;
    int at = scan_globals(argc, argv, &json);
    const struct verb *v;
    const char *format = NULL;

    a->json_given = json;
    a->verb = at < argc ? argv[at] : NULL;
    v = a->verb ? verb_find(a->verb) : NULL;
    if (v)
        format = scan_format(v, argc, argv, at + 1);
    if (format && strcmp(format, "nagios") == 0 && strcmp(v->name, "check") == 0)
        a->form = ANSWER_NAGIOS;
    else if (json || (format && strcmp(format, "json") == 0))
        a->form = ANSWER_JSON;
    else
        a->form = ANSWER_TEXT;
}

/* What an exit status means, for a failure document with no message. */
static const char *exit_meaning(int code)
{
    switch (code) {
    case EXIT_USAGE: return "usage or configuration error (see stderr)";
    case EXIT_REFUSED: return "refused for safety (see stderr)";
    case EXIT_CS: return "configuration server unreachable or not authenticated (see stderr)";
    default: return "failed (see stderr)";
    }
}

void answer_stamp(json_object *doc, const char *verb, int code, const char *msg)
{
    json_object *e = NULL;

    json_object_object_add(doc, "verb", verb ? json_object_new_string(verb) : NULL);
    json_object_object_add(doc, "ok", json_object_new_boolean(code == 0));
    json_object_object_add(doc, "exit_status", json_object_new_int(code));
    if (code == 0 || (!msg && json_object_object_get_ex(doc, "error", &e) && json_object_is_type(e, json_type_string)))
        return;
    if (!msg)
        msg = out_first_error();
    json_object_object_add(doc, "error", json_object_new_string(msg ? msg : exit_meaning(code)));
}

int answer_failure(const struct answer *a, int code, const char *msg)
{
    json_object *doc;

    out_note_error(msg);
    if (a->form == ANSWER_NAGIOS)
        return nagios_unknown(stdout, msg);
    if (a->form != ANSWER_JSON)
        return code;
    doc = json_object_new_object();
    answer_stamp(doc, a->verb, code, msg);
    out_json(doc);
    return code;
}

int answer_text(const struct answer *a, const char *member, const char *text)
{
    json_object *doc;

    if (a->form != ANSWER_JSON) {
        fputs(text, stdout);
        return 0;
    }
    doc = json_object_new_object();
    answer_stamp(doc, a->verb, 0, NULL);
    /* without the text's last line end */
    json_object_object_add(doc, member, json_object_new_string_len(text, (int)(strlen(text) - (*text && text[strlen(text) - 1] == '\n'))));
    out_json(doc);
    return 0;
}
