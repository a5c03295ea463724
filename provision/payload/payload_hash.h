/* payload_hash: SHA-256 of a payload, computed while it is read (OpenSSL EVP).
 *
 * Every payload (Unified Agent tarball, module RPMs) is hashed as it streams
 * through the agent, so a digest costs no second read of a 300 MB file, and is
 * compared with the digest from --sha256 or a manifest before anything from it
 * is installed. */
#ifndef MT_PAYLOAD_HASH_H
#define MT_PAYLOAD_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

#define SHA256_HEX_LEN 64

struct payload_hash {
    void *md;        /* EVP_MD_CTX */
    uint64_t bytes;  /* bytes hashed so far */
};

/* Start a SHA-256. Returns 0 or -ENOMEM. */
int payload_hash_init(struct payload_hash *h);
void payload_hash_update(struct payload_hash *h, const void *buf, size_t len);
/* Finish: hex gets 64 lower-case hex digits and a NUL. Releases the context. */
void payload_hash_final(struct payload_hash *h, char hex[SHA256_HEX_LEN + 1]);
/* Release without finishing (error paths). */
void payload_hash_free(struct payload_hash *h);

/* SHA-256 of a whole file (a real path). size (may be NULL) gets its length. */
int payload_hash_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size, struct mt_err *err);

/* Check that `in` is a SHA-256 in hex (64 digits, either case, optionally with
 * ':' between byte pairs as fingerprints are printed) and write it lower case
 * without separators to out. Returns 0 or -EINVAL. */
int payload_hex_normalize(const char *in, char out[SHA256_HEX_LEN + 1]);

/* Compare an expected and an actual digest (both normalized). On a mismatch
 * returns -EBADMSG with err naming `what` and both digests. */
int payload_digest_verify(const char *what, const char *expected, const char *actual, struct mt_err *err);

#endif
