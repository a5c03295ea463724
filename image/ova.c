/* ova: see ova.h. */
#define _GNU_SOURCE
#include "ova.h"

#include "arraysize.h"
#include "tmpguard.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "isovd.h"

/* EVP_MD_CTX_new/free appeared in OpenSSL 1.1.0; CentOS 6 has 1.0.1. */
#if OPENSSL_VERSION_NUMBER < 0x10100000L
#define EVP_MD_CTX_new EVP_MD_CTX_create
#define EVP_MD_CTX_free EVP_MD_CTX_destroy
#endif

#define TAR_BLOCK 512u
#define USTAR_MAX_SIZE 077777777777ULL /* 11 octal digits: a ustar member is below 8 GiB */
#define COPY_BUF (1u << 20)

struct ova_job {
    struct ova_opts o;
    struct ova_result res;
    char tmp[PATH_MAX];       /* the temporary OVA, next to OUT */
    char dir[PATH_MAX];       /* OUT's directory, synced after the rename */
    int fd, iso_fd;
    char *ovf;
    size_t ovf_len;
    EVP_PKEY *key;
    char *cert_pem;
    size_t sig_len;           /* RSA: the modulus length, fixed */
};

void ova_job_free(struct ova_job *job)
{
    if (!job)
        return;
    if (job->fd >= 0)
        close(job->fd);
    if (job->tmp[0])
        unlink(job->tmp);
    tmpguard(NULL);
    if (job->iso_fd >= 0)
        close(job->iso_fd);
    free(job->ovf);
    EVP_PKEY_free(job->key);
    free(job->cert_pem);
    free(job);
}

/* ---- preparing: everything that can be wrong with the input ---- */

static int iso_has_kickstart(const char *path, struct mt_err *err)
{
    struct archive *a = archive_read_new();
    struct archive_entry *e;
    int found = 0, rr;

    if (!a)
        return mt_err_set(err, -ENOMEM, "out of memory");
    archive_read_support_format_iso9660(a);
    if (archive_read_open_filename(a, path, 1 << 16) != ARCHIVE_OK) {
        int r = mt_err_set(err, -EINVAL, "--iso %s: cannot read it as an ISO 9660 image: %s", path,
                           archive_error_string(a));
        archive_read_free(a);
        return r;
    }
    while (!found && (rr = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const char *p = archive_entry_pathname(e);
        while (p[0] == '.' && p[1] == '/')
            p += 2;
        while (*p == '/')
            p++;
        found = strcmp(p, "mt/ks.cfg") == 0;
    }
    archive_read_free(a);
    if (!found)
        return mt_err_set(err, -EINVAL, "--iso %s: has no mt/ks.cfg: not an mt-agent installer ISO; make one "
                                         "with mt-image iso --base CentOS-6.6-x86_64-minimal.iso --out FILE",
                          path);
    return 0;
}

static int check_iso(struct ova_job *job, struct mt_err *err)
{
    const char *path = job->o.iso;
    struct iso_info info;
    struct mt_err sub = {0};
    struct stat st;
    int r;

    job->iso_fd = open(path, O_RDONLY | O_CLOEXEC);
    if (job->iso_fd < 0)
        return mt_err_errno(err, -errno, "--iso %s: cannot open the installer ISO", path);
    if (fstat(job->iso_fd, &st) < 0)
        return mt_err_errno(err, -errno, "--iso %s", path);
    if (!S_ISREG(st.st_mode) || st.st_size <= 0)
        return mt_err_set(err, -EINVAL, "--iso %s: not a regular, non-empty file", path);
    if ((uint64_t)st.st_size > USTAR_MAX_SIZE)
        return mt_err_set(err, -EFBIG, "--iso %s: %llu bytes; an OVA (ustar) member must be below 8 GiB: build "
                                        "the ISO from the minimal CentOS 6.6 ISO", path,
                          (unsigned long long)st.st_size);
    job->res.iso_bytes = (uint64_t)st.st_size;
    if ((r = iso_read_info(path, &info, &sub)) < 0)
        return mt_err_set(err, r, "--iso %s; give --iso the ISO mt-image iso wrote", sub.msg);
    if (!info.boot.present)
        return mt_err_set(err, -EINVAL, "--iso %s: has no El Torito boot record: the VM could not boot it; "
                                         "give the ISO mt-image iso wrote", path);
    snprintf(job->res.iso_volume_id, sizeof(job->res.iso_volume_id), "%s", info.volume_id);
    return iso_has_kickstart(path, err);
}

static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

static const char *ssl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *s = e ? ERR_reason_error_string(e) : NULL;
    return s ? s : "no PEM data";
}

static int load_cert(struct ova_job *job, struct mt_err *err)
{
    const char *path = job->o.sign_cert;
    FILE *f = fopen(path, "r");
    X509 *x;
    BIO *b;
    char *data;
    long n;
    int r = 0;

    if (!f)
        return mt_err_errno(err, -errno, "--cert %s: cannot open the certificate", path);
    x = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!x)
        return mt_err_set(err, -EINVAL, "--cert %s: not a PEM X.509 certificate (%s)", path, ssl_reason());
    if (X509_check_private_key(x, job->key) != 1) {
        X509_free(x);
        return mt_err_set(err, -EINVAL, "--cert %s: does not belong to the key %s: give the certificate of "
                                         "that key", path, job->o.sign_key);
    }
    b = BIO_new(BIO_s_mem());
    if (!b || PEM_write_bio_X509(b, x) != 1 || (n = BIO_get_mem_data(b, &data)) <= 0 ||
        !(job->cert_pem = strndup(data, (size_t)n)))
        r = mt_err_set(err, -ENOMEM, "out of memory");
    BIO_free(b);
    X509_free(x);
    return r;
}

static int load_signer(struct ova_job *job, struct mt_err *err)
{
    const char *path = job->o.sign_key;
    FILE *f;

    if (!path)
        return 0;
    if (!(f = fopen(path, "r")))
        return mt_err_errno(err, -errno, "--sign %s: cannot open the private key", path);
    job->key = PEM_read_PrivateKey(f, NULL, no_passphrase, NULL);
    fclose(f);
    if (!job->key)
        return mt_err_set(err, -EINVAL, "--sign %s: not an unencrypted PEM private key (%s); decrypt a copy "
                                         "with openssl pkey -in KEY -out KEY.plain (mode 0600)", path,
                          ssl_reason());
    /* The signature's length must be known before the ISO is read (ova.h): RSA's is
     * the modulus length; ovftool's documented keys are RSA too. */
    if (EVP_PKEY_base_id(job->key) != EVP_PKEY_RSA)
        return mt_err_set(err, -EINVAL, "--sign %s: not an RSA key; OVA signatures are made with RSA keys "
                                         "(openssl genrsa, or openssl req -newkey rsa:3072)", path);
    job->sig_len = (size_t)EVP_PKEY_size(job->key);
    return load_cert(job, err);
}

/* OUT: not a directory, not the ISO; a temporary file in its directory. */
static int make_temp(struct ova_job *job, struct mt_err *err)
{
    const char *out = job->o.out, *slash = strrchr(out, '/');
    struct stat st, ist;
    mode_t um;
    int n;

    if (stat(out, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return mt_err_set(err, -EISDIR, "--out %s: a directory; give the OVA's file name", out);
        if (fstat(job->iso_fd, &ist) == 0 && st.st_dev == ist.st_dev && st.st_ino == ist.st_ino)
            return mt_err_set(err, -EINVAL, "--out %s: is the ISO itself; give another file name", out);
    }
    if (!slash)
        n = snprintf(job->dir, sizeof(job->dir), ".");
    else
        n = snprintf(job->dir, sizeof(job->dir), "%.*s", slash == out ? 1 : (int)(slash - out), out);
    if (n < 0 || (size_t)n >= sizeof(job->dir) ||
        (n = snprintf(job->tmp, sizeof(job->tmp), "%s/.%s.XXXXXX", job->dir, slash ? slash + 1 : out)) < 0 ||
        (size_t)n >= sizeof(job->tmp)) {
        job->tmp[0] = '\0';
        return mt_err_set(err, -ENAMETOOLONG, "--out %s: the path is too long", out);
    }
    job->fd = mkstemp(job->tmp);
    if (job->fd < 0) {
        int e = errno;
        job->tmp[0] = '\0';
        return mt_err_errno(err, -e, "--out %s: cannot create a file in %s; give --out in a directory you can "
                                     "write to", out, job->dir);
    }
    tmpguard(job->tmp);
    um = umask(0);
    umask(um);
    if (fchmod(job->fd, 0666 & ~um) < 0)
        return mt_err_errno(err, -errno, "%s", job->tmp);
    return 0;
}

static void names(struct ova_job *job)
{
    struct ova_result *r = &job->res;
    const char *n = job->o.spec.name;

    snprintf(r->ovf_name, sizeof(r->ovf_name), "%s.ovf", n);
    snprintf(r->mf_name, sizeof(r->mf_name), "%s.mf", n);
    snprintf(r->cert_name, sizeof(r->cert_name), "%s.cert", n);
    snprintf(r->iso_name, sizeof(r->iso_name), "%s.iso", n);
}

int ova_prepare(const struct ova_opts *o, struct ova_job **jobp, struct mt_err *err)
{
    struct ova_job *job = calloc(1, sizeof(*job));
    struct payload_hash h;
    int r;

    *jobp = NULL;
    if (!job)
        return mt_err_set(err, -ENOMEM, "out of memory");
    job->o = *o;
    job->fd = job->iso_fd = -1;
    if (o->sign_key && !o->sign_cert)
        r = mt_err_set(err, -EINVAL, "--sign needs --cert (the certificate of the key, PEM)");
    else if (o->sign_cert && !o->sign_key)
        r = mt_err_set(err, -EINVAL, "--cert needs --sign (the private key, PEM)");
    else
        r = ovf_spec_check(&o->spec, err);
    if (r == 0)
        names(job);
    if (r == 0 && (r = check_iso(job, err)) == 0 && (r = load_signer(job, err)) == 0)
        r = make_temp(job, err);
    if (r == 0) {
        job->o.spec.iso_href = job->res.iso_name;
        job->o.spec.iso_size = job->res.iso_bytes;
        job->o.spec.generator = o->generator;
        if (ovf_render(&job->o.spec, &job->ovf, &job->ovf_len) < 0 || payload_hash_init(&h) < 0)
            r = mt_err_set(err, -ENOMEM, "out of memory");
    }
    if (r < 0) {
        ova_job_free(job);
        return r;
    }
    payload_hash_update(&h, job->ovf, job->ovf_len);
    payload_hash_final(&h, job->res.ovf_sha256);
    job->res.signed_ = job->key != NULL;
    *jobp = job;
    return 0;
}

/* ---- writing ---- */

/* The manifest: the descriptor's digest and the ISO's (zeros for the placeholder). */
static char *manifest_text(const struct ova_result *r, const char *iso_sha, size_t *len)
{
    char a[OVF_NAME_MAX + 96], b[OVF_NAME_MAX + 96], *out;
    int na = ovf_manifest_line(a, sizeof(a), r->ovf_name, r->ovf_sha256);
    int nb = ovf_manifest_line(b, sizeof(b), r->iso_name, iso_sha);

    if (na < 0 || nb < 0 || asprintf(&out, "%s%s", a, b) < 0)
        return NULL;
    *len = (size_t)na + (size_t)nb;
    return out;
}

/* RSA PKCS#1 v1.5 signature over SHA-256 of data, as openssl dgst -sha256 -sign makes it. */
static int sign_sha256(EVP_PKEY *key, const char *data, size_t len, unsigned char *sig, size_t *sig_len)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    int ok;

    if (!c)
        return -ENOMEM;
    ok = EVP_DigestSignInit(c, NULL, EVP_sha256(), NULL, key) == 1 && EVP_DigestSignUpdate(c, data, len) == 1 &&
         EVP_DigestSignFinal(c, sig, sig_len) == 1;
    EVP_MD_CTX_free(c);
    return ok ? 0 : -EINVAL;
}

/* libarchive's message, with the cause when it kept one ("Write error: No space left on device"). */
static const char *arch_err(struct archive *w, char *buf, size_t len)
{
    int e = archive_errno(w);
    const char *m = archive_error_string(w);

    if (e > 0 && (!m || !strstr(m, strerror(e))))
        snprintf(buf, len, "%s: %s", m ? m : "error", strerror(e));
    else
        snprintf(buf, len, "%s", m ? m : "error");
    return buf;
}

static int add_member(struct archive *w, const char *name, uint64_t size, const void *data, struct ova_job *job,
                      struct mt_err *err)
{
    struct archive_entry *e = archive_entry_new();
    char msg[512];
    int ok;

    if (!e)
        return mt_err_set(err, -ENOMEM, "out of memory");
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, (la_int64_t)size);
    archive_entry_set_mtime(e, time(NULL), 0);
    ok = archive_write_header(w, e) == ARCHIVE_OK;
    archive_entry_free(e);
    if (ok && data && archive_write_data(w, data, (size_t)size) != (la_ssize_t)size)
        ok = 0;
    if (!ok)
        return mt_err_set(err, archive_errno(w) > 0 ? -archive_errno(w) : -EIO, "%s: writing %s: %s", job->tmp,
                          name, arch_err(w, msg, sizeof(msg)));
    return 0;
}

/* Streams the ISO into the archive through SHA-256; exactly the size prepared. */
static int copy_iso(struct archive *w, struct ova_job *job, struct mt_err *err)
{
    uint64_t left = job->res.iso_bytes, total = left;
    unsigned char *buf = malloc(COPY_BUF);
    struct payload_hash h;
    char msg[512];
    int r = 0;

    if (!buf || payload_hash_init(&h) < 0) {
        free(buf);
        return mt_err_set(err, -ENOMEM, "out of memory");
    }
    while (r == 0 && left > 0) {
        ssize_t n = read(job->iso_fd, buf, left < COPY_BUF ? (size_t)left : COPY_BUF);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            r = mt_err_errno(err, -errno, "--iso %s: read failed", job->o.iso);
        else if (n == 0)
            r = mt_err_set(err, -EIO, "--iso %s: shrank while it was read; run again", job->o.iso);
        else if (archive_write_data(w, buf, (size_t)n) != n)
            r = mt_err_set(err, archive_errno(w) > 0 ? -archive_errno(w) : -EIO, "%s: writing %s: %s", job->tmp,
                           job->res.iso_name, arch_err(w, msg, sizeof(msg)));
        else {
            payload_hash_update(&h, buf, (size_t)n);
            left -= (uint64_t)n;
            if (job->o.progress)
                job->o.progress(job->o.progress_arg, "ova", total - left, total);
        }
    }
    if (r == 0 && read(job->iso_fd, buf, 1) != 0)
        r = mt_err_set(err, -EIO, "--iso %s: changed while it was read; run again", job->o.iso);
    if (r == 0)
        payload_hash_final(&h, job->res.iso_sha256);
    else
        payload_hash_free(&h);
    free(buf);
    return r;
}

static uint64_t padded(uint64_t n) { return (n + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK; }

/* Replaces the placeholder at off with the final text of the same length, after
 * checking that the placeholder is where the ustar layout puts it. */
static int backfill(struct ova_job *job, uint64_t off, const char *placeholder, const char *final, size_t len,
                    const char *name, struct mt_err *err)
{
    char *cur = malloc(len ? len : 1);
    int r = 0;

    if (!cur)
        return mt_err_set(err, -ENOMEM, "out of memory");
    if (pread(job->fd, cur, len, (off_t)off) != (ssize_t)len || memcmp(cur, placeholder, len) != 0)
        r = mt_err_set(err, -EIO, "%s: %s is not at byte %llu where the ustar layout puts it", job->tmp, name,
                       (unsigned long long)off);
    else if (pwrite(job->fd, final, len, (off_t)off) != (ssize_t)len)
        r = mt_err_errno(err, errno ? -errno : -EIO, "%s: writing %s", job->tmp, name);
    free(cur);
    return r;
}

/* The archive with placeholders for the manifest and the certificate. */
static int write_archive(struct ova_job *job, const char *mf0, size_t mf_len, const char *cert0, size_t cert_len,
                         struct mt_err *err)
{
    struct archive *w = archive_write_new();
    char msg[512];
    int r;

    if (!w)
        return mt_err_set(err, -ENOMEM, "out of memory");
    archive_write_set_format_ustar(w);
    archive_write_set_bytes_per_block(w, (int)COPY_BUF);
    archive_write_set_bytes_in_last_block(w, 1); /* no padding past the end-of-archive blocks */
    if (archive_write_open_fd(w, job->fd) != ARCHIVE_OK) {
        r = mt_err_set(err, -EIO, "%s: %s", job->tmp, archive_error_string(w));
        archive_write_free(w);
        return r;
    }
    r = add_member(w, job->res.ovf_name, job->ovf_len, job->ovf, job, err);
    if (r == 0)
        r = add_member(w, job->res.mf_name, mf_len, mf0, job, err);
    if (r == 0 && cert0)
        r = add_member(w, job->res.cert_name, cert_len, cert0, job, err);
    if (r == 0)
        r = add_member(w, job->res.iso_name, job->res.iso_bytes, NULL, job, err);
    if (r == 0)
        r = copy_iso(w, job, err);
    if (r == 0 && archive_write_close(w) != ARCHIVE_OK)
        r = mt_err_set(err, -EIO, "%s: %s", job->tmp, arch_err(w, msg, sizeof(msg)));
    archive_write_free(w);
    return r;
}

/* The final manifest and certificate, written over their placeholders. */
static int finish_signed_parts(struct ova_job *job, const char *mf0, size_t mf_len, const char *cert0,
                               size_t cert_len, struct mt_err *err)
{
    uint64_t mf_off = TAR_BLOCK + padded(job->ovf_len) + TAR_BLOCK;
    uint64_t cert_off = mf_off + padded(mf_len) + TAR_BLOCK;
    unsigned char *sig = NULL;
    size_t len = 0, sig_len = job->sig_len;
    char *mf = manifest_text(&job->res, job->res.iso_sha256, &len), *cert = NULL;
    int r;

    if (!mf || len != mf_len) {
        free(mf);
        return mt_err_set(err, -ENOMEM, "out of memory");
    }
    r = backfill(job, mf_off, mf0, mf, mf_len, job->res.mf_name, err);
    if (r == 0 && cert0) {
        if (!(sig = malloc(sig_len)) || sign_sha256(job->key, mf, mf_len, sig, &sig_len) < 0)
            r = mt_err_set(err, -EINVAL, "--sign %s: signing the manifest failed (%s)", job->o.sign_key,
                           ssl_reason());
        else if (!(cert = ovf_cert_text(job->res.mf_name, sig, sig_len, job->cert_pem, &len)) || len != cert_len)
            r = mt_err_set(err, -EINVAL, "--sign %s: the signature is %zu bytes, not the key's %zu",
                           job->o.sign_key, sig_len, job->sig_len);
        else
            r = backfill(job, cert_off, cert0, cert, cert_len, job->res.cert_name, err);
    }
    free(sig);
    free(cert);
    free(mf);
    return r;
}

static int commit(struct ova_job *job, struct mt_err *err)
{
    struct stat st;
    int dfd;

    if (fsync(job->fd) < 0 || fstat(job->fd, &st) < 0)
        return mt_err_errno(err, -errno, "%s", job->tmp);
    job->res.ova_bytes = (uint64_t)st.st_size;
    if (close(job->fd) < 0) {
        job->fd = -1;
        return mt_err_errno(err, -errno, "%s", job->tmp);
    }
    job->fd = -1;
    if (rename(job->tmp, job->o.out) < 0)
        return mt_err_errno(err, -errno, "renaming %s to %s", job->tmp, job->o.out);
    job->tmp[0] = '\0';
    tmpguard(NULL);
    dfd = open(job->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd); /* the rename itself: best effort, the data is already synced */
        close(dfd);
    }
    return 0;
}

int ova_write(struct ova_job *job, struct ova_result *res, struct mt_err *err)
{
    static const char zeros[SHA256_HEX_LEN + 1] =
        "0000000000000000000000000000000000000000000000000000000000000000";
    unsigned char *zsig = NULL;
    size_t mf_len = 0, cert_len = 0;
    char *mf0 = manifest_text(&job->res, zeros, &mf_len), *cert0 = NULL;
    int r = 0;

    if (!mf0)
        r = mt_err_set(err, -ENOMEM, "out of memory");
    if (r == 0 && job->key &&
        (!(zsig = calloc(1, job->sig_len)) ||
         !(cert0 = ovf_cert_text(job->res.mf_name, zsig, job->sig_len, job->cert_pem, &cert_len))))
        r = mt_err_set(err, -ENOMEM, "out of memory");
    if (r == 0)
        r = write_archive(job, mf0, mf_len, cert0, cert_len, err);
    if (r == 0)
        r = finish_signed_parts(job, mf0, mf_len, cert0, cert_len, err);
    if (r == 0)
        r = commit(job, err);
    if (r == 0)
        *res = job->res;
    free(zsig);
    free(cert0);
    free(mf0);
    ova_job_free(job);
    return r;
}
