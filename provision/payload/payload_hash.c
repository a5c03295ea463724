/* payload_hash: see payload_hash.h. */
#include "payload_hash.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "regfile.h"

/* EVP_MD_CTX_new/free appeared in OpenSSL 1.1.0; CentOS 6 has 1.0.1. */
#if OPENSSL_VERSION_NUMBER < 0x10100000L
#define EVP_MD_CTX_new EVP_MD_CTX_create
#define EVP_MD_CTX_free EVP_MD_CTX_destroy
#endif

int payload_hash_init(struct payload_hash *h)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();

    h->md = NULL;
    h->bytes = 0;
    if (!c)
        return -ENOMEM;
    if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return -ENOMEM;
    }
    h->md = c;
    return 0;
}

void payload_hash_update(struct payload_hash *h, const void *buf, size_t len)
{
    if (h->md && len)
        EVP_DigestUpdate((EVP_MD_CTX *)h->md, buf, len);
    h->bytes += len;
}

void payload_hash_final(struct payload_hash *h, char hex[SHA256_HEX_LEN + 1])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;

    hex[0] = '\0';
    if (!h->md)
        return;
    if (EVP_DigestFinal_ex((EVP_MD_CTX *)h->md, md, &n) == 1 && n * 2 <= SHA256_HEX_LEN) {
        for (i = 0; i < n; i++) {
            hex[2 * i] = digits[md[i] >> 4];
            hex[2 * i + 1] = digits[md[i] & 15];
        }
        hex[2 * n] = '\0';
    }
    payload_hash_free(h);
}

void payload_hash_free(struct payload_hash *h)
{
    if (h->md)
        EVP_MD_CTX_free((EVP_MD_CTX *)h->md);
    h->md = NULL;
}

int payload_hash_file(const char *path, char hex[SHA256_HEX_LEN + 1], uint64_t *size, struct mt_err *err)
{
    struct payload_hash h;
    size_t cap = 1 << 20;
    char *buf;
    int fd, r;

    fd = regfile_open(path, 0, "payload", NULL, err);
    if (fd < 0)
        return fd;
    buf = malloc(cap);
    if (!buf || payload_hash_init(&h) < 0) {
        free(buf);
        close(fd);
        return mt_err_set(err, -ENOMEM, "%s: out of memory", path);
    }
    for (;;) {
        ssize_t n = read(fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            r = -errno;
            payload_hash_free(&h);
            free(buf);
            close(fd);
            return mt_err_errno(err, r, "%s: read failed", path);
        }
        if (n == 0)
            break;
        payload_hash_update(&h, buf, (size_t)n);
    }
    if (size)
        *size = h.bytes;
    payload_hash_final(&h, hex);
    free(buf);
    close(fd);
    return 0;
}

int payload_hex_normalize(const char *in, char out[SHA256_HEX_LEN + 1])
{
    char tmp[SHA256_HEX_LEN + 1];
    size_t n = 0;
    const char *p;

    if (!in)
        return -EINVAL;
    for (p = in; *p; p++) {
        if (*p == ':' && n > 0 && n % 2 == 0 && p[1] && p[1] != ':')
            continue;
        if (!isxdigit((unsigned char)*p) || n >= SHA256_HEX_LEN)
            return -EINVAL;
        tmp[n++] = (char)tolower((unsigned char)*p);
    }
    if (n != SHA256_HEX_LEN)
        return -EINVAL; /* out untouched */
    tmp[n] = '\0';
    memcpy(out, tmp, sizeof(tmp));
    return 0;
}

int payload_digest_verify(const char *what, const char *expected, const char *actual, struct mt_err *err)
{
    if (strcmp(expected, actual) == 0)
        return 0;
    return mt_err_set(err, -EBADMSG,
                      "%s: SHA-256 mismatch: expected %s, got %s; the file is damaged or not the "
                      "one expected (copy it again from the media); nothing was installed",
                      what, expected, actual);
}
