/* guard: see guard.h. */
#include "guard.h"

#include <errno.h>
#include <unistd.h>

#include "diskclaim.h"
#include "output.h"
#include "runguard.h"

#define GUARD_DISK_WAIT_MS 10000

void guard_report(const char *verb, const struct runguard_report *rep)
{
    if (rep->found)
        log_warn("%s: ended %u process(es) left running by an earlier mt-agent that was killed: %s "
                 "(%u after SIGTERM, %u after SIGKILL)",
                 verb, rep->found, rep->pids, rep->ended_term, rep->ended_kill);
}

int guard_children(const char *verb)
{
    struct runguard_report rep;
    struct mt_err err = {0, ""};
    int r = runguard_begin(&rep, &err);

    guard_report(verb, &rep);
    if (r < 0) {
        log_error("%s: %s", verb, err.msg);
        return EXIT_FAILED;
    }
    return 0;
}

int guard_disk(const char *verb, const char *disk)
{
    struct mt_err err = {0, ""};
    const char *real = disk;
    int r;

    /* a missing disk is provision's and retention's to report */
    if (access(real, F_OK) < 0)
        return 0;
    r = disk_claim(real, 0, &err);

    if (r == -EBUSY) {
        log_info("%s: %s is being written by another run; waiting up to %d s for it to let go", verb, disk,
                 GUARD_DISK_WAIT_MS / 1000);
        r = disk_claim(real, GUARD_DISK_WAIT_MS, &err);
    }
    if (r < 0) {
        log_error("%s: %s", verb, err.msg);
        return r == -EBUSY ? EXIT_REFUSED : EXIT_FAILED;
    }
    return 0;
}
