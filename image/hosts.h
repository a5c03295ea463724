/* hosts: the fleet's hosts file for `mt-image pxe --hosts` and `iso --hosts --host`,
 * and what is rendered from it (kernel arguments, pxelinux entry names, a dnsmasq
 * configuration). Parsing and rendering are pure functions over strings.
 *
 * The file is CSV with a header naming the columns
 *     mac,hostname,ip,netmask,gateway,dns,disk
 * (any order, names in any case, each exactly once; gateway, dns and disk may be
 * empty in a row). One row per box:
 *     mac       six hex pairs separated by ':' or '-', either case; unicast, not zero
 *     hostname  RFC 1123 name (labels of letters, digits, '-'; 63/253 characters)
 *     ip        IPv4 dotted quad (anaconda's ip= is IPv4), inside its subnet, not the
 *               subnet's network or broadcast address
 *     netmask   IPv4 dotted quad, contiguous ones (255.255.255.0)
 *     gateway   IPv4 in the host's subnet, not the host's own address
 *     dns       1 to 3 IPv4 addresses separated by ';', blanks or (quoted) commas
 *     disk      the OS disk's kernel name (sdb, vda, nvme0n1), "/dev/" optional
 * Format decisions: UTF-8 byte order mark at the start skipped; LF or CRLF line ends;
 * blanks around a field ignored; a field may be wrapped in double quotes (RFC 4180,
 * "" for a quote inside), a quote elsewhere, or a quoted field spanning lines, is
 * refused; empty lines and lines starting with '#' are skipped. MACs compare
 * without regard to case or separator, hostnames without regard to case.
 * Every error is -EINVAL naming FILE:LINE, the field and what is wrong. */
#ifndef MT_HOSTS_H
#define MT_HOSTS_H

#include <stddef.h>

#include "mterr.h"

#define HOSTS_COLUMNS "mac,hostname,ip,netmask,gateway,dns,disk"
#define HOSTS_MAX_BYTES (4u << 20)

struct host_entry {
    char mac[18];       /* "aa:bb:cc:dd:ee:ff", lower case */
    char hostname[254]; /* as written */
    char ip[16];        /* dotted quads, as canonical inet_ntop text */
    char netmask[16];
    char gateway[16];   /* "" when none */
    char dns[48];       /* "a,b,c" (anaconda's dns= form), "" when none */
    char disk[32];      /* kernel name without /dev/, "" when none */
    unsigned line;      /* line of the file it came from (1-based) */
};

struct hosts {
    struct host_entry *v;
    size_t n;
};

/* Parses text (len bytes; NUL bytes refused) named `file` in messages. On success
 * *out holds at least one host (free with hosts_free); on error *out is empty. */
int hosts_parse(const char *text, size_t len, const char *file, struct hosts *out, struct mt_err *err);

/* Reads `path` (at most HOSTS_MAX_BYTES) and parses it. -errno from reading. */
int hosts_load(const char *path, struct hosts *out, struct mt_err *err);

void hosts_free(struct hosts *h);

/* The host named `name` (hostname without regard to case, or its MAC in any
 * accepted spelling); NULL when none. */
const struct host_entry *hosts_find(const struct hosts *h, const char *name);

/* "ip=A netmask=M [gateway=G] [dns=D] hostname=H [mt.disk=S]": the boot parameters
 * the kickstart's %pre reads (and EL6 anaconda's loader uses for stage 1).
 * -ENAMETOOLONG when len is too small. */
int hosts_kernel_args(const struct host_entry *e, char *buf, size_t len);

/* The name pxelinux asks for first: "01-aa-bb-cc-dd-ee-ff" (ARP type 1, Ethernet). */
void hosts_pxelinux_name(const struct host_entry *e, char out[21]);

/* Kernel-line keys the hosts file sets (ksdevice=: the host's NIC, by its MAC on
 * the ISO, bootif on its PXE entry): an --append that sets one of them is
 * refused with --hosts. Returns the first key found in `append` ("ip=" ...), or NULL. */
const char *hosts_append_conflict(const char *append);

/* A dnsmasq configuration: TFTP from tftp_root (absolute, no blanks, commas, quotes
 * or '#': -EINVAL), boot file pxelinux.0, one static dhcp-range per subnet (only the
 * listed MACs get answers) and per host a dhcp-host line binding MAC, name and
 * address with its router and DNS options (dnsmasq 2.48 syntax, EL6's: net: tags,
 * option numbers; later versions read it too). `header` is put first as a comment. */
int hosts_dnsmasq_conf(const struct hosts *h, const char *tftp_root, const char *header, char **out,
                       struct mt_err *err);

#endif
