#!/bin/bash
# The OVA mt-image makes, deployed: tests/lib/ova.py reads its descriptor (not
# mt-image's code) and starts the VMware-like qemu VM it describes: the vCPUs and
# memory, pvscsi with each disk created empty at its capacity (sparse qcow2) at
# its unit, disk.EnableUUID = TRUE as NAA ids on the disks (as scripts/vm does),
# the package's ISO on the CD-ROM, a vmxnet3 NIC, BIOS booting disk then CD as
# VMware does. The VM boots the CD through ISOLINUX into the kickstart entry;
# the base's stand-in for anaconda is a guest initramfs that runs the mt-agent
# from the CD: its disk.enableuuid check passes for both disks, and the guest's
# own scsi_id, disk sizes, CPU count and memory match the descriptor.
# Controls: an OVA whose ISO was changed is refused (manifest); the same OVA with
# disk.EnableUUID = FALSE (descriptor and manifest rewritten) boots to a failing check.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require qemu-system-x86_64 qemu-img xorriso python3

ova_py=$MT_TOP/tests/lib/ova.py
cat >"$T_TMP/init" <<'EOF'
#!/bin/sh
. /lib/vm-lib.sh
vm_setup
echo 1 >/proc/sys/kernel/printk
echo "MT-CMDLINE: $(cat /proc/cmdline)"
vm_load_modules ata_piix sr_mod isofs sd_mod vmw_pvscsi
vm_wait_disks 2 "/dev/sd?" || echo "vm: disks missing"
i=0
while [ ! -b /dev/sr0 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
mkdir -p /mnt/cd
mount -t iso9660 -o ro /dev/sr0 /mnt/cd && echo "MT-CD: mounted"
[ -f /etc/mt-asan.supp ] && export ASAN_OPTIONS=detect_leaks=0:suppressions=/etc/mt-asan.supp
echo "MT-CPUS: $(grep -c ^processor /proc/cpuinfo)"
echo "MT-MEM-KIB: $(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)"
for d in /sys/block/sd*; do
    n=${d##*/}
    echo "MT-DISK: $n $(ls $d/device/scsi_device) $(($(cat $d/size) * 512)) $(/lib/udev/scsi_id -g -u -d /dev/$n)"
done
echo "=== check begin"
/mnt/cd/mt/mt-agent --json check --only disk.enableuuid,disk.scsi-id-unique,platform.vmware 2>/dev/null
echo "=== check end rc=$?"
vm_poweroff
EOF
"$MT_TOP/scripts/vm/guest.sh" --out "$T_TMP/guest.gz" --init "$T_TMP/init" --modules "ata_piix sr_mod isofs" \
    >/dev/null 2>"$T_ERR" || { not_ok "guest initramfs"; sed 's/^/    # /' "$T_ERR"; t_done; }
check "a CentOS-like base ISO whose installer stand-in runs mt-agent from the CD" \
    "$MT_TOP/scripts/vm/synthetic-base-iso.sh" --out "$T_TMP/base.iso" --initrd "$T_TMP/guest.gz" --no-pxeboot
check "mt-image iso" "$MT_IMAGE" iso --base "$T_TMP/base.iso" --out "$T_TMP/mt.iso" --append "mt.disk=sda" --force-agent
ova=$T_TMP/mt.ova
check "mt-image ova with the default sizing" "$MT_IMAGE" ova --iso "$T_TMP/mt.iso" --out "$ova"

# what the descriptor asks for, read by ova.py: the expectations below come from it
python3 "$ova_py" show "$ova" >"$T_TMP/show.json" || { not_ok "ova.py show"; t_done; }
read -r w_cpus w_mib w_os w_ret <<<"$(jfield "$T_TMP/show.json" descriptor.cpus descriptor.memory_mib \
    'descriptor.disks[unit=0].capacity_bytes' 'descriptor.disks[unit=1].capacity_bytes')"

boot() { # OVA LOG
    python3 "$ova_py" deploy "$1" --dir "$T_TMP/vm.$RANDOM" --timeout 900 2>&1 | tr -d '\r' >"$2"
}
log=$T_TMP/boot.log
t0=$(date +%s)
boot "$ova" "$log"
echo "# deploy and boot: $(($(date +%s) - t0)) s"
assert_grep "deployer: the OS disk at SCSI 0:0 with its capacity and an NAA id" \
    "^deploy: disk os_disk SCSI 0:0 $w_os bytes naa\.6000c29[0-9a-f]{9}\$" "$log"
assert_grep "deployer: the retention disk at SCSI 0:1 with its capacity and an NAA id" \
    "^deploy: disk retention_disk SCSI 0:1 $w_ret bytes naa\.6000c29[0-9a-f]{9}\$" "$log"
assert_grep "deployer: the ISO of the package on the CD-ROM" '^deploy: cdrom master-target\.iso' "$log"
assert_grep "deployer: $w_cpus vCPUs, $w_mib MiB, vmxnet3, BIOS, EnableUUID TRUE" \
    "^deploy: vm master-target: $w_cpus vCPUs, $w_mib MiB, nic VmxNet3, firmware bios, disk.EnableUUID TRUE" "$log"
assert_grep "the guest powered off by itself" '^vm: poweroff' "$log"
assert_grep "BIOS went past the empty disk to the CD; ISOLINUX booted the kickstart entry" \
    '^MT-CMDLINE: .*ks=cdrom:/mt/ks.cfg mt.disk=sda' "$log"
assert_grep "the guest mounted the CD" '^MT-CD: mounted' "$log"
assert_eq "the guest has the descriptor's vCPUs" "$(sed -n 's/^MT-CPUS: //p' "$log")" "$w_cpus"
kib=$(sed -n 's/^MT-MEM-KIB: //p' "$log")
if [ -n "$kib" ] && [ "$kib" -le $((w_mib * 1024)) ] && [ "$kib" -ge $((w_mib * 1024 * 9 / 10)) ]; then
    ok "the guest has the descriptor's memory (MemTotal $kib KiB of $w_mib MiB)"
else not_ok "the guest has the descriptor's memory (MemTotal '$kib' KiB, want about $w_mib MiB)"; fi
for u in 0 1; do
    naa=$(sed -n "s/^deploy: disk [a-z_]* SCSI 0:$u [0-9]* bytes naa\.//p" "$log")
    size=$([ $u = 0 ] && echo "$w_os" || echo "$w_ret")
    assert_grep "guest: the disk at target $u has the capacity and scsi_id -g -u prints 3$naa" \
        "^MT-DISK: sd[a-z] [0-9]+:0:$u:0 $size 3$naa\$" "$log"
done
sed -n '/^=== check begin/,/^=== check end/p' "$log" | sed '1d;$d' >"$T_TMP/check.json"
python3 "$MT_TOP/tests/lib/check_report.py" list "$T_TMP/check.json" >"$T_OUT" 2>&1
assert_grep "mt-agent (from the CD) in the guest: disk.enableuuid passes for both disks" \
    '^disk.enableuuid pass all 2 SCSI disks have an NAA identifier' "$T_OUT"
assert_grep "  disk.scsi-id-unique passes" '^disk.scsi-id-unique pass' "$T_OUT"
assert_grep "  platform.vmware passes" '^platform.vmware pass' "$T_OUT"
assert_grep "  the check exits 0" '^=== check end rc=0' "$log"

# control 1: a changed byte in the ISO: the manifest no longer matches, no VM starts
cp "$ova" "$T_TMP/tampered.ova"
off=$(( $(stat -c %s "$ova") - 4096 ))
printf 'X' | dd of="$T_TMP/tampered.ova" bs=1 seek="$off" conv=notrunc 2>/dev/null
python3 "$ova_py" deploy "$T_TMP/tampered.ova" --dir "$T_TMP/vm.tampered" >"$T_OUT" 2>&1
rc=$?
assert_eq "control: a tampered OVA is refused by the deployer (exit 3)" "$rc" 3
assert_grep "  naming the ISO" "digests do not match for \['master-target\.iso'\]" "$T_OUT"

# control 2: disk.EnableUUID = FALSE (the descriptor edited and the manifest redone): the check fails
python3 "$MT_TOP/tests/lib/ova_edit.py" enableuuid-false "$ova" "$T_TMP/false.ova"
boot "$T_TMP/false.ova" "$T_TMP/false.log"
assert_grep "control: the deployer reads EnableUUID FALSE" 'disk.EnableUUID FALSE' "$T_TMP/false.log"
sed -n '/^=== check begin/,/^=== check end/p' "$T_TMP/false.log" | sed '1d;$d' >"$T_TMP/false.json"
assert_eq "control: without EnableUUID the guest's disk.enableuuid fails" \
    "$(jfield "$T_TMP/false.json" 'checks[id=disk.enableuuid].status' 2>/dev/null)" fail
t_done
