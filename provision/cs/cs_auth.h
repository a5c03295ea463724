/* cs_auth: the secrets and signatures of configuration-server API v1.
 *
 * Pure functions over bytes (OpenSSL EVP/HMAC), unit-tested exhaustively:
 *   K = PBKDF2-HMAC-SHA256(passphrase, "mt-agent/v1", 100000, 32)
 *   request   Authorization: MT1-HMAC-SHA256 hex(HMAC(K, METHOD\nPATH\nDATE\nNONCE\nhex(sha256(body))))
 *   response  X-MT-Signature: hex(HMAC(K, STATUS\nNONCE\nhex(sha256(body))))
 * plus the passphrase file (first line of a root-owned 0600 file), certificate
 * fingerprints (SHA-256 of the DER certificate) and the retry schedule
 * (exponential backoff with full jitter, Retry-After). Buffers that held the
 * passphrase or K are scrubbed with OPENSSL_cleanse by whoever owns them. */
#ifndef MT_CS_AUTH_H
#define MT_CS_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

#define CS_KEY_LEN 32
#define CS_PBKDF2_SALT "mt-agent/v1"
#define CS_PBKDF2_ITER 100000
#define CS_HEX_LEN 65          /* 64 hex digits + NUL: a SHA-256 or HMAC-SHA256 in hex */
#define CS_NONCE_LEN 33        /* 32 hex digits + NUL */
#define CS_FPR_TEXT_LEN 96     /* "AB:CD:..." 32*3 */
#define CS_PASSPHRASE_MAX 1024
#define CS_AUTH_SCHEME "MT1-HMAC-SHA256"

/* Read the passphrase: the first line of `path` (a path this process opens:
 * the caller resolved it, the library does not again), line ending stripped. The file must be a regular file owned by
 * root with no group or other permission bits (0600 or stricter); otherwise
 * -EPERM with a message naming the file and its mode. An empty first line is
 * -EINVAL. buf (buflen >= 2) receives the passphrase; every intermediate
 * buffer is scrubbed, the caller scrubs buf. Returns the length or -errno. */
int cs_passphrase_read(const char *path, char *buf, size_t buflen, struct mt_err *err);

/* Same check on a file that is already a real path (tests, --root already applied). */
int cs_passphrase_read_real(const char *real_path, const char *shown_path, char *buf, size_t buflen,
                            struct mt_err *err);

/* K from the passphrase. 0 or -EIO. */
int cs_derive_key(const char *passphrase, size_t len, unsigned char key[CS_KEY_LEN]);

/* Lower-case hex of SHA-256(data). */
void cs_sha256_hex(const void *data, size_t len, char out[CS_HEX_LEN]);

/* 32 random hex digits (RAND_bytes). 0 or -EIO. */
int cs_nonce(char out[CS_NONCE_LEN]);

/* The request signature (hex) over METHOD\nPATH\nDATE\nNONCE\nhex(sha256(body)). */
int cs_sign_request(const unsigned char key[CS_KEY_LEN], const char *method, const char *path,
                    const char *date, const char *nonce, const void *body, size_t body_len,
                    char out[CS_HEX_LEN]);

/* The response signature (hex) over STATUS\nNONCE\nhex(sha256(body)). */
int cs_sign_response(const unsigned char key[CS_KEY_LEN], long status, const char *nonce,
                     const void *body, size_t body_len, char out[CS_HEX_LEN]);

/* True when `sig_hex` (either case, surrounding blanks ignored) is the valid
 * response signature; compared in constant time. NULL or malformed: false. */
bool cs_verify_response(const unsigned char key[CS_KEY_LEN], long status, const char *nonce,
                        const void *body, size_t body_len, const char *sig_hex);

/* Parse a SHA-256 fingerprint: 64 hex digits, colons optional (between byte
 * pairs), either case, blanks around ignored. 0 or -EINVAL. */
int cs_fingerprint_parse(const char *text, unsigned char out[32]);

/* Two fingerprints compared in constant time (CRYPTO_memcmp where OpenSSL has it). */
bool cs_fingerprint_equal(const unsigned char a[32], const unsigned char b[32]);

/* "AB:CD:..." (upper case, colons), as openssl x509 -fingerprint -sha256 prints it. */
void cs_fingerprint_format(const unsigned char fpr[32], char out[CS_FPR_TEXT_LEN]);

/* The retry schedule.
 * Full jitter: the delay before retry number `attempt` (0 for the first retry)
 * is uniform in [0, min(cap, base * 2^attempt)]; `rnd` is a uniform 32-bit
 * random number supplied by the caller (so the function is pure). */
unsigned long cs_backoff_ms(unsigned attempt, unsigned long base_ms, unsigned long cap_ms, uint32_t rnd);

/* The decision after a failed attempt: the delay to wait (ms, >= 0) or -1 when
 * no retry fits before the deadline. retry_after_s < 0: no Retry-After; else
 * the server's Retry-After wins over the jittered backoff when it is longer.
 * elapsed_ms and deadline_ms count from the first attempt. */
long cs_retry_delay_ms(unsigned attempt, unsigned long base_ms, unsigned long cap_ms, long retry_after_s,
                       unsigned long elapsed_ms, unsigned long deadline_ms, uint32_t rnd);

/* Retry-After in its seconds form ("120"); the HTTP-date form and anything else
 * is -1 (treated as absent). Values are clamped to 1 day. */
long cs_retry_after_parse(const char *value);

/* Whether an HTTP status is worth retrying: 5xx, 408, 429. */
bool cs_status_retryable(long status);

#endif
