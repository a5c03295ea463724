#!/bin/bash
# scripts/vm/synthetic-base-iso.sh: a small CentOS-6-like boot ISO for tests.
#
#   synthetic-base-iso.sh --out FILE [--pad-mb N] [--no-pxeboot] [--cfg FILE] [--volid ID] [--initrd FILE]
#
# Laid out like CentOS 6.6's boot media: isolinux/isolinux.bin + ldlinux.c32 (Debian's
# isolinux and syslinux-common), isolinux/isolinux.cfg (a CentOS-like menu: linux,
# vesa, rescue, local), isolinux/vmlinuz (Debian's cloud kernel, scripts/vm/kernel.sh),
# isolinux/initrd.img, images/pxeboot/{vmlinuz,initrd.img}, and a boot catalog.
# The initrd stands in for anaconda: it prints its kernel command line
# ("MT-CMDLINE: ..."), mounts the CD and prints the files under mt/ ("MT-FILE: ...")
# and the first lines of the kickstart; with ks=http://... it brings the network up
# (qemu user network) and fetches the kickstart and the agent ("MT-HTTP-KS: ...").
# Then it powers off. --initrd FILE puts another stand-in there (e.g. a guest.sh
# initramfs that runs mt-agent from the CD). --pad-mb adds a file of N MiB of random data (benchmarks).
# Built with xorriso (the reference mastering tool), so it is an oracle-made base.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out="" pad=0 pxeboot=1 cfg="" volid="CentOS 6.6 x86_64" initrd=""
while [ $# -gt 0 ]; do
    case $1 in
    --out) out=$2; shift 2 ;;
    --pad-mb) pad=$2; shift 2 ;;
    --no-pxeboot) pxeboot=0; shift ;;
    --cfg) cfg=$2; shift 2 ;;
    --volid) volid=$2; shift 2 ;;
    --initrd) initrd=$2; shift 2 ;;
    *) echo "synthetic-base-iso.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$out" ] || { echo "synthetic-base-iso.sh: --out is required" >&2; exit 2; }
for f in /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32; do
    [ -f "$f" ] || { echo "synthetic-base-iso.sh: $f missing (apt-get install isolinux syslinux-common)" >&2; exit 1; }
done
command -v xorriso >/dev/null || { echo "synthetic-base-iso.sh: xorriso missing" >&2; exit 1; }
eval "$("$here/kernel.sh")"

work=$(mktemp -d "${TMPDIR:-/tmp}/mt-synth.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree=$work/tree
mkdir -p "$tree/isolinux" "$tree/images/pxeboot"

cat >"$work/init" <<'INIT'
#!/bin/sh
. /lib/vm-lib.sh
vm_setup
echo "MT-CMDLINE: $(cat /proc/cmdline)"
vm_load_modules ata_piix sr_mod isofs
i=0
while [ ! -b /dev/sr0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p /mnt/cd
if [ -b /dev/sr0 ] && mount -t iso9660 -o ro /dev/sr0 /mnt/cd; then
    echo "MT-CD: $(cat /mnt/cd/.disk-id 2>/dev/null || echo mounted)"
    find /mnt/cd/mt 2>/dev/null | sed 's|^/mnt/cd/|MT-FILE: |'
    [ -f /mnt/cd/mt/ks.cfg ] && sed -n '1,3s/^/MT-KS: /p' /mnt/cd/mt/ks.cfg
    [ -f /mnt/cd/mt/rootfs.tar ] && tar -tf /mnt/cd/mt/rootfs.tar | sed 's/^/MT-ROOTFS: /'
    [ -x /mnt/cd/mt/mt-agent ] && echo "MT-AGENT-EXEC: yes"
else
    echo "MT-CD: none"
fi
ks=""
for w in $(cat /proc/cmdline); do case $w in ks=*) ks=${w#ks=} ;; esac; done
case $ks in
http://*)
    vm_load_modules virtio_pci virtio_net
    i=0
    while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
    vm_net_up eth0
    base=${ks%/mt/ks.cfg}
    if wget -q -O /tmp/ks.cfg "$ks"; then
        sed -n '1,3s/^/MT-HTTP-KS: /p' /tmp/ks.cfg
        grep '^url ' /tmp/ks.cfg | sed 's/^/MT-HTTP-KS: /'
    else
        echo "MT-HTTP-KS: fetch failed"
    fi
    wget -q -O /tmp/mt-agent "$base/mt/mt-agent" && echo "MT-HTTP-AGENT: $(wc -c </tmp/mt-agent) bytes"
    wget -q -O /tmp/payload.list "$base/mt/payload.list" && sed 's/^/MT-HTTP-PAYLOAD: /' /tmp/payload.list
    ;;
esac
vm_poweroff
INIT
if [ -n "$initrd" ]; then
    cp "$initrd" "$work/initrd.img"
else
    "$here/mkinitramfs.sh" --out "$work/initrd.img" --init "$work/init" \
        --modules "ata_piix sr_mod isofs virtio_pci virtio_net" >/dev/null
fi

cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/isolinux/"
cp "$VM_KERNEL" "$tree/isolinux/vmlinuz"
cp "$work/initrd.img" "$tree/isolinux/initrd.img"
if [ "$pxeboot" = 1 ]; then
    cp "$VM_KERNEL" "$tree/images/pxeboot/vmlinuz"
    cp "$work/initrd.img" "$tree/images/pxeboot/initrd.img"
fi
if [ -n "$cfg" ]; then
    cp "$cfg" "$tree/isolinux/isolinux.cfg"
else
    # CentOS 6.6's menu, trimmed to what Debian's isolinux runs without its menu modules;
    # console=ttyS0 so the tests read the guest on the serial line.
    cat >"$tree/isolinux/isolinux.cfg" <<'CFG'
default linux
prompt 0
timeout 10
serial 0 115200

display boot.msg

label linux
  menu label ^Install or upgrade an existing system
  menu default
  kernel vmlinuz
  append initrd=initrd.img console=ttyS0
label vesa
  menu label Install system with ^basic video driver
  kernel vmlinuz
  append initrd=initrd.img xdriver=vesa nomodeset console=ttyS0
label rescue
  menu label ^Rescue installed system
  kernel vmlinuz
  append initrd=initrd.img rescue console=ttyS0
label local
  menu label Boot from ^local drive
  localboot 0xffff
CFG
fi
echo "CentOS-like synthetic boot media for mt-agent tests" >"$tree/isolinux/boot.msg"
echo "synthetic $(date -u +%Y%m%dT%H%M%SZ)" >"$tree/.disk-id"
if [ "$pad" -gt 0 ]; then
    mkdir -p "$tree/Packages"
    head -c "$((pad * 1024 * 1024))" /dev/urandom >"$tree/Packages/padding.bin"
fi
xorriso -as mkisofs -quiet -R -J -V "$volid" -o "$out.tmp" \
    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table \
    "$tree" 2>"$work/xorriso.log" || { cat "$work/xorriso.log" >&2; exit 1; }
mv "$out.tmp" "$out"
