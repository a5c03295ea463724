#!/bin/bash
# SCSI identity exactly as udev sees it, on page shapes udev's scsi_id has to
# deal with (tests/lib/vpd_shapes.py says where each comes from): the
# three disagreements of issue 17, six layouts from public material, and
# malformed pages. Each shape is one disk of a fixture sysroot made here, and
# the same bytes are what the real /lib/udev/scsi_id reads through SG_IO (an
# LD_PRELOAD stand-in for the device, tests/integration/fake_sgio.c). Oracles:
# scsi_id -g -u for the id, sg_vpd --inhex for the decoding (its designators
# and its page errors), the shape's author for the NAA meant.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 cc sg_vpd
scsi_id=/lib/udev/scsi_id
[ -x "$scsi_id" ] || scsi_id=/usr/lib/udev/scsi_id
check "udev's scsi_id is here ($scsi_id)" test -x "$scsi_id"
fx=$MT_TOP/tests/fixtures/sysroot

check "the SG_IO stand-in builds" cc -std=gnu99 -Wall -Wextra -Werror -shared -fPIC -o "$T_TMP/fake_sgio.so" \
    "$MT_TOP/tests/integration/fake_sgio.c" -ldl
root=$T_TMP/root
mkdir -p "$root" "$T_TMP/dev"
cp -a "$fx/capture/vmware-wwn/root/." "$root/"
cp -a "$fx/etc/centos66-static/." "$root/"
python3 "$MT_TOP/tests/lib/vpd_shapes.py" write "$root" "$T_TMP/dev" >"$T_TMP/manifest"
check "shapes written" test -s "$T_TMP/manifest"

# The oracle, disk by disk: what scsi_id -g -u prints (or nothing), and what sg_vpd decodes.
: >"$T_TMP/blk"
while IFS=$'\t' read -r name shape kind naa vendor; do
    id=$(FAKE_SGIO_DIR=$T_TMP/dev/$name LD_PRELOAD=$T_TMP/fake_sgio.so "$scsi_id" -g -u -d "$T_TMP/blk" 2>/dev/null) || id=
    printf '%s\t%s\n' "$name" "$id" >>"$T_TMP/udev"
    if [ -f "$T_TMP/dev/$name/pg83" ]; then
        sg_vpd --inhex="$T_TMP/dev/$name/pg83" --raw >"$T_TMP/sgvpd.$name" 2>&1 || true
    fi
done <"$T_TMP/manifest"
check "udev printed an id for the VMware capture's disk too (the stand-in works)" \
    env FAKE_SGIO_DIR="$T_TMP/dev/sdc" LD_PRELOAD="$T_TMP/fake_sgio.so" "$scsi_id" -g -u -d "$T_TMP/blk"

expect_exit 0 "inventory --json --root of $(wc -l <"$T_TMP/manifest") shaped disks" \
    "$MT_AGENT" --json --root "$root" inventory
cp "$T_OUT" "$T_TMP/inv.json"

python3 "$MT_TOP/tests/lib/vpd_oracle.py" "$T_TMP" >"$T_TMP/verdicts"
while read -r verdict rest; do
    case $verdict in ok) ok "$rest" ;; *) not_ok "$rest" ;; esac
done <"$T_TMP/verdicts"
check "verdicts for every shape" test "$(cut -d' ' -f2 "$T_TMP/verdicts" | sort -u | wc -l)" -eq "$(wc -l <"$T_TMP/manifest")"

# The disagreements, by name: what the operator reads.
disk_of() { awk -F'\t' -v s="$1" '$2 == s {print $1}' "$T_TMP/manifest"; }
field() { jfield "$T_TMP/inv.json" "disks[name=$1].$2"; } # DISK KEY
pad=$(disk_of padded-name-string)
assert_eq "padded page: udev's page 0x80 id" "$(field "$pad" scsi_id)" "SACME_ARRAY_LUN_ACME0001SN42"
assert_grep "padded page: a warning names the padding" "3 zero bytes after the last designator" <(field "$pad" vpd_warning)
assert_eq "padded page: not unreadable" "$(field "$pad" vpd_error)" ""
low=$(disk_of long-page-low-byte)
assert_eq "260-byte page: its length as built" "$(($(stat -c %s "$T_TMP/dev/$low/pg83") - 4))" 260
assert_grep "260-byte page: says what CentOS 6's older udev would print" "page 0x83 is 264 bytes: an older udev .* would print no id from it" <(field "$low" vpd_warning)
emc=$(disk_of emc-scsi2-rdm)
assert_eq "SCSI-2 page: has_naa" "$(field "$emc" has_naa)" "true"
assert_eq "SCSI-2 page: udev's id" "$(field "$emc" scsi_id)" "360060480000190101234533030314142"

expect_exit 1 "check disk.enableuuid: fails on the VMware disk without an NAA only" \
    "$MT_AGENT" --json --root "$root" check --only disk.enableuuid
cp "$T_OUT" "$T_TMP/check.json"
jfield --lines "$T_TMP/check.json" checks.0.status checks.0.detail checks.0.remediation >"$T_TMP/check.txt"
wpc=$(disk_of wrong-page-code)
assert_grep "names the VMware disk whose page 0x83 is not one" "^$wpc has no NAA identifier \(scsi_id falls back to SVMware_Virtual_disk_6000c29abcdef0123456; malformed VPD: page code 0x80 where 0x83 was asked for" "$T_TMP/check.txt"
assert_grep "the remediation names only it" "disks $wpc\)" "$T_TMP/check.txt"
assert_grep "the EMC RDM and the padded array LUN are named for what they are" "not judged: $pad \(ACME ARRAY LUN\), [a-z]* \(HITACHI OPEN-V\), $emc \(EMC SYMMETRIX\), .* and [0-9]* more \(not VMware virtual disks: identity from the device itself\)" "$T_TMP/check.txt"
if grep -q "disks .*$pad\b" "$T_TMP/check.txt"; then not_ok "the padded LUN is not in the EnableUUID remediation"; else ok "the padded LUN is not in the EnableUUID remediation"; fi

# Without the VMware disk that lacks its NAA, the check passes and still names the others.
rm "$root/sys/block/$wpc"
expect_exit 0 "check disk.enableuuid passes without it" "$MT_AGENT" --root "$root" check --only disk.enableuuid
assert_grep "the pass names the VMware disks judged and the others" "all 2 VMware virtual disks have an NAA identifier; $pad \(ACME ARRAY LUN\), .*: identity from the device itself, disk.EnableUUID does not apply" "$T_OUT"

t_done
