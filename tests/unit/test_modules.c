/* modules: modules.dep lookup, vermagic, target kernel and resolution on fixture trees. */
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

#include <cmocka.h>

#include "dirs.h"
#include "extract.h"
#include "modules.h"
#include "rootpath.h"

static const char dep[] = "kernel/fs/xfs/xfs.ko: kernel/lib/libcrc32c.ko\n"
                          "kernel/lib/libcrc32c.ko:\n"
                          "kernel/fs/nls/nls_cp437.ko.xz:\n"
                          "extra/reiserfs/reiserfs.ko:\n"
                          "kernel/drivers/scsi/vmw_pvscsi.ko:";

static void test_dep_find(void **state)
{
    char path[256];
    (void)state;
    assert_int_equal(modules_dep_find(dep, strlen(dep), "xfs", path, sizeof(path)), 0);
    assert_string_equal(path, "kernel/fs/xfs/xfs.ko");
    assert_int_equal(modules_dep_find(dep, strlen(dep), "reiserfs", path, sizeof(path)), 0);
    assert_string_equal(path, "extra/reiserfs/reiserfs.ko");
    assert_int_equal(modules_dep_find(dep, strlen(dep), "nls_cp437", path, sizeof(path)), 0);
    assert_string_equal(path, "kernel/fs/nls/nls_cp437.ko.xz");
    assert_int_equal(modules_dep_find(dep, strlen(dep), "vmw-pvscsi", path, sizeof(path)), 0); /* - == _ */
    assert_int_equal(modules_dep_find(dep, strlen(dep), "crc32c", path, sizeof(path)), -ESRCH);  /* not a prefix match */
    assert_int_equal(modules_dep_find(dep, strlen(dep), "xf", path, sizeof(path)), -ESRCH);
    assert_int_equal(modules_dep_find(dep, strlen(dep), "ext4", path, sizeof(path)), -ESRCH);
    assert_int_equal(modules_dep_find("", 0, "xfs", path, sizeof(path)), -ESRCH);
    /* modules.builtin: one path per line, no colon */
    {
        const char *b = "kernel/fs/ext4/ext4.ko\nkernel/fs/xfs/xfs.ko\n";
        assert_int_equal(modules_dep_find(b, strlen(b), "xfs", path, sizeof(path)), 0);
    }
    assert_string_equal(path, "kernel/fs/xfs/xfs.ko");
    assert_int_equal(modules_dep_find(dep, strlen(dep), "xfs", path, 5), -ENAMETOOLONG);
}

static void test_vermagic(void **state)
{
    static const char img[] = "\x7f" "ELF....license=GPL\0vermagic=6.1.0-56-amd64 SMP preempt mod_unload modversions \0name=xfs";
    char out[128];
    (void)state;
    assert_int_equal(modules_vermagic(img, sizeof(img), out, sizeof(out)), 0);
    assert_string_equal(out, "6.1.0-56-amd64 SMP preempt mod_unload modversions ");
    assert_int_equal(modules_vermagic("vermagic=abc", 12, out, sizeof(out)), -ENOENT); /* unterminated */
    assert_int_equal(modules_vermagic("no magic here", 13, out, sizeof(out)), -ENOENT);
    assert_int_equal(modules_vermagic("vermagic=\0", 10, out, sizeof(out)), -ENOENT);
    assert_int_equal(modules_vermagic(img, sizeof(img), out, 8), -ENOENT);
}

static char root[PATH_MAX];

static void put(const char *rel, const char *data, size_t len)
{
    char p[PATH_MAX * 2], *s;
    FILE *f;
    snprintf(p, sizeof(p), "%s/%s", root, rel);
    for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
        *s = '\0';
        mkdir(p, 0755);
        *s = '/';
    }
    f = fopen(p, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    fclose(f);
}

static void test_resolve_on_fixture_tree(void **state)
{
    static const char good[] = "ELF\0vermagic=2.6.32-504.el6.x86_64 SMP mod_unload modversions \0";
    static const char other[] = "ELF\0vermagic=2.6.32-573.el6.x86_64 SMP mod_unload modversions \0";
    const char *k = "2.6.32-504.el6.x86_64";
    struct module_info mi;
    struct mt_err err = {0};
    char kver[128];
    (void)state;

    snprintf(root, sizeof(root), "/tmp/test_modules.XXXXXX");
    assert_non_null(mkdtemp(root));
    put("lib/modules/2.6.32-504.el6.x86_64/modules.dep",
        "kernel/fs/xfs/xfs.ko:\nextra/reiserfs/reiserfs.ko:\nkernel/fs/gone.ko:\nextra/other.ko:\n",
        strlen("kernel/fs/xfs/xfs.ko:\nextra/reiserfs/reiserfs.ko:\nkernel/fs/gone.ko:\nextra/other.ko:\n"));
    put("lib/modules/2.6.32-504.el6.x86_64/modules.builtin", "kernel/fs/ext4/ext4.ko\n", 23);
    put("lib/modules/2.6.32-504.el6.x86_64/kernel/fs/xfs/xfs.ko", good, sizeof(good));
    put("lib/modules/2.6.32-504.el6.x86_64/extra/reiserfs/reiserfs.ko", good, sizeof(good));
    put("lib/modules/2.6.32-504.el6.x86_64/extra/other.ko", other, sizeof(other));
    assert_int_equal(rootpath_set(root), 0);

    assert_int_equal(modules_target_kernel(NULL, kver, sizeof(kver), &err), 0);
    assert_string_equal(kver, k);
    assert_int_equal(modules_resolve(k, "xfs", &mi, &err), 0);
    assert_string_equal(mi.rel, "kernel/fs/xfs/xfs.ko");
    assert_false(mi.builtin);
    assert_int_equal(modules_resolve(k, "reiserfs", &mi, &err), 0);
    assert_int_equal(modules_resolve(k, "ext4", &mi, &err), 0);
    assert_true(mi.builtin);
    assert_int_equal(modules_resolve(k, "gone", &mi, &err), -ENOEXEC);
    assert_non_null(strstr(err.msg, "listed in modules.dep but"));
    assert_int_equal(modules_resolve(k, "other", &mi, &err), -ENOEXEC);
    assert_non_null(strstr(err.msg, "built for kernel '2.6.32-573.el6.x86_64"));
    assert_int_equal(modules_resolve(k, "btrfs", &mi, &err), -ESRCH);
    assert_int_equal(modules_resolve("2.6.32-1.el6", "xfs", &mi, &err), -ENOENT);
    assert_non_null(strstr(err.msg, "run depmod"));

    put("lib/modules/2.6.32-573.el6.x86_64/modules.dep", "", 0);
    assert_int_equal(modules_target_kernel(NULL, kver, sizeof(kver), &err), -EINVAL);
    assert_non_null(strstr(err.msg, "several kernels"));
    assert_int_equal(modules_target_kernel("2.6.32-573.el6.x86_64", kver, sizeof(kver), &err), 0);
    assert_int_equal(modules_target_kernel("../x", kver, sizeof(kver), &err), -EINVAL);
    assert_int_equal(rootpath_set(NULL), 0);
    dirs_remove_tree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dep_find),
        cmocka_unit_test(test_vermagic),
        cmocka_unit_test(test_resolve_on_fixture_tree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
