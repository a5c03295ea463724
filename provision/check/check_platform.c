/* check_platform: is this a VMware VM running the OS and architecture the
 * master-target software supports, with the resources it needs. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "check.h"
#include "arraysize.h"
#include "rootpath.h"

static bool is_vmware(const struct inv_host *h)
{
    return strncasecmp(h->vendor, "VMware", 6) == 0 || strncasecmp(h->product, "VMware", 6) == 0;
}

static void platform_vmware(const struct check_ctx *c, struct check_result *r)
{
    const struct inv_host *h = &c->inv->host;
    if (!h->vendor[0] && !h->product[0]) {
        check_set(r, CHECK_FAIL, "no DMI identity (/sys/class/dmi/id unreadable): cannot tell this is a VMware VM");
        check_remedy(r, "Run mt-agent on the master-target VM itself (a kernel with DMI support); failback needs a VMware virtual machine.");
        return;
    }
    if (is_vmware(h)) {
        check_set(r, CHECK_PASS, "DMI: %s, %s", h->vendor, h->product);
        return;
    }
    check_set(r, CHECK_FAIL, "DMI says \"%s\", \"%s\": not a VMware virtual machine", h->vendor, h->product);
    check_remedy(r, "Install the master target as a VMware virtual machine on an ESXi host that reaches the "
                    "datastores of the VMs to restore; failback to a physical server is not supported.");
}

/* The kernel creates /sys/firmware/efi when it was booted by UEFI (EFI runtime
 * services); a BIOS boot has none. Under --root, the fixture's sys/firmware. */
static void platform_firmware(const struct check_ctx *c, struct check_result *r)
{
    struct stat st;

    (void)c;
    if (rootpath_stat("/sys/firmware/efi", &st) == 0 && S_ISDIR(st.st_mode)) {
        check_set(r, CHECK_FAIL, "booted by UEFI (/sys/firmware/efi exists); the master target is laid out for "
                                 "BIOS (msdos label, boot loader on the root partition)");
        check_remedy(r, "Power the VM off, set VM Options > Boot Options > Firmware: BIOS, then re-install it "
                        "from the mt-image ISO or PXE tree (a UEFI install has no BIOS boot loader to keep).");
        return;
    }
    if (rootpath_stat("/sys/firmware", &st) < 0) {
        check_set(r, CHECK_SKIP, "/sys/firmware is not there (sysfs not mounted?): cannot tell BIOS from UEFI");
        check_remedy(r, "Mount sysfs on /sys (mount -t sysfs sysfs /sys) and run the check again.");
        return;
    }
    check_set(r, CHECK_PASS, "BIOS (no /sys/firmware/efi)");
}

static void os_release(const struct check_ctx *c, struct check_result *r)
{
    const struct inv_host *h = &c->inv->host;
    bool el = strcmp(h->os_id, "centos") == 0 || strcmp(h->os_id, "rhel") == 0;

    if (!h->os_release[0]) {
        check_set(r, CHECK_FAIL, "no /etc/redhat-release or /etc/os-release: unknown OS");
        check_remedy(r, "Install CentOS 6.6 (minimal) on the master target, e.g. from the mt-image ISO.");
        return;
    }
    if (el && strcmp(h->os_version, "6.6") == 0) {
        check_set(r, CHECK_PASS, "%s", h->os_release);
        return;
    }
    if (el && strncmp(h->os_version, "6.", 2) == 0) {
        check_set(r, CHECK_FAIL, "%s: a 6.x release other than the supported 6.6", h->os_release);
        r->warn_only = true;
        check_remedy(r, "The master-target software is qualified on CentOS/RHEL 6.6; other 6.x releases "
                        "usually work but are not supported. Reinstall from the 6.6 media for a supported setup.");
        return;
    }
    check_set(r, CHECK_FAIL, "%s: not CentOS/RHEL 6", h->os_release);
    check_remedy(r, "Install CentOS 6.6 (minimal) on the master target, e.g. from the mt-image ISO; "
                    "the RHEL6-64 Unified Agent does not run on other systems.");
}

static void os_arch(const struct check_ctx *c, struct check_result *r)
{
    const char *a = c->inv->host.arch;
    if (strcmp(a, "x86_64") == 0) {
        check_set(r, CHECK_PASS, "%s", a);
        return;
    }
    check_set(r, CHECK_FAIL, "architecture \"%s\", the agent is built for x86_64", a[0] ? a : "unknown");
    check_remedy(r, "Install the 64-bit (x86_64) CentOS 6.6; the RHEL6-64 Unified Agent is 64-bit only.");
}

/* The OS disk: the disk holding "/" (or [layout] disk while running from RAM), else the first disk. */
static const struct inv_disk *os_disk(const struct check_ctx *c)
{
    const struct inv_disk *d = inventory_root_disk(c->inv, c->cfg ? c->cfg->layout.disk : NULL);
    return d ? d : c->inv->n_disks ? &c->inv->disks[0] : NULL;
}

/* A disk's size for a message: GiB, or MiB below 1 GiB (a 256 MiB disk is not "0 GiB"). */
static void disk_size_text(uint64_t bytes, char *buf, size_t len)
{
    if (bytes >> 30)
        snprintf(buf, len, "%" PRIu64 " GiB", bytes >> 30);
    else
        snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
}

static void host_resources(const struct check_ctx *c, struct check_result *r)
{
    const struct inv_host *h = &c->inv->host;
    unsigned min_cpus = c->cfg->check.min_cpus, min_ram = c->cfg->check.min_ram_mib;
    unsigned min_disk = c->cfg->check.min_os_disk_gib;
    uint64_t ram_mib = h->ram_bytes >> 20;
    const struct inv_disk *d = os_disk(c);
    char problems[700] = "", size[32] = "?";
    size_t n = 0;

    if (d)
        disk_size_text(d->size_bytes, size, sizeof(size));
    if (h->cpus < min_cpus)
        n += (size_t)snprintf(problems + n, sizeof(problems) - n, "%u vCPUs (want %u); ", h->cpus, min_cpus);
    /* the kernel keeps some memory for itself: allow 5% below the configured size */
    if (ram_mib < (uint64_t)min_ram * 95 / 100 && n < sizeof(problems))
        n += (size_t)snprintf(problems + n, sizeof(problems) - n, "%" PRIu64 " MiB RAM (want %u); ", ram_mib,
                              min_ram);
    if (d && (d->size_bytes >> 30) < min_disk && n < sizeof(problems))
        n += (size_t)snprintf(problems + n, sizeof(problems) - n, "OS disk %s %s (want %u GiB); ",
                              d->name, size, min_disk);
    if (n == 0) {
        check_set(r, CHECK_PASS, "%u vCPUs, %" PRIu64 " MiB RAM, OS disk %s %s", h->cpus, ram_mib,
                  d ? d->name : "?", size);
        return;
    }
    if (n >= 2 && n < sizeof(problems))
        problems[n - 2] = '\0';
    check_set(r, CHECK_FAIL, "%s", problems);
    check_remedy(r, "Power the VM off and give it at least %u vCPUs and %u MiB of memory (Edit Settings), and an "
                    "OS disk of at least %u GiB; or lower [check] min_cpus / min_ram_mib / min_os_disk_gib in "
                    "mt-agent.conf for a small test box.",
                 min_cpus, min_ram, min_disk);
}

const struct check_def check_defs_platform[] = {
    {"platform.vmware", SEV_ERROR, "The box is a VMware virtual machine", platform_vmware},
    {"platform.firmware", SEV_ERROR, "The box booted by BIOS, not UEFI", platform_firmware},
    {"os.release", SEV_ERROR, "The OS is CentOS/RHEL 6.6", os_release},
    {"os.arch", SEV_ERROR, "The OS is 64-bit (x86_64)", os_arch},
    {"host.resources", SEV_WARNING, "vCPUs, memory and OS disk meet the sizing", host_resources},
};
const size_t check_n_platform = ARRAY_SIZE(check_defs_platform);
