/* ovf: the OVF 1.x descriptor of the master-target VM template, and the manifest
 * and certificate lines that go with it. Pure: no I/O (ova.c writes the OVA).
 *
 * The descriptor follows DMTF DSP0243 (OVF 1.x, envelope namespace
 * http://schemas.dmtf.org/ovf/envelope/1) and VMware's conventions for what the
 * standard leaves to the platform (each one's source is noted in ovf.c):
 *   one VirtualSystem NAME: cpus vCPUs, memory_mib MiB; hardware family vmx-10;
 *   a VMware Paravirtual SCSI controller (ResourceType 6, ResourceSubType
 *   VirtualSCSI) with the OS disk at unit 0 and the retention disk at unit 1,
 *   both in the DiskSection with a capacity in GiB and no file: created empty at
 *   deploy time, so they cost nothing in the OVA;
 *   an IDE controller with a CD-ROM (ResourceType 15, vmware.cdrom.iso) backed by
 *   the installer ISO, a file of the package, connected at power-on;
 *   a vmxnet3 NIC on the network `network`;
 *   guest OS CentOS 64-bit (CIM OsType 107, vmw:osType centos64Guest);
 *   vmw:Config firmware = bios, vmw:ExtraConfig disk.EnableUUID = TRUE. */
#ifndef MT_OVF_H
#define MT_OVF_H

#include <stddef.h>
#include <stdint.h>

#include "mterr.h"

#define OVF_NAME_MAX 64

/* The sizing commonly quoted for a Linux master target. */
#define OVF_DEFAULT_CPUS 4u
#define OVF_DEFAULT_MEMORY_MIB 6144u
#define OVF_DEFAULT_OS_DISK_GIB 100u
#define OVF_DEFAULT_RETENTION_GIB 1024u
#define OVF_DEFAULT_NETWORK "VM Network"

/* What the platform allows (hardware version 10, ESXi 5.5): 64 vCPUs, 1 TiB of
 * memory in multiples of 4 MiB, a virtual disk of at most 62 TiB. RHEL 6 needs
 * 512 MiB of memory on x86_64. */
#define OVF_MAX_CPUS 64u
#define OVF_MIN_MEMORY_MIB 512u
#define OVF_MAX_MEMORY_MIB (1024u * 1024u)
#define OVF_MAX_DISK_GIB (62u * 1024u)
#define OVF_MIN_RETENTION_GIB 1u

struct ovf_spec {
    const char *name;        /* VM and file names: [A-Za-z0-9._-], 1..OVF_NAME_MAX, no leading '.' or '-' */
    const char *network;     /* the NIC's network, any text (escaped) */
    const char *iso_href;    /* the ISO's name in the package, e.g. "NAME.iso" */
    uint64_t iso_size;       /* bytes */
    unsigned cpus;
    unsigned memory_mib;
    unsigned os_disk_gib;
    unsigned retention_gib;
    const char *generator;   /* a comment line naming the tool, may be NULL */
};

/* Checks name, network and the sizes against the limits above and the OS-disk
 * layout (layout_plan with the default [layout] policy and memory_mib of RAM).
 * -EINVAL with err naming the option (--name, --cpus, --memory-mib,
 * --os-disk-gib, --retention-gib, --network) and the allowed range. */
int ovf_spec_check(const struct ovf_spec *s, struct mt_err *err);

/* The descriptor, UTF-8 XML. New NUL-terminated string in *out (free it), its
 * length in *len. 0, or -ENOMEM. */
int ovf_render(const struct ovf_spec *s, char **out, size_t *len);

/* One manifest line as ovftool writes it: "SHA256(FILE)= HEX\n". Returns the
 * length written (without the NUL), or -ENOSPC when it does not fit. */
int ovf_manifest_line(char *buf, size_t len, const char *file, const char *sha256_hex);

/* The .cert file: "SHA256(MF)= SIGNATURE_HEX\n" followed by the PEM certificate
 * (DSP0243 certificate format, as ovftool writes it). New string, or NULL. */
char *ovf_cert_text(const char *mf_name, const unsigned char *sig, size_t sig_len, const char *cert_pem,
                    size_t *len);

#endif
