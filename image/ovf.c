/* ovf: see ovf.h.
 *
 * Where each convention comes from:
 *  - Envelope, References, DiskSection, NetworkSection, VirtualSystem,
 *    VirtualHardwareSection, OperatingSystemSection, Item with rasd: elements in
 *    the CIM schema's (alphabetical) order: DMTF DSP0243 1.x and its schema
 *    DSP8023 (http://schemas.dmtf.org/ovf/envelope/1/dsp8023_1.0.0.xsd).
 *  - A Disk with ovf:capacity and no ovf:fileRef is created empty at deploy time
 *    (DSP0243 clause 9.1, DiskSection; its example disk "vmdisk2" has only a
 *    capacity; ISO/IEC 17203 reproduces it). ovf:capacityAllocationUnits
 *    "byte * 2^30" is a DSP0004 programmatic unit.
 *  - ResourceType numbers: CIM_ResourceAllocationSettingData (3 processor,
 *    4 memory, 5 IDE controller, 6 parallel SCSI HBA, 10 Ethernet adapter,
 *    15 CD drive, 17 disk drive).
 *  - VMware's values for what CIM leaves open, as ovftool and govmomi write
 *    them: ResourceSubType "VirtualSCSI" (the paravirtual SCSI controller,
 *    pvscsi), "VmxNet3", "vmware.cdrom.iso" with HostResource ovf:/file/ID (a
 *    CD-ROM backed by an ISO that is a file of the package, as Ubuntu's cloud
 *    OVAs carry their seed ISO), vmw:Config firmware, vmw:ExtraConfig for .vmx
 *    keys, VirtualSystemType vmx-10 (ESXi 5.5 and later).
 *  - OperatingSystemSection ovf:id 107 is CIM_OperatingSystem OsType "CentOS
 *    64-Bit"; vmw:osType centos64Guest ("CentOS 4/5 or later (64-bit)") is
 *    known to every ESXi from 5.5 on (centos6_64Guest only from 6.5).
 *  - Manifest lines "SHA256(file)= hex" and the certificate file: ovftool's
 *    format (OVF Tool User's Guide, "OVF Package Signing"; DSP0243 clause 5.2).
 *    SHA-256 manifests need the vSphere Web or HTML5 client (6.5+), not the
 *    old C# client. */
#include "ovf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "layout.h"

static int name_ok(const char *n)
{
    size_t i, len = n ? strlen(n) : 0;

    if (len == 0 || len > OVF_NAME_MAX || n[0] == '.' || n[0] == '-')
        return 0;
    for (i = 0; i < len; i++) {
        char c = n[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}

/* A network name: printable, no control characters; XML-escaped when written. */
static int network_ok(const char *n)
{
    size_t len = n ? strlen(n) : 0, i;

    if (len == 0 || len > 255)
        return 0;
    for (i = 0; i < len; i++)
        if ((unsigned char)n[i] < 0x20 || n[i] == 0x7f)
            return 0;
    return 1;
}

/* The OS disk must hold the layout mt-agent plans for that much memory. */
static int os_disk_fits(const struct ovf_spec *s, struct mt_err *err)
{
    struct mt_config cfg;
    struct layout_policy pol;
    struct layout_plan plan;
    struct mt_err perr = {0};
    int r;

    config_defaults(&cfg);
    layout_policy_from_config(&cfg, &pol);
    r = layout_plan((uint64_t)s->os_disk_gib << 30, (uint64_t)s->memory_mib << 20, &pol, &plan, &perr);
    if (r < 0)
        return mt_err_set(err, -EINVAL, "--os-disk-gib %u: too small for the OS disk layout with %u MiB of "
                                         "memory (%s); give a larger --os-disk-gib",
                          s->os_disk_gib, s->memory_mib, perr.msg);
    return 0;
}

int ovf_spec_check(const struct ovf_spec *s, struct mt_err *err)
{
    if (!name_ok(s->name))
        return mt_err_set(err, -EINVAL, "--name '%s': use 1 to %d letters, digits, '.', '_' or '-', not "
                                         "starting with '.' or '-' (it names the VM and the files of the OVA)",
                          s->name ? s->name : "", OVF_NAME_MAX);
    if (!network_ok(s->network))
        return mt_err_set(err, -EINVAL, "--network: give the name of a vSphere network (1 to 255 printable "
                                         "characters), e.g. \"%s\"", OVF_DEFAULT_NETWORK);
    if (s->cpus < 1 || s->cpus > OVF_MAX_CPUS)
        return mt_err_set(err, -EINVAL, "--cpus %u: give 1 to %u vCPUs (hardware version 10)", s->cpus,
                          OVF_MAX_CPUS);
    if (s->memory_mib < OVF_MIN_MEMORY_MIB || s->memory_mib > OVF_MAX_MEMORY_MIB || s->memory_mib % 4)
        return mt_err_set(err, -EINVAL, "--memory-mib %u: give %u to %u MiB, a multiple of 4 (RHEL 6 needs "
                                         "%u MiB; vSphere sizes memory in 4 MiB steps)",
                          s->memory_mib, OVF_MIN_MEMORY_MIB, OVF_MAX_MEMORY_MIB, OVF_MIN_MEMORY_MIB);
    if (s->os_disk_gib < 1 || s->os_disk_gib > OVF_MAX_DISK_GIB)
        return mt_err_set(err, -EINVAL, "--os-disk-gib %u: give 1 to %u GiB", s->os_disk_gib, OVF_MAX_DISK_GIB);
    if (s->retention_gib < OVF_MIN_RETENTION_GIB || s->retention_gib > OVF_MAX_DISK_GIB)
        return mt_err_set(err, -EINVAL, "--retention-gib %u: give %u to %u GiB", s->retention_gib,
                          OVF_MIN_RETENTION_GIB, OVF_MAX_DISK_GIB);
    return os_disk_fits(s, err);
}

static void xml_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&apos;", f); break;
        default: fputc(*s, f);
        }
    }
}

/* Comment text: XML forbids "--" inside a comment, so a second '-' in a row is
 * written as '_' (the generator line names a file, which may have "--"). */
static void xml_comment(FILE *f, const char *s)
{
    char prev = 0;

    for (; *s; prev = *s, s++)
        fputc(*s == '-' && prev == '-' ? '_' : (unsigned char)*s < 0x20 ? ' ' : *s, f);
}

static void render_head(FILE *f, const struct ovf_spec *s)
{
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
    if (s->generator) {
        fputs("<!-- ", f);
        xml_comment(f, s->generator);
        fputs(" -->\n", f);
    }
    fputs("<Envelope xmlns=\"http://schemas.dmtf.org/ovf/envelope/1\"\n"
          "    xmlns:ovf=\"http://schemas.dmtf.org/ovf/envelope/1\"\n"
          "    xmlns:rasd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData\"\n"
          "    xmlns:vssd=\"http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData\"\n"
          "    xmlns:vmw=\"http://www.vmware.com/schema/ovf\"\n"
          "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n", f);
    fprintf(f, "  <References>\n    <File ovf:href=\"%s\" ovf:id=\"installer_iso\" ovf:size=\"%llu\"/>\n"
               "  </References>\n", s->iso_href, (unsigned long long)s->iso_size);
    fputs("  <DiskSection>\n    <Info>The OS disk and the retention disk, created empty at deployment</Info>\n", f);
    fprintf(f, "    <Disk ovf:diskId=\"os_disk\" ovf:capacity=\"%u\" ovf:capacityAllocationUnits=\"byte * 2^30\"\n"
               "        ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n",
            s->os_disk_gib);
    fprintf(f, "    <Disk ovf:diskId=\"retention_disk\" ovf:capacity=\"%u\" ovf:capacityAllocationUnits=\"byte * 2^30\"\n"
               "        ovf:format=\"http://www.vmware.com/interfaces/specifications/vmdk.html#streamOptimized\"/>\n"
               "  </DiskSection>\n",
            s->retention_gib);
    fputs("  <NetworkSection>\n    <Info>The logical networks</Info>\n    <Network ovf:name=\"", f);
    xml_text(f, s->network);
    fputs("\">\n      <Description>The master target's network (give it a static IP)</Description>\n"
          "    </Network>\n  </NetworkSection>\n", f);
}

static void render_system(FILE *f, const struct ovf_spec *s)
{
    fprintf(f, "  <VirtualSystem ovf:id=\"%s\">\n    <Info>A master target for failback from the cloud</Info>\n"
               "    <Name>%s</Name>\n", s->name, s->name);
    fputs("    <AnnotationSection>\n      <Info>What this VM does when powered on</Info>\n"
          "      <Annotation>Boots the mt-agent installer ISO: the kickstart installs CentOS 6.6 on the OS disk "
          "(SCSI 0:0), and mt-agent firstboot makes the retention volume on SCSI 0:1 and registers with the "
          "configuration server. disk.EnableUUID is TRUE.</Annotation>\n    </AnnotationSection>\n", f);
    fputs("    <OperatingSystemSection ovf:id=\"107\" vmw:osType=\"centos64Guest\">\n"
          "      <Info>The guest operating system</Info>\n      <Description>CentOS 6 (64-bit)</Description>\n"
          "    </OperatingSystemSection>\n", f);
    fprintf(f, "    <VirtualHardwareSection>\n      <Info>Virtual hardware requirements</Info>\n      <System>\n"
               "        <vssd:ElementName>Virtual Hardware Family</vssd:ElementName>\n"
               "        <vssd:InstanceID>0</vssd:InstanceID>\n"
               "        <vssd:VirtualSystemIdentifier>%s</vssd:VirtualSystemIdentifier>\n"
               "        <vssd:VirtualSystemType>vmx-10</vssd:VirtualSystemType>\n      </System>\n",
            s->name);
}

static void render_items(FILE *f, const struct ovf_spec *s)
{
    fprintf(f, "      <Item>\n        <rasd:AllocationUnits>hertz * 10^6</rasd:AllocationUnits>\n"
               "        <rasd:Description>Number of virtual CPUs</rasd:Description>\n"
               "        <rasd:ElementName>%u virtual CPU(s)</rasd:ElementName>\n"
               "        <rasd:InstanceID>1</rasd:InstanceID>\n        <rasd:ResourceType>3</rasd:ResourceType>\n"
               "        <rasd:VirtualQuantity>%u</rasd:VirtualQuantity>\n      </Item>\n",
            s->cpus, s->cpus);
    fprintf(f, "      <Item>\n        <rasd:AllocationUnits>byte * 2^20</rasd:AllocationUnits>\n"
               "        <rasd:Description>Memory size</rasd:Description>\n"
               "        <rasd:ElementName>%u MiB of memory</rasd:ElementName>\n"
               "        <rasd:InstanceID>2</rasd:InstanceID>\n        <rasd:ResourceType>4</rasd:ResourceType>\n"
               "        <rasd:VirtualQuantity>%u</rasd:VirtualQuantity>\n      </Item>\n",
            s->memory_mib, s->memory_mib);
    fputs("      <Item>\n        <rasd:Address>0</rasd:Address>\n"
          "        <rasd:Description>VMware Paravirtual SCSI controller</rasd:Description>\n"
          "        <rasd:ElementName>SCSI controller 0</rasd:ElementName>\n"
          "        <rasd:InstanceID>3</rasd:InstanceID>\n"
          "        <rasd:ResourceSubType>VirtualSCSI</rasd:ResourceSubType>\n"
          "        <rasd:ResourceType>6</rasd:ResourceType>\n      </Item>\n"
          "      <Item>\n        <rasd:Address>0</rasd:Address>\n        <rasd:Description>IDE controller</rasd:Description>\n"
          "        <rasd:ElementName>IDE controller 0</rasd:ElementName>\n"
          "        <rasd:InstanceID>4</rasd:InstanceID>\n        <rasd:ResourceType>5</rasd:ResourceType>\n      </Item>\n"
          "      <Item>\n        <rasd:AddressOnParent>0</rasd:AddressOnParent>\n"
          "        <rasd:Description>The OS disk</rasd:Description>\n"
          "        <rasd:ElementName>Hard disk 1</rasd:ElementName>\n"
          "        <rasd:HostResource>ovf:/disk/os_disk</rasd:HostResource>\n"
          "        <rasd:InstanceID>5</rasd:InstanceID>\n        <rasd:Parent>3</rasd:Parent>\n"
          "        <rasd:ResourceType>17</rasd:ResourceType>\n      </Item>\n"
          "      <Item>\n        <rasd:AddressOnParent>1</rasd:AddressOnParent>\n"
          "        <rasd:Description>The retention disk</rasd:Description>\n"
          "        <rasd:ElementName>Hard disk 2</rasd:ElementName>\n"
          "        <rasd:HostResource>ovf:/disk/retention_disk</rasd:HostResource>\n"
          "        <rasd:InstanceID>6</rasd:InstanceID>\n        <rasd:Parent>3</rasd:Parent>\n"
          "        <rasd:ResourceType>17</rasd:ResourceType>\n      </Item>\n"
          "      <Item>\n        <rasd:AddressOnParent>0</rasd:AddressOnParent>\n"
          "        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>\n"
          "        <rasd:Description>The mt-agent installer ISO</rasd:Description>\n"
          "        <rasd:ElementName>CD/DVD drive 1</rasd:ElementName>\n"
          "        <rasd:HostResource>ovf:/file/installer_iso</rasd:HostResource>\n"
          "        <rasd:InstanceID>7</rasd:InstanceID>\n        <rasd:Parent>4</rasd:Parent>\n"
          "        <rasd:ResourceSubType>vmware.cdrom.iso</rasd:ResourceSubType>\n"
          "        <rasd:ResourceType>15</rasd:ResourceType>\n      </Item>\n", f);
    fputs("      <Item>\n        <rasd:AddressOnParent>7</rasd:AddressOnParent>\n"
          "        <rasd:AutomaticAllocation>true</rasd:AutomaticAllocation>\n        <rasd:Connection>", f);
    xml_text(f, s->network);
    fputs("</rasd:Connection>\n        <rasd:Description>VMXNET3 Ethernet adapter</rasd:Description>\n"
          "        <rasd:ElementName>Network adapter 1</rasd:ElementName>\n"
          "        <rasd:InstanceID>8</rasd:InstanceID>\n        <rasd:ResourceSubType>VmxNet3</rasd:ResourceSubType>\n"
          "        <rasd:ResourceType>10</rasd:ResourceType>\n      </Item>\n", f);
}

int ovf_render(const struct ovf_spec *s, char **out, size_t *len)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);

    if (!f)
        return -ENOMEM;
    render_head(f, s);
    render_system(f, s);
    render_items(f, s);
    /* ovf:required="true" on EnableUUID: a platform that cannot set it must fail the
     * deployment, not make a VM whose disks have no SCSI id (mt-agent check fails it). */
    fputs("      <vmw:Config ovf:required=\"false\" vmw:key=\"firmware\" vmw:value=\"bios\"/>\n"
          "      <vmw:ExtraConfig ovf:required=\"true\" vmw:key=\"disk.EnableUUID\" vmw:value=\"TRUE\"/>\n"
          "    </VirtualHardwareSection>\n  </VirtualSystem>\n</Envelope>\n", f);
    if (ferror(f) || fclose(f) != 0) {
        free(buf);
        return -ENOMEM;
    }
    *out = buf;
    *len = n;
    return 0;
}

int ovf_manifest_line(char *buf, size_t len, const char *file, const char *sha256_hex)
{
    int n = snprintf(buf, len, "SHA256(%s)= %s\n", file, sha256_hex);

    if (n < 0 || (size_t)n >= len)
        return -ENOSPC;
    return n;
}

char *ovf_cert_text(const char *mf_name, const unsigned char *sig, size_t sig_len, const char *cert_pem,
                    size_t *len)
{
    static const char digits[] = "0123456789abcdef";
    size_t head = strlen("SHA256()= \n") + strlen(mf_name) + 2 * sig_len, pem = strlen(cert_pem), i;
    char *out = malloc(head + pem + 2), *p;

    if (!out)
        return NULL;
    p = out + sprintf(out, "SHA256(%s)= ", mf_name);
    for (i = 0; i < sig_len; i++) {
        *p++ = digits[sig[i] >> 4];
        *p++ = digits[sig[i] & 15];
    }
    *p++ = '\n';
    memcpy(p, cert_pem, pem);
    p += pem;
    if (pem && p[-1] != '\n')
        *p++ = '\n';
    *p = '\0';
    *len = (size_t)(p - out);
    return out;
}
