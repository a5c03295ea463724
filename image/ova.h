/* ova: the master-target VM template as an OVA, a ustar archive (libarchive)
 * holding, in this order (DSP0243: the descriptor first):
 *   NAME.ovf    the descriptor (ovf.h)
 *   NAME.mf     the manifest, "SHA256(NAME.ovf)= hex" and "SHA256(NAME.iso)= hex"
 *   NAME.cert   with a signing key: "SHA256(NAME.mf)= signature hex" (RSA,
 *               PKCS#1 v1.5 over SHA-256 of the manifest) and the PEM certificate
 *   NAME.iso    the installer ISO (mt-image iso's output), the VM's CD-ROM
 * The disks are created empty at deployment, so the OVA is the ISO plus a few KiB.
 *
 * The ISO is read once: the manifest and the certificate come before it in the
 * archive, so they are written with the right length first (the digest and the
 * signature have a fixed length) and filled in after the ISO went through
 * SHA-256 on its way into the archive. Everything goes to a temporary file in the
 * output's directory, renamed over OUT only when complete and synced; an error
 * or SIGINT/SIGTERM/SIGHUP removes it.
 *
 * Two phases, so that the caller can tell bad input from a failed write:
 * ova_prepare() checks everything it can before writing (exit 2 material),
 * ova_write() writes (a failure there is an I/O error). */
#ifndef MT_OVA_H
#define MT_OVA_H

#include <stdbool.h>
#include <stdint.h>

#include "mterr.h"
#include "ovf.h"
#include "payload_hash.h"
#include "remaster.h"

struct ova_opts {
    const char *iso;          /* the installer ISO: ISO 9660, El Torito bootable, with mt/ks.cfg */
    const char *out;          /* the OVA file */
    struct ovf_spec spec;     /* name, network, sizes; iso_href and iso_size are filled in */
    const char *sign_key;     /* PEM RSA private key (unencrypted), or NULL */
    const char *sign_cert;    /* PEM X.509 certificate of that key; with sign_key */
    const char *generator;    /* descriptor comment, may be NULL */
    remaster_progress_fn progress;
    void *progress_arg;
};

struct ova_job;               /* what ova_prepare found and opened */

struct ova_result {
    char ovf_name[OVF_NAME_MAX + 8], mf_name[OVF_NAME_MAX + 8], cert_name[OVF_NAME_MAX + 8],
        iso_name[OVF_NAME_MAX + 8];
    char ovf_sha256[SHA256_HEX_LEN + 1], iso_sha256[SHA256_HEX_LEN + 1];
    uint64_t iso_bytes, ova_bytes;
    bool signed_;             /* a .cert was written */
    char iso_volume_id[33];
};

/* Checks the ISO (a regular file under the ustar limit of 8 GiB, ISO 9660 with
 * an El Torito boot record and mt/ks.cfg), the spec (ovf_spec_check), the key
 * and certificate (RSA, unencrypted, matching each other), and that OUT can be
 * created (a temporary file is made next to it). Returns 0 with *job, or -errno
 * with err naming the file or option and what to do; nothing is left behind. */
int ova_prepare(const struct ova_opts *o, struct ova_job **job, struct mt_err *err);

/* Writes the OVA and renames it into place. -errno with err on an I/O error; the
 * temporary file is removed. Frees the job in both cases. */
int ova_write(struct ova_job *job, struct ova_result *res, struct mt_err *err);

/* Releases a prepared job without writing (removes the temporary file). */
void ova_job_free(struct ova_job *job);

#endif
