/* apply: the vendor's custom changes and installer from the Unified Agent
 * tarball, each run exactly once per tarball digest.
 *
 * The tarball is hashed while it is extracted into a fresh staging directory
 * (extract.h) and checked against --sha256 or a manifest; then
 * ApplyCustomChanges.sh (chmod 755, its "continue? [Y|N]" answered "Y") and
 * the vendor installer (install -q -d INSTALL_DIR -r MT -v VmWare) run from
 * the staging directory with run_argv, bounded by a time limit, their output
 * appended to /var/log/mt-agent.log. The journal section "apply" records, per
 * digest, each step's start, end, status, exit status and last output lines,
 * committed before a step starts and after it ends, so a run killed half-way
 * is visible as "started" without "finished_at".
 *
 * Exactly once: a step recorded "applied"/"installed" for this digest is not
 * run again (unless force); the vendor's own marker /etc/.appliedmtcustomchanges
 * counts as applied, whatever the journal says; an interrupted installer whose
 * configurator (INSTALL_DIR/Vx/bin/UnifiedAgentConfigurator.sh) is in place
 * counts as installed. Before any of that is decided, under the journal lock,
 * the processes a killed earlier apply left running are ended (runguard.h), so
 * two copies of a vendor script never run at once and the evidence read is final.
 *
 * Interrupted run (journal "started", no "finished_at"):
 *   - marker present: the script got to its last step (it writes the marker
 *     after its changes), so it is recorded as applied and not run again;
 *   - marker absent: the script did not finish. It is run again: each of its
 *     changes rewrites a file wholesale (multipath.conf) or re-adds a setting
 *     (ulimit -c in bashrc), so a second run converges, while never running it
 *     would leave the box without the multipath blacklist. The journal keeps
 *     the interrupted attempt under "interrupted".
 *   - its staging directory (run.XXXXXX) is removed by the next apply, which
 *     holds the journal lock, so no other apply can be using it.
 *
 * Under --root the scripts run with cwd = the staging directory and MT_ROOT set
 * to the root: a chroot would need a complete system in the root, and on the
 * installed box (kickstart %post runs chrooted already) the root is "/". The
 * vendor's own script ignores MT_ROOT: run it under --root only in a chroot. */
#ifndef MT_APPLY_H
#define MT_APPLY_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "agentlog.h"
#include "mterr.h"
#include "payload_hash.h"
#include "runguard.h"

#define APPLY_SCRIPT "ApplyCustomChanges.sh"
#define APPLY_INSTALLER "install"
#define APPLY_MARKER "/etc/.appliedmtcustomchanges"
#define APPLY_LOG AGENTLOG_PATH
#define APPLY_STAGING_PARENT "/var/lib/mt-agent/staging"
#define APPLY_TAIL_LINES 20
#define APPLY_CONFIGURATOR_REL "Vx/bin/UnifiedAgentConfigurator.sh" /* what the installer leaves last */
#define APPLY_RUN_PREFIX "run"         /* staging directories of a run (extract-only keeps "staging.*") */

struct apply_opts {
    const char *tarball;          /* real path */
    const char *sha256;           /* expected digest (any case, ':' allowed) or NULL */
    const char *manifest;         /* real path of a manifest or NULL: SHA256SUMS beside the tarball */
    const char *staging_parent;   /* real path or NULL: APPLY_STAGING_PARENT under the root */
    const char *install_dir;      /* host path for the installer's -d (e.g. /usr/local/ASR) */
    unsigned timeout_s;           /* per script */
    bool force;                   /* run the steps again */
    bool extract_only;            /* verify and extract, keep the staging directory, run nothing */
    void (*progress)(void *data, uint64_t done, uint64_t total);
    void *data;
};

enum apply_step_outcome {
    APPLY_STEP_NOT_RUN = 0,       /* not reached (an earlier step failed, or extract_only) */
    APPLY_STEP_RAN_OK,
    APPLY_STEP_ALREADY,           /* recorded for this digest: nothing run */
    APPLY_STEP_MARKER,            /* the vendor marker says applied: nothing run */
    APPLY_STEP_FAILED,
    APPLY_STEP_PRESENT,           /* interrupted, but what it installs is in place: nothing run */
};

struct apply_step_report {
    enum apply_step_outcome outcome;
    bool recovered;               /* an interrupted earlier run was found */
    char ended[64];               /* "exit status 0", "timed out after ..." */
    char tail[2048];              /* last output lines */
};

struct apply_report {
    char sha256[SHA256_HEX_LEN + 1];
    char digest_source[PATH_MAX + 16]; /* "--sha256" or the manifest file */
    char staging[PATH_MAX];       /* kept only with extract_only */
    uint64_t files;
    struct apply_step_report custom_changes, installer;
    bool reboot_required;
    char journal_note[1100];      /* non-empty when the journal was found corrupt and moved aside */
    unsigned stale_removed;       /* staging directories left by a killed apply, removed */
    struct runguard_report guard; /* processes a killed apply left running, ended first */
};

/* Verify, extract, run what has not run. Returns 0 (report says what happened),
 * -EBADMSG on a digest mismatch, -EPERM for an unsafe archive, -EIO when a
 * script failed (report and err say how), other -errno. */
int apply_run(const struct apply_opts *o, struct apply_report *rep, struct mt_err *err);

/* The digest `tarball` must have: from `sha256` when given, else from the
 * manifest (`manifest` or SHA256SUMS beside the tarball). `source` names where
 * it came from. -ENOKEY when there is nothing to check against. */
int apply_expected_digest(const char *tarball, const char *sha256, const char *manifest,
                          char out[SHA256_HEX_LEN + 1], char *source, size_t sourcelen, struct mt_err *err);

/* Pure: does a multipath.conf text blacklist `wwid` (a "wwid" line directly
 * in a "blacklist { }" section, value quoted or not, optionally anchored ^...$)?
 * Comments (# and !) are ignored; "blacklist_exceptions" does not count. */
bool apply_multipath_blacklists_wwid(const char *conf, const char *wwid);

#endif
