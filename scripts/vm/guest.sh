#!/bin/bash
# scripts/vm/guest.sh: the initramfs of a master-target test guest.
#
#   guest.sh --out FILE --init SCRIPT [--agent PATH] [mkinitramfs.sh options...]
#
# Carries mt-agent with its libraries, the tools it runs (mke2fs/mkfs.ext4,
# mkswap, blkid, losetup, scsi_id, modinfo/depmod), the SCSI, network and file
# system modules a VMware-like VM needs, and busybox for the rest. The guest's
# /init is SCRIPT (see scripts/vm/mkinitramfs.sh for /lib/vm-lib.sh).
set -euo pipefail
# set -e exits without a word; say where (a pipeline killed by SIGPIPE did so once)
trap 'echo "guest.sh: failed (status $?) at line $LINENO" >&2' ERR
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out="" init="" agent=${MT_AGENT:-$top/build/mt-agent}
pass=()
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --init) init=$2; shift 2 ;;
    --agent) agent=$2; shift 2 ;;
    *) pass+=("$1"); shift ;;
    esac
done
[ -n "$out" ] && [ -n "$init" ] || { echo "guest.sh: --out and --init are required" >&2; exit 2; }
[ -x "$agent" ] || { echo "guest.sh: $agent is not built (make)" >&2; exit 1; }

files=()
if ldd "$agent" 2>/dev/null | grep libasan >/dev/null; then  # not -q: pipefail + SIGPIPE
    # A SANITIZE=1 build: the guest runs it with the suite's suppressions (libparted's
    # constructor trips ASan), through a wrapper that sets the options.
    stage_w=$(mktemp -d "${TMPDIR:-/tmp}/mt-guest.XXXXXX")
    trap 'rm -rf "$stage_w"' EXIT
    printf '#!/bin/sh\nASAN_OPTIONS=detect_leaks=0:suppressions=/etc/mt-asan.supp exec /usr/sbin/mt-agent.asan "$@"\n' \
        >"$stage_w/mt-agent"
    chmod 755 "$stage_w/mt-agent"
    bins=(--bin "$agent:/usr/sbin/mt-agent.asan")
    files+=(--file "$stage_w/mt-agent:/usr/sbin/mt-agent" --file "$top/tests/asan.supp:/etc/mt-asan.supp")
else
    bins=(--bin "$agent:/usr/sbin/mt-agent")
fi
for t in mke2fs mkfs.ext4 mkswap blkid losetup e2label tune2fs dumpe2fs sfdisk wipefs swapon swapoff \
    modinfo depmod; do
    p=$(command -v "$t" 2>/dev/null || ls /sbin/"$t" /usr/sbin/"$t" 2>/dev/null | head -n 1 || true)
    [ -n "$p" ] && bins+=(--bin "$p:/usr/sbin/$t")
done
bins+=(--bin "/lib/udev/scsi_id:/lib/udev/scsi_id")
# libcurl, libarchive and libparted are dlopen()ed (provision/core/dynlib.h), so ldd
# does not list them: their sonames are in the binary, ldconfig knows the files.
for so in $(grep -ao 'lib\(curl\|archive\|parted\)\.so\.[0-9]*' "$agent" | sort -u); do
    # awk reads to the end: an early exit would kill ldconfig with SIGPIPE (pipefail)
    p=$(/sbin/ldconfig -p | awk -v so="$so" '$1 == so && /x86-64/ && p == "" {p = $NF} END {print p}')
    [ -n "$p" ] || { echo "guest.sh: $so (opened by mt-agent) is not installed" >&2; exit 1; }
    bins+=(--bin "$p:$p")
done
[ -f /etc/mke2fs.conf ] && files+=(--file /etc/mke2fs.conf:/etc/mke2fs.conf)

"$here/mkinitramfs.sh" --out "$out" --init "$init" "${bins[@]}" "${files[@]+"${files[@]}"}" \
    --modules "scsi_mod sd_mod sg vmw_pvscsi virtio_scsi virtio_pci virtio_net xfs" \
    "${pass[@]+"${pass[@]}"}"
