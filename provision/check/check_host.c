/* check_host: the installed system around the agent: required packages,
 * a static address, time synchronisation. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "arraysize.h"
#include "rootpath.h"

#define DPKG_STATUS_MAX (64u << 20) /* bytes: far above any real status file */
#include "run.h"

static bool host_path_exists(const char *path)
{
    char real[4096];
    struct stat st;
    return rootpath_resolve(path, real, sizeof(real), 0) == 0 && stat(real, &st) == 0;
}

/* Is `pkg` installed according to a dpkg status file (text)? */
static bool dpkg_installed(const char *status, const char *pkg)
{
    const char *p = status;
    size_t plen = strlen(pkg);
    while ((p = strstr(p, "Package: ")) != NULL) {
        const char *name = p + 9, *end;
        if ((p == status || p[-1] == '\n') && strncmp(name, pkg, plen) == 0 && name[plen] == '\n') {
            /* the stanza ends at an empty line */
            end = strstr(name, "\n\n");
            const char *st = strstr(name, "\nStatus: ");
            return st && (!end || st < end) && strncmp(st + 9, "install ok installed", 20) == 0;
        }
        p = name;
    }
    return false;
}

/* Split a comma list into at most `max` trimmed names in `store`. */
static size_t split_list(const char *list, char store[][64], size_t max)
{
    size_t n = 0;
    const char *p = list;
    while (p && *p && n < max) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        while (len && *p == ' ') {
            p++;
            len--;
        }
        while (len && p[len - 1] == ' ')
            len--;
        if (len && len < 64) {
            memcpy(store[n], p, len);
            store[n++][len] = '\0';
        }
        p = e ? e + 1 : NULL;
    }
    return n;
}

static void packages_required(const struct check_ctx *c, struct check_result *r)
{
    char names[32][64], missing[600] = "", rpm[4096];
    size_t n = split_list(c->cfg->check.required_packages, names, 32), i, nm = 0, nmiss = 0;
    const char *source;

    if (n == 0) {
        check_set(r, CHECK_SKIP, "[check] required_packages is empty");
        return;
    }
    if ((host_path_exists("/var/lib/rpm/Packages") || host_path_exists("/var/lib/rpm/rpmdb.sqlite") ||
         host_path_exists("/var/lib/rpm/Packages.db")) &&
        run_which("rpm", rpm, sizeof(rpm)) == 0) {
        /* rpm -q NAME...: one line per package, "package X is not installed" for the missing */
        const char *argv[44];
        struct run_opts o = {0};
        struct run_result res = {0};
        size_t a = 0;
        int rc;
        argv[a++] = rpm;
        argv[a++] = "--root";
        argv[a++] = rootpath_root();
        /* the box's database, whatever this rpm's own default (Debian's is ~/.rpmdb) */
        argv[a++] = "--dbpath";
        argv[a++] = "/var/lib/rpm";
        argv[a++] = "-q";
        argv[a++] = "--qf";
        argv[a++] = "%{NAME}\\n";
        for (i = 0; i < n && a < 43; i++)
            argv[a++] = names[i];
        argv[a] = NULL;
        o.timeout_ms = 30000;
        rc = run_argv(argv, &o, &res);
        if (rc < 0 || res.signaled || res.timed_out) {
            char how[2100];
            check_set(r, CHECK_SKIP, "rpm --root %s -q could not run (%s)", rootpath_root(),
                      rc < 0 ? strerror(-rc) : run_describe(&res, how, sizeof(how)));
            run_result_free(&res);
            return;
        }
        for (i = 0; i < n; i++) {
            char needle[128];
            snprintf(needle, sizeof(needle), "package %.64s is not installed", names[i]);
            if (res.out && strstr(res.out, needle)) {
                nmiss++;
                if (nm < sizeof(missing))
                    nm += (size_t)snprintf(missing + nm, sizeof(missing) - nm, "%s%s", nmiss > 1 ? " " : "", names[i]);
            }
        }
        run_result_free(&res);
        source = "rpm database, rpm --root -q";
    } else {
        char *status = NULL;
        ssize_t len = rootpath_read_file("/var/lib/dpkg/status", &status, DPKG_STATUS_MAX);
        if (len == -EFBIG) {
            check_set(r, CHECK_SKIP, "/var/lib/dpkg/status: larger than %u MiB, not read (a package list cut short "
                                     "would say installed packages are missing)", DPKG_STATUS_MAX >> 20);
            return;
        }
        if (len < 0) {
            check_set(r, CHECK_SKIP, "no package database to read: neither /var/lib/rpm (with rpm installed) nor /var/lib/dpkg/status");
            return;
        }
        for (i = 0; i < n; i++)
            if (!dpkg_installed(status, names[i])) {
                nmiss++;
                if (nm < sizeof(missing))
                    nm += (size_t)snprintf(missing + nm, sizeof(missing) - nm, "%s%s", nmiss > 1 ? " " : "", names[i]);
            }
        free(status);
        source = "dpkg status file";
    }
    if (nmiss == 0) {
        check_set(r, CHECK_PASS, "all %zu installed (%s)", n, source);
        return;
    }
    check_set(r, CHECK_FAIL, "not installed: %s (%s)", missing, source);
    check_remedy(r, "Install them from the installation media: yum install -y %s (the mt-image ISO carries them "
                    "in its %%packages list).", missing);
}

static void network_static_ip(const struct check_ctx *c, struct check_result *r)
{
    const struct inv_host *h = &c->inv->host;
    char dhcp[400] = "", stat[400] = "";
    size_t i, nd = 0, ns = 0, cnt_d = 0, cnt_s = 0;

    for (i = 0; i < h->n_nics; i++) {
        const struct inv_nic *n = &h->nics[i];
        if (strcmp(n->name, "lo") == 0)
            continue;
        if (n->bootproto == INV_BOOT_DHCP) {
            cnt_d++;
            if (nd < sizeof(dhcp))
                nd += (size_t)snprintf(dhcp + nd, sizeof(dhcp) - nd, "%s%s (%s)", nd ? ", " : "", n->name,
                                       n->config_source);
        } else if (n->bootproto == INV_BOOT_STATIC) {
            cnt_s++;
            if (ns < sizeof(stat))
                ns += (size_t)snprintf(stat + ns, sizeof(stat) - ns, "%s%s %s", ns ? ", " : "", n->name,
                                       n->addresses[0] ? n->addresses : "(no address)");
        }
    }
    if (cnt_d) {
        check_set(r, CHECK_FAIL, "on DHCP: %s", dhcp);
        check_remedy(r, "Give the master target a static address: in /etc/sysconfig/network-scripts/ifcfg-<nic> set "
                        "BOOTPROTO=none, IPADDR, NETMASK (or PREFIX), GATEWAY and DNS1, then service network restart. "
                        "After failback a DHCP address changes and the configuration server loses the master target.");
        return;
    }
    if (cnt_s) {
        check_set(r, CHECK_PASS, "static: %s", stat);
        return;
    }
    check_set(r, CHECK_SKIP, "no network interface configuration found (ifcfg-* or /etc/network/interfaces)");
}

/* An init script or unit enabled for the default runlevel/target. */
static bool service_enabled(const char *const *paths)
{
    size_t i;
    for (i = 0; paths[i]; i++) {
        if (strchr(paths[i], '*')) {
            /* "/etc/rc.d/rc3.d/S*ntpd": any start link of that service */
            char dir[256], suffix[64], real[4096];
            const char *star = strchr(paths[i], '*'), *slash = strrchr(paths[i], '/');
            DIR *d;
            struct dirent *e;
            snprintf(dir, sizeof(dir), "%.*s", (int)(slash - paths[i]), paths[i]);
            snprintf(suffix, sizeof(suffix), "%s", star + 1);
            if (rootpath_resolve(dir, real, sizeof(real), 0) < 0 || !(d = opendir(real)))
                continue;
            while ((e = readdir(d)) != NULL) {
                size_t l = strlen(e->d_name), sl = strlen(suffix);
                if (e->d_name[0] == 'S' && l > sl && strcmp(e->d_name + l - sl, suffix) == 0) {
                    closedir(d);
                    return true;
                }
            }
            closedir(d);
        } else if (host_path_exists(paths[i])) {
            return true;
        }
    }
    return false;
}

static bool process_running(const char *const *names, char *found, size_t found_len)
{
    char real[4096];
    DIR *d;
    struct dirent *e;
    if (rootpath_resolve("/proc", real, sizeof(real), 0) < 0 || !(d = opendir(real)))
        return false;
    while ((e = readdir(d)) != NULL) {
        char path[300], comm[64];
        size_t i;
        if (e->d_name[0] < '0' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
        if (rootpath_read_line(path, comm, sizeof(comm)) < 0)
            continue;
        for (i = 0; names[i]; i++)
            if (strcmp(comm, names[i]) == 0) {
                snprintf(found, found_len, "%s", comm);
                closedir(d);
                return true;
            }
    }
    closedir(d);
    return false;
}

static void time_sync(const struct check_ctx *c, struct check_result *r)
{
    static const char *const ntpd[] = {"/etc/rc.d/rc3.d/S*ntpd", "/etc/rc3.d/S*ntp",
                                       "/etc/systemd/system/multi-user.target.wants/ntpd.service",
                                       "/etc/systemd/system/multi-user.target.wants/ntp.service",
                                       "/etc/systemd/system/multi-user.target.wants/ntpsec.service", NULL};
    static const char *const chrony[] = {"/etc/rc.d/rc3.d/S*chronyd",
                                         "/etc/systemd/system/multi-user.target.wants/chronyd.service",
                                         "/etc/systemd/system/multi-user.target.wants/chrony.service", NULL};
    static const char *const timesyncd[] = {"/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service",
                                            NULL};
    static const char *const daemons[] = {"ntpd", "chronyd", "systemd-timesyn", "ntpsec", NULL};
    char running[64] = "";
    (void)c;

    if (service_enabled(ntpd)) {
        check_set(r, CHECK_PASS, "ntpd is enabled at boot");
        return;
    }
    if (service_enabled(chrony)) {
        check_set(r, CHECK_PASS, "chronyd is enabled at boot");
        return;
    }
    if (service_enabled(timesyncd)) {
        check_set(r, CHECK_PASS, "systemd-timesyncd is enabled at boot");
        return;
    }
    if (process_running(daemons, running, sizeof(running))) {
        check_set(r, CHECK_FAIL, "%s runs but is not enabled at boot", running);
    } else {
        check_set(r, CHECK_FAIL, "no time synchronisation: ntpd, chronyd or systemd-timesyncd neither enabled nor running");
    }
    check_remedy(r, "yum install -y ntp; point /etc/ntp.conf at your time servers (or enable VMware Tools time "
                    "sync); chkconfig ntpd on; service ntpd start. The configuration server rejects requests "
                    "with more than 300 s of clock skew.");
}

const struct check_def check_defs_host[] = {
    {"packages.required", SEV_ERROR, "The packages the master target needs are installed", packages_required},
    {"network.static-ip", SEV_WARNING, "The network address is static (failback leaves DHCP)", network_static_ip},
    {"time.sync", SEV_WARNING, "Time is synchronised (NTP)", time_sync},
};
const size_t check_n_host = ARRAY_SIZE(check_defs_host);
