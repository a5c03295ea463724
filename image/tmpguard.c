/* tmpguard: see tmpguard.h */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "arraysize.h"
#include "tmpguard.h"

static char g_tmp_path[PATH_MAX];

static void on_signal(int sig)
{
    if (g_tmp_path[0])
        unlink(g_tmp_path);
    signal(sig, SIG_DFL);
    raise(sig);
}

void tmpguard(const char *path)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    static struct sigaction saved[ARRAY_SIZE(sigs)];
    static int armed;
    struct sigaction sa;
    size_t i;

    if (!path) {
        g_tmp_path[0] = '\0';
        for (i = 0; armed && i < ARRAY_SIZE(sigs); i++)
            sigaction(sigs[i], &saved[i], NULL);
        armed = 0;
        return;
    }
    snprintf(g_tmp_path, sizeof(g_tmp_path), "%s", path);
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (i = 0; !armed && i < ARRAY_SIZE(sigs); i++) {
        sigaction(sigs[i], NULL, &saved[i]);
        /* a signal the caller ignores (nohup) stays ignored */
        if (saved[i].sa_handler != SIG_IGN)
            sigaction(sigs[i], &sa, NULL);
    }
    armed = 1;
}
