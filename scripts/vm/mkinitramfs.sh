#!/bin/bash
# scripts/vm/mkinitramfs.sh: a busybox initramfs for the test VMs.
#
#   mkinitramfs.sh --out FILE --init SCRIPT [--bin PATH[:DEST]]... [--file SRC:DEST]...
#                  [--dir SRC:DEST]... [--modules "mod1 mod2"] [--kver VER --moddir DIR]
#
# --init SCRIPT becomes /init (sh script run by busybox; source /lib/vm-lib.sh for
#   vm_setup / vm_load_modules / vm_poweroff).
# --bin copies an executable with every shared library ldd lists (and the loader).
# --modules copies kernel modules with their dependencies (modules.dep) and runs
#   depmod so busybox modprobe works in the guest. Defaults to the kernel that
#   scripts/vm/kernel.sh fetches.
set -euo pipefail

out="" init="" mods="" kver="" moddir=""
bins=() files=() dirs=()
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --init) init=$2; shift 2 ;;
    --bin) bins+=("$2"); shift 2 ;;
    --file) files+=("$2"); shift 2 ;;
    --dir) dirs+=("$2"); shift 2 ;;
    --modules) mods="$mods $2"; shift 2 ;;
    --kver) kver=$2; shift 2 ;;
    --moddir) moddir=$2; shift 2 ;;
    *) echo "mkinitramfs.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] && [ -n "$init" ] || { echo "mkinitramfs.sh: --out and --init are required" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "$mods" ] && [ -z "$moddir" ]; then
    eval "$("$here/kernel.sh")"
    kver=$VM_KVER
    moddir=$VM_MODDIR
fi

busybox=/bin/busybox
if ldd "$busybox" >/dev/null 2>&1; then
    echo "mkinitramfs.sh: $busybox is not static (install busybox-static)" >&2
    exit 1
fi

stage=$(mktemp -d "${TMPDIR:-/tmp}/mt-initramfs.XXXXXX")
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage"/{bin,sbin,dev,proc,sys,tmp,run,etc,lib,mnt,root,usr/bin,usr/sbin,var/log}
cp "$busybox" "$stage/bin/busybox"
for a in $("$busybox" --list); do
    [ -e "$stage/bin/$a" ] || ln -s busybox "$stage/bin/$a"
done
install -m 0755 "$init" "$stage/init"
cat >"$stage/lib/vm-lib.sh" <<'LIB'
# Sourced by /init in the test VMs.
vm_setup() {
    mount -t proc proc /proc
    mount -t sysfs sysfs /sys
    mount -t devtmpfs devtmpfs /dev 2>/dev/null || mdev -s
    mount -t tmpfs tmpfs /run
    mount -t tmpfs tmpfs /tmp
    [ -d /sys/firmware/dmi ] || true
    hostname mt-guest
}
# vm_load_modules mod...: modprobe each (dependencies from modules.dep).
vm_load_modules() {
    for m in "$@"; do modprobe "$m" 2>/dev/null || echo "vm: modprobe $m failed"; done
}
# Wait (bounded) until N block devices matching a glob exist.
vm_wait_disks() {
    local want=$1 glob=$2 i=0
    while [ $i -lt 50 ]; do
        set -- $glob
        [ -e "$1" ] && [ $# -ge "$want" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}
# qemu's user network: the guest is 10.0.2.15, the host's loopback services are at 10.0.2.2.
vm_net_up() {
    local ifc=${1:-eth0}
    ip link set lo up
    ip link set "$ifc" up || return 1
    ip addr add 10.0.2.15/24 dev "$ifc"
    ip route add default via 10.0.2.2
}
vm_poweroff() {
    sync
    echo "vm: poweroff"
    poweroff -f
}
LIB

copy_with_libs() { # src dest
    local src=$1 dest=$2
    mkdir -p "$stage$(dirname "$dest")"
    cp -L "$src" "$stage$dest"
    chmod 0755 "$stage$dest"
    ldd "$src" 2>/dev/null | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p' |
        while read -r lib; do
            [ -e "$stage$lib" ] && continue
            mkdir -p "$stage$(dirname "$lib")"
            cp -L "$lib" "$stage$lib"
        done
}
for b in "${bins[@]+"${bins[@]}"}"; do
    src=${b%%:*}
    dest=${b#*:}
    [ "$dest" = "$b" ] && dest=/usr/bin/$(basename "$src")
    copy_with_libs "$src" "$dest"
done
for f in "${files[@]+"${files[@]}"}"; do
    src=${f%%:*}
    dest=${f#*:}
    mkdir -p "$stage$(dirname "$dest")"
    cp -a "$src" "$stage$dest"
done
for d in "${dirs[@]+"${dirs[@]}"}"; do
    src=${d%%:*}
    dest=${d#*:}
    mkdir -p "$stage$dest"
    cp -a "$src/." "$stage$dest/"
done

if [ -n "$mods" ]; then
    need=""
    for m in $mods; do
        path=$(awk -v m="$m" -F: '{ n=$1; sub(".*/", "", n); sub("\\.ko.*", "", n); gsub("-", "_", n);
                 mm=m; gsub("-", "_", mm); if (n == mm) { print $0; exit } }' "$moddir/modules.dep")
        if [ -z "$path" ]; then
            echo "mkinitramfs.sh: module $m not in $moddir/modules.dep" >&2
            exit 1
        fi
        need="$need ${path%%:*} ${path#*:}"
    done
    for p in $need; do
        mkdir -p "$stage/lib/modules/$kver/$(dirname "$p")"
        cp "$moddir/$p" "$stage/lib/modules/$kver/$p"
    done
    cp "$moddir"/modules.order "$moddir"/modules.builtin "$moddir"/modules.builtin.modinfo "$stage/lib/modules/$kver/" 2>/dev/null || true
    depmod -b "$stage" "$kver"
fi

(cd "$stage" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
mv "$out.tmp" "$out"
