/* layout: the OS disk's partitions, planned by a pure function and rendered as
 * text, JSON or EL6 kickstart `part` lines, so the installer's %pre and
 * `mt-agent provision` make the same layout.
 *
 * Four msdos primaries, each start and size a multiple of the alignment (1 MiB):
 *   1 /           ext4  MT_ROOT   root_mib (40 GiB), boot flag
 *   2 /var/crash  ext4  MT_CRASH  RAM + crash_extra_mib (1 GiB), at least crash_min_mib (2 GiB)
 *   3 swap        swap  MT_SWAP   RHEL 6 rule: RAM <= 2 GiB: 2 x RAM; <= 8 GiB: RAM;
 *                                 <= 64 GiB: RAM / 2; more: 4 GiB (or swap_mib when set)
 *   4 /home       ext4  MT_HOME   the rest, at least home_min_mib (1 GiB)
 *
 * A small disk: the wanted sizes are shrunk in this order, each only as far as
 * needed: root down to root_min_mib (20 GiB: beyond that root is comfort), then
 * swap down to half its rule size (the RHEL 6 figures are advice; a swap size
 * set in the configuration is never shrunk), then /var/crash down to
 * crash_min_mib (kdump's default makedumpfile -c -d 31 writes a filtered,
 * compressed vmcore far smaller than RAM). If the minimums still do not fit the
 * plan fails with the numbers.
 *
 * msdos addresses at most 2^32 sectors of 512 bytes (2 TiB). On a larger disk
 * the plan uses the first 2 TiB, /home ends there, the rest stays unallocated,
 * and the plan says so in a note (text, JSON, and a kickstart comment). */
#ifndef MT_LAYOUT_H
#define MT_LAYOUT_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "mterr.h"

#define LAYOUT_MIB ((uint64_t)1 << 20)
#define LAYOUT_MIB_ARG_MAX ((uint64_t)1 << 40) /* the largest --ram-mib / --disk-size-mib */
#define LAYOUT_MSDOS_LIMIT_BYTES ((uint64_t)1 << 41) /* 2^32 sectors of 512 bytes: 2 TiB */
#define LAYOUT_MAX_PARTS 4
#define LAYOUT_MAX_NOTES 6

struct layout_policy {
    uint64_t root_mib, root_min_mib;
    uint64_t crash_extra_mib, crash_min_mib;
    uint64_t swap_mib;          /* 0: the RHEL 6 rule */
    uint64_t home_min_mib;
    uint64_t align_mib;
};

struct layout_part {
    int number;                 /* 1..4 */
    const char *mount;          /* "/", "/var/crash", "swap", "/home" */
    const char *fstype;         /* "ext4" or "swap" */
    const char *label;          /* MT_ROOT, MT_CRASH, MT_SWAP, MT_HOME */
    bool boot;
    bool grow;                  /* takes the rest of the disk (/home) */
    uint64_t start_mib, size_mib;
    uint64_t want_mib;          /* what the policy asked for before shrinking (the rest: the minimum) */
    uint64_t min_mib;           /* the least the plan would give it */
};

struct layout_plan {
    uint64_t disk_bytes, ram_bytes;
    uint64_t usable_mib;        /* end of the last partition may not pass this (2 TiB msdos limit) */
    uint64_t align_mib;
    bool truncated;             /* the disk is larger than msdos can address */
    size_t n_parts;
    struct layout_part parts[LAYOUT_MAX_PARTS];
    size_t n_notes;
    char notes[LAYOUT_MAX_NOTES][256];
};

/* The [layout] section of the configuration as a policy. */
void layout_policy_from_config(const struct mt_config *cfg, struct layout_policy *p);

/* The RHEL 6 swap rule for ram_mib of memory, in MiB. */
uint64_t layout_swap_rule_mib(uint64_t ram_mib);

/* Plan the OS disk. Pure: no I/O. Returns 0, -EINVAL for a policy that makes
 * no sense (minimum above the wanted size, zero alignment), or -ENOSPC when the
 * disk is too small, err saying by how much with every partition's minimum. */
int layout_plan(uint64_t disk_bytes, uint64_t ram_bytes, const struct layout_policy *policy,
                struct layout_plan *plan, struct mt_err *err);

/* The plan as a table for people. `disk` names the disk in the heading.
 * New string (free it), NULL on allocation failure. */
char *layout_render_text(const struct layout_plan *plan, const char *disk);

/* The plan as JSON (stable keys: disk, disk_bytes, ram_bytes, label, align_bytes,
 * usable_bytes, truncated, partitions[{number, mount, fstype, label, boot,
 * start_bytes, size_bytes, start_mib, size_mib, want_mib}], notes[]). */
json_object *layout_plan_to_json(const struct layout_plan *plan, const char *disk);

/* EL6 kickstart `part` lines for the installer's %pre (written to
 * /tmp/part-include), e.g.
 *   part / --fstype=ext4 --size=40960 --ondisk=sda --asprimary --label=MT_ROOT
 * /home comes last with --grow (and --maxsize when the disk passes 2 TiB).
 * `disk` is the kernel name (sda); a /dev/ prefix is dropped. New string, or NULL. */
char *layout_render_kickstart(const struct layout_plan *plan, const char *disk);

/* The installed RAM, for the plan (I/O, outside the pure core): the "System RAM"
 * ranges of the firmware memory map (/sys/firmware/memmap), else MemTotal of
 * /proc/meminfo (which lacks what the kernel reserved), rounded up to 128 MiB
 * so a 6 GiB VM plans as 6 GiB. Returns 0 or -errno with err. */
int layout_ram_bytes(uint64_t *ram_bytes, struct mt_err *err);

/* A size in MiB from the command line (--ram-mib, --disk-size-mib): a positive
 * decimal up to 2^40. 0 or -EINVAL. */
int layout_parse_mib(const char *s, uint64_t *out);

#endif
