/* Pure parts of the blank test: sigscan_first_nonzero (the first byte of a
 * region no finding explains), the usual partition starts, sigscan_describe;
 * textfile_check (what makes a file we edit unreadable as text) and
 * fstab_update refusing such a file without writing it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "fstab.h"
#include "sigscan.h"
#include "textfile.h"

static void test_first_nonzero(void **state)
{
    unsigned char buf[4096];
    const uint64_t skip[2][2] = {{100, 200}, {1000, 4096}};
    (void)state;

    memset(buf, 0, sizeof(buf));
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), NULL, 0), -1);
    buf[4095] = 1;
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), NULL, 0), 4095);
    /* inside a skipped range: explained */
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), skip, 2), -1);
    buf[150] = 7;
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), skip, 2), -1);
    buf[200] = 7; /* the first byte after a skipped range */
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), skip, 2), 200);
    buf[0] = 9;
    assert_int_equal(sigscan_first_nonzero(buf, sizeof(buf), skip, 2), 0);
    assert_int_equal(sigscan_first_nonzero(buf, 0, NULL, 0), -1);
}

static void test_usual_starts(void **state)
{
    size_t n, i;
    const struct sigscan_start *s = sigscan_usual_starts(&n);
    bool has63 = false, has2048 = false;
    (void)state;

    assert_true(n >= 5);
    for (i = 0; i < n; i++) {
        assert_non_null(s[i].why);
        assert_true(strlen(s[i].why) > 10);
        if (i)
            assert_true(s[i].sector > s[i - 1].sector); /* ascending, no duplicates */
        has63 = has63 || s[i].sector == 63;
        has2048 = has2048 || s[i].sector == 2048;
    }
    assert_true(has63 && has2048);
}

static void test_describe(void **state)
{
    struct sigscan_finding f;
    char buf[256];
    (void)state;

    memset(&f, 0, sizeof(f));
    strcpy(f.kind, "filesystem");
    strcpy(f.type, "ext4");
    strcpy(f.label, "OLDDATA");
    strcpy(f.source, "partition 1 of gpt");
    f.offset = 1049656;
    sigscan_describe(&f, buf, sizeof(buf));
    assert_string_equal(buf, "ext4 'OLDDATA' at byte 1049656 (partition 1 of gpt)");
    strcpy(f.kind, "unrecognised");
    strcpy(f.source, "last MiB");
    f.offset = 42;
    sigscan_describe(&f, buf, sizeof(buf));
    assert_string_equal(buf, "unrecognised data at offset 42 (last MiB)");
    strcpy(f.kind, "partition_table");
    strcpy(f.type, "gpt");
    strcpy(f.source, "whole disk");
    f.offset = 512;
    sigscan_describe(&f, buf, sizeof(buf));
    assert_string_equal(buf, "gpt partition table at byte 512 (whole disk)");
}

static void test_textfile_check(void **state)
{
    size_t line = 0, col = 0;
    char *long_line;
    (void)state;

    assert_int_equal(textfile_check("a\nb\n", 4, &line, &col), 0);
    assert_int_equal(textfile_check("", 0, &line, &col), 0);
    assert_int_equal(textfile_check("a\nb\n\0\0c\n", 8, &line, &col), -EILSEQ);
    assert_int_equal(line, 3);
    assert_int_equal(col, 1);
    assert_int_equal(textfile_check("abc\0", 4, &line, &col), -EILSEQ);
    assert_int_equal(line, 1);
    assert_int_equal(col, 4);
    long_line = malloc(TEXTFILE_LINE_MAX + 8);
    assert_non_null(long_line);
    memset(long_line, 'x', TEXTFILE_LINE_MAX + 8);
    long_line[0] = '\n';
    /* exactly TEXTFILE_LINE_MAX bytes on line 2: fine */
    long_line[TEXTFILE_LINE_MAX + 1] = '\n';
    assert_int_equal(textfile_check(long_line, TEXTFILE_LINE_MAX + 2, &line, &col), 0);
    /* one more: refused, on line 2 */
    long_line[TEXTFILE_LINE_MAX + 1] = 'x';
    assert_int_equal(textfile_check(long_line, TEXTFILE_LINE_MAX + 8, &line, &col), -E2BIG);
    assert_int_equal(line, 2);
    free(long_line);
}

static void test_fstab_refused(void **state)
{
    char dir[] = "/tmp/test_sigscan.XXXXXX", path[64], back[64];
    const char bad[] = "LABEL=a / ext4 defaults 1 1\n\0\0\0\nUUID=b /data xfs defaults 0 0\n";
    struct fstab_entry e;
    struct mt_err err = {0, ""};
    bool changed = true;
    FILE *f;
    size_t n;
    (void)state;

    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/fstab", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fwrite(bad, 1, sizeof(bad) - 1, f);
    fclose(f);
    memset(&e, 0, sizeof(e));
    strcpy(e.source, "UUID=c");
    strcpy(e.mountpoint, "/mnt/retention");
    strcpy(e.fstype, "ext4");
    assert_int_equal(fstab_update(path, &e, 1, "# c", false, &changed, &err), -EILSEQ);
    assert_false(changed);
    assert_non_null(strstr(err.msg, ":2: a NUL byte"));
    assert_int_equal(fstab_check(path, &err), -EILSEQ);
    f = fopen(path, "r");
    assert_non_null(f);
    n = fread(back, 1, sizeof(back), f);
    fclose(f);
    assert_int_equal(n, sizeof(bad) - 1);
    assert_memory_equal(back, bad, n);
    /* a missing file is fine to check (it will be created) */
    unlink(path);
    assert_int_equal(fstab_check(path, &err), 0);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_first_nonzero), cmocka_unit_test(test_usual_starts),
        cmocka_unit_test(test_describe),      cmocka_unit_test(test_textfile_check),
        cmocka_unit_test(test_fstab_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
