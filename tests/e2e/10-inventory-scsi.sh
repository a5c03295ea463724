#!/bin/bash
# inventory and disk.enableuuid on real emulated SCSI disks: the agent in a
# VMware-like qemu guest (pvscsi, two disks with a wwn like disk.EnableUUID =
# TRUE, one without) reads VPD pages with SG_IO INQUIRY on the device nodes
# (-v says "VPD via SG_IO" for every disk, and the sysfs copy the 6.1 kernel
# also has is only the cross-check), and its ids equal what the guest's
# /lib/udev/scsi_id and sysfs wwid report. disk.enableuuid fails for the disk
# without a wwn, and only for it. libblkid's findings equal blkid -p on the
# images; with systemd-udevd started in the guest, the disks come from libudev's
# enumeration and the inventory is the same.
. "$(dirname "$0")/../lib.sh"
t_require qemu-system-x86_64 python3

eval "$("$MT_TOP/scripts/vm/kernel.sh")" || { not_ok "guest kernel (scripts/vm/kernel.sh)"; t_done; }
cat >"$T_TMP/init" <<'EOF'
#!/bin/sh
. /lib/vm-lib.sh
vm_setup
echo 1 >/proc/sys/kernel/printk
vm_load_modules sd_mod vmw_pvscsi
vm_wait_disks 3 "/dev/sd?" || echo "vm: disks missing"
sleep 0.3
echo "=== inventory begin"
mt-agent -v --json inventory 2>/tmp/inv.err
echo "=== inventory end rc=$?"
echo "=== stderr begin"
cat /tmp/inv.err
echo "=== stderr end"
echo "=== check begin"
mt-agent --json check --only disk.enableuuid,disk.scsi-id-unique 2>/dev/null
echo "=== check end rc=$?"
echo "=== ids begin"
for d in /sys/block/sd*; do
    n=${d##*/}
    echo "$n $(/lib/udev/scsi_id -g -u -d /dev/$n) $(cat $d/device/wwid 2>/dev/null || echo none)"
done
echo "=== ids end"
# the same inventory with udev running: disks listed by libudev
/lib/systemd/systemd-udevd --daemon >/tmp/udevd.log 2>&1
i=0; while [ ! -e /run/udev/control ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
udevadm trigger --type=devices --action=add >/dev/null 2>&1
udevadm settle -t 20 >/dev/null 2>&1
echo "=== udev begin"
mt-agent -v --json inventory 2>/tmp/inv2.err
echo "=== udev end rc=$?"
echo "=== udev-stderr begin"
cat /tmp/inv2.err
echo "=== udev-stderr end"
# a disk whose node cannot be opened must not look blank
mv /dev/sda /dev/sda.hidden
mt-agent --json inventory 2>/tmp/inv3.err >/tmp/inv3.json
echo "=== hidden end rc=$?"
mv /dev/sda.hidden /dev/sda
echo "=== hidden begin"; cat /tmp/inv3.json; echo "=== hidden end"
echo "=== hidden-stderr begin"; cat /tmp/inv3.err; echo "=== hidden-stderr end"
vm_poweroff
EOF
udevd=$(command -v udevadm || true)
[ -n "$udevd" ] || { not_ok "udevadm on the build host (package udev)"; t_done; }
"$MT_TOP/scripts/vm/guest.sh" --out "$T_TMP/guest.gz" --init "$T_TMP/init" \
    --bin "$udevd:/lib/systemd/systemd-udevd" --bin "$udevd:/bin/udevadm" >/dev/null 2>"$T_ERR" ||
    { not_ok "guest initramfs"; sed 's/^/    # /' "$T_ERR"; t_done; }
for i in 0 1 2; do truncate -s 64M "$T_TMP/d$i.img"; done
# contents for libblkid (read through the same descriptor as SG_IO, with the
# prefetch): d0 an msdos table with an ext4 partition, d2 whole-disk swap, d1
# blank. The oracle is blkid -p on the image files, here on the host.
printf 'label: dos\nstart=2048, size=40960, type=83\n' | sfdisk -q "$T_TMP/d0.img" >/dev/null 2>&1
mke2fs -q -F -t ext4 -E offset=1048576 "$T_TMP/d0.img" 20M >/dev/null 2>&1
mkswap "$T_TMP/d2.img" >/dev/null 2>&1
oracle() { blkid -p -o value -s "$1" "${@:2}" 2>/dev/null; }
echo "6000c2912345678a $(oracle PTTYPE "$T_TMP/d0.img") $(oracle TYPE -O 1048576 "$T_TMP/d0.img")" >"$T_TMP/want"
echo "6000c29fedcba987 - $(oracle TYPE "$T_TMP/d2.img")" >>"$T_TMP/want"
echo "- - -" >>"$T_TMP/want"
assert_eq "host blkid: d0 has dos + ext4, d2 swap (the oracle itself)" "$(tr '\n' ' ' <"$T_TMP/want")" \
    "6000c2912345678a dos ext4 6000c29fedcba987 - swap - - - "
t0=$(date +%s)
"$MT_TOP/scripts/vm/run-vm.sh" --kernel "$VM_KERNEL" --initrd "$T_TMP/guest.gz" --timeout 180 --net none \
    --disk "$T_TMP/d0.img,wwn=0x6000c2912345678a,serial=6000c2912345678a9abcdef012345678" \
    --disk "$T_TMP/d1.img" \
    --disk "$T_TMP/d2.img,wwn=0x6000c29fedcba987,serial=6000c29fedcba98765432100fedcba98" \
    >"$T_TMP/console" 2>&1
rc=$?
echo "# guest: boot, inventory, check, power off in $(($(date +%s) - t0)) s (qemu exit $rc)"
tr -d '\r' <"$T_TMP/console" >"$T_TMP/log"
section() { sed -n "/=== $1 begin/,/^=== $1 end/p" "$T_TMP/log" | sed '1d;$d' | grep -v '^\[ *[0-9]*\.[0-9]*\] '; }
assert_grep "guest powered off by itself" '^vm: poweroff' "$T_TMP/log"
assert_grep "inventory exits 0 in the guest" '^=== inventory end rc=0' "$T_TMP/log"
section inventory >"$T_TMP/inv.json"
section stderr >"$T_TMP/inv.err"
section check >"$T_TMP/check.json"
section ids >"$T_TMP/ids"
assert_eq "three SCSI disks seen by the guest" "$(wc -l <"$T_TMP/ids")" 3

for n in $(awk '{print $1}' "$T_TMP/ids"); do
    assert_grep "$n: VPD via SG_IO (not sysfs)" "^mt-agent: $n: VPD via SG_IO" "$T_TMP/inv.err"
    assert_grep "$n: SG_IO pages equal the sysfs copies" "^mt-agent: $n: VPD via SG_IO, sysfs cross-check: match$" "$T_TMP/inv.err"
done

python3 "$MT_TOP/tests/lib/inventory_oracle.py" guest-ids "$T_TMP/inv.json" "$T_TMP/ids" >"$T_TMP/cmp"
for n in $(awk '{print $1}' "$T_TMP/ids"); do
    assert_grep "$n: scsi_id equals /lib/udev/scsi_id -g -u" "^$n scsi_id same$" "$T_TMP/cmp"
    assert_grep "$n: NAA equals sysfs wwid (none when there is none)" "^$n naa same$" "$T_TMP/cmp"
    assert_grep "$n: vpd_source sg_io, driver vmw_pvscsi" "^$n source sg_io driver vmw_pvscsi$" "$T_TMP/cmp"
done
nonaa=$(awk '$NF != "none" {next} {print $1}' "$T_TMP/ids" | tr '\n' ' ' | sed 's/ $//')
assert_eq "exactly one disk lacks a wwn in sysfs" "$(echo $nonaa | wc -w)" 1
assert_grep "inventory finds no NAA on exactly that disk" "^nonaa $nonaa$" "$T_TMP/cmp"
assert_grep "its scsi_id is the vendor-specific fallback" "^$nonaa 0VMware_Virtual_disk_" "$T_TMP/ids"

python3 "$MT_TOP/tests/lib/inventory_oracle.py" contents "$T_TMP/inv.json" >"$T_TMP/got"
assert_eq "libblkid in the guest: partition table and signatures as blkid -p sees the images" \
    "$(sort "$T_TMP/got" | tr '\n' ' ')" "$(sort "$T_TMP/want" | tr '\n' ' ')"

# libudev's enumeration (udevd running) lists the same disks with the same ids
assert_grep "inventory with udev running exits 0" '^=== udev end rc=0' "$T_TMP/log"
section udev >"$T_TMP/inv-udev.json"
section udev-stderr >"$T_TMP/inv-udev.err"
assert_grep "with udevd running the disks come from libudev" '^mt-agent: disks from udev,' "$T_TMP/inv-udev.err"
assert_grep "without it they came from sysfs" '^mt-agent: disks from sysfs,' "$T_TMP/inv.err"
python3 "$MT_TOP/tests/lib/inventory_oracle.py" same-disks "$T_TMP/inv.json" "$T_TMP/inv-udev.json" >"$T_TMP/udevcmp"
assert_grep "disk_source sysfs, then udev" '^source sysfs udev$' "$T_TMP/udevcmp"
assert_grep "libudev lists the same disks, ids and signatures as sysfs" '^same$' "$T_TMP/udevcmp"

# sda's node hidden: the inventory says why it knows nothing of its contents
assert_grep "inventory with /dev/sda hidden still exits 0" '^=== hidden end rc=0' "$T_TMP/log"
section hidden >"$T_TMP/inv-hidden.json"
section hidden-stderr >"$T_TMP/inv-hidden.err"
python3 "$MT_TOP/tests/lib/inventory_oracle.py" probe-errors "$T_TMP/inv-hidden.json" >"$T_TMP/hid"
assert_grep "sda: probe_error names the node and the reason" '^sda probe_error=/dev/sda: cannot open: No such file or directory' "$T_TMP/hid"
assert_eq "the other disks probed as before" "$(grep -c 'probe_error=-$' "$T_TMP/hid")" 2
assert_grep "and a warning says its signatures are unknown" \
    '^mt-agent: warning: sda: partition table and signatures unknown: /dev/sda: cannot open' "$T_TMP/inv-hidden.err"

assert_grep "check exits 1 in the guest" '^=== check end rc=1' "$T_TMP/log"
python3 "$MT_TOP/tests/lib/check_report.py" enableuuid "$T_TMP/check.json" "$nonaa" $(awk '{print $1}' "$T_TMP/ids") >"$T_TMP/ck"
assert_grep "disk.enableuuid fails, naming $nonaa alone" "^enableuuid fail error named=$nonaa$" "$T_TMP/ck"
assert_grep "with the VMware remediation" "^remedy ok$" "$T_TMP/ck"
assert_grep "disk.scsi-id-unique passes" "^unique pass$" "$T_TMP/ck"
t_done
