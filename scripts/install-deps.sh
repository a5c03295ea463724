#!/bin/sh
# Install every Debian package the build, the tests, the demo and the benchmarks need.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
set -eu

PKGS="
build-essential pkg-config
libparted-dev libblkid-dev libudev-dev libarchive-dev libssl-dev libcurl4-openssl-dev
libjson-c-dev libinih-dev libcmocka-dev libelf-dev musl-tools
clang llvm libclang-rt-14-dev
util-linux fdisk e2fsprogs xfsprogs lvm2 parted kmod udev sg3-utils lsscsi
libarchive-tools xorriso cpio gzip openssl rpm
qemu-system-x86 qemu-utils busybox-static isolinux syslinux-common pxelinux ipxe-qemu grub-rescue-pc
python3 groff-base man-db bash-completion hyperfine
dnsmasq-base sudo
valgrind
"

# Not a Debian host (an EL6 build host for `make rpm`): its packages are named in
# README.md ("An agent for CentOS 6.6"); this script installs nothing there.
if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps: not a Debian host (no dpkg-query): install the build packages README.md lists for EL6 yourself"
    exit 0
fi

# one dpkg-query for all (one per package took seconds on a loaded box)
installed=" $(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null | awk '/ ok installed$/ { printf "%s ", $1 }')"
missing=""
for p in $PKGS; do
    case $installed in *" $p "*) ;; *) missing="$missing $p" ;; esac
done

if [ -z "$missing" ]; then
    echo "install-deps: all packages present"
    exit 0
fi

if [ "$(id -u)" != 0 ]; then
    echo "install-deps: missing packages:$missing; run as root (apt-get install)" >&2
    exit 1
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "install-deps: done"
