#!/bin/bash
# make demo: a new master target, end to end, on a built-in default.
#
# Builds the guest (Debian's cloud kernel, busybox, mt-agent), starts the API v1
# test configuration server on 127.0.0.1, and boots a VMware-like VM (qemu,
# software emulation) with a blank 30 GiB OS disk, a 2 GiB retention disk (both
# with disk.EnableUUID=TRUE) and the payload disk. In the guest, `mt-agent
# firstboot` lays out the OS disk, installs the module packages and the vendor's
# custom changes, creates the retention volume and registers. The demo prints
# the check report and the server's record of the new master target.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$top/build}
case $BUILD in /*) ;; *) BUILD=$top/$BUILD ;; esac
export MT_AGENT=$BUILD/mt-agent
work=$(mktemp -d /tmp/mt-demo.XXXXXX)
start=$(date +%s)
step() { printf '[%3ss] %s\n' "$(($(date +%s) - start))" "$*"; }
cleanup() {
    sc_cs_stop 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
. "$top/scripts/vm/scenario.sh"

step "guest kernel (Debian cloud kernel, cached after the first run)"
sc_init "$work"
step "configuration server: a CA, a certificate for 127.0.0.1/10.0.2.2, tests/cs_server.py"
sc_cs_start
step "  listening on 127.0.0.1:$SC_CS_PORT"
step "payload disk: module RPMs, the Unified Agent tarball, SHA256SUMS"
sc_payload "$work/payload"
truncate -s 30G "$work/os.img"
truncate -s 2G "$work/ret.img"
printf 'true\n' >"$work/steps.sh"
step "guest initramfs with mt-agent"
sc_guest "$work/guest.gz" "$work/steps.sh"
step "booting the VMware-like VM (pvscsi, EnableUUID=TRUE); mt-agent firstboot runs in it"
sc_boot demo "$work/guest.gz" --disk "$work/os.img,wwn=0x6000c2912345678a" \
    --disk "$work/ret.img,wwn=0x6000c29abcdef012" &
vm=$!
while kill -0 "$vm" 2>/dev/null; do
    sleep 5
    last=$(grep -aE '^(preflight|provision|modules|apply|reboot|retention|register|final-check) ' \
        "$work/demo.log" 2>/dev/null | tail -n 1 | tr -d '\r' || true)
    step "  ${last:-booting...}"
done
wait "$vm" || true
step "the VM powered off"
echo
echo "==== firstboot, as the guest printed it"
sc_section "$work/demo.log" firstboot
echo
echo "==== mt-agent check (in the guest, --ignore $SC_IGNORE_DEFAULT: a Debian guest is not CentOS 6.6)"
sc_section "$work/demo.log" check | python3 -c '
import json, sys
doc = json.load(sys.stdin)
for c in doc["checks"]:
    print("  %-24s %-8s %-5s %s" % (c["id"], c["severity"], c["status"], c.get("detail", "")))
s = doc["summary"]
print("  summary: %d pass, %d fail, %d skip (%d errors, %d warnings)" %
      (s["pass"], s["fail"], s["skip"], s["errors"], s["warnings"]))'
echo
echo "==== the configuration server's record of the new master target"
sc_cs_records | python3 -c '
import json, sys
for r in json.load(sys.stdin):
    print(json.dumps(r, indent=2, sort_keys=True)[:4000])'
echo
step "done"
