/* cs_auth: see cs_auth.h. */
#include "cs_auth.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <openssl/rand.h>

#include "regfile.h"
#include "rootpath.h"

/* CRYPTO_memcmp appeared in OpenSSL 1.0.1d; older 1.0.1 letters get the same
 * constant-time loop, so a signature comparison never leaks a prefix length. */
#if OPENSSL_VERSION_NUMBER >= 0x1000104fL
#define ct_memcmp CRYPTO_memcmp
#else
static int ct_memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    unsigned char d = 0;
    size_t i;
    for (i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d;
}
#endif

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    for (i = 0; i < n; i++) {
        out[2 * i] = digits[in[i] >> 4];
        out[2 * i + 1] = digits[in[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

int cs_passphrase_read_real(const char *real_path, const char *shown_path, char *buf, size_t buflen,
                            struct mt_err *err)
{
    char raw[CS_PASSPHRASE_MAX + 2];
    struct stat st;
    ssize_t n;
    size_t len = 0;
    int fd, r;

    if (buflen < 2)
        return mt_err_set(err, -EINVAL, "%s: no room for the passphrase", shown_path);
    /* no link, FIFO, device or directory: refused at once, never waited on */
    fd = regfile_open_as(real_path, shown_path, RF_NOFOLLOW, "passphrase file", &st, err);
    if (fd == -ENOENT)
        return mt_err_set(err, -ENOENT, "%s: the passphrase file does not exist; create it with the passphrase "
                                        "on its first line, mode 0600, owned by root", shown_path);
    if (fd == -ELOOP || fd == -EINVAL || fd == -EISDIR)
        return -EPERM;
    if (fd < 0)
        return fd;
    if (st.st_uid != 0 || (st.st_mode & 077)) {
        close(fd);
        return mt_err_set(err, -EPERM,
                          "%s: passphrase file has mode %04o and owner uid %lu; refused: it must be mode "
                          "0600 and owned by root (chown root:root %s; chmod 600 %s)",
                          shown_path, (unsigned)(st.st_mode & 07777), (unsigned long)st.st_uid, shown_path,
                          shown_path);
    }
    /* Only the first line matters; read a bounded prefix. */
    while (len < sizeof(raw) - 1) {
        n = read(fd, raw + len, sizeof(raw) - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            close(fd);
            OPENSSL_cleanse(raw, sizeof(raw));
            return mt_err_errno(err, r, "%s: cannot read the passphrase file", shown_path);
        }
        if (n == 0)
            break;
        len += (size_t)n;
        if (memchr(raw, '\n', len))
            break;
    }
    close(fd);
    raw[len] = '\0';
    len = strcspn(raw, "\r\n");
    if (len == 0) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return mt_err_set(err, -EINVAL, "%s: the first line is empty; put the passphrase on it", shown_path);
    }
    if (len > CS_PASSPHRASE_MAX || len >= buflen) {
        OPENSSL_cleanse(raw, sizeof(raw));
        return mt_err_set(err, -EINVAL, "%s: the passphrase is longer than %d bytes", shown_path,
                          CS_PASSPHRASE_MAX);
    }
    memcpy(buf, raw, len);
    buf[len] = '\0';
    OPENSSL_cleanse(raw, sizeof(raw));
    return (int)len;
}

int cs_passphrase_read(const char *path, char *buf, size_t buflen, struct mt_err *err)
{
    if (!path || !*path)
        return mt_err_set(err, -EINVAL, "no passphrase file; set [cs] passphrase_file or give --passphrase-file");
    return cs_passphrase_read_real(path, path, buf, buflen, err);
}

int cs_derive_key(const char *passphrase, size_t len, unsigned char key[CS_KEY_LEN])
{
    /* PKCS5_PBKDF2_HMAC with a digest argument exists since OpenSSL 1.0.0. */
    if (!PKCS5_PBKDF2_HMAC(passphrase, (int)len, (const unsigned char *)CS_PBKDF2_SALT,
                           (int)strlen(CS_PBKDF2_SALT), CS_PBKDF2_ITER, EVP_sha256(), CS_KEY_LEN, key))
        return -EIO;
    return 0;
}

void cs_sha256_hex(const void *data, size_t len, char out[CS_HEX_LEN])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;

    if (!EVP_Digest(data ? data : "", len, md, &n, EVP_sha256(), NULL) || n != 32) {
        out[0] = '\0';
        return;
    }
    to_hex(md, 32, out);
}

int cs_nonce(char out[CS_NONCE_LEN])
{
    unsigned char b[16];

    if (RAND_bytes(b, sizeof(b)) != 1)
        return -EIO;
    to_hex(b, sizeof(b), out);
    return 0;
}

/* HMAC-SHA256 of the newline-joined fields, raw 32 bytes. */
static int hmac_lines(const unsigned char key[CS_KEY_LEN], const char *const *fields, size_t n,
                      unsigned char mac[32])
{
    size_t total = 0, i, off = 0;
    unsigned int maclen = 0;
    char *msg;
    int r = 0;

    for (i = 0; i < n; i++)
        total += strlen(fields[i]) + 1;
    msg = malloc(total + 1);
    if (!msg)
        return -ENOMEM;
    for (i = 0; i < n; i++) {
        size_t l = strlen(fields[i]);
        memcpy(msg + off, fields[i], l);
        off += l;
        if (i + 1 < n)
            msg[off++] = '\n';
    }
    if (!HMAC(EVP_sha256(), key, CS_KEY_LEN, (unsigned char *)msg, off, mac, &maclen) || maclen != 32)
        r = -EIO;
    free(msg);
    return r;
}

int cs_sign_request(const unsigned char key[CS_KEY_LEN], const char *method, const char *path,
                    const char *date, const char *nonce, const void *body, size_t body_len,
                    char out[CS_HEX_LEN])
{
    char body_hex[CS_HEX_LEN];
    const char *fields[5];
    unsigned char mac[32];
    int r;

    cs_sha256_hex(body, body_len, body_hex);
    fields[0] = method;
    fields[1] = path;
    fields[2] = date;
    fields[3] = nonce;
    fields[4] = body_hex;
    r = hmac_lines(key, fields, 5, mac);
    if (r < 0)
        return r;
    to_hex(mac, 32, out);
    return 0;
}

static int response_mac(const unsigned char key[CS_KEY_LEN], long status, const char *nonce, const void *body,
                        size_t body_len, unsigned char mac[32])
{
    char body_hex[CS_HEX_LEN], st[24];
    const char *fields[3];

    snprintf(st, sizeof(st), "%ld", status);
    cs_sha256_hex(body, body_len, body_hex);
    fields[0] = st;
    fields[1] = nonce;
    fields[2] = body_hex;
    return hmac_lines(key, fields, 3, mac);
}

int cs_sign_response(const unsigned char key[CS_KEY_LEN], long status, const char *nonce,
                     const void *body, size_t body_len, char out[CS_HEX_LEN])
{
    unsigned char mac[32];
    int r = response_mac(key, status, nonce, body, body_len, mac);
    if (r < 0)
        return r;
    to_hex(mac, 32, out);
    return 0;
}

/* Exactly 2*n hex digits, blanks around allowed; 0 or -EINVAL. */
static int parse_hex_exact(const char *s, unsigned char *out, size_t n, bool colons)
{
    size_t i = 0;

    while (*s == ' ' || *s == '\t')
        s++;
    while (i < n) {
        int hi = hex_value((unsigned char)s[0]), lo = hi < 0 ? -1 : hex_value((unsigned char)s[1]);
        if (hi < 0 || lo < 0)
            return -EINVAL;
        out[i++] = (unsigned char)(hi << 4 | lo);
        s += 2;
        if (colons && *s == ':' && i < n)
            s++;
    }
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    return *s ? -EINVAL : 0;
}

bool cs_verify_response(const unsigned char key[CS_KEY_LEN], long status, const char *nonce,
                        const void *body, size_t body_len, const char *sig_hex)
{
    unsigned char want[32], got[32];

    if (!sig_hex || !nonce)
        return false;
    if (parse_hex_exact(sig_hex, got, sizeof(got), false) < 0)
        return false;
    if (response_mac(key, status, nonce, body, body_len, want) < 0)
        return false;
    return ct_memcmp(want, got, sizeof(want)) == 0;
}

int cs_fingerprint_parse(const char *text, unsigned char out[32])
{
    if (!text)
        return -EINVAL;
    return parse_hex_exact(text, out, 32, true);
}

bool cs_fingerprint_equal(const unsigned char a[32], const unsigned char b[32])
{
    return ct_memcmp(a, b, 32) == 0;
}

void cs_fingerprint_format(const unsigned char fpr[32], char out[CS_FPR_TEXT_LEN])
{
    static const char digits[] = "0123456789ABCDEF";
    size_t i, o = 0;
    for (i = 0; i < 32; i++) {
        if (i)
            out[o++] = ':';
        out[o++] = digits[fpr[i] >> 4];
        out[o++] = digits[fpr[i] & 15];
    }
    out[o] = '\0';
}

unsigned long cs_backoff_ms(unsigned attempt, unsigned long base_ms, unsigned long cap_ms, uint32_t rnd)
{
    unsigned long ceiling = base_ms;
    unsigned i;

    if (ceiling > cap_ms)
        ceiling = cap_ms;
    /* base * 2^attempt, saturating at cap without overflow */
    for (i = 0; i < attempt && ceiling < cap_ms; i++)
        ceiling = ceiling > cap_ms / 2 ? cap_ms : ceiling * 2;
    /* uniform in [0, ceiling]: scale the 32-bit random number */
    return (unsigned long)(((unsigned long long)rnd * ((unsigned long long)ceiling + 1)) >> 32);
}

long cs_retry_delay_ms(unsigned attempt, unsigned long base_ms, unsigned long cap_ms, long retry_after_s,
                       unsigned long elapsed_ms, unsigned long deadline_ms, uint32_t rnd)
{
    unsigned long delay = cs_backoff_ms(attempt, base_ms, cap_ms, rnd);

    if (retry_after_s >= 0 && (unsigned long)retry_after_s * 1000UL > delay)
        delay = (unsigned long)retry_after_s * 1000UL;
    if (elapsed_ms >= deadline_ms || delay >= deadline_ms - elapsed_ms)
        return -1;
    return (long)delay;
}

long cs_retry_after_parse(const char *value)
{
    unsigned long v = 0;
    const char *p = value;

    if (!p)
        return -1;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!isdigit((unsigned char)*p))
        return -1;
    while (isdigit((unsigned char)*p)) {
        if (v < 86400UL)
            v = v * 10 + (unsigned long)(*p - '0');
        p++;
    }
    while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
        p++;
    if (*p)
        return -1;
    return v > 86400UL ? 86400L : (long)v;
}

bool cs_status_retryable(long status)
{
    return status == 408 || status == 429 || (status >= 500 && status <= 599);
}
