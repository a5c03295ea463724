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

step "guest kernel (Debian amd64 kernel package, cached after the first run) and chrony"
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
import json, sys, time
recs = json.load(sys.stdin)
print("  %d record(s)" % len(recs))
for r in recs:
    d = r["document"]
    h = d.get("host", {})
    t = lambda s: time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(s)) if s else "-"
    print("  host_id          %s" % r["host_id"])
    print("  registered       %s (registrations: %s, last heartbeat: %s)" % (t(r.get("created_at")), r.get("registrations"), t(r.get("last_heartbeat"))))
    print("  host             %s, %s %s, %s, %s vCPU, %s MiB RAM" % (h.get("hostname"), h.get("vendor"), h.get("product"),
          h.get("kernel"), h.get("cpus"), (h.get("ram_bytes") or 0) >> 20))
    print("  agent            %s, data port %s" % (d.get("agent_version"), d.get("data_port")))
    for k in d.get("disks", []):
        if k.get("transport") == "scsi":
            print("  disk             %-4s %6.1f GiB  scsi_id %s" % (k["name"], k["size_bytes"] / 2**30, k.get("scsi_id") or "(none: EnableUUID off)"))
    ret = d.get("retention", {})
    print("  retention        %s at %s, UUID %s" % (ret.get("disk"), ret.get("mount"), ret.get("uuid")))
    mods = d.get("modules", {})
    print("  module packages  %s (kernel %s, %s)" % (", ".join(p["nevra"] for p in mods.get("packages", {}).values()),
          mods.get("kernel"), ", ".join("%s: %s" % kv for kv in sorted(mods.get("modules", {}).items()))))
    cc = d.get("custom_changes", {})
    print("  custom changes   %s (reboot required: %s)" % (cc.get("status"), cc.get("reboot_required")))
    c = d.get("checks", {})
    print("  checks at registration: %s pass, %s fail, %s skip" % (c.get("pass"), c.get("fail"), c.get("skip")))
'
echo
step "done"
