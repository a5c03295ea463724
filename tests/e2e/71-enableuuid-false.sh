#!/bin/bash
# Scenario 2 (issue 7): disk.EnableUUID is FALSE for the retention disk (no wwn,
# no serial: only a vendor-specific designator). check fails disk.enableuuid for
# that disk alone, and firstboot stops before registering, saying why. The
# guest's own /lib/udev/scsi_id still prints an id for it (the vendor-specific
# fallback): the check must not be fooled by that.
. "$(dirname "$0")/../lib.sh"
. "$MT_TOP/scripts/vm/scenario.sh"
t_require qemu-system-x86_64
t_require python3

sc_init "$T_TMP/sc" || { not_ok "kernel for the guest"; t_done; }
sc_cs_start || { not_ok "test server starts"; t_done; }
sc_payload "$SC_DIR/payload" || { not_ok "payload disk"; t_done; }
truncate -s 30G "$SC_DIR/os.img"
truncate -s 2G "$SC_DIR/ret.img"
printf '%s\n' "$SC_STEP_IDS" >"$SC_DIR/steps.sh"
sc_run boot "$SC_DIR/steps.sh" --disk "$SC_DIR/os.img,wwn=0x6000c2912345678a" --disk "$SC_DIR/ret.img" ||
    { not_ok "guest initramfs"; t_done; }
log=$SC_LOG

assert_grep "firstboot fails (exit 1)" '^=== firstboot end rc=1' "$log"
assert_grep "firstboot says it stopped before registering" 'stopped at preflight, before registering' "$log"
assert_grep "and why: disk.enableuuid names the retention disk ($SC_RET)" "disk.enableuuid: .*$SC_RET" "$log"
sc_section "$log" ids >"$SC_DIR/ids"
assert_grep "the guest's scsi_id prints a fallback id for $SC_RET (not NAA)" "^$SC_RET [^3]" "$SC_DIR/ids"

sc_section "$log" check >"$SC_DIR/check.json"
e='checks[id=disk.enableuuid]'
jfield "$SC_DIR/check.json" "$e.status" "$e.detail|contains:$SC_RET" "$e.detail|contains:$SC_OS" \
    "$e.remediation|contains:disk.EnableUUID" >"$T_OUT" 2>&1
jfield --lines "$SC_DIR/check.json" "$e.detail" "$e.remediation" >>"$T_OUT" 2>&1
if [ "$(head -n 1 "$T_OUT")" = "fail true false true" ]; then
    ok "check: disk.enableuuid fails for $SC_RET alone, with the VMware remediation"; else
    not_ok "check: disk.enableuuid"; sed 's/^/    # /' "$T_OUT"; fi
sc_section "$log" journal >"$SC_DIR/journal.json"
jfield "$SC_DIR/journal.json" firstboot.state firstboot.steps.preflight.status 'firstboot.steps|has:register' \
    >"$T_OUT" 2>&1
jfield "$SC_DIR/journal.json" firstboot >>"$T_OUT" 2>&1
if [ "$(head -n 1 "$T_OUT")" = "stopped failed false" ]; then ok "journal: firstboot stopped at preflight, register never ran"; else
    not_ok "journal after the stop"; sed 's/^/    # /' "$T_OUT"; fi
sc_cs_records >"$SC_DIR/records.json" 2>"$T_ERR"
assert_eq "server: no record" "$(jfield "$SC_DIR/records.json" '|len')" "0"
sc_cs_stop
sc_keep_logs 71-enableuuid-false
t_done
