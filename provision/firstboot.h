/* firstboot: the order of the steps that make a bare box a master target.
 *
 * preflight check -> provision (when [layout] disk is set) -> modules -> apply
 * -> reboot (when apply asked for one) -> retention -> register -> final check.
 * Each step is one mt-agent verb run as a child process, so a step behaves
 * exactly as when an operator runs it by hand, and its lock on the journal is
 * its own. This module is the pure part: which steps a configuration asks for,
 * their argv, and what the journal says has already been done. */
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

#define FB_MAX_ARGS 16
#define FB_ARG_LEN 1100

struct fb_step {
    enum fb_step_id id;
    const char *name;               /* "provision", "preflight", ... (journal key) */
    bool enabled;
    char why[256];                  /* why it is skipped, when !enabled */
    int argc;                       /* the verb and its options (no global options) */
    char argv[FB_MAX_ARGS][FB_ARG_LEN];
};

struct fb_options {
    const char *ignore;             /* extra check ids to ignore, comma list (may be NULL) */
    bool payload_dir_exists;        /* [payload] dir exists on the box */
    /* [payload] dir and manifest as paths this process opens (through the root
     * resolver): a verb's command-line paths are taken literally. */
    char payload_dir[FB_ARG_LEN];
    char manifest[FB_ARG_LEN];      /* empty: the verbs' default (SHA256SUMS in the directory) */
    /* The running system's root as this process opens it ("/", or DIR under
     * --root): provision writes the new layout's fstab entries there. */
    char target_root[FB_ARG_LEN];
};

/* The check ids the preflight leaves to later steps: they are what those steps make true. */
extern const char FB_PREFLIGHT_DEFERRED[];

/* Fill steps[FB_N_STEPS] for cfg. Pure: no I/O. */
void firstboot_plan(const struct mt_config *cfg, const struct fb_options *o, struct fb_step steps[FB_N_STEPS]);

/* The status the journal's "firstboot" section records for a step ("done",
 * "failed", "skipped", "running", "reboot-pending"), or NULL when never run. */
const char *firstboot_step_status(json_object *fb_section, const char *step);

/* Record a step's outcome in the "firstboot" section. */
void firstboot_record(json_object *fb_section, const char *step, const char *status, int exit_code,
                      const char *detail);

#endif
