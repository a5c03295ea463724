/* opttab: the declarative option tables. Parsing every kind (flag, number with
 * range, string with choices, list, host path, box path, disk), the errors
 * named, the path rule (host paths as given, box paths resolved once under
 * --root); and for every verb of mt-agent and mt-image, each option of its
 * tables appears in its --help, in its man page and in the bash completion. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "image.h"
#include "arraysize.h"
#include "opttab.h"
#include "rootpath.h"
#include "verbs.h"

struct t_args {
    bool flag;
    uint64_t num;
    const char *str, *choice, *list;
    struct mt_path host, box, disk;
};

#define AT(f) .offset = offsetof(struct t_args, f)
static const struct opt T_OPTS[] = {
    {.name = "flag", .short_name = 'f', .kind = OPT_FLAG, AT(flag), .help = "a flag"},
    {.name = "num", .kind = OPT_NUMBER, .arg = "N", AT(num), .min = 1, .max = 100, .help = "a number"},
    {.name = "str", .kind = OPT_STRING, .arg = "S", AT(str), .help = "a string"},
    {.name = "choice", .kind = OPT_STRING, .choices = "text|json", AT(choice), .help = "a choice"},
    {.name = "list", .kind = OPT_LIST, .arg = "ID,..", AT(list), .help = "a list"},
    {.name = "host", .kind = OPT_HOST_PATH, .arg = "FILE", AT(host), .help = "a host path"},
    {.name = "box", .kind = OPT_BOX_PATH, .arg = "DIR", AT(box), .help = "a box path"},
    {.name = "disk", .kind = OPT_DISK, .arg = "DEV", AT(disk), .help = "a disk", .flags = OPT_REQUIRED},
    OPT_END,
};
#undef AT
static const struct opt *const T_TABLES[] = {T_OPTS, NULL};
static const struct opt_cmd T_CMD = {"prog", "verb", NULL, T_TABLES};

static int parse(struct t_args *a, struct opt_store *st, char *err, size_t len, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;

    argv[argc++] = (char *)"verb";
    va_start(ap, len);
    while (argc < 31 && (argv[argc] = va_arg(ap, char *)))
        argc++;
    va_end(ap);
    argv[argc] = NULL;
    memset(a, 0, sizeof(*a));
    err[0] = '\0';
    return opt_parse(&T_CMD, argc, argv, a, st, err, len);
}

static void test_kinds(void **state)
{
    struct t_args a;
    struct opt_store st = {{0}, 0};
    char err[256];
    (void)state;
    assert_int_equal(rootpath_set(NULL), 0);
    assert_int_equal(parse(&a, &st, err, sizeof(err), "-f", "--num", "100", "--str", "x", "--choice", "json", "--list",
                           "a,b", "--host", "rel/file", "--box", "/etc/x", "--disk", "sda", NULL),
                     0);
    assert_true(a.flag);
    assert_int_equal(a.num, 100);
    assert_string_equal(a.str, "x");
    assert_string_equal(a.choice, "json");
    assert_string_equal(a.list, "a,b");
    assert_string_equal(a.host.given, "rel/file");
    assert_string_equal(a.host.real, "rel/file");
    assert_string_equal(a.box.real, "/etc/x");
    assert_string_equal(a.disk.given, "/dev/sda");
    assert_string_equal(a.disk.real, "/dev/sda");
    opt_store_free(&st);
}

static void test_errors_name_the_option(void **state)
{
    static const struct {
        const char *args[4];
        const char *want;
    } cases[] = {
        {{"--num", "0"}, "--num wants a whole number from 1 to 100, not '0'"},
        {{"--num", "101"}, "--num wants a whole number from 1 to 100, not '101'"},
        {{"--num", "-5"}, "not '-5'"},
        {{"--num", "12x"}, "not '12x'"},
        {{"--num", "99999999999999999999999"}, "from 1 to 100"},
        {{"--choice", "yaml"}, "--choice is text|json, not 'yaml'"},
        {{"--list", "a,,b"}, "--list wants a comma list"},
        {{"--list", ",a"}, "--list wants a comma list"},
        {{"--box", "rel"}, "--box wants an absolute path on the box, not 'rel'"},
        {{"--host", ""}, "--host wants a path"},
        {{"--frob"}, "unknown option '--frob'"},
        {{"-z"}, "unknown option '-z'"},
        {{"--str"}, "option '--str' needs a value"},
        {{"extra"}, "unexpected argument 'extra'"},
        {{"--flag"}, "--disk DEV is required"},
    };
    struct t_args a;
    struct opt_store st = {{0}, 0};
    char err[256];
    size_t i;
    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        const char *const *x = cases[i].args;
        int r = parse(&a, &st, err, sizeof(err), "--disk", "sda", x[0], x[1], x[2], x[3]);
        if (strcmp(cases[i].want, "--disk DEV is required") == 0)
            r = parse(&a, &st, err, sizeof(err), x[0], NULL);
        assert_int_equal(r, -EINVAL);
        if (!strstr(err, cases[i].want))
            fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].want);
        opt_store_free(&st);
    }
}

/* Under --root a box path is resolved (once, here); a host path never is. */
static void test_path_rule_under_root(void **state)
{
    char root[] = "/tmp/test_opttab.XXXXXX", want[512];
    struct t_args a;
    struct opt_store st = {{0}, 0};
    char err[256];
    (void)state;
    assert_non_null(mkdtemp(root));
    assert_int_equal(rootpath_set(root), 0);
    assert_int_equal(parse(&a, &st, err, sizeof(err), "--host", "/etc/passwd", "--box", "/etc/x", "--disk", "sdb",
                           NULL),
                     0);
    assert_string_equal(a.host.real, "/etc/passwd");
    snprintf(want, sizeof(want), "%s/etc/x", root);
    assert_string_equal(a.box.real, want);
    assert_string_equal(a.box.given, "/etc/x");
    snprintf(want, sizeof(want), "%s/dev/sdb", root);
    assert_string_equal(a.disk.real, want);
    assert_string_equal(a.disk.given, "/dev/sdb");
    opt_store_free(&st);
    /* a disk given as a path is the operator's */
    assert_int_equal(parse(&a, &st, err, sizeof(err), "--disk", "/img/os.img", NULL), 0);
    assert_string_equal(a.disk.real, "/img/os.img");
    assert_int_equal(parse(&a, &st, err, sizeof(err), "--disk", "./os.img", NULL), 0);
    assert_string_equal(a.disk.real, "./os.img");
    opt_store_free(&st);
    assert_int_equal(rootpath_set(NULL), 0);
    rmdir(root);
}

static void test_child_argv(void **state)
{
    struct opt_argv a;
    (void)state;
    memset(&a, 0, sizeof(a));
    opt_argv_word(&a, "verb");
    opt_argv_opt(&a, &T_CMD, "disk", "/dev/sda");
    opt_argv_opt(&a, &T_CMD, "flag", NULL);
    assert_false(a.unknown);
    assert_int_equal(a.argc, 4);
    assert_string_equal(a.argv[1], "--disk");
    assert_string_equal(a.argv[2], "/dev/sda");
    assert_string_equal(a.argv[3], "--flag");
    assert_null(a.argv[4]);
    opt_argv_opt(&a, &T_CMD, "renamed", "x");
    assert_true(a.unknown);
}

static char *slurp(const char *rel)
{
    const char *top = getenv("MT_TOP");
    char path[1024], *buf;
    FILE *f;
    long n;

    snprintf(path, sizeof(path), "%s/%s", top && *top ? top : ".", rel);
    f = fopen(path, "r");
    if (!f)
        fail_msg("%s: cannot open (run from the top of the tree or set MT_TOP)", path);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    buf = calloc(1, (size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    return buf;
}

/* The word "--name" in the bash completion (followed by a space, a quote or a
 * line end, so --force does not count for --force-agent). */
static bool in_completion(const char *comp, const char *name)
{
    char flag[128];
    const char *at = comp;
    size_t l;

    snprintf(flag, sizeof(flag), "--%s", name);
    l = strlen(flag);
    while ((at = strstr(at, flag))) {
        if (at[l] == ' ' || at[l] == '"' || at[l] == '\n' || at[l] == '|' || at[l] == ')')
            return true;
        at += l;
    }
    return false;
}

/* Each option of the tables is in the generated help (as --name), in the
 * man page (as \-\-name, troff's minus signs) and in the bash completion. */
static void check_documented(const struct opt_cmd *c, const char *help, const char *man, const char *comp)
{
    const struct opt *const *t;
    const struct opt *o;

    for (t = c->tables; t && *t; t++)
        for (o = *t; o->name; o++) {
            char flag[300], troff[256];
            size_t i, k = 0;
            snprintf(flag, sizeof(flag), "--%s ", o->name);
            if (!strstr(help, flag) && !(snprintf(flag, sizeof(flag), "--%s\n", o->name), strstr(help, flag)))
                fail_msg("%s %s --help has no line for --%s", c->prog, c->verb, o->name);
            for (i = 0; o->name[i] && k + 3 < sizeof(troff); i++) {
                if (o->name[i] == '-')
                    troff[k++] = '\\';
                troff[k++] = o->name[i];
            }
            troff[k] = '\0';
            snprintf(flag, sizeof(flag), "\\-\\-%s", troff);
            if (!strstr(man, flag))
                fail_msg("%s(%s) does not document %s %s --%s", c->prog, c->prog[3] == 'a' ? "8" : "1", c->prog,
                         c->verb, o->name);
            if (!in_completion(comp, o->name))
                fail_msg("the bash completion does not offer %s %s --%s", c->prog, c->verb, o->name);
        }
}

/* mt-agent(8): the entry of the verb under VERBS, from ".TP\n.B VERB" (the
 * verb as a word of that line: "register | heartbeat | deregister") to the next
 * verb's ".TP\n.B " or ".SH". A copy; NULL when the page has none. */
static char *man_verb_entry(const char *man, const char *verb)
{
    const char *p = strstr(man, "\n.SH VERBS"), *end, *line_end;

    if (!p)
        return NULL;
    end = strstr(p + 1, "\n.SH ");
    while ((p = strstr(p, "\n.TP\n.B ")) && (!end || p < end)) {
        const char *w;
        size_t vl = strlen(verb);
        p += strlen("\n.TP\n.B ");
        line_end = strchr(p, '\n');
        for (w = p; line_end && w < line_end; w++)
            if (strncmp(w, verb, vl) == 0 && (w == p || w[-1] == ' ') && (w[vl] == ' ' || w[vl] == '\n')) {
                const char *next = strstr(p, "\n.TP\n.B ");
                size_t len;
                if (!next || (end && next > end))
                    next = end ? end : p + strlen(p);
                len = (size_t)(next - p);
                return strndup(p, len);
            }
    }
    return NULL;
}

static char *help_of(void (*fn)(FILE *, const struct opt_cmd *), const struct opt_cmd *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);

    assert_non_null(f);
    fn(f, c);
    fclose(f);
    return buf;
}

static void agent_help(FILE *f, const struct opt_cmd *c)
{
    verb_help(verb_find(c->verb), f);
}

static void test_every_option_documented(void **state)
{
    char *man8 = slurp("agent/mt-agent.8"), *man1 = slurp("image/mt-image.1"), *help;
    char *comp = slurp("rootfs/etc/bash_completion.d/mt-agent");
    const struct verb *const *av;
    const struct image_verb *const *iv;
    size_t n, i, checked = 0;
    (void)state;
    av = verb_table(&n);
    for (i = 0; i < n; i++, checked++) {
        struct opt_cmd c = verb_cmd(av[i]);
        char *entry = man_verb_entry(man8, av[i]->name);
        if (!entry)
            fail_msg("mt-agent(8) has no entry for the verb %s under VERBS", av[i]->name);
        help = help_of(agent_help, &c);
        check_documented(&c, help, entry, comp);
        free(help);
        free(entry);
    }
    iv = image_verb_table(&n);
    for (i = 0; i < n; i++, checked++) {
        struct opt_cmd c = {"mt-image", iv[i]->name, NULL, iv[i]->opts};
        help = help_of(opt_help, &c);
        check_documented(&c, help, man1, comp);
        free(help);
    }
    assert_true(checked >= 14);
    free(man8);
    free(man1);
    free(comp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kinds),
        cmocka_unit_test(test_errors_name_the_option),
        cmocka_unit_test(test_path_rule_under_root),
        cmocka_unit_test(test_child_argv),
        cmocka_unit_test(test_every_option_documented),
    };
    return cmocka_run_group_tests_name("opttab", tests, NULL, NULL);
}
