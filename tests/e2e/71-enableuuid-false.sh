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
python3 - "$SC_DIR/check.json" "$SC_OS" "$SC_RET" >"$T_OUT" 2>&1 <<'EOF'
import json, sys
doc = json.load(open(sys.argv[1]))
os_disk, ret_disk = sys.argv[2], sys.argv[3]
c = [x for x in doc["checks"] if x["id"] == "disk.enableuuid"][0]
print(c["status"], "|", c["detail"], "|", c["remediation"])
ok = c["status"] == "fail" and ret_disk in c["detail"] and os_disk not in c["detail"] \
     and "disk.EnableUUID" in c["remediation"]
sys.exit(0 if ok else 1)
EOF
if [ $? -eq 0 ]; then ok "check: disk.enableuuid fails for $SC_RET alone, with the VMware remediation"; else
    not_ok "check: disk.enableuuid"; sed 's/^/    # /' "$T_OUT"; fi
sc_section "$log" journal >"$SC_DIR/journal.json"
python3 - "$SC_DIR/journal.json" >"$T_OUT" 2>&1 <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
fb = j["firstboot"]
print(fb)
sys.exit(0 if fb["state"] == "stopped" and fb["steps"]["preflight"]["status"] == "failed"
         and "register" not in fb["steps"] else 1)
EOF
if [ $? -eq 0 ]; then ok "journal: firstboot stopped at preflight, register never ran"; else
    not_ok "journal after the stop"; sed 's/^/    # /' "$T_OUT"; fi
sc_cs_records >"$SC_DIR/records.json" 2>"$T_ERR"
assert_eq "server: no record" "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$SC_DIR/records.json")" "0"
sc_cs_stop
sc_keep_logs 71-enableuuid-false
t_done
