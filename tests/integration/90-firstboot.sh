#!/bin/bash
# firstboot on a sysroot: steps in order, each recorded in the journal; the
# custom changes run once across re-runs; the reboot they ask for is never done
# to this machine (--root): firstboot stops "reboot-pending" and resumes when
# the box's boot id has changed; a failing step stops firstboot, names the step
# and a re-run resumes there.
. "$(dirname "$0")/../lib.sh"

# A sysroot with no VM, no kernel modules and no configuration server: the checks that need them are left aside by name.
IGN=platform.vmware,os.release,os.arch,host.resources,disk.enableuuid,time.sync,modules.xfs,modules.reiserfs,customchanges.applied,cs.reachable,cs.registered,layout.partitions,layout.swap,retention.volume

mkroot() { # DIR [fake-vendor mode]
    local r=$1
    mkdir -p "$r/etc/mt-agent" "$r/proc/sys/kernel/random" "$r/sys/block" "$r/sys/class/block" \
        "$r/sys/class/net" "$r/var/log" "$r/payload" "$r/usr/local"
    cp /proc/meminfo /proc/cpuinfo "$r/proc/"
    echo 11111111-aaaa-4bbb-8ccc-000000000001 >"$r/proc/sys/kernel/random/boot_id"
    sh "$MT_TOP/tests/fixtures/payload/mkagent.sh" "$r/payload/ua.tar.gz" >/dev/null
    (cd "$r/payload" && sha256sum ua.tar.gz >SHA256SUMS)
    echo 36000c2912345678a >"$r/fake-vendor.wwid"
    [ -n "${2:-}" ] && echo "$2" >"$r/fake-vendor.mode"
    cat >"$r/etc/mt-agent/mt-agent.conf" <<EOF
[payload]
dir = /payload
agent_tarball = ua.tar.gz
modules =
install_dir = /usr/local/ASR
script_timeout = 30
EOF
}
step_status() { # ROOT STEP
    jfield "$1/var/lib/mt-agent/state.json" "firstboot.steps.$2?.status?"
}
fb_state() {
    jfield "$1/var/lib/mt-agent/state.json" firstboot.state
}

R=$T_TMP/root
mkroot "$R"
expect_exit 0 "first run: stops for the reboot the custom changes ask for" "$MT_AGENT" --root "$R" firstboot --ignore "$IGN"
assert_grep "says the reboot is required and firstboot resumes" 'reboot.*required.*resumes' "$T_OUT"
assert_grep "provision skipped: [layout] disk not set" '^provision +skipped: \[layout\] disk' "$T_OUT"
assert_eq "journal: preflight done" "$(step_status "$R" preflight)" "done"
assert_eq "journal: apply done" "$(step_status "$R" apply)" "done"
assert_eq "journal: reboot pending" "$(step_status "$R" reboot)" "reboot-pending"
assert_eq "journal: state reboot-pending" "$(fb_state "$R")" "reboot-pending"
assert_eq "the vendor script ran once" "$(wc -l <"$R/fake-vendor.runs")" "1"
assert_eq "the register step has not run" "$(step_status "$R" register)" ""
assert_grep "the log has the steps' output" 'firstboot\[apply\]' "$R/var/log/mt-agent.log"

expect_exit 0 "second run, same boot: still waiting for the reboot" "$MT_AGENT" --root "$R" firstboot --ignore "$IGN"
assert_grep "apply is not run again" '^apply +already done' "$T_OUT"
assert_eq "the vendor script still ran once" "$(wc -l <"$R/fake-vendor.runs")" "1"
assert_eq "state still reboot-pending" "$(fb_state "$R")" "reboot-pending"

echo 22222222-aaaa-4bbb-8ccc-000000000002 >"$R/proc/sys/kernel/random/boot_id"
expect_exit 0 "after the reboot: firstboot resumes and finishes" "$MT_AGENT" --root "$R" --json firstboot --ignore "$IGN"
python3 "$MT_TOP/tests/lib/firstboot_report.py" "$T_OUT" state=done preflight=done provision=skipped \
    modules=skipped apply=already-done reboot=done retention=skipped register=skipped final-check=done >"$T_TMP/py" 2>&1
if [ $? -eq 0 ]; then ok "--json: one document, every step with its status, state done"; else
    not_ok "--json report after the reboot"; sed 's/^/    # /' "$T_TMP/py"; fi
assert_eq "the vendor script ran once in all" "$(wc -l <"$R/fake-vendor.runs")" "1"
assert_eq "journal: state done" "$(fb_state "$R")" "done"

# A failing step stops firstboot, names it, and a re-run resumes there.
F=$T_TMP/failroot
mkroot "$F" fail
expect_exit 1 "custom changes fail: firstboot fails" "$MT_AGENT" --root "$F" firstboot --ignore "$IGN"
assert_grep "names the step it stopped at" 'stopped at apply' "$T_ERR"
assert_grep "says a re-run resumes" 'run `mt-agent firstboot` again: it resumes here' "$T_ERR"
assert_eq "journal: apply failed" "$(step_status "$F" apply)" "failed"
assert_eq "journal: state stopped" "$(fb_state "$F")" "stopped"
assert_eq "nothing after apply ran" "$(step_status "$F" register)" ""
rm -f "$F/fake-vendor.mode"
expect_exit 0 "fixed: the re-run goes on from apply" "$MT_AGENT" --root "$F" firstboot --ignore "$IGN"
assert_eq "journal: apply done now" "$(step_status "$F" apply)" "done"

# A preflight failure stops before anything changes.
P=$T_TMP/preroot
mkroot "$P"
expect_exit 1 "a failing preflight check stops firstboot" "$MT_AGENT" --root "$P" firstboot
assert_grep "names the failing check" 'stopped at preflight.*platform.vmware' "$T_ERR"
[ ! -e "$P/fake-vendor.runs" ] && ok "the custom changes did not run" || not_ok "the custom changes did not run"

expect_exit 2 "an unknown option is a usage error" "$MT_AGENT" --root "$P" firstboot --frobnicate

# The path rule, firstboot: [layout] disk is the box's path, resolved under
# --root once, by firstboot; provision is handed the resolved disk and the
# box's root as --target-root and resolves neither again: the fstab is
# R/etc/fstab, and nothing is written under R/R.
. "$MT_TOP/tests/integration/layout.lib"
t_require sfdisk blkid mkfs.ext4 mkswap losetup
layout_root
mkdir -p "$R/etc/mt-agent" "$R/var/log"
# large enough for this machine's RAM (the plan's /var/crash and swap follow it)
"$MT_AGENT" --root "$R" --json plan --disk sda --disk-size-mib 1048576 >"$T_TMP/plan.json"
ram=$(( $(jfield "$T_TMP/plan.json" ram_bytes) >> 20 ))
truncate -s $((ram * 2 + 30000))M "$R/img/os.img"
printf '[layout]\ndisk = /img/os.img\n[payload]\ndir = /nonexistent\n' >"$R/etc/mt-agent/mt-agent.conf"
ALL=$("$MT_AGENT" check --list | awk '{print $1}' | paste -sd, -)
expect_exit 0 "firstboot --root R with [layout] disk = /img/os.img" \
    "$MT_AGENT" --root "$R" firstboot --no-reboot --ignore "$ALL"
assert_grep "provision is handed the resolved disk and the root" \
    "^provision +running: mt-agent provision --disk $R/img/os.img --target-root $R\$" "$T_OUT"
[ -e "$R$R" ] && not_ok "nothing written under R/R" || ok "nothing written under R/R"
layout_verify "firstboot's provision, fstab in R/etc/fstab" "$R/img/os.img" "$ram" "$R/etc/fstab"
t_done
