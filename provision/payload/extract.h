/* extract: unpack a payload archive (tar, tar.gz, ...) into a fresh staging
 * directory, refusing anything that could reach outside it.
 *
 * The archive is read once: libarchive decodes it while OpenSSL hashes the
 * same bytes. Every entry name goes through extract_path_check() (no absolute
 * names, no "..", no empty names) and every link target through
 * extract_symlink_check() / extract_path_check(); device nodes, FIFOs, sockets
 * and set-id bits are refused. Writing does not rely on the names alone:
 * each directory is opened with openat(O_NOFOLLOW | O_DIRECTORY) from the
 * staging directory down, files are created with O_CREAT | O_EXCL |
 * O_NOFOLLOW, so an entry can never be written through a symbolic link, not
 * even one that an earlier entry of the same archive created. A refused or
 * damaged archive stops the extraction and the staging directory is removed.
 *
 * libarchive's archive_write_disk is not used: its ARCHIVE_EXTRACT_SECURE_*
 * flags differ between 2.8 (CentOS 6) and 3.x and it writes by path name. */
#ifndef MT_EXTRACT_H
#define MT_EXTRACT_H

#include <limits.h>
#include <stdint.h>

#include "mterr.h"
#include "payload_hash.h"

#define EXTRACT_DEFAULT_MAX_ENTRY (4ULL << 30)  /* 4 GiB: the agent tarball is ~0.5 GiB */
#define EXTRACT_DEFAULT_MAX_TOTAL (16ULL << 30)

struct extract_opts {
    const char *parent;          /* real path of the directory that receives PREFIX.XXXXXX */
    const char *prefix;          /* NULL: "staging" */
    uint64_t max_entry_bytes;    /* 0: EXTRACT_DEFAULT_MAX_ENTRY */
    uint64_t max_total_bytes;    /* 0: EXTRACT_DEFAULT_MAX_TOTAL */
    /* Called as the archive is read (bytes of the archive file, its size). */
    void (*progress)(void *data, uint64_t done, uint64_t total);
    void *data;
};

struct extract_result {
    char staging[PATH_MAX];      /* the new staging directory (kept on success) */
    char sha256[SHA256_HEX_LEN + 1]; /* of the whole archive file */
    uint64_t archive_bytes;
    uint64_t files, dirs, symlinks, hardlinks, bytes;
};

/* Extract `archive` (a real path) into a new directory under o->parent.
 * Returns 0 with res filled, or -errno with err naming the archive, the entry
 * and the reason; on failure nothing is left behind (staging removed). */
int extract_archive(const char *archive, const struct extract_opts *o, struct extract_result *res,
                    struct mt_err *err);

struct archive;
struct archive_entry;
/* Called for each entry of an archive; may read the entry's data with
 * archive_read_data*(). Returns 0 to go on or -errno (with err set) to stop. */
typedef int (*extract_entry_fn)(void *data, struct archive *a, struct archive_entry *e);

/* Read `archive` once from start to end, hashing every byte (sha256, bytes may
 * be NULL), and call fn for each entry. o (may be NULL) gives the progress
 * callback. Used to list RPM payloads without extracting them. */
int extract_walk(const char *archive, extract_entry_fn fn, void *data, const struct extract_opts *o,
                 char sha256[SHA256_HEX_LEN + 1], uint64_t *bytes, struct mt_err *err);

enum extract_path_verdict {
    EXTRACT_PATH_OK = 0,
    EXTRACT_PATH_SELF = 1,       /* "." or "./": the staging directory itself, nothing to do */
    EXTRACT_PATH_REFUSED = -1,
};

/* Pure: check and normalize an entry name (drop "./", "." components and
 * repeated or trailing slashes) into out. *why (when refused) says why. */
enum extract_path_verdict extract_path_check(const char *name, char *out, size_t outlen, const char **why);

/* Pure: may the symbolic link at normalized path `link` point to `target`?
 * Allowed: a relative target whose ".." components all come first and do not
 * climb above the staging directory from the link's directory. Because the
 * extractor creates every link's directory as a real directory, a target of
 * that shape resolves inside the staging directory whatever other links exist.
 * Returns 0 or -1 with *why. */
int extract_symlink_check(const char *link, const char *target, const char **why);

#endif
