/* cs_client: see cs_client.h. */
#include "cs_client.h"
#include "arraysize.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "dl_curl.h"
#include "regfile.h"
#include "rootpath.h"

#define MT_USER_AGENT "mt-agent/0.1.0"

const char *cs_failure_name(enum cs_failure f)
{
    switch (f) {
    case CS_FAIL_NONE: return "ok";
    case CS_FAIL_LOCAL: return "local";
    case CS_FAIL_UNREACHABLE: return "unreachable";
    case CS_FAIL_UNVERIFIED: return "certificate unverified";
    case CS_FAIL_CERT: return "certificate mismatch";
    case CS_FAIL_AUTH: return "authentication";
    case CS_FAIL_SERVER: return "server error";
    case CS_FAIL_MALFORMED: return "malformed response";
    case CS_FAIL_REJECTED: return "rejected";
    }
    return "unknown";
}

/* Test-only override of the backoff, "BASE,CAP" in ms (see cs_client.h):
 * compiled out of the shipped build. */
static void backoff_from_env(struct cs_endpoint *ep)
{
#ifndef MT_TEST_HOOKS
    (void)ep;
#else
    const char *v = getenv("MT_AGENT_TEST_BACKOFF_MS");
    unsigned long base, cap;
    char *end;

    if (!v || !*v)
        return;
    base = strtoul(v, &end, 10);
    if (*end != ',')
        return;
    cap = strtoul(end + 1, &end, 10);
    if (*end || base == 0 || cap < base)
        return;
    ep->backoff_base_ms = base;
    ep->backoff_cap_ms = cap;
#endif
}

/* A host name (letters, digits, '-', '.', '_') or an IP address (IPv6: hex
 * digits, ':' and '.'); anything else (a blank, '/', '@', '?', a control
 * character) would make a different URL than the operator meant. */
static bool host_is_valid(const char *h, size_t n, bool v6)
{
    size_t i;

    if (n == 0 || h[0] == '-' || h[0] == '.')
        return false;
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)h[i];

        if (v6 ? !(isxdigit(ch) || ch == ':' || ch == '.') : !(isalnum(ch) || ch == '-' || ch == '.' || ch == '_'))
            return false;
    }
    return true;
}

int cs_endpoint_set_address(struct cs_endpoint *ep, const char *text, struct mt_err *err)
{
    const char *colon, *hend;
    size_t hlen;
    unsigned long port = ep->port ? ep->port : 443;

    if (!text || !*text)
        return mt_err_set(err, -EINVAL, "empty configuration server address; give --cs HOST[:PORT]");
    if (text[0] == '[') {
        hend = strchr(text, ']');
        if (!hend)
            return mt_err_set(err, -EINVAL, "--cs %s: missing ']' after the IPv6 address", text);
        hlen = (size_t)(hend - text - 1);
        text++;
        colon = hend[1] == ':' ? hend + 1 : NULL;
        if (hend[1] && !colon)
            return mt_err_set(err, -EINVAL, "--cs %s: expected :PORT after ']'", text - 1);
    } else {
        colon = strchr(text, ':');
        if (colon && strchr(colon + 1, ':')) { /* a bare IPv6 address */
            colon = NULL;
        }
        hlen = colon ? (size_t)(colon - text) : strlen(text);
    }
    if (colon) {
        char *end;
        errno = 0;
        port = strtoul(colon + 1, &end, 10);
        if (errno || *end || end == colon + 1 || port < 1 || port > 65535)
            return mt_err_set(err, -EINVAL, "configuration server address '%s': bad port; give HOST[:PORT], "
                                            "PORT 1-65535", text);
    }
    if (hlen == 0 || hlen >= sizeof(ep->host) || !host_is_valid(text, hlen, memchr(text, ':', hlen) != NULL))
        return mt_err_set(err, -EINVAL, "configuration server address '%s': not a host name or IP address; "
                                        "give HOST[:PORT] or [IPv6]:PORT", text);
    memcpy(ep->host, text, hlen);
    ep->host[hlen] = '\0';
    ep->port = (unsigned)port;
    return 0;
}

int cs_endpoint_set_fingerprint(struct cs_endpoint *ep, const char *text, struct mt_err *err)
{
    if (cs_fingerprint_parse(text, ep->pin) < 0)
        return mt_err_set(err, -EINVAL, "fingerprint '%s': expected the SHA-256 of the server certificate, "
                                        "64 hex digits (colons optional), as `openssl x509 -noout "
                                        "-fingerprint -sha256` prints it", text);
    ep->have_pin = true;
    return 0;
}

int cs_endpoint_from_config(struct cs_endpoint *ep, const struct mt_config *cfg, struct mt_err *err)
{
    int r;

    memset(ep, 0, sizeof(*ep));
    ep->port = cfg->cs.port ? cfg->cs.port : 443;
    if (cfg->cs.host[0] && !host_is_valid(cfg->cs.host, strlen(cfg->cs.host), strchr(cfg->cs.host, ':') != NULL))
        return mt_err_set(err, -EINVAL, "[cs] host '%s': not a host name or IP address (no port, no brackets: "
                                        "the port is [cs] port)", cfg->cs.host);
    snprintf(ep->host, sizeof(ep->host), "%s", cfg->cs.host);
    ep->connect_timeout_s = cfg->cs.connect_timeout ? cfg->cs.connect_timeout : 10;
    ep->deadline_ms = (unsigned long)(cfg->cs.timeout ? cfg->cs.timeout : 300) * 1000UL;
    ep->backoff_base_ms = CS_BACKOFF_BASE_MS;
    ep->backoff_cap_ms = CS_BACKOFF_CAP_MS;
    backoff_from_env(ep);
    if (cfg->cs.ca_file[0]) {
        r = rootpath_resolve(cfg->cs.ca_file, ep->ca_file, sizeof(ep->ca_file), 0);
        if (r < 0)
            return mt_err_errno(err, r, "[cs] ca_file %s: cannot resolve", cfg->cs.ca_file);
    }
    if (cfg->cs.fingerprint[0]) {
        struct mt_err e = {0};
        r = cs_endpoint_set_fingerprint(ep, cfg->cs.fingerprint, &e);
        if (r < 0)
            return mt_err_set(err, r, "[cs] %s", e.msg);
    }
    return 0;
}

int cs_endpoint_load_key(struct cs_endpoint *ep, const char *passphrase_file, struct mt_err *err)
{
    char pass[CS_PASSPHRASE_MAX + 1];
    int n, r;

    n = cs_passphrase_read(passphrase_file, pass, sizeof(pass), err);
    if (n < 0) {
        OPENSSL_cleanse(pass, sizeof(pass));
        return n;
    }
    r = cs_derive_key(pass, (size_t)n, ep->key);
    OPENSSL_cleanse(pass, sizeof(pass));
    if (r < 0)
        return mt_err_set(err, r, "cannot derive the key from %s (OpenSSL PBKDF2 failed)", passphrase_file);
    ep->have_key = true;
    return 0;
}

void cs_endpoint_scrub(struct cs_endpoint *ep)
{
    OPENSSL_cleanse(ep->key, sizeof(ep->key));
    ep->have_key = false;
}

void cs_result_free(struct cs_result *res)
{
    cs_response_free(&res->resp);
}

/* ---- TLS: certificate verification of our own ---------------------------- */

struct tls_state {
    const struct cs_endpoint *ep;
    X509_STORE *store;              /* ca_file given: only the certificates of ca_file */
    bool ran;                       /* the verify callback saw a certificate */
    bool accepted;
    bool pin_mismatch;              /* refused because it is not the pinned certificate */
    char offered[CS_FPR_TEXT_LEN];
    char detail[256];
    char warning[600];              /* accepted, but the operator should know (expired pin) */
};

/* Accessors that appeared in OpenSSL 1.1.0; 1.0.1 has the struct fields. */
#if OPENSSL_VERSION_NUMBER >= 0x10100000L
#define store_ctx_cert(x) X509_STORE_CTX_get0_cert(x)
#define store_ctx_untrusted(x) X509_STORE_CTX_get0_untrusted(x)
#define cert_not_before(c) X509_get0_notBefore(c)
#define cert_not_after(c) X509_get0_notAfter(c)
#else
#define store_ctx_cert(x) ((x)->cert)
#define store_ctx_untrusted(x) ((x)->untrusted)
#define cert_not_before(c) X509_get_notBefore(c)
#define cert_not_after(c) X509_get_notAfter(c)
#endif
/* X509_V_ERR_UNSPECIFIED is OpenSSL 1.0.2+. */
#ifndef X509_V_ERR_UNSPECIFIED
#define X509_V_ERR_UNSPECIFIED X509_V_ERR_APPLICATION_VERIFICATION
#endif

/* CA mode: the chain to ca_file and the validity period (X509_verify_cert);
 * the host name is libcurl's check (CURLOPT_SSL_VERIFYHOST 2 with a CA file). */
static bool verify_chain(struct tls_state *st, X509_STORE_CTX *x, X509 *leaf)
{
    X509_STORE_CTX *v = X509_STORE_CTX_new();
    bool ok;

    if (!v || !X509_STORE_CTX_init(v, st->store, leaf, store_ctx_untrusted(x))) {
        if (v)
            X509_STORE_CTX_free(v);
        snprintf(st->detail, sizeof(st->detail), "out of memory verifying the certificate");
        X509_STORE_CTX_set_error(x, X509_V_ERR_OUT_OF_MEM);
        return false;
    }
    ok = X509_verify_cert(v) == 1;
    if (!ok) {
        int e = X509_STORE_CTX_get_error(v);
        snprintf(st->detail, sizeof(st->detail), "%s", X509_verify_cert_error_string(e));
        X509_STORE_CTX_set_error(x, e ? e : X509_V_ERR_CERT_REJECTED);
    }
    X509_STORE_CTX_free(v);
    return ok;
}

/* Pin alone: the pinned certificate is trusted as it is, the usual case of the
 * server's own self-signed certificate; one outside its validity period is
 * still accepted (the operator pinned this very certificate), with a warning. */
static void note_validity(struct tls_state *st, X509 *leaf)
{
    if (X509_cmp_current_time(cert_not_after(leaf)) < 0)
        snprintf(st->warning, sizeof(st->warning),
                 "the pinned certificate of %s (SHA256 %s) has expired; accepted because it is the pinned "
                 "one: renew it on the configuration server, then pin the new fingerprint",
                 st->ep->host, st->offered);
    else if (X509_cmp_current_time(cert_not_before(leaf)) > 0)
        snprintf(st->warning, sizeof(st->warning),
                 "the pinned certificate of %s (SHA256 %s) is not valid yet (check this box's clock); "
                 "accepted because it is the pinned one", st->ep->host, st->offered);
}

/* Called by OpenSSL instead of X509_verify_cert (SSL_CTX_set_cert_verify_callback,
 * OpenSSL >= 0.9.7): records the offered fingerprint, then decides:
 * - ca_file given: the chain, the validity period (here) and the name (libcurl)
 *   must verify, and the pin, when given too, must match as well;
 * - pin alone: the certificate must be the pinned one (expired: a warning);
 * - neither: refused, so no signed request is ever sent to an unverified server. */
static int verify_cert_cb(X509_STORE_CTX *x, void *arg)
{
    struct tls_state *st = arg;
    X509 *leaf = store_ctx_cert(x);
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    st->ran = true;
    st->accepted = st->pin_mismatch = false;
    st->warning[0] = '\0';
    if (!leaf || !X509_digest(leaf, EVP_sha256(), md, &n) || n != 32) {
        snprintf(st->detail, sizeof(st->detail), "no server certificate");
        X509_STORE_CTX_set_error(x, X509_V_ERR_UNSPECIFIED);
        return 0;
    }
    cs_fingerprint_format(md, st->offered);
    if (!st->ep->have_pin && !st->store) {
        snprintf(st->detail, sizeof(st->detail), "no [cs] ca_file and no fingerprint to verify it with");
        X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_UNTRUSTED);
        return 0;
    }
    /* the pin first: "another server" says more than "not signed by the CA" */
    if (st->ep->have_pin && !cs_fingerprint_equal(md, st->ep->pin)) {
        st->pin_mismatch = true;
        snprintf(st->detail, sizeof(st->detail), "not the pinned certificate");
        X509_STORE_CTX_set_error(x, X509_V_ERR_CERT_REJECTED);
        return 0;
    }
    if (st->store && !verify_chain(st, x, leaf))
        return 0;
    if (!st->store)
        note_validity(st, leaf);
    st->accepted = true;
    return 1;
}

/* CURLOPT_SSL_CTX_FUNCTION (libcurl >= 7.10.6, OpenSSL backend): called after
 * libcurl set up the context, before the handshake. */
static CURLcode ssl_ctx_cb(CURL *curl, void *sslctx, void *arg)
{
    SSL_CTX *ctx = sslctx;

    (void)curl;
#if OPENSSL_VERSION_NUMBER >= 0x10100000L
    if (!SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION))
        return CURLE_SSL_CIPHER;
#else
    /* OpenSSL 1.0.1: no min_proto_version; switch the old protocols off. */
    SSL_CTX_set_options(ctx, SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
#endif
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    SSL_CTX_set_cert_verify_callback(ctx, verify_cert_cb, arg);
    return CURLE_OK;
}

static int load_ca_store(const char *path, X509_STORE **out, struct mt_err *err)
{
    X509_STORE *s = X509_STORE_new();
    int ok;

    if (!s)
        return mt_err_set(err, -ENOMEM, "out of memory");
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
    ok = X509_STORE_load_file(s, path);
#else
    ok = X509_STORE_load_locations(s, path, NULL);
#endif
    if (ok != 1) {
        unsigned long e = ERR_get_error();
        X509_STORE_free(s);
        ERR_clear_error();
        return mt_err_set(err, -EINVAL, "[cs] ca_file %s: cannot load PEM certificates (%s); give the "
                                        "configuration server's CA certificate", path,
                          e ? ERR_reason_error_string(e) : "no certificate");
    }
    *out = s;
    return 0;
}

/* ---- one attempt ---------------------------------------------------------- */

struct body_buf {
    char *p;
    size_t len;
    bool overflow;
};

static size_t write_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    struct body_buf *b = arg;
    size_t n = size * nmemb;
    char *np;

    if (b->len + n > CS_MAX_BODY) {
        b->overflow = true;
        return 0;
    }
    np = realloc(b->p, b->len + n + 1);
    if (!np)
        return 0;
    b->p = np;
    memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
    return n;
}

static size_t header_cb(char *data, size_t size, size_t nmemb, void *arg)
{
    cs_response_header(arg, data, size * nmemb);
    return size * nmemb;
}

static unsigned long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long)ts.tv_sec * 1000UL + (unsigned long)(ts.tv_nsec / 1000000L);
}

static void sleep_ms(unsigned long ms)
{
    struct timespec ts = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L}, rem;
    while (nanosleep(&ts, &rem) < 0 && errno == EINTR)
        ts = rem;
}

static uint32_t random_u32(void)
{
    uint32_t v = 0;
    if (RAND_bytes((unsigned char *)&v, sizeof(v)) != 1)
        v = (uint32_t)now_ms() * 2654435761u; /* the jitter only needs to differ between boxes */
    return v;
}

struct attempt {
    CURLcode cc;
    char curl_err[CURL_ERROR_SIZE];
    struct body_buf body;
    char nonce[CS_NONCE_LEN];
};

static int url_for(const struct cs_endpoint *ep, const char *path, char *out, size_t len)
{
    bool v6 = strchr(ep->host, ':') != NULL;
    if ((size_t)snprintf(out, len, "https://%s%s%s:%u%s", v6 ? "[" : "", ep->host, v6 ? "]" : "", ep->port, path) >=
        len)
        return -ENAMETOOLONG;
    return 0;
}

#define SET(opt, val)                                                                                             \
    do {                                                                                                          \
        if (curl_easy_setopt(h, opt, val) != CURLE_OK) {                                                          \
            r = mt_err_set(err, -ENOTSUP, "libcurl refused option %s; it needs the OpenSSL backend", #opt);       \
            goto out;                                                                                             \
        }                                                                                                         \
    } while (0)

/* The request's headers: the fixed ones, and with sign the API v1 date, nonce
 * and Authorization lines. *out is the list (free it with curl_slist_free_all,
 * also on error). */
static int request_headers(const struct cs_endpoint *ep, const char *method, const char *path, const char *body,
                           size_t body_len, bool sign, struct attempt *a, struct curl_slist **out,
                           struct mt_err *err)
{
    static const char *const fixed[] = {"Content-Type: application/json", "Accept: application/json", "Expect:"};
    char line[256], date[32], sig[CS_HEX_LEN];
    struct curl_slist *nh;

    snprintf(date, sizeof(date), "%ld", (long)time(NULL));
    if (cs_nonce(a->nonce) < 0)
        return mt_err_set(err, -EIO, "no random numbers for the request nonce (OpenSSL RAND_bytes)");
    for (size_t i = 0; i < ARRAY_SIZE(fixed); i++) {
        if (!(nh = curl_slist_append(*out, fixed[i])))
            return mt_err_set(err, -ENOMEM, "out of memory building the request");
        *out = nh;
    }
    if (!sign)
        return 0;
    if (cs_sign_request(ep->key, method, path, date, a->nonce, body, body_len, sig) < 0)
        return mt_err_set(err, -EIO, "cannot sign the request (OpenSSL HMAC failed)");
    for (int i = 0; i < 3; i++) {
        if (i == 0)
            snprintf(line, sizeof(line), "X-MT-Date: %s", date);
        else if (i == 1)
            snprintf(line, sizeof(line), "X-MT-Nonce: %s", a->nonce);
        else
            snprintf(line, sizeof(line), "Authorization: %s %s", CS_AUTH_SCHEME, sig);
        if (!(nh = curl_slist_append(*out, line)))
            return mt_err_set(err, -ENOMEM, "out of memory building the request");
        *out = nh;
    }
    return 0;
}

static int run_attempt(const struct cs_endpoint *ep, struct tls_state *tls, const char *method, const char *url,
                       const char *path, const char *body, size_t body_len, bool sign, unsigned long remaining_ms,
                       struct cs_response *resp, struct attempt *a, struct mt_err *err)
{
    struct curl_slist *hdrs = NULL;
    unsigned long cto = (unsigned long)ep->connect_timeout_s * 1000UL;
    long status = 0;
    CURL *h;
    int r = 0;

    h = curl_easy_init();
    if (!h)
        return mt_err_set(err, -ENOMEM, "libcurl: cannot create a handle");
    if (cto > remaining_ms)
        cto = remaining_ms;
    if (cto == 0)
        cto = 1;

    r = request_headers(ep, method, path, body, body_len, sign, a, &hdrs, err);
    if (r < 0)
        goto out;

    SET(CURLOPT_URL, url);
    SET(CURLOPT_NOSIGNAL, 1L);
    SET(CURLOPT_ERRORBUFFER, a->curl_err);
    SET(CURLOPT_USERAGENT, MT_USER_AGENT);
    SET(CURLOPT_HTTPHEADER, hdrs);
    SET(CURLOPT_CUSTOMREQUEST, method);
    if (body) {
        SET(CURLOPT_POSTFIELDS, body);
        SET(CURLOPT_POSTFIELDSIZE, (long)body_len);
    } else if (strcmp(method, "GET") != 0) {
        SET(CURLOPT_POSTFIELDS, "");
        SET(CURLOPT_POSTFIELDSIZE, 0L);
    }
    SET(CURLOPT_WRITEFUNCTION, write_cb);
    SET(CURLOPT_WRITEDATA, &a->body);
    SET(CURLOPT_HEADERFUNCTION, header_cb);
    SET(CURLOPT_HEADERDATA, resp);
    SET(CURLOPT_TIMEOUT_MS, (long)remaining_ms);
    SET(CURLOPT_CONNECTTIMEOUT_MS, (long)cto);
    SET(CURLOPT_FOLLOWLOCATION, 0L);
    SET(CURLOPT_FORBID_REUSE, 1L);
    SET(CURLOPT_FRESH_CONNECT, 1L);
    /* Every connection is verified by our callback: a resumed session would skip it. */
    SET(CURLOPT_SSL_SESSIONID_CACHE, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85: CURLOPT_PROTOCOLS deprecated */
    SET(CURLOPT_PROTOCOLS_STR, "https");
#elif defined(CURLPROTO_HTTPS) /* 7.19.4 */
    SET(CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
#ifdef CURL_SSLVERSION_TLSv1_2 /* 7.34; the SSL_CTX callback enforces 1.2+ on older ones */
    SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
#endif
    /* libcurl's own peer verification is replaced by verify_cert_cb (our CA
     * store, and the pin); libcurl still checks the host name whenever a CA
     * file is given, pin or not (a pin alone names the certificate itself). */
    SET(CURLOPT_SSL_VERIFYPEER, 0L);
    SET(CURLOPT_SSL_VERIFYHOST, ep->ca_file[0] ? 2L : 0L);
    SET(CURLOPT_SSL_CTX_FUNCTION, ssl_ctx_cb);
    SET(CURLOPT_SSL_CTX_DATA, tls);

    a->cc = curl_easy_perform(h);
    if (a->cc == CURLE_OK) {
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
        resp->status = status;
    }
out:
    curl_slist_free_all(hdrs);
    curl_easy_cleanup(h);
    return r;
}

/* ---- the call with its retries ---------------------------------------------- */

static const char *status_text(const struct cs_response *r)
{
    return r->error_code[0] ? r->error_code : "";
}

/* One cs_call: its inputs and what the attempts learned so far. */
struct call {
    const struct cs_endpoint *ep;
    const char *method, *path, *body;
    size_t body_len;
    bool sign;
    struct cs_result *res;
    struct tls_state tls;
    char url[600], where[300];
    char last[600];                 /* the last retryable failure, for the final message */
    char transport_note[300];       /* a transport failure after a server error */
    unsigned long start;
    enum cs_failure last_fail;
    long last_retry_after;
};

/* What an attempt leads to. */
enum step { STEP_DONE, STEP_RETRY, STEP_CERT };

/* Before the first attempt: the inputs, libcurl, the CA store. */
static int call_prepare(struct call *c, struct mt_err *err)
{
    static bool curl_ready;
    const struct cs_endpoint *ep = c->ep;
    int r;

    snprintf(c->where, sizeof(c->where), "%s:%u", ep->host, ep->port);
    if (!ep->host[0])
        return mt_err_set(err, -EINVAL, "no configuration server address; give --cs HOST[:PORT] or set [cs] host");
    if (c->sign && !ep->have_key)
        return mt_err_set(err, -EINVAL, "internal: a signed request without a key");
    if (url_for(ep, c->path, c->url, sizeof(c->url)) < 0)
        return mt_err_set(err, -ENAMETOOLONG, "configuration server URL too long");
    if (!curl_ready) {
        if ((r = dl_curl_load(err)) < 0)
            return r;
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            return mt_err_set(err, -EIO, "libcurl initialisation failed");
        curl_ready = true;
    }
    if (!ep->ca_file[0])
        return 0;
    /* OpenSSL would block on a FIFO and read a directory as nothing */
    if ((r = regfile_open(ep->ca_file, 0, "[cs] ca_file", NULL, err)) < 0)
        return r;
    close(r);
    return load_ca_store(ep->ca_file, &c->tls.store, err);
}

/* The attempt failed below HTTP (no response): a refused certificate ends
 * the call, anything else is retried. */
static enum step judge_transport(struct call *c, struct attempt *a, int *r, struct mt_err *err)
{
    const char *why = a->curl_err[0] ? a->curl_err : curl_easy_strerror(a->cc);
    struct cs_result *res = c->res;

    if (c->tls.ran && !c->tls.accepted) {
        /* A certificate we refused: retrying cannot change it. */
        res->failure = (!c->ep->have_pin && !c->tls.store) ? CS_FAIL_UNVERIFIED : CS_FAIL_CERT;
        return STEP_CERT;
    }
    if (a->body.overflow) {
        res->failure = CS_FAIL_MALFORMED;
        *r = mt_err_set(err, -EPROTO, "malformed response from %s: body larger than %d bytes", c->where,
                        CS_MAX_BODY);
        return STEP_DONE;
    }
    if (a->cc == CURLE_PEER_FAILED_VERIFICATION) {
        /* With a CA file, libcurl's host-name check: the certificate is not for this address. */
        res->failure = CS_FAIL_CERT;
        snprintf(res->tls_detail, sizeof(res->tls_detail), "%s", why);
        return STEP_CERT;
    }
    /* Once the server has answered with an error, a later transport
     * failure does not make it "unreachable": keep the server error. */
    if (c->last_fail != CS_FAIL_SERVER) {
        c->last_fail = CS_FAIL_UNREACHABLE;
        snprintf(c->last, sizeof(c->last), "%s", why);
    } else {
        snprintf(c->transport_note, sizeof(c->transport_note), "; the last attempt failed: %s", why);
    }
    return STEP_RETRY;
}

/* A 401 to a signed request, or a response whose signature does not verify. */
static int auth_failure(struct call *c, long st, bool verified, struct mt_err *err)
{
    struct cs_response *resp = &c->res->resp;

    c->res->failure = CS_FAIL_AUTH;
    if (st == 401)
        return mt_err_set(err, -EACCES,
                          "authentication failure: %s refused our request signature (HTTP 401%s%s%s%s); "
                          "check that the passphrase file holds the configuration server's passphrase "
                          "and that the clock is right (time.sync)",
                          c->where, verified ? " " : "", verified ? status_text(resp) : "",
                          verified && resp->error_message[0] ? ": " : "",
                          verified ? resp->error_message
                                   : ", and its answer is not signed with our key: the passphrases differ");
    return mt_err_set(err, -EACCES,
                      "authentication failure: the response from %s (HTTP %ld) has %s X-MT-Signature: "
                      "the server did not prove it knows the passphrase (a different passphrase, or "
                      "a man in the middle); nothing it said was trusted",
                      c->where, st, resp->has_signature ? "an invalid" : "no");
}

/* An HTTP response: its signature first, then its body and status. */
static enum step judge_response(struct call *c, struct attempt *a, int *r, struct mt_err *err)
{
    struct cs_result *res = c->res;
    struct cs_response *resp = &res->resp;
    long st = resp->status;
    bool verified = !c->sign || cs_verify_response(c->ep->key, st, a->nonce, a->body.p, a->body.len,
                                                   resp->signature);
    struct mt_err perr = {0};

    if (c->sign && (st == 401 || !verified)) {
        if (st == 401 && verified)
            cs_response_parse_body(resp, a->body.p, a->body.len, NULL);
        *r = auth_failure(c, st, verified, err);
        return STEP_DONE;
    }
    if (cs_response_parse_body(resp, a->body.p, a->body.len, &perr) < 0) {
        res->failure = CS_FAIL_MALFORMED;
        *r = mt_err_set(err, -EPROTO, "malformed response from %s (HTTP %ld): %s", c->where, st, perr.msg);
        return STEP_DONE;
    }
    if (st >= 200 && st <= 299) {
        res->failure = CS_FAIL_NONE;
        *r = 0;
        return STEP_DONE;
    }
    if (cs_status_retryable(st)) {
        c->last_fail = CS_FAIL_SERVER;
        c->transport_note[0] = '\0';
        c->last_retry_after = resp->retry_after_s;
        snprintf(c->last, sizeof(c->last), "HTTP %ld%s%s%s%s", st, resp->error_code[0] ? " " : "",
                 resp->error_code, resp->error_message[0] ? ": " : "", resp->error_message);
        return STEP_RETRY;
    }
    res->failure = CS_FAIL_REJECTED;
    *r = mt_err_set(err, -EPROTO, "%s rejected the request %s %s: HTTP %ld%s%s%s%s", c->where, c->method,
                    c->path, st, resp->error_code[0] ? " " : "", resp->error_code,
                    resp->error_message[0] ? ": " : "", resp->error_message);
    return STEP_DONE;
}

/* One attempt, judged. STEP_DONE sets *r (0 or the error). */
static enum step attempt_once(struct call *c, unsigned long remaining, int *r, struct mt_err *err)
{
    struct cs_result *res = c->res;
    struct attempt a;
    enum step step;

    memset(&a, 0, sizeof(a));
    cs_response_free(&res->resp);
    cs_response_init(&res->resp);
    c->tls.ran = c->tls.accepted = false;
    c->tls.detail[0] = '\0';
    res->attempts++;
    *r = run_attempt(c->ep, &c->tls, c->method, c->url, c->path, c->body, c->body_len, c->sign, remaining,
                     &res->resp, &a, err);
    if (*r < 0) {
        free(a.body.p);
        res->failure = CS_FAIL_LOCAL;
        return STEP_DONE;
    }
    if (c->tls.ran) {
        res->have_offered = true;
        snprintf(res->offered_fpr, sizeof(res->offered_fpr), "%s", c->tls.offered);
        snprintf(res->tls_detail, sizeof(res->tls_detail), "%s", c->tls.detail);
        snprintf(res->tls_warning, sizeof(res->tls_warning), "%s", c->tls.warning);
    }
    step = a.cc != CURLE_OK ? judge_transport(c, &a, r, err) : judge_response(c, &a, r, err);
    free(a.body.p);
    return step;
}

/* The deadline passed with retryable failures only. */
static int out_of_time(struct call *c, bool retry_after_too_long, struct mt_err *err)
{
    struct cs_result *res = c->res;
    char ra[96] = "";

    res->failure = c->last_fail;
    if (c->last_fail == CS_FAIL_SERVER) {
        if (retry_after_too_long)
            snprintf(ra, sizeof(ra), "; it asked to retry after %ld s, beyond the deadline", c->last_retry_after);
        return mt_err_set(err, -EAGAIN,
                          "server error: %s answered %s%s%s (%u attempt%s in %.1f s, deadline [cs] timeout %lu s); "
                          "try again later or ask the configuration server's administrator",
                          c->where, c->last, ra, c->transport_note, res->attempts, res->attempts == 1 ? "" : "s",
                          (double)res->elapsed_ms / 1000.0, c->ep->deadline_ms / 1000UL);
    }
    return mt_err_set(err, -EHOSTUNREACH,
                      "configuration server %s unreachable: %s (%u attempt%s in %.1f s, deadline [cs] timeout "
                      "%lu s); check [cs] host and port, that the server runs, and the firewalls between",
                      c->where, c->last[0] ? c->last : "no time left", res->attempts,
                      res->attempts == 1 ? "" : "s", (double)res->elapsed_ms / 1000.0, c->ep->deadline_ms / 1000UL);
}

/* The certificate was refused: say which check failed. */
static int cert_refused(struct call *c, struct mt_err *err)
{
    const struct cs_endpoint *ep = c->ep;
    struct cs_result *res = c->res;
    const char *offered = res->have_offered ? res->offered_fpr : "(none)";

    if (res->failure == CS_FAIL_UNVERIFIED)
        return mt_err_set(err, -EPERM,
                          "refused: no way to verify the configuration server %s (no [cs] ca_file, no "
                          "--cs-fingerprint). It offered a certificate with SHA256 fingerprint %s; compare it "
                          "with the server's, then give --cs-fingerprint %s or set [cs] ca_file",
                          c->where, res->offered_fpr, res->offered_fpr);
    if (c->tls.pin_mismatch) {
        char want[CS_FPR_TEXT_LEN];
        cs_fingerprint_format(ep->pin, want);
        return mt_err_set(err, -EPERM,
                          "certificate mismatch: %s offered SHA256 fingerprint %s, not the pinned %s; you may "
                          "be talking to another server: check the address, or the new certificate with its "
                          "administrator",
                          c->where, offered, want);
    }
    return mt_err_set(err, -EPERM,
                      "certificate mismatch: %s offered a certificate not valid for %s (%s; SHA256 "
                      "fingerprint %s)%s; check [cs] ca_file and the address",
                      c->where, ep->ca_file, res->tls_detail[0] ? res->tls_detail : "verification failed", offered,
                      ep->have_pin ? "; with a CA file the pin alone is not enough: the chain, the name and "
                                     "the validity period must verify too" : "");
}

int cs_call(const struct cs_endpoint *ep, const char *method, const char *path, const char *body,
            size_t body_len, bool sign, struct cs_result *res, struct mt_err *err)
{
    struct call c;
    bool retry_after_too_long = false;
    enum step step = STEP_RETRY;
    unsigned attempt_no;
    int r = 0;

    memset(res, 0, sizeof(*res));
    cs_response_init(&res->resp);
    memset(&c, 0, sizeof(c));
    c.ep = ep;
    c.method = method;
    c.path = path;
    c.body = body;
    c.body_len = body_len;
    c.sign = sign;
    c.res = res;
    c.tls.ep = ep;
    c.start = now_ms();
    c.last_fail = CS_FAIL_UNREACHABLE;
    c.last_retry_after = -1;
    if ((r = call_prepare(&c, err)) < 0) {
        res->failure = CS_FAIL_LOCAL;
        return r;
    }
    for (attempt_no = 0;; attempt_no++) {
        unsigned long elapsed = now_ms() - c.start, remaining;
        long delay;

        remaining = elapsed < ep->deadline_ms ? ep->deadline_ms - elapsed : 0;
        if (remaining == 0)
            break;
        step = attempt_once(&c, remaining, &r, err);
        if (step != STEP_RETRY)
            break;
        elapsed = now_ms() - c.start;
        delay = cs_retry_delay_ms(attempt_no, ep->backoff_base_ms, ep->backoff_cap_ms,
                                  c.last_fail == CS_FAIL_SERVER ? c.last_retry_after : -1, elapsed,
                                  ep->deadline_ms, random_u32());
        if (delay < 0) {
            retry_after_too_long = c.last_fail == CS_FAIL_SERVER && c.last_retry_after >= 0 &&
                                   elapsed + (unsigned long)c.last_retry_after * 1000UL >= ep->deadline_ms;
            break;
        }
        if (ep->on_retry) {
            struct cs_retry_note note;
            note.attempt = attempt_no + 1;
            note.why = c.last[0] ? c.last : "no answer";
            note.where = c.where;
            note.delay_ms = (unsigned long)delay;
            note.elapsed_ms = elapsed;
            note.deadline_ms = ep->deadline_ms;
            ep->on_retry(&note, ep->on_retry_ctx);
        }
        sleep_ms((unsigned long)delay);
    }
    res->elapsed_ms = now_ms() - c.start;
    if (step == STEP_RETRY)
        r = out_of_time(&c, retry_after_too_long, err);
    else if (step == STEP_CERT)
        r = cert_refused(&c, err);
    if (c.tls.store)
        X509_STORE_free(c.tls.store);
    return r;
}

/* ---- a plain TCP probe ----------------------------------------------------- */

int cs_tcp_probe(const char *host, unsigned port, int timeout_ms)
{
    struct addrinfo hints, *ai = NULL, *p;
    char ps[16];
    int r = -EHOSTUNREACH, gr;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    snprintf(ps, sizeof(ps), "%u", port);
    gr = getaddrinfo(host, ps, &hints, &ai);
    if (gr != 0)
        return -EADDRNOTAVAIL;
    for (p = ai; p; p = p->ai_next) {
        struct pollfd pfd;
        int fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol), so = 0;
        socklen_t sl = sizeof(so);
        if (fd < 0) {
            r = -errno;
            continue;
        }
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
        if (connect(fd, p->ai_addr, p->ai_addrlen) == 0) {
            close(fd);
            r = 0;
            break;
        }
        if (errno != EINPROGRESS) {
            r = -errno;
            close(fd);
            continue;
        }
        pfd.fd = fd;
        pfd.events = POLLOUT;
        gr = poll(&pfd, 1, timeout_ms);
        if (gr == 0) {
            r = -ETIMEDOUT;
        } else if (gr < 0) {
            r = -errno;
        } else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &so, &sl) < 0) {
            r = -errno;
        } else {
            r = so ? -so : 0;
        }
        close(fd);
        if (r == 0)
            break;
    }
    freeaddrinfo(ai);
    return r;
}
