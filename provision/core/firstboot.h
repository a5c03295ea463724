/* firstboot: the order of the steps that make a bare box a master target.
 *
 * preflight check -> provision (when [layout] disk is set) -> modules -> apply
 * -> reboot (when apply asked for one) -> retention -> register -> final check.
 * Each step is one mt-agent verb run as a child process, so a step behaves
 * exactly as when an operator runs it by hand, and its lock on the journal is
 * its own. This module is the pure part: which steps a configuration asks for,
 * what to do with each one given what the journal and the box say, and the
 * journal's record. */
#ifndef MT_FIRSTBOOT_H
#define MT_FIRSTBOOT_H
#include <json-c/json.h>
#include <stdbool.h>
#include "config.h"

enum fb_step_id {
    FB_PREFLIGHT,
    FB_PROVISION,
    FB_MODULES,
    FB_APPLY,
    FB_REBOOT,
    FB_RETENTION,
    FB_REGISTER,
    FB_FINAL_CHECK,
    FB_N_STEPS
};

struct fb_step {
    enum fb_step_id id;
    const char *name;               /* "provision", "preflight", ... (journal key) */
    bool enabled;
    char why[256];                  /* why it is skipped, when !enabled */
};

struct fb_options {
    bool payload_dir_exists;        /* [payload] dir exists on the box */
};

/* The check ids the preflight leaves to later steps: they are what those steps make true. */
extern const char FB_PREFLIGHT_DEFERRED[];

/* Fill steps[FB_N_STEPS] for cfg: which steps it asks for, and why the
 * others are skipped. Pure: no I/O. (The steps' command lines are built by
 * the agent from the verbs' option tables.) */
void firstboot_plan(const struct mt_config *cfg, const struct fb_options *o, struct fb_step steps[FB_N_STEPS]);

/* What firstboot does with a step now: the policy, pure. */
enum fb_action {
    FB_ACT_SKIP,        /* not enabled: record "skipped" with its why */
    FB_ACT_ALREADY,     /* done in an earlier run: nothing */
    FB_ACT_RUN,         /* run its verb */
    FB_ACT_NOT_NEEDED,  /* reboot: the custom changes did not ask for one */
    FB_ACT_REBOOTED,    /* reboot: the box has rebooted since it was asked for */
    FB_ACT_DEFER,       /* reboot: asked for, --no-reboot: say so, go on */
    FB_ACT_REBOOT,      /* reboot: record reboot-pending, stop, reboot the box (or ask for it) */
};

/* What the journal and the box say, as the policy reads it. */
struct fb_facts {
    const char *status;             /* the step's recorded status, NULL when never run */
    bool reboot_required;           /* the journal's apply section asks for a reboot */
    const char *reboot_boot_id;     /* the boot id recorded when the reboot was asked for ("" / NULL: none) */
    const char *boot_id;            /* this boot's id ("" / NULL: unknown) */
    bool no_reboot;                 /* --no-reboot */
};

/* The action for step s. Checks (preflight, final-check) run every time,
 * they report the box as it is now; the other steps once, until done. */
enum fb_action firstboot_next(const struct fb_step *s, const struct fb_facts *f);
const char *firstboot_action_name(enum fb_action a);

/* The status the journal's "firstboot" section records for a step ("done",
 * "failed", "skipped", "running", "reboot-pending"), or NULL when never run. */
const char *firstboot_step_status(json_object *fb_section, const char *step);

/* Record a step's outcome in the "firstboot" section. */
void firstboot_record(json_object *fb_section, const char *step, const char *status, int exit_code,
                      const char *detail);

#endif
