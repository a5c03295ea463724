/* State journal: load/commit round trip, corrupt journals kept aside (never
 * replacing an earlier one), a newer version refused with its own number
 * (issue 20: it was read after the object was freed), and no link, FIFO or
 * directory at state.json, its lock or a rewritten file is ever followed,
 * read, moved or written through. Each test works in its own temp directory. */
#define _GNU_SOURCE /* nftw */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "journal.h"
#include "regfile.h"
#include "rootpath.h"

struct dir {
    char path[64];
    char state[128];  /* path/state.json */
    char lock[128];   /* path/state.json.lock */
    char victim[128]; /* path/victim: what a link points to */
};

static void put(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

#define PUT(path, lit) put(path, lit, sizeof(lit) - 1)

/* The file's whole content, or "" when missing (a static buffer). */
static const char *get(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    size_t n;

    buf[0] = '\0';
    if (!f)
        return buf;
    n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* How many entries of the directory start with `prefix`. */
static int count(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;

    assert_non_null(d);
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, prefix, strlen(prefix)))
            n++;
    closedir(d);
    return n;
}

static int setup(void **state)
{
    struct dir *d = calloc(1, sizeof(*d));

    assert_non_null(d);
    strcpy(d->path, "/tmp/mt-journal-XXXXXX");
    assert_non_null(mkdtemp(d->path));
    snprintf(d->state, sizeof(d->state), "%s/state.json", d->path);
    snprintf(d->lock, sizeof(d->lock), "%s/state.json.lock", d->path);
    snprintf(d->victim, sizeof(d->victim), "%s/victim", d->path);
    *state = d;
    return 0;
}

static int rm_entry(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(p);
}

static int teardown(void **state)
{
    struct dir *d = *state;
    int r = nftw(d->path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);

    free(d);
    return r;
}

static void test_round_trip(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};
    json_object *o;
    struct stat st;

    assert_int_equal(journal_load_path(&j, d->state, &err), 0);
    json_object_object_add(journal_section(&j, "apply"), "digest", json_object_new_string("abc"));
    assert_int_equal(journal_commit(&j, &err), 0);
    journal_free(&j);
    assert_int_equal(stat(d->state, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(journal_load_path(&j, d->state, &err), 0);
    assert_true(json_object_object_get_ex(journal_section(&j, "apply"), "digest", &o));
    assert_string_equal(json_object_get_string(o), "abc");
    assert_int_equal(j.moved_aside[0], '\0');
    journal_free(&j);
    assert_int_equal(count(d->path, "state.json.tmp"), 0);
}

/* Version 99 is refused naming 99: the number was read after json_object_put
 * freed it (valgrind saw the invalid read; the message said "version 0"). */
static void test_newer_version(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};

    PUT(d->state, "{\"version\": 99, \"apply\": {}}");
    assert_int_equal(journal_load_path(&j, d->state, &err), -EPROTO);
    if (!strstr(err.msg, "journal version 99 is newer"))
        fail_msg("%s", err.msg);
    assert_non_null(strstr(err.msg, d->state));
    assert_string_equal(get(d->state), "{\"version\": 99, \"apply\": {}}");
    assert_int_equal(j.lock_fd, -1);
}

/* Corrupt journals of every shape are kept aside; a second one in the same
 * second does not replace the first. */
static void test_corrupt_kept_aside(void **state)
{
    static const struct {
        const char *text;
        size_t len;
    } bad[] = {
        {"not json", 8},
        {"[1, 2]", 6},
        {"{\"version\": \"1\"}", 16},
        {"{}", 2},
        {"{\"version\": 1}\0{\"x\"", 19},
        {"", 0},
    };
    struct dir *d = *state;
    struct journal j;
    struct mt_err err;
    size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char aside[PATH_MAX];

        put(d->state, bad[i].text, bad[i].len);
        memset(&err, 0, sizeof(err));
        assert_int_equal(journal_load_path(&j, d->state, &err), 0);
        assert_int_equal(err.code, -EBADMSG);
        assert_non_null(strstr(err.msg, "corrupt"));
        assert_non_null(strstr(err.msg, j.moved_aside));
        snprintf(aside, sizeof(aside), "%s", j.moved_aside);
        journal_free(&j);
        assert_int_equal(access(d->state, F_OK), -1);
        assert_int_equal(count(d->path, "state.json.corrupt-"), (int)i + 1);
        {
            struct stat st;
            assert_int_equal(lstat(aside, &st), 0);
            assert_int_equal((size_t)st.st_size, bad[i].len);
        }
    }
}

/* state.json as a symbolic link: refused at once by every load (status too),
 * the link and its target untouched, nothing written there by a commit. */
static void test_state_link_refused(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};
    char target[PATH_MAX];
    ssize_t n;

    PUT(d->victim, "root:secret:0:0\n");
    assert_int_equal(symlink(d->victim, d->state), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -ELOOP);
    assert_non_null(strstr(err.msg, d->state));
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_string_equal(get(d->victim), "root:secret:0:0\n");
    n = readlink(d->state, target, sizeof(target) - 1);
    assert_true(n > 0);
    target[n] = '\0';
    assert_string_equal(target, d->victim);
    assert_int_equal(count(d->path, "state.json.corrupt-"), 0);
    assert_int_equal(count(d->path, "victim"), 1);
    /* a dangling link the same */
    assert_int_equal(unlink(d->victim), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -ELOOP);
    assert_int_equal(access(d->victim, F_OK), -1);
}

/* A link that appears at state.json after the load: the commit refuses it
 * rather than replacing it, and the link's target is not written. */
static void test_commit_refuses_link(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};

    assert_int_equal(journal_load_path(&j, d->state, &err), 0);
    PUT(d->victim, "keep\n");
    assert_int_equal(symlink(d->victim, d->state), 0);
    assert_int_equal(journal_commit(&j, &err), -ELOOP);
    assert_non_null(strstr(err.msg, "symbolic link"));
    journal_free(&j);
    assert_string_equal(get(d->victim), "keep\n");
    assert_int_equal(count(d->path, "state.json.tmp"), 0);
}

/* The lock as a link (even dangling): refused, nothing created at its target. */
static void test_lock_link_refused(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};

    assert_int_equal(symlink(d->victim, d->lock), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -ELOOP);
    assert_non_null(strstr(err.msg, d->lock));
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(access(d->victim, F_OK), -1);
    assert_int_equal(j.lock_fd, -1);
}

/* A FIFO or a directory at state.json is refused at once (it used to block
 * in open() forever), named, and left where it is. */
static void test_not_a_file(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};
    struct stat st;

    assert_int_equal(mkfifo(d->state, 0600), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "FIFO"));
    assert_non_null(strstr(err.msg, d->state));
    assert_int_equal(lstat(d->state, &st), 0);
    assert_true(S_ISFIFO(st.st_mode));
    assert_int_equal(unlink(d->state), 0);
    assert_int_equal(mkdir(d->state, 0700), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -EISDIR);
    assert_non_null(strstr(err.msg, "directory"));
    assert_int_equal(rmdir(d->state), 0);
    /* a FIFO as the lock */
    assert_int_equal(unlink(d->lock), 0);
    assert_int_equal(mkfifo(d->lock, 0600), 0);
    assert_int_equal(journal_load_path(&j, d->state, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "journal lock is a FIFO"));
}

/* write_file_atomic (fstab too): a link at the path or at the temp name is
 * never written through. */
static void test_write_atomic_links(void **state)
{
    struct dir *d = *state;
    struct mt_err err = {0};
    char path[PATH_MAX], tmp[PATH_MAX + 32];

    snprintf(path, sizeof(path), "%s/fstab", d->path);
    PUT(d->victim, "keep\n");
    assert_int_equal(symlink(d->victim, path), 0);
    assert_int_equal(write_file_atomic(path, "new\n", 4, 0644, &err), -ELOOP);
    assert_non_null(strstr(err.msg, path));
    assert_string_equal(get(d->victim), "keep\n");
    assert_int_equal(unlink(path), 0);
    /* a link planted at the temp name is replaced, not followed */
    snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
    assert_int_equal(symlink(d->victim, tmp), 0);
    assert_int_equal(write_file_atomic(path, "new\n", 4, 0644, &err), 0);
    assert_string_equal(get(d->victim), "keep\n");
    assert_string_equal(get(path), "new\n");
    assert_int_equal(access(tmp, F_OK), -1);
    unlink(path);
}

/* Logs the agent appends to (regfile_open_append): a link or a FIFO at the
 * path is refused at once, a regular file is appended to. */
static void test_log_append(void **state)
{
    struct dir *d = *state;
    char log[PATH_MAX];
    int fd;

    snprintf(log, sizeof(log), "%s/agent.log", d->path);
    PUT(d->victim, "keep\n");
    assert_int_equal(symlink(d->victim, log), 0);
    assert_int_equal(regfile_open_append(log, 0640), -ELOOP);
    assert_string_equal(get(d->victim), "keep\n");
    assert_int_equal(unlink(log), 0);
    assert_int_equal(mkfifo(log, 0600), 0);
    assert_int_equal(regfile_open_append(log, 0640), -EINVAL);
    assert_int_equal(unlink(log), 0);
    fd = regfile_open_append(log, 0640);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "a\n", 2), 2);
    close(fd);
    fd = regfile_open_append(log, 0640);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "b\n", 2), 2);
    close(fd);
    assert_string_equal(get(log), "a\nb\n");
}

/* journal_read (lock-free, status/check) under a root: the same refusals as a load. */
static void test_read_refusals(void **state)
{
    struct dir *d = *state;
    struct journal j;
    struct mt_err err = {0};
    char dir[PATH_MAX], st[PATH_MAX + 16];

    snprintf(dir, sizeof(dir), "%s/var/lib/mt-agent", d->path);
    snprintf(st, sizeof(st), "%s/state.json", dir);
    {
        char p[PATH_MAX];
        snprintf(p, sizeof(p), "%s/var", d->path);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/var/lib", d->path);
        mkdir(p, 0755);
        assert_int_equal(mkdir(dir, 0700), 0);
    }
    assert_int_equal(rootpath_set(d->path), 0);
    PUT(d->victim, "{\"version\": 1, \"secret\": {}}");
    assert_int_equal(symlink("/victim", st), 0);
    assert_int_equal(journal_read(&j, &err), -ELOOP);
    assert_non_null(strstr(err.msg, "symbolic link"));
    assert_int_equal(unlink(st), 0);
    assert_int_equal(mkfifo(st, 0600), 0);
    assert_int_equal(journal_read(&j, &err), -EINVAL);
    assert_non_null(strstr(err.msg, "FIFO"));
    assert_int_equal(unlink(st), 0);
    PUT(st, "{\"version\": 99}");
    assert_int_equal(journal_read(&j, &err), -EPROTO);
    assert_non_null(strstr(err.msg, "journal version 99 is newer"));
    assert_int_equal(unlink(st), 0);
    assert_int_equal(journal_read(&j, &err), 0); /* missing: an empty journal */
    journal_free(&j);
    assert_int_equal(rootpath_set(NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_newer_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_kept_aside, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_link_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_commit_refuses_link, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lock_link_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_not_a_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_atomic_links, setup, teardown),
        cmocka_unit_test_setup_teardown(test_log_append, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_refusals, setup, teardown),
    };
    return cmocka_run_group_tests_name("journal", tests, NULL, NULL);
}
