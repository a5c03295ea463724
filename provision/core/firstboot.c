/* firstboot: step order, the policy, and the journal's record of the steps. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "firstboot.h"

#include "arraysize.h"
#include "journal.h"

const char FB_PREFLIGHT_DEFERRED[] =
    "layout.partitions,layout.swap,modules.xfs,modules.reiserfs,customchanges.applied,"
    "retention.volume,cs.registered";

static const char *const step_names[FB_N_STEPS] = {
    "preflight", "provision", "modules", "apply", "reboot", "retention", "register", "final-check",
};

static void skip(struct fb_step *s, const char *why)
{
    s->enabled = false;
    snprintf(s->why, sizeof(s->why), "%s", why);
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
    if (!cfg->layout.disk[0])
        skip(&steps[FB_PROVISION], "[layout] disk is not set: the OS disk was laid out by the installer");
    if (!o->payload_dir_exists) {
        skip(&steps[FB_MODULES], "the payload directory does not exist");
        skip(&steps[FB_APPLY], "the payload directory does not exist");
    } else {
        if (!cfg->payload.modules[0])
            skip(&steps[FB_MODULES], "[payload] modules is empty");
        if (!cfg->payload.agent_tarball[0])
            skip(&steps[FB_APPLY], "[payload] agent_tarball is not set");
    }
    if (!steps[FB_APPLY].enabled)
        skip(&steps[FB_REBOOT], "no custom changes to apply");
    if (!cfg->layout.retention_disk[0])
        skip(&steps[FB_RETENTION], "[layout] retention_disk is not set");
    if (!cfg->cs.host[0])
        skip(&steps[FB_REGISTER], "[cs] host is not set");
}

static bool set(const char *s)
{
    return s && s[0];
}

enum fb_action firstboot_next(const struct fb_step *s, const struct fb_facts *f)
{
    bool done = f->status && strcmp(f->status, "done") == 0;

    if (!s->enabled)
        return FB_ACT_SKIP;
    if (done && s->id != FB_PREFLIGHT && s->id != FB_FINAL_CHECK)
        return FB_ACT_ALREADY;
    if (s->id != FB_REBOOT)
        return FB_ACT_RUN;
    if (!f->reboot_required)
        return FB_ACT_NOT_NEEDED;
    if (set(f->reboot_boot_id) && set(f->boot_id) && strcmp(f->reboot_boot_id, f->boot_id) != 0)
        return FB_ACT_REBOOTED;
    if (f->no_reboot)
        return FB_ACT_DEFER;
    return FB_ACT_REBOOT;
}

const char *firstboot_action_name(enum fb_action a)
{
    static const char *const names[] = {"skip", "already", "run", "not-needed", "rebooted", "defer", "reboot"};
    return (unsigned)a < ARRAY_SIZE(names) ? names[a] : "?";
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
    json_object_object_add(s, "at", journal_now());
    if (detail && detail[0])
        json_object_object_add(s, "detail", json_object_new_string(detail));
    json_object_object_add(steps, step, s);
}
