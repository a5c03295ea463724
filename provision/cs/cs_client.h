/* cs_client: configuration-server API v1 over HTTPS (libcurl + OpenSSL).
 *
 * One call = one request with its retries: signed with K (cs_auth.h), sent over
 * TLS 1.2+ to a server whose certificate is verified: with a CA file, the chain,
 * the host name and the validity period must verify, and a pinned SHA-256
 * fingerprint, when given too, must match as well; a pin alone is enough by
 * itself (the server's own self-signed certificate; one that has expired is
 * accepted with res->tls_warning). With neither, the handshake is refused and
 * the offered fingerprint reported. The call is answered with a response whose
 * X-MT-Signature must verify. Transport failures, 5xx, 408 and 429 are retried
 * with exponential backoff and full jitter until the deadline, Retry-After
 * honoured; every failure is classified (enum cs_failure) with one message.
 *
 * Tests only: the environment variable MT_AGENT_TEST_BACKOFF_MS="BASE,CAP"
 * (milliseconds) shrinks the backoff so fault tests end fast. It exists only
 * in a build with MT_TEST_HOOKS (make TEST_HOOKS=1, the default for a
 * developer's build, as curl's DEBUGBUILD); the RPM builds with TEST_HOOKS=0,
 * so the shipped binary has no hook at all. Where it exists it is harmless:
 * it only shortens the waits between retries, whose count and deadline
 * ([cs] timeout) stay bounded. */
#ifndef MT_CS_CLIENT_H
#define MT_CS_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "cs_auth.h"
#include "cs_response.h"
#include "mterr.h"

#define CS_BACKOFF_BASE_MS 1000UL
#define CS_BACKOFF_CAP_MS 60000UL

enum cs_failure {
    CS_FAIL_NONE = 0,
    CS_FAIL_LOCAL,          /* our side: bad configuration, CA file unreadable, out of memory */
    CS_FAIL_UNREACHABLE,    /* connect/resolve/timeout/reset, until the deadline */
    CS_FAIL_UNVERIFIED,     /* neither a CA file nor a fingerprint: refused, fingerprint reported */
    CS_FAIL_CERT,           /* certificate mismatch: not the pinned one, or not signed by the CA */
    CS_FAIL_AUTH,           /* server 401, or a response without a valid signature */
    CS_FAIL_SERVER,         /* 5xx / 429 until the deadline */
    CS_FAIL_MALFORMED,      /* signed but not the JSON API v1 promised */
    CS_FAIL_REJECTED,       /* another 4xx (not retried): 400, 404, 409 ... */
};

/* What cs_call tells before it waits between two attempts (struct cs_endpoint
 * on_retry): the attempt that failed (1-based), why (curl's message or the
 * server's status), "HOST:PORT", the wait before the next attempt and the time
 * spent and allowed for the whole call, in ms. */
struct cs_retry_note {
    unsigned attempt;
    const char *why;
    const char *where;
    unsigned long delay_ms, elapsed_ms, deadline_ms;
};
typedef void (*cs_retry_fn)(const struct cs_retry_note *note, void *ctx);

struct cs_endpoint {
    char host[256];
    unsigned port;
    char ca_file[4096];                 /* real path of the CA bundle, "" when none */
    bool have_pin;
    unsigned char pin[32];
    unsigned connect_timeout_s;
    unsigned long deadline_ms;          /* the whole call, retries included */
    unsigned long backoff_base_ms, backoff_cap_ms;
    bool have_key;
    unsigned char key[CS_KEY_LEN];      /* scrub with cs_endpoint_scrub */
    cs_retry_fn on_retry;               /* NULL: retries are silent (the library never prints) */
    void *on_retry_ctx;
};

struct cs_result {
    enum cs_failure failure;
    unsigned attempts;
    unsigned long elapsed_ms;
    bool have_offered;
    char offered_fpr[CS_FPR_TEXT_LEN];  /* the certificate the server presented */
    char tls_detail[256];               /* why the certificate was refused */
    char tls_warning[600];              /* accepted with a caveat (an expired pinned certificate): print it */
    struct cs_response resp;            /* the last response (signature verified when failure is NONE) */
};

/* Fill ep from [cs] (host, port, ca_file resolved through rootpath,
 * fingerprint, timeouts) and the test-only backoff override. The caller then
 * applies its flags (cs_endpoint_set_address, cs_endpoint_set_fingerprint) and
 * the key. -EINVAL with a message for a bad fingerprint. */
int cs_endpoint_from_config(struct cs_endpoint *ep, const struct mt_config *cfg, struct mt_err *err);

/* "HOST", "HOST:PORT", "[V6]:PORT". -EINVAL with a message. */
int cs_endpoint_set_address(struct cs_endpoint *ep, const char *text, struct mt_err *err);
int cs_endpoint_set_fingerprint(struct cs_endpoint *ep, const char *text, struct mt_err *err);

/* Derive K from the passphrase file (cs_passphrase_read: a path this process
 * opens, resolved by the caller); the passphrase is scrubbed before this returns. */
int cs_endpoint_load_key(struct cs_endpoint *ep, const char *passphrase_file, struct mt_err *err);

void cs_endpoint_scrub(struct cs_endpoint *ep);

/* Send METHOD PATH with body (may be NULL) and its retries. Signed requests
 * need ep->have_key and get their response signature verified; unsigned ones
 * (GET /api/v1/ping) do not. Returns 0 when a verified 2xx came back, else
 * -EIO / -EACCES / -EPROTO ... with res->failure and err->msg set. The caller
 * releases res with cs_result_free. */
int cs_call(const struct cs_endpoint *ep, const char *method, const char *path, const char *body,
            size_t body_len, bool sign, struct cs_result *res, struct mt_err *err);

void cs_result_free(struct cs_result *res);

/* "unreachable", "certificate mismatch", ... (for JSON output). */
const char *cs_failure_name(enum cs_failure f);

/* A TCP connect to host:port within timeout_ms (checks: cs.reachable).
 * 0 or -errno (-ETIMEDOUT, -ECONNREFUSED, -EHOSTUNREACH...). */
int cs_tcp_probe(const char *host, unsigned port, int timeout_ms);

#endif
