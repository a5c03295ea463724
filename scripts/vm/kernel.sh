#!/bin/sh
# scripts/vm/kernel.sh: fetch and unpack Debian's cloud kernel for the test VMs.
#
#   kernel.sh [--flavour cloud-amd64|amd64]
#
# cloud-amd64 (the default) is small and boots fast; amd64 is the full kernel,
# for guests that need modules the cloud one lacks (reiserfs, for the module
# packages of a master target).
#
# Prints shell assignments (eval them):
#   VM_KVER=6.1.0-NN-cloud-amd64  VM_KERNEL=.../vmlinuz-...  VM_MODDIR=.../lib/modules/VER
# The package comes from Debian's registry with apt-get download (the only network
# here) and is cached in $MT_VM_CACHE (default /var/cache/mt-agent-vm); a second
# run is offline. A lock keeps concurrent callers from unpacking twice.
set -eu
flavour=cloud-amd64
if [ "${1:-}" = "--flavour" ]; then
    flavour=${2:?kernel.sh: --flavour needs cloud-amd64 or amd64}
fi
case $flavour in
cloud-amd64 | amd64) ;;
*) echo "kernel.sh: unknown flavour $flavour (cloud-amd64 or amd64)" >&2; exit 2 ;;
esac
meta=linux-image-$flavour
pkgfile=kernel.pkg
[ "$flavour" = cloud-amd64 ] || pkgfile=kernel-$flavour.pkg
cache=${MT_VM_CACHE:-/var/cache/mt-agent-vm}
mkdir -p "$cache"
exec 9>"$cache/.lock"
flock -w 600 9

pkg=""
if [ -f "$cache/$pkgfile" ]; then
    pkg=$(cat "$cache/$pkgfile")
fi
if [ -z "$pkg" ] || [ ! -d "$cache/$pkg" ]; then
    # the meta package names the current kernel package
    pkg=$(apt-cache depends "$meta" 2>/dev/null |
        sed -n "s/^ *Depends: \\(linux-image-[0-9][0-9.]*-[0-9][0-9]*-$flavour\\)\$/\\1/p" | head -n 1)
    if [ -z "$pkg" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        pkg=$(apt-cache depends "$meta" 2>/dev/null |
            sed -n "s/^ *Depends: \\(linux-image-[0-9][0-9.]*-[0-9][0-9]*-$flavour\\)\$/\\1/p" | head -n 1)
    fi
    if [ -z "$pkg" ]; then
        echo "kernel.sh: cannot find Debian's $flavour kernel package (apt-cache depends $meta)" >&2
        exit 1
    fi
    dl=$(mktemp -d "$cache/dl.XXXXXX")
    chmod 755 "$dl"
    (cd "$dl" && apt-get download -qq "$pkg" >"$dl.log" 2>&1) || {
        cat "$dl.log" >&2
        rm -rf "$dl" "$dl.log"
        echo "kernel.sh: apt-get download $pkg failed" >&2
        exit 1
    }
    rm -rf "$cache/$pkg.tmp"
    dpkg-deb -x "$dl"/*.deb "$cache/$pkg.tmp"
    rm -rf "$dl" "$dl.log"
    kver=$(ls "$cache/$pkg.tmp/lib/modules" | head -n 1)
    depmod -b "$cache/$pkg.tmp" "$kver"
    mv "$cache/$pkg.tmp" "$cache/$pkg"
    echo "$pkg" >"$cache/$pkgfile"
fi
kver=$(ls "$cache/$pkg/lib/modules" | head -n 1)
echo "VM_KVER=$kver"
echo "VM_KERNEL=$cache/$pkg/boot/vmlinuz-$kver"
echo "VM_MODDIR=$cache/$pkg/lib/modules/$kver"
