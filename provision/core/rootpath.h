/* rootpath: the one place a host path becomes a path the agent can open.
 *
 * Every host path the agent reads or writes (/sys, /proc, /etc, /dev,
 * /var/lib/mt-agent, /lib/modules, ...) goes through rootpath_resolve(). With
 * --root DIR the path is resolved under DIR as if DIR were "/": ".." stops at
 * DIR, symbolic links are followed inside DIR (absolute targets start again at
 * DIR), so no input and no link in a fixture tree can reach outside it. */
#ifndef MT_ROOTPATH_H
#define MT_ROOTPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

#define RP_NOFOLLOW 0x1 /* do not follow a symbolic link in the last component */

/* Set the root (NULL or "/" for the real host). The directory must exist.
 * Returns 0 or -errno. */
int rootpath_set(const char *root);

/* The root as set ("/" for the host). */
const char *rootpath_root(void);

/* True when no --root was given (the agent works on the real host). */
bool rootpath_is_host(void);

/* Resolve the absolute host path `path` to `out`. Returns 0, -EINVAL for a
 * relative path, -ENAMETOOLONG, or -ELOOP after 40 links. Missing components
 * are fine (the caller may be about to create them). */
int rootpath_resolve(const char *path, char *out, size_t outlen, int flags);

/* Pure core of the resolver, exposed for tests: resolve `path` under `root`. */
int rootpath_resolve_in(const char *root, const char *path, char *out, size_t outlen, int flags);

/* stat() and readlink() of a host path through the resolver (readlink reads
 * the link itself; the result is NUL-terminated). 0 / length, or -1 and errno. */
int rootpath_stat(const char *path, struct stat *st);
ssize_t rootpath_readlink(const char *path, char *buf, size_t len);

/* Open / fopen a host path through the resolver. -1 / NULL and errno on failure. */
int rootpath_open(const char *path, int flags, mode_t mode);
FILE *rootpath_fopen(const char *path, const char *mode);

/* Read a whole small file (sysfs attribute, /proc entry, config) into a new
 * NUL-terminated buffer (*out, free() it). Returns the length or -errno;
 * anything but a regular file is -EISDIR / -EINVAL at once. A file longer than
 * `max` bytes is -EFBIG: never half of it taken for the whole (the caller names
 * the file and the limit in its message). */
ssize_t rootpath_read_file(const char *path, char **out, size_t max);

/* The first `max` bytes of a file (all of it when shorter), where a longer file
 * is legitimate and only its head is wanted: a sysfs binary attribute such as
 * vpd_pg80/vpd_pg83, of which the decoder reads a bounded buffer. Errors as
 * rootpath_read_file(), never -EFBIG. */
ssize_t rootpath_read_head(const char *path, char **out, size_t max);

/* Read the first line of a small text file into buf, trailing white space
 * stripped (sysfs vendor/model are space padded). Returns 0 or -errno. */
int rootpath_read_line(const char *path, char *buf, size_t buflen);

#endif
