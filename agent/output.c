/* output: see output.h. */
#include "output.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "jsontext.h"
#include "textesc.h"

static const char *g_prog = "mt-agent";
static bool g_json;
static int g_verbosity;
static bool g_progress_shown;
static char g_first_error[1024];

void out_init(const char *prog, bool json, int verbosity)
{
    g_prog = prog;
    g_json = json;
    g_verbosity = verbosity;
    openlog(prog, LOG_PID, LOG_DAEMON);
}

bool out_json_mode(void)
{
    return g_json;
}

int out_verbosity(void)
{
    return g_verbosity;
}

void out_printf(const char *fmt, ...)
{
    va_list ap;
    char *text;

    if (g_json)
        return;
    va_start(ap, fmt);
    text = text_vformat_escaped("\n\t", fmt, ap);
    va_end(ap);
    if (text)
        fputs(text, stdout);
    free(text);
}

/* A diagnostic at verbosity level `level` (-1 errors, 0 warnings, 1 -v, 2 -vv):
 * dropped below it. */
static void vlog(int level, int prio, const char *tag, const char *fmt, va_list ap)
{
    char *text;

    if (level >= 0 && g_verbosity < level)
        return;
    if (g_progress_shown)
        progress_done();
    /* one line each: a newline from outside is escaped too */
    text = text_vformat_escaped(NULL, fmt, ap);
    fprintf(stderr, "%s: %s%s\n", g_prog, tag, text ? text : "(out of memory)");
    if (prio <= LOG_WARNING && text)
        syslog(prio, "%s", text);
    if (prio == LOG_ERR && text)
        out_note_error(text);
    free(text);
}

void log_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(-1, LOG_ERR, "error: ", fmt, ap);
    va_end(ap);
}

void log_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(0, LOG_WARNING, "warning: ", fmt, ap);
    va_end(ap);
}

void log_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(1, LOG_INFO, "", fmt, ap);
    va_end(ap);
}

void log_debug(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(2, LOG_DEBUG, "debug: ", fmt, ap);
    va_end(ap);
}

const char *out_first_error(void)
{
    return g_first_error[0] ? g_first_error : NULL;
}

void out_note_error(const char *msg)
{
    if (!g_first_error[0] && msg)
        text_escape(msg, strlen(msg), g_first_error, sizeof(g_first_error), NULL);
}

void out_json(json_object *doc)
{
    const char *raw = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                               JSON_C_TO_STRING_NOSLASHESCAPE);
    char *text = raw ? json_text_clean(raw, strlen(raw)) : NULL;

    /* out of memory: the raw text rather than no document */
    fputs(text ? text : raw ? raw : "null", stdout);
    free(text);
    fputc('\n', stdout);
    fflush(stdout);
    json_object_put(doc);
}

void progress_update(const char *label, uint64_t done, uint64_t total)
{
    int width = 30, fill, i;
    unsigned pct;

    if (g_json || g_verbosity < 0 || !isatty(STDERR_FILENO) || total == 0)
        return;
    if (done > total)
        done = total;
    pct = (unsigned)(done * 100 / total);
    fill = (int)(done * (uint64_t)width / total);
    fprintf(stderr, "\r%-24.24s [", label);
    for (i = 0; i < width; i++)
        fputc(i < fill ? '#' : ' ', stderr);
    fprintf(stderr, "] %3u%%", pct);
    fflush(stderr);
    g_progress_shown = true;
}

void progress_done(void)
{
    if (!g_progress_shown)
        return;
    g_progress_shown = false;
    fputc('\n', stderr);
}
