/* Root resolver: no input and no symbolic link in the tree reaches outside DIR. */
#define _GNU_SOURCE /* nftw */
#include <errno.h>
#include <ftw.h>
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "rootpath.h"

static char root[PATH_MAX];

static void mk(const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    assert_int_equal(mkdir(p, 0755), 0);
}

static void ln(const char *target, const char *rel)
{
    char p[PATH_MAX * 2];
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state)
{
    char tmpl[] = "/tmp/mt-rootpath-XXXXXX";
    (void)state;
    if (!mkdtemp(tmpl))
        return -1;
    if (!realpath(tmpl, root))
        return -1;
    mk("etc");
    mk("sys");
    mk("sys/devices");
    mk("sys/devices/pci0");
    mk("sys/block");
    ln("../devices/pci0", "sys/block/sda");          /* relative, inside */
    ln("/etc", "sys/abs-etc");                       /* absolute: re-rooted */
    ln("../../../../../../../../etc", "sys/up-up");  /* climbs: clamped at root */
    ln("/", "sys/slash");
    ln("loop-b", "sys/loop-a");
    ln("loop-a", "sys/loop-b");
    return 0;
}

static int rm_entry(const char *path, const struct stat *st, int type, struct FTW *f)
{
    (void)st;
    (void)f;
    return type == FTW_DP ? rmdir(path) : unlink(path);
}

static int teardown(void **state)
{
    (void)state;
    /* depth first, links not followed: only what the test made goes */
    return nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void expect(const char *in, const char *rel_out, int flags)
{
    char out[PATH_MAX], want[PATH_MAX * 2];
    assert_int_equal(rootpath_resolve_in(root, in, out, sizeof(out), flags), 0);
    snprintf(want, sizeof(want), "%s%s", root, rel_out);
    if (strcmp(out, want) != 0)
        fail_msg("%s resolved to %s, want %s", in, out, want);
}

static void test_plain(void **state)
{
    (void)state;
    expect("/etc/mt-agent/mt-agent.conf", "/etc/mt-agent/mt-agent.conf", 0);
    expect("/", "", 0);
    expect("//etc///x/", "/etc/x", 0);
    expect("/etc/./x", "/etc/x", 0);
}

static void test_dotdot_clamped(void **state)
{
    (void)state;
    expect("/..", "", 0);
    expect("/../../../etc/passwd", "/etc/passwd", 0);
    expect("/etc/../../../../tmp/x", "/tmp/x", 0);
    expect("/missing/dir/../../..//etc", "/etc", 0);
}

static void test_symlinks(void **state)
{
    (void)state;
    expect("/sys/block/sda", "/sys/devices/pci0", 0);
    expect("/sys/block/sda/../pci0", "/sys/devices/pci0", 0); /* .. after the link, as the kernel does */
    expect("/sys/abs-etc/hosts", "/etc/hosts", 0);
    expect("/sys/up-up/hosts", "/etc/hosts", 0);
    expect("/sys/slash/etc", "/etc", 0);
    expect("/sys/slash/..", "", 0);
    expect("/sys/block/sda", "/sys/block/sda", RP_NOFOLLOW);
}

static void test_errors(void **state)
{
    char out[PATH_MAX];
    char longpath[PATH_MAX + 10];
    (void)state;
    assert_int_equal(rootpath_resolve_in(root, "relative/path", out, sizeof(out), 0), -EINVAL);
    assert_int_equal(rootpath_resolve_in(root, "/sys/loop-a/x", out, sizeof(out), 0), -ELOOP);
    memset(longpath, 'a', sizeof(longpath) - 1);
    longpath[0] = '/';
    longpath[sizeof(longpath) - 1] = '\0';
    assert_int_equal(rootpath_resolve_in(root, longpath, out, sizeof(out), 0), -ENAMETOOLONG);
    assert_int_equal(rootpath_resolve_in(root, "/etc/x", out, 8, 0), -ENAMETOOLONG);
}

/* Whatever the input, the result starts with the root. */
static void test_never_escapes(void **state)
{
    static const char *parts[] = {"..", ".", "etc", "sys", "abs-etc", "up-up", "slash", "block", "sda", "x"};
    char in[512], out[PATH_MAX];
    unsigned seed = 12345;
    int i, j;
    (void)state;
    for (i = 0; i < 5000; i++) {
        size_t len = 0;
        int n = 1 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 8;
        for (j = 0; j < n; j++) {
            const char *p = parts[((seed = seed * 1103515245u + 12345u) >> 16) % 10];
            len += (size_t)snprintf(in + len, sizeof(in) - len, "/%s", p);
        }
        assert_int_equal(rootpath_resolve_in(root, in, out, sizeof(out), 0), 0);
        if (strncmp(out, root, strlen(root)) != 0 || (out[strlen(root)] && out[strlen(root)] != '/'))
            fail_msg("%s escaped to %s", in, out);
    }
}

static void test_host_root(void **state)
{
    char out[PATH_MAX];
    (void)state;
    assert_int_equal(rootpath_set(NULL), 0);
    assert_true(rootpath_is_host());
    assert_int_equal(rootpath_resolve("/etc/../etc/hostname", out, sizeof(out), 0), 0);
    assert_string_equal(out, "/etc/hostname");
    assert_int_equal(rootpath_set(root), 0);
    assert_false(rootpath_is_host());
    assert_string_equal(rootpath_root(), root);
    assert_int_equal(rootpath_set("/nonexistent-dir-for-test"), -ENOENT);
    assert_int_equal(rootpath_set(NULL), 0);
}

/* stat/readlink/open under a root follow links inside it, never to the host's
 * files of the same name; on the host they are the plain calls. */
static void test_stat_readlink_open(void **state)
{
    char p[PATH_MAX * 2], buf[PATH_MAX];
    struct stat st;
    FILE *f;
    int fd;
    (void)state;
    snprintf(p, sizeof(p), "%s/etc/mt-marker-only-in-root", root);
    f = fopen(p, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(rootpath_set(root), 0);
    assert_int_equal(rootpath_stat("/sys/abs-etc/mt-marker-only-in-root", &st), 0);
    assert_true(S_ISREG(st.st_mode));
    assert_int_equal(rootpath_readlink("/sys/abs-etc", buf, sizeof(buf)), 4);
    assert_string_equal(buf, "/etc");
    assert_int_equal(rootpath_readlink("/etc/mt-marker-only-in-root", buf, sizeof(buf)), -1); /* not a link */
    fd = rootpath_open("/sys/up-up/mt-marker-only-in-root", O_RDONLY, 0);
    assert_true(fd >= 0);
    close(fd);
    assert_int_equal(rootpath_set(NULL), 0);
    assert_int_equal(rootpath_stat("/etc/mt-marker-only-in-root", &st), -1);
    assert_int_equal(rootpath_stat("/proc/self", &st), 0);
    assert_true(rootpath_readlink("/proc/self/exe", buf, sizeof(buf)) > 0);
    assert_int_equal(buf[0], '/');
    assert_int_equal(rootpath_open("relative", O_RDONLY, 0), -1);
    assert_int_equal(errno, EINVAL);
}

/* A file of exactly n bytes (byte i is 'a' + i % 26) at etc/NAME in the root. */
static void mkfile(const char *name, size_t n)
{
    char p[PATH_MAX * 2];
    FILE *f;
    size_t i;
    snprintf(p, sizeof(p), "%s/etc/%s", root, name);
    f = fopen(p, "w");
    assert_non_null(f);
    for (i = 0; i < n; i++)
        fputc('a' + (int)(i % 26), f);
    fclose(f);
}

/* A file longer than the limit is -EFBIG, never its first max bytes taken for
 * the whole; exactly max bytes is whole; read_head takes the head on purpose.
 * Sizes around the buffer's growth steps (4096, 8192). */
static void test_read_file_bounded(void **state)
{
    static const size_t sizes[] = {0, 1, 4095, 4096, 4097, 8192, 8193, 20000};
    static const size_t maxes[] = {1, 4096, 4097, 8192, 10000};
    size_t i, k;
    char *buf, name[32];
    ssize_t n;
    (void)state;
    assert_int_equal(rootpath_set(root), 0);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(name, sizeof(name), "f%zu", sizes[i]);
        mkfile(name, sizes[i]);
        for (k = 0; k < sizeof(maxes) / sizeof(maxes[0]); k++) {
            char path[64];
            snprintf(path, sizeof(path), "/etc/%s", name);
            n = rootpath_read_file(path, &buf, maxes[k]);
            if (sizes[i] > maxes[k]) {
                assert_int_equal(n, -EFBIG);
                assert_null(buf);
            } else {
                assert_int_equal(n, (ssize_t)sizes[i]);
                assert_int_equal(strlen(buf), sizes[i]);
                if (sizes[i])
                    assert_int_equal(buf[sizes[i] - 1], 'a' + (int)((sizes[i] - 1) % 26));
                free(buf);
            }
            n = rootpath_read_head(path, &buf, maxes[k]);
            assert_int_equal(n, (ssize_t)(sizes[i] < maxes[k] ? sizes[i] : maxes[k]));
            free(buf);
        }
    }
    assert_int_equal(rootpath_read_file("/etc", &buf, 100), -EISDIR);
    assert_int_equal(rootpath_read_file("/etc/none", &buf, 100), -ENOENT);
    assert_int_equal(rootpath_set(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain),        cmocka_unit_test(test_dotdot_clamped),
        cmocka_unit_test(test_symlinks),     cmocka_unit_test(test_errors),
        cmocka_unit_test(test_never_escapes), cmocka_unit_test(test_host_root),
        cmocka_unit_test(test_stat_readlink_open), cmocka_unit_test(test_read_file_bounded),
    };
    return cmocka_run_group_tests_name("rootpath", tests, setup, teardown);
}
