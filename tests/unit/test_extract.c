/* extract: the path filter and the link rule (pure), and extraction of archives
 * written here with libarchive (good ones, and ones that must be refused). */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>
#include <cmocka.h>

#include "dirs.h"
#include "arraysize.h"
#include "extract.h"

static void path_ok(const char *in, const char *want)
{
    char out[256];
    const char *why;
    if (extract_path_check(in, out, sizeof(out), &why) != EXTRACT_PATH_OK)
        fail_msg("'%s' refused: %s", in, why);
    assert_string_equal(out, want);
}

static void path_refused(const char *in, const char *why_part)
{
    char out[256];
    const char *why = NULL;
    if (extract_path_check(in, out, sizeof(out), &why) != EXTRACT_PATH_REFUSED)
        fail_msg("'%s' accepted", in);
    assert_non_null(why);
    if (!strstr(why, why_part))
        fail_msg("'%s': '%s' lacks '%s'", in, why, why_part);
}

static void test_path_filter(void **state)
{
    char out[256], small[4];
    const char *why;
    (void)state;
    path_ok("a", "a");
    path_ok("./a/b/", "a/b");
    path_ok("a//b/./c", "a/b/c");
    path_ok("././x", "x");
    path_ok("..a/b..", "..a/b..");
    path_ok("...", "...");
    path_ok("a/.hidden", "a/.hidden");
    assert_int_equal(extract_path_check("./", out, sizeof(out), &why), EXTRACT_PATH_SELF);
    assert_int_equal(extract_path_check(".", out, sizeof(out), &why), EXTRACT_PATH_SELF);
    assert_int_equal(extract_path_check(".//./", out, sizeof(out), &why), EXTRACT_PATH_SELF);
    path_refused("", "empty");
    path_refused("/etc/passwd", "absolute");
    path_refused("//x", "absolute");
    path_refused("..", "'..'");
    path_refused("../x", "'..'");
    path_refused("a/../../x", "'..'");
    path_refused("a/..", "'..'");
    path_refused("a/b/../c", "'..'");
    path_refused("./..//x", "'..'");
    assert_int_equal(extract_path_check("abcdef", small, sizeof(small), &why), EXTRACT_PATH_REFUSED);
    {
        char longname[300];
        memset(longname, 'n', 299);
        longname[299] = '\0';
        path_refused(longname, "longer than 255");
    }
}

static void link_ok(const char *link, const char *target)
{
    const char *why;
    if (extract_symlink_check(link, target, &why) != 0)
        fail_msg("%s -> %s refused: %s", link, target, why);
}

static void link_refused(const char *link, const char *target)
{
    const char *why = NULL;
    if (extract_symlink_check(link, target, &why) == 0)
        fail_msg("%s -> %s accepted", link, target);
    assert_non_null(why);
}

static void test_symlink_rule(void **state)
{
    (void)state;
    link_ok("lib/libx.so", "libx.so.1");
    link_ok("lib/deep/up", "../../bin/tool");
    link_ok("a/b", "..");
    link_ok("self", ".");
    link_ok("a/b", "./../c/./d");
    link_ok("x", "sub/dir/");
    link_refused("x", "");
    link_refused("x", "/etc");
    link_refused("x", "..");
    link_refused("a/x", "../..");
    link_refused("a/b/x", "../../../etc");
    link_refused("x", "sub/../y");        /* ".." after a name: sub may be a link */
    link_refused("a/x", "../s/../../y");
}

static const char *tmpdir;

static int setup(void **state)
{
    static char dir[] = "/tmp/test_extract.XXXXXX";
    (void)state;
    tmpdir = mkdtemp(dir);
    return tmpdir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return dirs_remove_tree(tmpdir);
}

struct ent {
    const char *name;
    int type;              /* AE_IFREG, AE_IFDIR, AE_IFLNK, AE_IFIFO, 0 = hard link */
    int mode;
    const char *data;      /* file data, or link target */
};

static void write_tar(const char *path, const struct ent *e, size_t n)
{
    struct archive *a = archive_write_new();
    size_t i;

    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (i = 0; i < n; i++) {
        struct archive_entry *ae = archive_entry_new();
        archive_entry_set_pathname(ae, e[i].name);
        archive_entry_set_perm(ae, e[i].mode);
        if (e[i].type == 0) {
            archive_entry_set_filetype(ae, AE_IFREG);
            archive_entry_set_hardlink(ae, e[i].data);
        } else {
            archive_entry_set_filetype(ae, e[i].type);
            if (e[i].type == AE_IFLNK)
                archive_entry_set_symlink(ae, e[i].data);
            if (e[i].type == AE_IFREG)
                archive_entry_set_size(ae, (int64_t)strlen(e[i].data));
        }
        assert_int_equal(archive_write_header(a, ae), ARCHIVE_OK);
        if (e[i].type == AE_IFREG)
            assert_int_equal(archive_write_data(a, e[i].data, strlen(e[i].data)), (ssize_t)strlen(e[i].data));
        archive_entry_free(ae);
    }
    archive_write_close(a);
    archive_write_free(a);
}

static void test_extract_good(void **state)
{
    const struct ent good[] = {
        {"./", AE_IFDIR, 0755, NULL},
        {"bin/tool", AE_IFREG, 0750, "#!/bin/sh\n"},
        {"lib/libx.so.1", AE_IFREG, 0644, "lib"},
        {"lib/libx.so", AE_IFLNK, 0777, "libx.so.1"},
        {"lib/same", 0, 0644, "lib/libx.so.1"},
        {"bin/tool", AE_IFREG, 0755, "#!/bin/sh\necho 2\n"}, /* a later entry of the same name wins */
    };
    char path[512], p2[PATH_MAX + 64], buf[64];
    struct extract_opts o = {0};
    struct extract_result r;
    struct mt_err err = {0};
    struct stat st, st2;
    FILE *f;
    (void)state;

    snprintf(path, sizeof(path), "%s/good.tar.gz", tmpdir);
    write_tar(path, good, ARRAY_SIZE(good));
    o.parent = tmpdir;
    assert_int_equal(extract_archive(path, &o, &r, &err), 0);
    assert_int_equal(r.files, 3);
    assert_int_equal(r.symlinks, 1);
    assert_int_equal(r.hardlinks, 1);
    assert_int_equal(strlen(r.sha256), 64);
    snprintf(p2, sizeof(p2), "%s/bin/tool", r.staging);
    assert_int_equal(stat(p2, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0755);
    f = fopen(p2, "r");
    assert_non_null(f);
    assert_int_equal(fread(buf, 1, sizeof(buf), f), 17);
    fclose(f);
    snprintf(p2, sizeof(p2), "%s/lib/same", r.staging);
    assert_int_equal(stat(p2, &st), 0);
    snprintf(p2, sizeof(p2), "%s/lib/libx.so.1", r.staging);
    assert_int_equal(stat(p2, &st2), 0);
    assert_int_equal(st.st_ino, st2.st_ino);
    assert_int_equal(dirs_remove_tree(r.staging), 0);
    assert_int_equal(access(r.staging, F_OK), -1); /* gone */
}

static void expect_refused(const char *file, const struct ent *e, size_t n, const char *msg)
{
    char path[512];
    struct extract_opts o = {0};
    struct extract_result r;
    struct mt_err err = {0};

    snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
    write_tar(path, e, n);
    o.parent = tmpdir;
    assert_int_equal(extract_archive(path, &o, &r, &err), -EPERM);
    if (!strstr(err.msg, msg))
        fail_msg("'%s' lacks '%s'", err.msg, msg);
    assert_string_equal(r.staging, ""); /* removed */
}

static void test_extract_refused(void **state)
{
    const struct ent through[] = {
        {"d/", AE_IFDIR, 0755, NULL}, {"l", AE_IFLNK, 0777, "d"}, {"l/f", AE_IFREG, 0644, "x"}};
    const struct ent fifo[] = {{"ok", AE_IFREG, 0644, "x"}, {"p", AE_IFIFO, 0644, NULL}};
    const struct ent suid[] = {{"s", AE_IFREG, 04755, "x"}};
    const struct ent hl[] = {{"h", 0, 0644, "../etc/passwd"}};
    const struct ent hlmissing[] = {{"h", 0, 0644, "nothere"}};
    const struct ent overdir[] = {{"d/", AE_IFDIR, 0755, NULL}, {"d", AE_IFLNK, 0777, "x"}};
    const struct ent abs[] = {{"/tmp/x", AE_IFREG, 0644, "x"}};
    (void)state;
    expect_refused("through.tgz", through, 3, "entry 'l/f' refused: its path goes through a symbolic link");
    expect_refused("fifo.tgz", fifo, 2, "entry 'p' refused: FIFO");
    expect_refused("suid.tgz", suid, 1, "entry 's' refused: set-user-ID");
    expect_refused("hl.tgz", hl, 1, "entry 'h' refused: hard link to '../etc/passwd'");
    expect_refused("hlmissing.tgz", hlmissing, 1, "not a file extracted before it");
    expect_refused("overdir.tgz", overdir, 2, "entry 'd' refused: it would replace a directory");
    expect_refused("abs.tgz", abs, 1, "absolute path");
}

static void test_extract_limits_and_damage(void **state)
{
    const struct ent big[] = {{"big", AE_IFREG, 0644, "0123456789"}};
    char path[512];
    struct extract_opts o = {0};
    struct extract_result r;
    struct mt_err err = {0};
    FILE *f;
    (void)state;

    snprintf(path, sizeof(path), "%s/big.tgz", tmpdir);
    write_tar(path, big, 1);
    o.parent = tmpdir;
    o.max_entry_bytes = 5;
    assert_int_equal(extract_archive(path, &o, &r, &err), -EPERM);
    assert_non_null(strstr(err.msg, "entry 'big' refused: it is 10 bytes, more than the limit of 5"));
    o.max_entry_bytes = 0;
    o.max_total_bytes = 9;
    assert_int_equal(extract_archive(path, &o, &r, &err), -EPERM);
    assert_non_null(strstr(err.msg, "more than 9 bytes"));

    snprintf(path, sizeof(path), "%s/notar", tmpdir);
    f = fopen(path, "w");
    fputs("this is not an archive at all\n", f);
    fclose(f);
    o.max_total_bytes = 0;
    assert_true(extract_archive(path, &o, &r, &err) < 0);
    assert_non_null(strstr(err.msg, path));
    assert_string_equal(r.staging, "");
    o.parent = "/nonexistent/dir";
    assert_int_equal(extract_archive(path, &o, &r, &err), -ENOENT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_filter),
        cmocka_unit_test(test_symlink_rule),
        cmocka_unit_test(test_extract_good),
        cmocka_unit_test(test_extract_refused),
        cmocka_unit_test(test_extract_limits_and_damage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
