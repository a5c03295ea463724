/* config: /etc/mt-agent/mt-agent.conf, INI (inih), every key typed and checked.
 *
 * Sections [cs], [layout], [payload], [check]. An unknown section or key, or a
 * value of the wrong type or out of range, is an error naming file and line.
 * rootfs/etc/mt-agent/mt-agent.conf documents every key with its default. */
#ifndef MT_CONFIG_H
#define MT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

#define MT_CONFIG_DEFAULT_PATH "/etc/mt-agent/mt-agent.conf"
#define MT_CFG_STR 256

enum cs_backend { CS_BACKEND_ASR, CS_BACKEND_HTTP };

struct mt_config {
    struct {
        enum cs_backend backend;
        char host[MT_CFG_STR];             /* configuration server address, empty: not set */
        unsigned port;                     /* control port, 443 */
        unsigned data_port;                /* data port, 9443 (reported, not used) */
        char ca_file[MT_CFG_STR];
        char fingerprint[MT_CFG_STR];      /* SHA-256 of the server's DER certificate, hex */
        char passphrase_file[MT_CFG_STR];
        unsigned timeout;                  /* seconds: deadline for a request and its retries */
        unsigned connect_timeout;          /* seconds, per attempt */
        char configurator[MT_CFG_STR];     /* asr backend: UnifiedAgentConfigurator.sh */
    } cs;
    struct {
        char disk[MT_CFG_STR];             /* OS disk, e.g. sda; empty: --disk required */
        unsigned root_mib, root_min_mib;
        unsigned crash_extra_mib, crash_min_mib;
        unsigned swap_mib;                 /* 0: the RHEL 6 rule from RAM */
        unsigned home_min_mib;
        unsigned align_mib;
        char retention_disk[MT_CFG_STR];
        char retention_mount[MT_CFG_STR];
        char retention_label[MT_CFG_STR];
    } layout;
    struct {
        char dir[MT_CFG_STR];              /* payload directory on the box */
        char manifest[MT_CFG_STR];         /* sha256sum-style manifest; empty: DIR/SHA256SUMS */
        char agent_tarball[MT_CFG_STR];    /* Unified Agent tarball, relative to dir or absolute */
        char install_dir[MT_CFG_STR];      /* vendor installer -d, /usr/local/ASR */
        unsigned script_timeout;           /* seconds, ApplyCustomChanges.sh and the installer */
        char modules[MT_CFG_STR];          /* comma list of module package names */
    } payload;
    struct {
        unsigned min_cpus;
        unsigned min_ram_mib;
        unsigned min_os_disk_gib;
        unsigned min_retention_gib;
        char required_packages[MT_CFG_STR]; /* comma list */
        char ignore[MT_CFG_STR];           /* comma list of check ids */
        bool strict;                       /* warnings fail too */
    } check;
};

/* Fill cfg with the built-in defaults. */
void config_defaults(struct mt_config *cfg);

#define CONFIG_MAX_BYTES (256 * 1024) /* a larger file is refused: not a configuration */

/* Load `path` (a real path, already resolved) over the values in cfg.
 * Returns 0, -ENOENT when the file does not exist (cfg untouched), or -EINVAL
 * with err->msg "PATH:LINE: what is wrong; what to do". The file must be a
 * regular file (a directory, FIFO or device: -EISDIR / -EINVAL naming the path,
 * see regfile.h) of at most CONFIG_MAX_BYTES (-EFBIG).
 *
 * The INI dialect, strictly (every line that could be read two ways is an error):
 * - lines end in LF or CRLF; a CR anywhere else (CR-only line ends), a NUL or
 *   another control character but TAB is an error; a UTF-8 BOM is skipped;
 * - a line may be as long as the INI library's buffer allows (199 bytes with
 *   Debian's libinih, not counting indentation); a longer one is an error, never cut;
 * - indentation is ignored: there are no continuation lines, so an indented
 *   line is a line of its own (a key = value, a comment, or an error);
 * - "[section]" must stand alone on its line (a ; or # comment may follow) and
 *   name a known section, even when no key follows;
 * - key = value or key: value; the value is trimmed; " ; text" after a value
 *   is a comment; a '#' after a value and a value in quotes are errors (both
 *   would be kept as part of the value);
 * - a key set twice is an error naming both lines; a section may appear twice
 *   (its keys add up). Comments are lines starting with ; or #. */
int config_load(const char *path, struct mt_config *cfg, struct mt_err *err);

/* Parse an INI text held in memory (tests); `name` is used in messages. */
int config_load_string(const char *name, const char *text, struct mt_config *cfg, struct mt_err *err);

/* The same over `len` bytes that may hold NULs (fuzzing, tests). */
int config_load_bytes(const char *name, const char *bytes, size_t len, struct mt_config *cfg,
                      struct mt_err *err);

/* One key of the catalogue, for documentation, --help and tests. */
struct config_key_info {
    const char *section, *key, *type, *default_value;
};
/* The catalogue; n_out receives its length. */
const struct config_key_info *config_catalogue(int *n_out);

#endif
