/* firstboot: step order, argv of each step, and the journal's record of them. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "firstboot.h"

const char FB_PREFLIGHT_DEFERRED[] =
    "layout.partitions,layout.swap,modules.xfs,modules.reiserfs,customchanges.applied,"
    "retention.volume,cs.registered";

static const char *const step_names[FB_N_STEPS] = {
    "preflight", "provision", "modules", "apply", "reboot", "retention", "register", "final-check",
};

static void arg(struct fb_step *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void arg(struct fb_step *s, const char *fmt, ...)
{
    va_list ap;
    if (s->argc >= FB_MAX_ARGS)
        return;
    va_start(ap, fmt);
    vsnprintf(s->argv[s->argc++], FB_ARG_LEN, fmt, ap);
    va_end(ap);
}

static void skip(struct fb_step *s, const char *why)
{
    s->enabled = false;
    snprintf(s->why, sizeof(s->why), "%s", why);
}

/* A disk named "sda" in the config means /dev/sda; a path is taken as it is. */
static void disk_arg(struct fb_step *s, const char *disk)
{
    arg(s, "--disk");
    if (disk[0] == '/')
        arg(s, "%s", disk);
    else
        arg(s, "/dev/%s", disk);
}

static void ignore_arg(struct fb_step *s, const char *a, const char *b)
{
    bool has_a = a && a[0], has_b = b && b[0];
    if (!has_a && !has_b)
        return;
    arg(s, "--ignore");
    arg(s, "%s%s%s", has_a ? a : "", has_a && has_b ? "," : "", has_b ? b : "");
}

void firstboot_plan(const struct mt_config *cfg, const struct fb_options *o, struct fb_step steps[FB_N_STEPS])
{
    int i;

    for (i = 0; i < FB_N_STEPS; i++) {
        memset(&steps[i], 0, sizeof(steps[i]));
        steps[i].id = (enum fb_step_id)i;
        steps[i].name = step_names[i];
        steps[i].enabled = true;
    }

    if (cfg->layout.disk[0]) {
        arg(&steps[FB_PROVISION], "provision");
        disk_arg(&steps[FB_PROVISION], cfg->layout.disk);
        if (o->target_root[0]) {
            arg(&steps[FB_PROVISION], "--target-root");
            arg(&steps[FB_PROVISION], "%s", o->target_root);
        }
    } else {
        skip(&steps[FB_PROVISION], "[layout] disk is not set: the OS disk was laid out by the installer");
    }

    arg(&steps[FB_PREFLIGHT], "check");
    ignore_arg(&steps[FB_PREFLIGHT], FB_PREFLIGHT_DEFERRED, o->ignore);

    if (!o->payload_dir_exists) {
        skip(&steps[FB_MODULES], "the payload directory does not exist");
        skip(&steps[FB_APPLY], "the payload directory does not exist");
    } else {
        if (cfg->payload.modules[0]) {
            arg(&steps[FB_MODULES], "modules");
            arg(&steps[FB_MODULES], "install");
            arg(&steps[FB_MODULES], "--from");
            arg(&steps[FB_MODULES], "%s", o->payload_dir);
            if (o->manifest[0]) {
                arg(&steps[FB_MODULES], "--manifest");
                arg(&steps[FB_MODULES], "%s", o->manifest);
            }
        } else {
            skip(&steps[FB_MODULES], "[payload] modules is empty");
        }
        /* apply takes [payload] agent_tarball and manifest from the configuration itself */
        if (cfg->payload.agent_tarball[0])
            arg(&steps[FB_APPLY], "apply");
        else
            skip(&steps[FB_APPLY], "[payload] agent_tarball is not set");
    }
    if (!steps[FB_APPLY].enabled)
        skip(&steps[FB_REBOOT], "no custom changes to apply");

    if (cfg->layout.retention_disk[0]) {
        arg(&steps[FB_RETENTION], "retention");
        disk_arg(&steps[FB_RETENTION], cfg->layout.retention_disk);
        arg(&steps[FB_RETENTION], "--mount");
        arg(&steps[FB_RETENTION], "%s", cfg->layout.retention_mount);
    } else {
        skip(&steps[FB_RETENTION], "[layout] retention_disk is not set");
    }

    if (cfg->cs.host[0])
        arg(&steps[FB_REGISTER], "register");
    else
        skip(&steps[FB_REGISTER], "[cs] host is not set");

    arg(&steps[FB_FINAL_CHECK], "check");
    ignore_arg(&steps[FB_FINAL_CHECK], o->ignore, NULL);
}

const char *firstboot_step_status(json_object *fb, const char *step)
{
    json_object *steps, *s, *st;

    if (!fb || !json_object_object_get_ex(fb, "steps", &steps) ||
        !json_object_object_get_ex(steps, step, &s) || !json_object_object_get_ex(s, "status", &st))
        return NULL;
    return json_object_get_string(st);
}

void firstboot_record(json_object *fb, const char *step, const char *status, int exit_code, const char *detail)
{
    json_object *steps, *s = json_object_new_object();

    if (!json_object_object_get_ex(fb, "steps", &steps)) {
        steps = json_object_new_object();
        json_object_object_add(fb, "steps", steps);
    }
    json_object_object_add(s, "status", json_object_new_string(status));
    json_object_object_add(s, "exit", json_object_new_int(exit_code));
    json_object_object_add(s, "at", json_object_new_int64((int64_t)time(NULL)));
    if (detail && detail[0])
        json_object_object_add(s, "detail", json_object_new_string(detail));
    json_object_object_add(steps, step, s);
}
