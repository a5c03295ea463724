#!/bin/bash
# provision refuses disks the running system uses through device-mapper, in a
# qemu guest with real (emulated) SCSI disks and the kernel's dm driver: a disk
# held by a dm linear device, and a disk under the running root (root on a dm
# device stacked on it, as EL6's LVM root is; the agent runs chrooted into it).
# Both are refused with exit 3 even with --wipe --yes, the refusal names the
# holder / the running root, and no byte of either disk changes (sha256 of the
# first and last MiB, in the guest and of the image files on the host).
. "$(dirname "$0")/../lib.sh"
t_require qemu-system-x86_64 dmsetup

eval "$("$MT_TOP/scripts/vm/kernel.sh")" || { not_ok "guest kernel (scripts/vm/kernel.sh)"; t_done; }
cat >"$T_TMP/init" <<'EOF'
#!/bin/sh
. /lib/vm-lib.sh
vm_setup
echo 1 >/proc/sys/kernel/printk
vm_load_modules sd_mod vmw_pvscsi dm_mod
vm_wait_disks 2 "/dev/sd?" || echo "vm: disks missing"
sleep 0.3
# which disk is which: by size (probe order is not fixed)
for d in /sys/block/sd?; do
    case $(cat $d/size) in
    83886080) held=${d##*/} ;;   # 40 GiB
    88080384) rootd=${d##*/} ;;  # 42 GiB
    esac
done
echo "disks held=$held root=$rootd"
sums() { for x in $held $rootd; do
    echo "$x $(head -c 1048576 /dev/$x | sha256sum | cut -c1-16) $(dd if=/dev/$x bs=1M skip=$(($(cat /sys/block/$x/size) / 2048 - 1)) 2>/dev/null | sha256sum | cut -c1-16)"
done; }
export DM_DISABLE_UDEV=1
dmsetup create mtheld --noudevsync --table "0 131072 linear /dev/$held 0" && echo "dm held ok"
dmsetup create mtroot --noudevsync --table "0 131072 linear /dev/$rootd 0" && echo "dm root ok"
mkfs.ext4 -q -F /dev/mapper/mtroot >/dev/null 2>&1 && echo "mkfs root ok"
mkdir -p /newroot && mount /dev/mapper/mtroot /newroot && echo "mount root ok"
for x in bin sbin usr lib lib64 etc proc sys dev run tmp; do
    [ -e /$x ] || continue
    mkdir -p /newroot/$x && mount --bind /$x /newroot/$x
done
echo "=== before begin"; sums; echo "=== before end"
mt-agent provision --disk /dev/$held --ram-mib 1024 --wipe --yes >/tmp/held.out 2>&1
echo "=== held end rc=$?"
sed 's/^/held: /' /tmp/held.out
chroot /newroot mt-agent provision --disk /dev/$rootd --ram-mib 1024 --wipe --yes >/tmp/root.out 2>&1
echo "=== root end rc=$?"
sed 's/^/root: /' /tmp/root.out
echo "=== after begin"; sums; echo "=== after end"
vm_poweroff
EOF
"$MT_TOP/scripts/vm/guest.sh" --out "$T_TMP/guest.gz" --init "$T_TMP/init" \
    --bin "$(command -v dmsetup):/usr/sbin/dmsetup" --modules dm_mod >/dev/null 2>"$T_ERR" ||
    { not_ok "guest initramfs"; sed 's/^/    # /' "$T_ERR"; t_done; }
truncate -s 40G "$T_TMP/held.img"
truncate -s 42G "$T_TMP/root.img"
# something to lose on each: a marker at the start and at the end
printf 'MT-HELD-MARKER' | dd of="$T_TMP/held.img" conv=notrunc 2>/dev/null
printf 'MT-ROOT-MARKER' | dd of="$T_TMP/root.img" bs=1M seek=$((42 * 1024 - 1)) conv=notrunc 2>/dev/null
# ends FILE: sha256 of its first and last MiB (where tables, signatures and the
# markers are; hashing 40 GiB of holes would take minutes)
ends() { { head -c 1048576 "$1"; tail -c 1048576 "$1"; } | sha256sum | cut -c1-16; }
h0=$(ends "$T_TMP/held.img")
t0=$(date +%s)
"$MT_TOP/scripts/vm/run-vm.sh" --kernel "$VM_KERNEL" --initrd "$T_TMP/guest.gz" --timeout 240 --net none --mem 768 \
    --disk "$T_TMP/held.img,wwn=0x6000c29000000a01" --disk "$T_TMP/root.img,wwn=0x6000c29000000a02" \
    >"$T_TMP/console" 2>&1
rc=$?
echo "# guest: boot, dm set-up, two refusals, power off in $(($(date +%s) - t0)) s (qemu exit $rc)"
tr -d '\r' <"$T_TMP/console" | grep -v '^\[ *[0-9]*\.[0-9]*\] ' >"$T_TMP/log"
section() { sed -n "/=== $1 begin/,/^=== $1 end/p" "$T_TMP/log" | sed '1d;$d'; }
assert_grep "guest powered off by itself" '^vm: poweroff' "$T_TMP/log"
assert_grep "both disks found by size" 'disks held=sd[a-z] root=sd[a-z]$' "$T_TMP/log"
for s in "dm held ok" "dm root ok" "mkfs root ok" "mount root ok"; do
    assert_grep "guest set-up: $s" "^$s\$" "$T_TMP/log"
done
held=$(sed -n 's/.*disks held=\(sd[a-z]\) .*/\1/p' "$T_TMP/log")
rootd=$(sed -n 's/.*disks held=sd[a-z] root=\(sd[a-z]\)$/\1/p' "$T_TMP/log")

assert_grep "held disk: refused with exit 3 despite --wipe --yes" '^=== held end rc=3$' "$T_TMP/log"
assert_grep "held disk: the refusal names the dm holder" "^held: .*/dev/$held held by dm-[0-9]" "$T_TMP/log"
assert_grep "running-root disk: refused with exit 3 despite --wipe --yes" '^=== root end rc=3$' "$T_TMP/log"
assert_grep "running-root disk: the refusal says it holds the running root" \
    "^root: .*/dev/$rootd holds the running root file system" "$T_TMP/log"
assert_grep "running-root disk: and names its holder too" "^root: .*/dev/$rootd held by dm-[0-9]" "$T_TMP/log"
assert_eq "no byte of the first and last MiB changed in the guest" "$(section after)" "$(section before)"
assert_eq "held.img unchanged on the host (first and last MiB)" "$(ends "$T_TMP/held.img")" "$h0"
# the root image got a file system through dm (the test did that); the agent wrote nothing
# after it: the guest's own before/after sums above are the check for that disk
assert_grep "root.img still carries its end marker" 'MT-ROOT-MARKER' \
    <(dd if="$T_TMP/root.img" bs=1M skip=$((42 * 1024 - 1)) 2>/dev/null)
t_done
