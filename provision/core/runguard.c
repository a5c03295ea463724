/* runguard: see runguard.h. */
#define _GNU_SOURCE
#include "runguard.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "rootpath.h"
#include "run.h"

#define MAX_MARKS 64
#define ENVIRON_MAX (256u * 1024u)

int runguard_proc_stat(pid_t pid, unsigned long long *start, char *state)
{
    char path[64], buf[1024], *p, *save = NULL, *tok;
    ssize_t n;
    int fd, field;

    snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -ENOENT;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -ENOENT;
    buf[n] = '\0';
    /* "pid (comm) S ppid ...": comm may hold spaces and parentheses */
    p = strrchr(buf, ')');
    if (!p)
        return -EIO;
    for (field = 3, tok = strtok_r(p + 1, " ", &save); tok; tok = strtok_r(NULL, " ", &save), field++) {
        if (field == 3 && state)
            *state = tok[0];
        if (field == 22) {
            *start = strtoull(tok, NULL, 10);
            return 0;
        }
    }
    return -EIO;
}

int runguard_start_time(pid_t pid, unsigned long long *start)
{
    return runguard_proc_stat(pid, start, NULL);
}

bool runguard_environ_has(const char *env, size_t len, const char *mark)
{
    size_t ml = strlen(mark), vl = sizeof(RUN_MARK_VAR) - 1, i = 0;

    while (i < len) {
        const char *e = env + i;
        size_t el = strnlen(e, len - i);
        if (el == vl + 1 + ml && memcmp(e, RUN_MARK_VAR, vl) == 0 && e[vl] == '=' &&
            memcmp(e + vl + 1, mark, ml) == 0)
            return true;
        i += el + 1;
    }
    return false;
}

/* A record's name is a mark "<pid>.<start>.<n>": is its agent alive? */
static bool agent_alive(const char *mark)
{
    unsigned long long start, now;
    long pid;
    char state = 0;

    if (sscanf(mark, "%ld.%llu.", &pid, &start) != 2 || pid <= 0)
        return false;
    return runguard_proc_stat((pid_t)pid, &now, &state) == 0 && now == start && state != 'Z';
}

struct victim {
    pid_t pid;
    unsigned long long start;
};

struct sweep {
    char marks[MAX_MARKS][NAME_MAX + 1];
    size_t n_marks;
    struct victim v[RUNGUARD_MAX_PIDS];
    size_t n_v;
};

static bool environ_has_any(pid_t pid, const struct sweep *s)
{
    char path[64], *buf;
    size_t len = 0, i;
    ssize_t n;
    bool hit = false;
    int fd;

    snprintf(path, sizeof(path), "/proc/%ld/environ", (long)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    buf = malloc(ENVIRON_MAX);
    if (!buf) {
        close(fd);
        return false;
    }
    while (len < ENVIRON_MAX && (n = read(fd, buf + len, ENVIRON_MAX - len)) > 0)
        len += (size_t)n;
    close(fd);
    for (i = 0; i < s->n_marks && !hit; i++)
        hit = runguard_environ_has(buf, len, s->marks[i]);
    free(buf);
    return hit;
}

/* Every live process (not us, not a zombie) carrying one of the marks. */
static int find_victims(struct sweep *s, struct mt_err *err)
{
    DIR *d = opendir("/proc");
    struct dirent *e;

    if (!d)
        return mt_err_errno(err, -errno, "/proc: cannot list the processes");
    s->n_v = 0;
    while ((e = readdir(d))) {
        struct victim v;
        char state = 0;

        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        v.pid = (pid_t)atol(e->d_name);
        if (v.pid == getpid() || runguard_proc_stat(v.pid, &v.start, &state) < 0 || state == 'Z')
            continue;
        if (!environ_has_any(v.pid, s))
            continue;
        if (s->n_v == RUNGUARD_MAX_PIDS) {
            closedir(d);
            return mt_err_set(err, -E2BIG, "more than %d processes of earlier runs are alive; end them "
                                           "(grep %s= /proc/*/environ) and run again",
                              RUNGUARD_MAX_PIDS, RUN_MARK_VAR);
        }
        s->v[s->n_v++] = v;
    }
    closedir(d);
    return 0;
}

static bool victim_alive(const struct victim *v)
{
    unsigned long long now;
    char state = 0;

    return runguard_proc_stat(v->pid, &now, &state) == 0 && now == v->start && state != 'Z';
}

static void signal_victims(const struct sweep *s, int sig)
{
    size_t i;

    for (i = 0; i < s->n_v; i++)
        if (victim_alive(&s->v[i]))  /* the same process, not a reused pid */
            kill(s->v[i].pid, sig);
}

/* Wait up to ms for every victim to be gone; the number still alive. */
static unsigned wait_victims(const struct sweep *s, int ms)
{
    unsigned alive = 0;
    int waited;
    size_t i;

    for (waited = 0;; waited += 50) {
        alive = 0;
        for (i = 0; i < s->n_v; i++)
            alive += victim_alive(&s->v[i]);
        if (!alive || waited >= ms)
            return alive;
        usleep(50000);
    }
}

static void describe_victims(const struct sweep *s, struct runguard_report *rep)
{
    size_t i, off = strlen(rep->pids);

    for (i = 0; i < s->n_v && off + 40 < sizeof(rep->pids); i++) {
        char path[64], comm[32] = "?";
        FILE *f;
        snprintf(path, sizeof(path), "/proc/%ld/comm", (long)s->v[i].pid);
        if ((f = fopen(path, "re"))) {
            if (fgets(comm, sizeof(comm), f))
                comm[strcspn(comm, "\n")] = '\0';
            fclose(f);
        }
        off += (size_t)snprintf(rep->pids + off, sizeof(rep->pids) - off, "%s%ld (%s)", off ? ", " : "",
                                (long)s->v[i].pid, comm);
    }
}

/* Collect up to MAX_MARKS records of dead agents. */
static int read_records(const char *dir, struct sweep *s, struct mt_err *err)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    if (!d)
        return errno == ENOENT ? 0 : mt_err_errno(err, -errno, "%s: cannot list", dir);
    s->n_marks = 0;
    while ((e = readdir(d)) && s->n_marks < MAX_MARKS) {
        if (e->d_name[0] == '.' || agent_alive(e->d_name))
            continue;
        snprintf(s->marks[s->n_marks++], sizeof(s->marks[0]), "%s", e->d_name);
    }
    closedir(d);
    return 0;
}

static int sweep_batch(const char *dir, struct sweep *s, struct runguard_report *rep, struct mt_err *err)
{
    unsigned after_term, after_kill;
    size_t i;
    int r;

    r = find_victims(s, err);
    if (r < 0)
        return r;
    if (s->n_v) {
        rep->found += (unsigned)s->n_v;
        describe_victims(s, rep);
        signal_victims(s, SIGTERM);
        after_term = wait_victims(s, RUNGUARD_TERM_MS);
        rep->ended_term += (unsigned)s->n_v - after_term;
        if (after_term) {
            signal_victims(s, SIGKILL);
            after_kill = wait_victims(s, RUNGUARD_KILL_MS);
            rep->ended_kill += after_term - after_kill;
            rep->left += after_kill;
            if (after_kill)
                return mt_err_set(err, -EBUSY, "%u process(es) of an earlier killed run survived SIGKILL (%s); "
                                               "nothing was started: end them and run again", after_kill, rep->pids);
        }
    }
    for (i = 0; i < s->n_marks; i++) {
        char p[PATH_MAX];
        if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, s->marks[i]) < sizeof(p))
            unlink(p);
    }
    return 0;
}

int runguard_sweep(const char *dir, struct runguard_report *rep, struct mt_err *err)
{
    struct sweep *s = calloc(1, sizeof(*s));
    int r = 0, round;

    memset(rep, 0, sizeof(*rep));
    if (!s)
        return mt_err_set(err, -ENOMEM, "out of memory");
    for (round = 0; round < 16 && r == 0; round++) {
        r = read_records(dir, s, err);
        if (r < 0 || s->n_marks == 0)
            break;
        rep->records += (unsigned)s->n_marks;
        r = sweep_batch(dir, s, rep, err);
    }
    free(s);
    return r;
}

int runguard_begin(struct runguard_report *rep, struct mt_err *err)
{
    char dir[PATH_MAX];
    int r = rootpath_resolve(RUNGUARD_DIR, dir, sizeof(dir), 0), i;

    memset(rep, 0, sizeof(*rep));
    if (r < 0)
        return mt_err_errno(err, r, "%s: cannot resolve", RUNGUARD_DIR);
    for (i = 1; dir[i]; i++) {  /* mkdir -p: a fresh box has no /var/lib/mt-agent yet */
        if (dir[i] != '/')
            continue;
        dir[i] = '\0';
        mkdir(dir, 0755);
        dir[i] = '/';
    }
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return mt_err_errno(err, -errno, "%s: cannot create the directory of running commands", dir);
    r = runguard_sweep(dir, rep, err);
    if (r < 0)
        return r;
    run_set_registry(dir);
    return 0;
}
