/* Config parser: good files load every typed key; each bad file is refused with
 * FILE:LINE and a reason. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"
#include "arraysize.h"

static void test_defaults(void **state)
{
    struct mt_config c;
    (void)state;
    config_defaults(&c);
    assert_int_equal(c.cs.backend, CS_BACKEND_ASR);
    assert_int_equal(c.cs.port, 443);
    assert_int_equal(c.cs.data_port, 9443);
    assert_int_equal(c.layout.root_mib, 40960);
    assert_int_equal(c.layout.root_min_mib, 20480);
    assert_int_equal(c.layout.crash_min_mib, 2048);
    assert_int_equal(c.layout.swap_mib, 0);
    assert_string_equal(c.layout.retention_mount, "/mnt/retention");
    assert_string_equal(c.layout.retention_label, "MT_RETENTION");
    assert_string_equal(c.check.required_packages, "xfsprogs,perl,lsscsi,rsync,wget,kexec-tools");
    assert_false(c.check.strict);
}

static void test_good_file(void **state)
{
    static const char text[] =
        "; a comment\n"
        "[cs]\n"
        "backend = http\n"
        "host = 10.0.0.5\n"
        "port = 8443\n"
        "ca_file = /etc/mt-agent/ca.pem\n"
        "timeout = 60\n"
        "\n"
        "[layout]\n"
        "root_mib = 30720\n"
        "swap_mib = 4096\n"
        "[payload]\n"
        "dir = /media/payload\n"
        "[check]\n"
        "strict = yes\n"
        "ignore = os.release,packages.required\n";
    struct mt_config c;
    struct mt_err err = {0};
    (void)state;
    config_defaults(&c);
    assert_int_equal(config_load_string("t.conf", text, &c, &err), 0);
    assert_int_equal(c.cs.backend, CS_BACKEND_HTTP);
    assert_string_equal(c.cs.host, "10.0.0.5");
    assert_int_equal(c.cs.port, 8443);
    assert_string_equal(c.cs.ca_file, "/etc/mt-agent/ca.pem");
    assert_int_equal(c.cs.timeout, 60);
    assert_int_equal(c.layout.root_mib, 30720);
    assert_int_equal(c.layout.swap_mib, 4096);
    assert_string_equal(c.payload.dir, "/media/payload");
    assert_true(c.check.strict);
    assert_string_equal(c.check.ignore, "os.release,packages.required");
    /* untouched keys keep their defaults */
    assert_int_equal(c.cs.data_port, 9443);
}

struct bad_case {
    const char *text;
    int line;
    const char *needle;  /* a word the message must contain */
};

static void test_bad_files(void **state)
{
    static const struct bad_case cases[] = {
        {"[cs]\nbogus = 1\n", 2, "unknown key 'bogus'"},
        {"[nosuch]\nkey = 1\n", 2, "unknown section [nosuch]"},
        {"[cs]\nport = 70000\n", 2, "'70000' is not a whole number from 1 to 65535"},
        {"[cs]\nport = -1\n", 2, "not a whole number"},
        {"[cs]\nport = 44x\n", 2, "not a whole number"},
        {"[cs]\nport =\n", 2, "not a whole number"},
        {"[cs]\nbackend = soap\n", 2, "not a backend"},
        {"[check]\nstrict = maybe\n", 2, "not a boolean"},
        {"[cs]\nca_file = relative/ca.pem\n", 2, "absolute path"},
        {"[layout]\nroot_mib = 10\n", 2, "from 1024"},
        {"[cs]\nhost = a\nthis line has no equals sign\n", 3, "syntax error"},
        {"host = a\n", 1, "outside any section"},
        {"[check]\nrequired_packages = perl rsync\n", 2, "commas"},
        {"[cs]\nhost = a\n\n[layout]\nroot_mib = 40960\nnope = 2\n[cs]\nport = 0\n", 6, "unknown key 'nope'"},
    };
    size_t i;
    (void)state;
    for (i = 0; i < ARRAY_SIZE(cases); i++) {
        struct mt_config c;
        struct mt_err err = {0};
        char want[64];
        config_defaults(&c);
        assert_int_equal(config_load_string("bad.conf", cases[i].text, &c, &err), -EINVAL);
        snprintf(want, sizeof(want), "bad.conf:%d: ", cases[i].line);
        if (strncmp(err.msg, want, strlen(want)) != 0 || !strstr(err.msg, cases[i].needle))
            fail_msg("case %zu: got \"%s\", want prefix \"%s\" and \"%s\"", i, err.msg, want,
                     cases[i].needle);
    }
}

static void test_file_on_disk(void **state)
{
    char path[] = "/tmp/mt-config-XXXXXX";
    struct mt_config c;
    struct mt_err err = {0};
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "[cs]\nport = 1\nport = 0\n", 23), 23);
    close(fd);
    config_defaults(&c);
    assert_int_equal(config_load(path, &c, &err), -EINVAL);
    assert_non_null(strstr(err.msg, ":3: "));
    assert_non_null(strstr(err.msg, path));
    unlink(path);
    assert_int_equal(config_load(path, &c, &err), -ENOENT);
}

/* The shipped configuration file parses and documents every key. */
static void test_shipped_config(void **state)
{
    const struct config_key_info *keys;
    struct mt_config c;
    struct mt_err err = {0};
    char *text = NULL;
    size_t cap = 0;
    FILE *f = fopen("rootfs/etc/mt-agent/mt-agent.conf", "r");
    int n, i;
    (void)state;
    assert_non_null(f);
    {
        size_t len = 0;
        char buf[4096];
        size_t got;
        while ((got = fread(buf, 1, sizeof(buf), f)) > 0) {
            text = realloc(text, (cap = len + got + 1));
            memcpy(text + len, buf, got);
            len += got;
            text[len] = '\0';
        }
    }
    fclose(f);
    assert_non_null(text);
    config_defaults(&c);
    assert_int_equal(config_load_string("mt-agent.conf", text, &c, &err), 0);
    keys = config_catalogue(&n);
    for (i = 0; i < n; i++) {
        char needle[128];
        snprintf(needle, sizeof(needle), "\n;%s = %s\n", keys[i].key, keys[i].default_value);
        if (!strstr(text, needle))
            fail_msg("rootfs/etc/mt-agent/mt-agent.conf does not document [%s] %s with its default (;%s = %s)", keys[i].section,
                     keys[i].key, keys[i].key, keys[i].default_value);
    }
    free(text);
}

/* troff's form of a text: '-' as "\-". */
static void troff(const char *in, char *out, size_t len)
{
    size_t k = 0;

    for (; *in && k + 3 < len; in++) {
        if (*in == '-')
            out[k++] = '\\';
        out[k++] = *in;
    }
    out[k] = '\0';
}

/* mt-agent.conf(5) documents every key of the catalogue in its section's
 * part of the page, with its default ("(empty)" for none). */
static void test_every_key_documented(void **state)
{
    const struct config_key_info *keys;
    char *page;
    long len;
    int n, i;
    FILE *f = fopen("agent/mt-agent.conf.5", "r");
    (void)state;
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    len = ftell(f);
    rewind(f);
    page = calloc(1, (size_t)len + 1);
    assert_non_null(page);
    assert_int_equal(fread(page, 1, (size_t)len, f), (size_t)len);
    fclose(f);
    keys = config_catalogue(&n);
    for (i = 0; i < n; i++) {
        char head[64], line[200], dflt[160], *sec, *end, *at, *eol;
        snprintf(head, sizeof(head), ".SH \"[%s]", keys[i].section);
        sec = strstr(page, head);
        if (!sec)
            fail_msg("mt-agent.conf(5) has no section [%s]", keys[i].section);
        end = strstr(sec + 1, "\n.SH ");
        snprintf(line, sizeof(line), "\n.BR %s \"", keys[i].key);
        at = strstr(sec, line);
        if (!at || (end && at > end))
            fail_msg("mt-agent.conf(5) does not document [%s] %s", keys[i].section, keys[i].key);
        eol = strchr(at + 1, '\n');
        troff(keys[i].default_value[0] ? keys[i].default_value : "empty", dflt, sizeof(dflt));
        snprintf(line, sizeof(line), "(%s)\"", dflt);
        at = strstr(at, line);
        if (!at || (eol && at > eol))
            fail_msg("mt-agent.conf(5): [%s] %s does not say its default (%s)", keys[i].section, keys[i].key,
                     keys[i].default_value);
    }
    free(page);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_good_file),
        cmocka_unit_test(test_bad_files),
        cmocka_unit_test(test_file_on_disk),
        cmocka_unit_test(test_shipped_config),
        cmocka_unit_test(test_every_key_documented),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
