#!/bin/bash
# Scenarios 1 and 3 (issue 7) in a VMware-like VM:
#  1. a new master target: EnableUUID on every disk; firstboot provisions the OS
#     disk, installs the module packages and the custom changes from the payload
#     disk, creates the retention volume and registers with the API v1 test
#     server on the host's 127.0.0.1; check then fails nothing but os.release and
#     packages.required (a Debian test guest cannot be CentOS 6.6), named with --ignore.
#  3. the disaster: a blank OS disk and the old retention disk: the file written
#     on the retention volume in boot 1 is read back in boot 2, and the host
#     registers again as the same host_id (one record on the server).
# Oracles: sfdisk --json and blkid on the disk images after the guest powered off,
# the server's store, the guest's own /lib/udev/scsi_id.
. "$(dirname "$0")/../lib.sh"
. "$MT_TOP/scripts/vm/scenario.sh"
t_require qemu-system-x86_64
t_require python3

sc_init "$T_TMP/sc" || { not_ok "kernel for the guest"; t_done; }
sc_cs_start || { not_ok "test server starts"; t_done; }
ok "test server on 127.0.0.1:$SC_CS_PORT"
sc_payload "$SC_DIR/payload" || { not_ok "payload disk"; t_done; }
ok "payload disk built ($(ls "$SC_DIR/payload" | tr '\n' ' '))"

truncate -s 30G "$SC_DIR/os.img"
truncate -s 2G "$SC_DIR/ret.img"
WWN_OS=0x6000c2912345678a
WWN_RET=0x6000c29abcdef012

cat >"$SC_DIR/steps1.sh" <<EOF
$SC_STEP_IDS
echo "written in boot 1" >/mnt/retention/mt-e2e-marker && sync && echo "marker written"
umount /mnt/retention 2>/dev/null
EOF
sc_run boot1 "$SC_DIR/steps1.sh" --disk "$SC_DIR/os.img,wwn=$WWN_OS" --disk "$SC_DIR/ret.img,wwn=$WWN_RET" ||
    { not_ok "guest initramfs"; t_done; }
log=$SC_LOG
assert_grep "boot 1: firstboot ends done" '^=== firstboot end rc=0' "$log"
assert_grep "boot 1: guest powered off by itself" 'vm: poweroff' "$log"

sc_section "$log" check >"$SC_DIR/check1.json"
python3 "$MT_TOP/tests/lib/check_report.py" no-failures "$SC_DIR/check1.json" disk.enableuuid layout.partitions \
    layout.swap retention.volume customchanges.applied modules.xfs modules.reiserfs cs.registered cs.reachable \
    time.sync network.static-ip platform.vmware >"$T_OUT" 2>&1
if [ $? -eq 0 ]; then ok "boot 1: check fails nothing (ignoring $SC_IGNORE_DEFAULT)"; else
    not_ok "boot 1: check fails something"; sed 's/^/    # /' "$T_OUT"; fi
for c in disk.enableuuid layout.partitions layout.swap retention.volume customchanges.applied modules.xfs modules.reiserfs cs.registered cs.reachable time.sync network.static-ip platform.vmware; do
    assert_grep "boot 1: $c passes" "^STATUS $c pass" "$T_OUT"
done

# What the guest's udev scsi_id printed is what the inventory reported.
sc_section "$log" ids >"$SC_DIR/ids1"
assert_grep "boot 1: guest scsi_id for the OS disk" "^$SC_OS 3${WWN_OS#0x}$" "$SC_DIR/ids1"

# Oracles on the images, from the host.
sfdisk --json "$SC_DIR/os.img" >"$SC_DIR/os.sfdisk" 2>/dev/null
python3 "$MT_TOP/tests/lib/sfdisk_table.py" "$SC_DIR/os.sfdisk" >"$SC_DIR/os.parts" 2>"$T_OUT"
# N START SIZE END TYPE BOOT: the label, then each partition's type, * when bootable, ! when not 1 MiB aligned
shape="$(jfield "$SC_DIR/os.sfdisk" partitiontable.label 2>>"$T_OUT") $(awk '{ printf "%s%s%s ", $5, ($6 == "boot" ? "*" : ""), ($2 % 1048576 ? "!" : "") }' "$SC_DIR/os.parts")"
echo "got: $shape" >>"$T_OUT"
if [ "$shape" = "dos 83* 83 82 83 " ]; then ok "OS disk: msdos, 4 aligned primaries, boot flag on / (sfdisk --json)"; else
    not_ok "OS disk layout (sfdisk --json)"; sed 's/^/    # /' "$T_OUT"; fi
# blkid at each partition's offset (sfdisk --json gives the starts): no loop device needed.
labels=$(awk '{ print $2 }' "$SC_DIR/os.parts" | while read -r off; do blkid -p -O "$off" -o value -s LABEL "$SC_DIR/os.img"; done | tr '\n' ' ')
assert_eq "OS disk labels (blkid)" "$labels" "MT_ROOT MT_CRASH MT_SWAP MT_HOME "
types=$(awk '{ print $2 }' "$SC_DIR/os.parts" | while read -r off; do blkid -p -O "$off" -o value -s TYPE "$SC_DIR/os.img"; done | tr '\n' ' ')
assert_eq "OS disk file systems (blkid)" "$types" "ext4 ext4 swap ext4 "
ret_uuid=$(blkid -p -o value -s UUID "$SC_DIR/ret.img" 2>/dev/null)
assert_eq "retention volume is ext4 MT_RETENTION (blkid)" \
    "$(blkid -p -o value -s TYPE "$SC_DIR/ret.img") $(blkid -p -o value -s LABEL "$SC_DIR/ret.img")" "ext4 MT_RETENTION"

# one_record FILE: the server's records (JSON) are exactly one, for the VM's UUID
one_record() {
    jfield "$1" '|len' '*.host_id?' >"$T_OUT" 2>&1
    [ "$(cat "$T_OUT")" = "1 $SC_UUID" ]
}
sc_cs_records >"$SC_DIR/records1.json" 2>"$T_ERR"
one_record "$SC_DIR/records1.json"
if [ $? -eq 0 ]; then ok "server: one record, host_id = the VM's BIOS UUID"; else
    not_ok "server record after boot 1"; sed 's/^/    # /' "$T_OUT"; fi

# Scenario 3: the OS disk is lost; a blank one and the old retention disk.
rm -f "$SC_DIR/os.img"
truncate -s 30G "$SC_DIR/os.img"
cat >"$SC_DIR/steps2.sh" <<'EOF'
echo "=== marker begin"; cat /mnt/retention/mt-e2e-marker; echo "=== marker end"
EOF
sc_run boot2 "$SC_DIR/steps2.sh" --disk "$SC_DIR/os.img,wwn=$WWN_OS" --disk "$SC_DIR/ret.img,wwn=$WWN_RET" ||
    { not_ok "guest initramfs 2"; t_done; }
log=$SC_LOG
assert_grep "boot 2: firstboot ends done" '^=== firstboot end rc=0' "$log"
assert_eq "boot 2: the retention data survived" "$(sc_section "$log" marker)" "written in boot 1"
ret_uuid2=$(blkid -p -o value -s UUID "$SC_DIR/ret.img" 2>/dev/null)
assert_eq "boot 2: the retention volume was reused, not formatted (same UUID, blkid)" "${ret_uuid2:-none}" "${ret_uuid:-unset}"
sc_cs_records >"$SC_DIR/records2.json" 2>"$T_ERR"
one_record "$SC_DIR/records2.json"
if [ $? -eq 0 ]; then ok "server: still one record for the same host_id after re-provisioning"; else
    not_ok "server record after boot 2"; sed 's/^/    # /' "$T_OUT"; fi
sc_cs_stop
sc_keep_logs 70-new-master-target
t_done
