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
#include "rootpath.h"
#include "timefmt.h"

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
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
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

int journal_load_path(struct journal *j, const char *path, struct mt_err *err)
{
    char lockpath[PATH_MAX + 8];
    json_object *root, *ver;
    FILE *f;
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
    j->lock_fd = open(lockpath, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (j->lock_fd < 0)
        return mt_err_errno(err, -errno, "%s: cannot open the journal lock", lockpath);
    if (flock(j->lock_fd, LOCK_EX) < 0) {
        r = -errno;
        journal_free(j);
        return mt_err_errno(err, r, "%s: cannot lock the journal", lockpath);
    }

    f = fopen(path, "r");
    if (!f) {
        if (errno != ENOENT) {
            r = -errno;
            journal_free(j);
            return mt_err_errno(err, r, "%s: cannot read the state journal", path);
        }
        j->root = new_root();
        return 0;
    }
    fclose(f);
    root = json_object_from_file(path);
    if (!root || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "version", &ver) || !json_object_is_type(ver, json_type_int)) {
        json_object_put(root);
        snprintf(j->moved_aside, sizeof(j->moved_aside), "%s.corrupt-%ld", path, (long)time(NULL));
        if (rename(path, j->moved_aside) < 0) {
            r = -errno;
            journal_free(j);
            return mt_err_errno(err, r, "%s: the state journal is corrupt and cannot be moved aside",
                                path);
        }
        mt_err_set(err, -EBADMSG,
                   "%s: the state journal is corrupt; it was kept as %s and a new one started "
                   "(steps already done are detected on the host again)",
                   path, j->moved_aside);
        j->root = new_root();
        return 0;
    }
    if (json_object_get_int(ver) > JOURNAL_VERSION) {
        json_object_put(root);
        journal_free(j);
        return mt_err_set(err, -EPROTO,
                          "%s: journal version %d is newer than this agent understands (%d); "
                          "use the mt-agent that wrote it",
                          path, json_object_get_int(ver), JOURNAL_VERSION);
    }
    j->root = root;
    return 0;
}

int journal_load(struct journal *j, struct mt_err *err)
{
    char real[PATH_MAX];
    int r = rootpath_resolve(JOURNAL_PATH, real, sizeof(real), 0);

    if (r < 0) {
        memset(j, 0, sizeof(*j));
        j->lock_fd = -1;
        return mt_err_errno(err, r, "%s: cannot resolve the journal path", JOURNAL_PATH);
    }
    return journal_load_path(j, real, err);
}

int journal_read(struct journal *j, struct mt_err *err)
{
    char real[PATH_MAX];
    json_object *root, *ver;
    int r = rootpath_resolve(JOURNAL_PATH, real, sizeof(real), 0);

    memset(j, 0, sizeof(*j));
    j->lock_fd = -1;
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve the journal path", JOURNAL_PATH);
    snprintf(j->path, sizeof(j->path), "%s", real);
    if (access(real, F_OK) < 0) {
        if (errno != ENOENT)
            return mt_err_errno(err, -errno, "%s: cannot read the state journal", real);
        j->root = new_root();
        return 0;
    }
    root = json_object_from_file(real);
    if (!root || !json_object_is_type(root, json_type_object) ||
        !json_object_object_get_ex(root, "version", &ver) || !json_object_is_type(ver, json_type_int)) {
        json_object_put(root);
        return mt_err_set(err, -EBADMSG, "%s: the state journal is corrupt; the next mt-agent verb that writes "
                                         "it keeps it aside and starts a new one", real);
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
