/* journal: see journal.h. */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "dirs.h"
#include "regfile.h"
#include "rootpath.h"
#include "timefmt.h"

/* The file at `path`, when there is one, must be a regular file: a link is
 * refused rather than replaced (the operator put it there for a reason, and
 * a link at state.json or /etc/fstab is how a write lands somewhere else). */
static int refuse_link(const char *path, struct mt_err *err)
{
    struct stat st;

    if (lstat(path, &st) < 0)
        return errno == ENOENT ? 0 : mt_err_errno(err, -errno, "%s: cannot stat", path);
    if (S_ISLNK(st.st_mode))
        return mt_err_set(err, -ELOOP, "%s: is a symbolic link; refused (the agent rewrites this file and "
                          "does not follow links): replace the link with the file itself", path);
    if (!S_ISREG(st.st_mode))
        return mt_err_set(err, -EINVAL, "%s: is %s, not a regular file; refused: remove it", path,
                          regfile_kind(st.st_mode));
    return 0;
}

int write_file_atomic(const char *path, const void *data, size_t len, int mode, struct mt_err *err)
{
    char tmp[PATH_MAX], dir[PATH_MAX];
    const char *p = data;
    size_t off = 0;
    char *slash;
    int fd, dfd, r;

    if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid()) >= sizeof(tmp))
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", path);
    r = dirs_make_parent(path, 0700);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot create the directory", path);
    if ((r = refuse_link(path, err)) < 0)
        return r;
    /* O_EXCL|O_NOFOLLOW: never write through a link someone put at the temp name */
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && errno == EEXIST && unlink(tmp) == 0) /* left by a killed run with our pid */
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot create", tmp);
    while (off < len) {
        ssize_t n = write(fd, p + off, len - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            close(fd);
            unlink(tmp);
            return mt_err_errno(err, r, "%s: write failed", tmp);
        }
        off += (size_t)n;
    }
    if (fchmod(fd, (mode_t)mode) < 0 || fsync(fd) < 0) {
        r = -errno;
        close(fd);
        unlink(tmp);
        return mt_err_errno(err, r, "%s: cannot flush to disk", tmp);
    }
    close(fd);
    if (rename(tmp, path) < 0) {
        r = -errno;
        unlink(tmp);
        return mt_err_errno(err, r, "%s: cannot rename %s into place", path, tmp);
    }
    strcpy(dir, path);
    slash = strrchr(dir, '/');
    if (slash && slash != dir)
        *slash = '\0';
    else
        strcpy(dir, "/");
    dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    return 0;
}

static json_object *new_root(void)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "version", json_object_new_int(JOURNAL_VERSION));
    return o;
}

/* Open and lock state.json.lock: a regular file, never through a link. */
static int lock_journal(struct journal *j, const char *lockpath, struct mt_err *err)
{
    struct stat st;
    int r;

    j->lock_fd = open(lockpath, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
    if (j->lock_fd < 0 && errno == ELOOP)
        return mt_err_set(err, -ELOOP, "%s: the journal lock is a symbolic link; refused (the agent does "
                          "not follow links here): remove the link", lockpath);
    if (j->lock_fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open the journal lock", lockpath);
    if (fstat(j->lock_fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        r = mt_err_set(err, -EINVAL, "%s: the journal lock is %s, not a regular file; remove it", lockpath,
                       regfile_kind(st.st_mode));
        journal_free(j);
        return r;
    }
    if (flock(j->lock_fd, LOCK_EX) < 0) {
        r = -errno;
        journal_free(j);
        return mt_err_errno(err, r, "%s: cannot lock the journal", lockpath);
    }
    return 0;
}

/* Keep a corrupt journal aside as PATH.corrupt-TIME (-N when that name is
 * taken: an earlier one is never replaced). rename() moves the name itself,
 * never what a link points to; path was opened without following one. */
static int move_aside(struct journal *j, const char *path, struct mt_err *err)
{
    struct stat st;
    int n, r;

    for (n = 0; n < 100; n++) {
        if (n == 0)
            snprintf(j->moved_aside, sizeof(j->moved_aside), "%s.corrupt-%ld", path, (long)time(NULL));
        else
            snprintf(j->moved_aside, sizeof(j->moved_aside), "%s.corrupt-%ld-%d", path, (long)time(NULL), n);
        if (lstat(j->moved_aside, &st) < 0 && errno == ENOENT)
            break;
    }
    if (rename(path, j->moved_aside) < 0) {
        r = -errno;
        journal_free(j);
        return mt_err_errno(err, r, "%s: the state journal is corrupt and cannot be moved aside", path);
    }
    mt_err_set(err, -EBADMSG,
               "%s: the state journal is corrupt; it was kept as %s and a new one started "
               "(steps already done are detected on the host again)",
               path, j->moved_aside);
    j->root = new_root();
    return 0;
}

/* The journal's text (freed here) as a JSON object with an int "version"
 * (*ver, owned by the root), or NULL when it is corrupt: not JSON, not an
 * object, no version, or a NUL inside. */
static json_object *journal_parse(char *text, size_t len, json_object **ver)
{
    json_object *root = strlen(text) == len ? json_tokener_parse(text) : NULL;

    free(text);
    if (!root || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "version", ver) || !json_object_is_type(*ver, json_type_int)) {
        json_object_put(root);
        return NULL;
    }
    return root;
}

/* A journal written by a newer agent is never read as ours: -EPROTO naming
 * the file. ver is root's "version" member (an int). */
static int journal_check_version(json_object *ver, const char *path, struct mt_err *err)
{
    int version = json_object_get_int(ver);

    if (version > JOURNAL_VERSION)
        return mt_err_set(err, -EPROTO,
                          "%s: journal version %d is newer than this agent understands (%d); "
                          "use the mt-agent that wrote it",
                          path, version, JOURNAL_VERSION);
    return 0;
}

int journal_load_path(struct journal *j, const char *path, struct mt_err *err)
{
    char lockpath[PATH_MAX + 8];
    json_object *root, *ver;
    char *text;
    size_t len;
    int r;

    memset(j, 0, sizeof(*j));
    j->lock_fd = -1;
    if (strlen(path) >= sizeof(j->path))
        return mt_err_set(err, -ENAMETOOLONG, "%s: path too long", path);
    strcpy(j->path, path);
    r = dirs_make_parent(path, 0700);
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot create the state directory", path);
    snprintf(lockpath, sizeof(lockpath), "%s.lock", path);
    if ((r = lock_journal(j, lockpath, err)) < 0)
        return r;

    /* a link, FIFO or directory is refused, never read, moved or written through */
    r = regfile_read(path, RF_NOFOLLOW, "state journal", JOURNAL_MAX_BYTES, &text, &len, err);
    if (r == -ENOENT) {
        mt_err_clear(err);
        j->root = new_root();
        return 0;
    }
    if (r < 0) {
        journal_free(j);
        return r;
    }
    if (!(root = journal_parse(text, len, &ver))) {
        return move_aside(j, path, err);
    }
    /* checked before the put: ver belongs to root */
    if ((r = journal_check_version(ver, path, err)) < 0) {
        json_object_put(root);
        journal_free(j);
        return r;
    }
    j->root = root;
    return 0;
}

int journal_load(struct journal *j, struct mt_err *err)
{
    char real[PATH_MAX];
    /* RP_NOFOLLOW: a link at state.json is refused by the load, not resolved
     * to its target (under --root it led to R/etc/shadow) */
    int r = rootpath_resolve(JOURNAL_PATH, real, sizeof(real), RP_NOFOLLOW);

    if (r < 0) {
        memset(j, 0, sizeof(*j));
        j->lock_fd = -1;
        return mt_err_errno(err, r, "%s: cannot resolve the journal path", JOURNAL_PATH);
    }
    return journal_load_path(j, real, err);
}

int journal_read(struct journal *j, struct mt_err *err)
{
    char real[PATH_MAX], *text;
    json_object *root, *ver;
    size_t len;
    /* as journal_load: no link followed, no FIFO waited on (regfile.h) */
    int r = rootpath_resolve(JOURNAL_PATH, real, sizeof(real), RP_NOFOLLOW);

    memset(j, 0, sizeof(*j));
    j->lock_fd = -1;
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve the journal path", JOURNAL_PATH);
    snprintf(j->path, sizeof(j->path), "%s", real);
    r = regfile_read(real, RF_NOFOLLOW, "state journal", JOURNAL_MAX_BYTES, &text, &len, err);
    if (r == -ENOENT) {
        mt_err_clear(err);
        j->root = new_root();
        return 0;
    }
    if (r < 0)
        return r;
    if (!(root = journal_parse(text, len, &ver))) {
        return mt_err_set(err, -EBADMSG, "%s: the state journal is corrupt; the next mt-agent verb that writes "
                                         "it keeps it aside and starts a new one", real);
    }
    if ((r = journal_check_version(ver, real, err)) < 0) {
        json_object_put(root);
        return r;
    }
    j->root = root;
    return 0;
}

json_object *journal_section(struct journal *j, const char *name)
{
    json_object *o;

    if (json_object_object_get_ex(j->root, name, &o) && json_object_is_type(o, json_type_object))
        return o;
    o = json_object_new_object();
    json_object_object_add(j->root, name, o);
    return o;
}

int journal_commit(struct journal *j, struct mt_err *err)
{
    const char *text;

    if (j->lock_fd < 0)
        return mt_err_set(err, -EPERM, "%s: read without the lock; not written", j->path);
    json_object_object_add(j->root, "version", json_object_new_int(JOURNAL_VERSION));
    json_object_object_add(j->root, "updated", journal_now());
    text = json_object_to_json_string_ext(j->root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED);
    return write_file_atomic(j->path, text, strlen(text), 0600, err);
}

void journal_free(struct journal *j)
{
    json_object_put(j->root);
    j->root = NULL;
    if (j->lock_fd >= 0)
        close(j->lock_fd);
    j->lock_fd = -1;
}

json_object *journal_now(void)
{
    char ts[TIMEFMT_LEN];
    return json_object_new_string(timefmt_now(ts, sizeof(ts)));
}
