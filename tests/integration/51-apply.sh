#!/bin/bash
# apply: the vendor's custom changes and installer run exactly once per tarball
# digest against a --root sysroot, with a fake ApplyCustomChanges.sh that behaves
# like the vendor's (prompt, marker, multipath.conf, log) and counts its runs.
# Failures, a time-out and a SIGKILL of apply half-way are recorded and handled
# as provision/payload/apply.h documents.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 sha256sum

tarball=$T_TMP/agent.tar.gz
sum=$(sh "$MT_TOP/tests/fixtures/payload/mkagent.sh" "$tarball") || { not_ok "build the agent tarball"; t_done; }
WWID=36000c29a1b2c3d4e5f60718293a4b5c6

newroot() { # a fresh sysroot
    local r=$T_TMP/$1
    rm -rf "$r"
    mkdir -p "$r/etc" "$r/var/lib" "$r/var/log"
    # sysfs + mountinfo: sda (VPD 0x83 NAA ${WWID#3}) holds /, so inventory's scsi_id is $WWID
    python3 "$MT_TOP/tests/fixtures/payload/mkroot.py" "$r" "${WWID#3}"
    echo "$WWID" >"$r/fake-vendor.wwid"
    echo "$r"
}
runs() { if [ -f "$1/fake-vendor.runs" ]; then wc -l <"$1/fake-vendor.runs" | tr -d ' '; else echo 0; fi; }
iruns() { if [ -f "$1/fake-install.runs" ]; then wc -l <"$1/fake-install.runs" | tr -d ' '; else echo 0; fi; }
jget() { # ROOT PATH...: fields of ROOT's journal (status --json, tests/lib/jsonpath.py paths);
    # cc.X and ins.X are the custom_changes and installer steps of the run of $sum
    local p a=()
    "$MT_AGENT" --root "$1" --json status >"$T_TMP/j.json" 2>/dev/null
    shift
    for p; do
        case $p in
        cc.* | "cc|"*) p=apply.runs.$sum.custom_changes${p#cc} ;;
        ins.* | "ins|"*) p=apply.runs.$sum.installer${p#ins} ;;
        esac
        a+=("$p")
    done
    jfield "$T_TMP/j.json" "${a[@]}"
}
apply() { "$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$sum" "$@"; }

# 1. first run: script and installer run once, effects on the sysroot, journal and log
R=$(newroot r1)
expect_exit 0 "apply runs the custom changes" apply
assert_eq "script ran once" "$(runs "$R")" 1
assert_eq "installer ran once" "$(iruns "$R")" 1
assert_grep "installer got -q -d ROOT/usr/local/ASR -r MT -v VmWare" "^-q -d $R/usr/local/ASR -r MT -v VmWare\$" "$R/fake-install.runs"
[ -x "$R/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh" ] && ok "installer installed into the sysroot" || not_ok "installer installed into the sysroot"
[ -e "$R/etc/.appliedmtcustomchanges" ] && ok "vendor marker written in the sysroot" || not_ok "vendor marker written in the sysroot"
assert_grep "multipath.conf blacklists the root wwid" "wwid \"$WWID\"" "$R/etc/multipath.conf"
[ ! -e /etc/.appliedmtcustomchanges ] && ok "host /etc untouched" || not_ok "host /etc untouched"
assert_grep "says a reboot is required" "reboot required" "$T_OUT"
assert_grep "script output in the sysroot's /var/log/mt-agent.log" "continue\? \[Y\|N\]" "$R/var/log/mt-agent.log"
assert_grep "log says how it ended" "ApplyCustomChanges.sh ended: exit status 0" "$R/var/log/mt-agent.log"
assert_grep "the script ran in the staging directory" "applying custom changes \(cwd $R/var/lib/mt-agent/staging/run\." "$R/var/log/appliedmtcustomchanges.log"
assert_eq "journal: applied" "$(jget "$R" cc.status)" applied
assert_eq "journal: exit status 0" "$(jget "$R" cc.exit_status)" 0
assert_eq "journal: started_at and finished_at" "$(jget "$R" 'cc|has:started_at,finished_at')" true
assert_eq "journal: output tail" "$(jget "$R" 'cc.output_tail|contains:Reboot the machine')" true
assert_eq "journal: installer installed" "$(jget "$R" ins.status)" installed
assert_eq "journal: reboot_required" "$(jget "$R" apply.reboot_required)" true
assert_eq "journal: last digest" "$(jget "$R" apply.last_digest)" "$sum"
assert_eq "staging removed" "$(ls -A "$R/var/lib/mt-agent/staging")" ""

# 2. second run: nothing runs
expect_exit 0 "second apply succeeds" apply
assert_grep "says already applied" "ApplyCustomChanges.sh: already applied" "$T_OUT"
assert_eq "script still ran once" "$(runs "$R")" 1
assert_eq "installer still ran once" "$(iruns "$R")" 1
"$MT_AGENT" --root "$R" --json apply --agent "$tarball" --sha256 "$sum" >"$T_OUT" 2>"$T_ERR"
assert_eq "--json: outcome already" "$(jfield "$T_OUT" custom_changes.outcome installer.outcome)" "already already"
assert_eq "script still ran once after --json" "$(runs "$R")" 1

# 3. --force runs both again
expect_exit 0 "--force" apply --force
assert_eq "--force ran the script again" "$(runs "$R")" 2
assert_eq "--force ran the installer again" "$(iruns "$R")" 2

# 4. a digest mismatch runs nothing
expect_exit 1 "wrong --sha256" "$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$(printf '%064d' 1)" --force
assert_eq "mismatch ran nothing" "$(runs "$R")" 2

# 5. the vendor marker alone counts as applied
R=$(newroot r2)
touch "$R/etc/.appliedmtcustomchanges"
expect_exit 0 "marker present" apply
assert_grep "says applied by the vendor marker" "already applied \(vendor marker /etc/.appliedmtcustomchanges\)" "$T_OUT"
assert_eq "script not run" "$(runs "$R")" 0
assert_eq "journal: applied by marker" "$(jget "$R" cc.status cc.by)" "applied vendor marker /etc/.appliedmtcustomchanges"

# 6. a failing script: recorded with exit status and last lines; a later run retries
R=$(newroot r3)
echo fail >"$R/fake-vendor.mode"
expect_exit 1 "failing script fails apply" apply
assert_grep "error names the exit status" "ApplyCustomChanges.sh from .* failed \(exit status 3\)" "$T_ERR"
assert_grep "error shows the last lines" "custom changes FAILED" "$T_ERR"
assert_eq "journal: failed" "$(jget "$R" cc.status)" failed
assert_eq "journal: exit status 3" "$(jget "$R" cc.exit_status)" 3
assert_eq "journal: last lines" "$(jget "$R" 'cc.output_tail|contains:device-mapper-multipath')" true
assert_eq "installer not run after a failure" "$(iruns "$R")" 0
rm "$R/fake-vendor.mode"
expect_exit 0 "after fixing, apply runs it again" apply
assert_eq "ran twice in all" "$(runs "$R")" 2
assert_eq "journal: applied" "$(jget "$R" cc.status)" applied

# 7. no answer but Y: the fake exits 1 without one, so apply must answer (proved by 1.);
#    a failing installer is recorded too
R=$(newroot r4)
echo fail >"$R/fake-install.mode"
expect_exit 1 "failing installer fails apply" apply
assert_eq "journal: installer failed, exit status 4" "$(jget "$R" ins.status ins.exit_status)" "failed 4"
rm "$R/fake-install.mode"
expect_exit 0 "installer retried" apply
assert_eq "custom changes not re-run for the installer" "$(runs "$R")" 1
assert_eq "installer ran twice" "$(iruns "$R")" 2

# 8. a hanging script is ended by the time limit and recorded; the next run re-runs it
R=$(newroot r5)
echo hang >"$R/fake-vendor.mode"
expect_exit 1 "hanging script times out" apply --timeout 2
assert_grep "error says timed out" "failed \(timed out after" "$T_ERR"
read -r st ended <<<"$(jget "$R" cc.status cc.ended)"
assert_eq "journal: failed, timed out" "$st ${ended:0:9}" "failed timed out"
pid=$(cat "$R/fake-vendor.pid")
if kill -0 "$pid" 2>/dev/null; then not_ok "the timed-out script was killed"; kill -9 -- -"$pid" 2>/dev/null; else ok "the timed-out script was killed"; fi
rm "$R/fake-vendor.mode"
expect_exit 0 "next apply after a time-out" apply
assert_eq "journal: applied" "$(jget "$R" cc.status)" applied

# 9. apply killed (SIGKILL) while the script runs: journal says started, not finished;
#    marker absent -> the next apply runs the script again (provision/payload/apply.h says why)
killed_run() { # ROOT MODE
    echo "$2" >"$1/fake-vendor.mode"
    "$MT_AGENT" --root "$1" apply --agent "$tarball" --sha256 "$sum" >"$T_TMP/bg.out" 2>&1 &
    local apid=$! i
    t_track_pid "$apid"
    for i in $(seq 1 100); do
        if [ "$2" = hang ] && grep -q waiting "$1/var/log/appliedmtcustomchanges.log" 2>/dev/null; then break; fi
        if [ "$2" = hang-after-marker ] && [ -e "$1/etc/.appliedmtcustomchanges" ]; then break; fi
        sleep 0.1
    done
    kill -9 "$apid"
    wait "$apid" 2>/dev/null
    # the script dies with the agent (its keeper's group kill): nothing to end by hand
    local spid gone=no
    spid=$(cat "$1/fake-vendor.pid")
    for i in $(seq 1 40); do
        s=$(sed 's/.*) //' "/proc/$spid/stat" 2>/dev/null | cut -c1)
        if [ -z "$s" ] || [ "$s" = Z ]; then gone=yes; break; fi
        sleep 0.05
    done
    assert_eq "the vendor script died with the killed apply (within 2 s)" "$gone" yes
    [ $gone = yes ] || kill -9 "$spid" 2>/dev/null
    rm -f "$1/fake-vendor.mode"
}
R=$(newroot r6)
killed_run "$R" hang
assert_eq "journal after SIGKILL: started" "$(jget "$R" cc.status)" started
assert_eq "journal after SIGKILL: no finished_at" "$(jget "$R" 'cc|has:finished_at')" false
assert_eq "the killed apply left its staging directory" "$(ls "$R/var/lib/mt-agent/staging" | grep -c '^run\.')" 1
expect_exit 0 "next apply after SIGKILL (no marker)" apply
assert_grep "the leftover staging directory is removed" "removed 1 staging directory left by an apply that was killed" "$T_ERR"
assert_eq "no staging directory left" "$(ls -A "$R/var/lib/mt-agent/staging")" ""
assert_grep "warns about the interrupted run" "was interrupted .*marker is absent, so it did not complete; it was run again" "$T_ERR"
assert_eq "script ran again" "$(runs "$R")" 2
assert_eq "journal: applied, interrupted attempt kept" "$(jget "$R" cc.status 'cc|has:interrupted')" "applied true"
[ -e "$R/etc/.appliedmtcustomchanges" ] && ok "marker written by the re-run" || not_ok "marker written by the re-run"

# 10. killed after the script wrote its marker: the next apply does not run it again
R=$(newroot r7)
killed_run "$R" hang-after-marker
assert_eq "journal after SIGKILL: started" "$(jget "$R" cc.status)" started
expect_exit 0 "next apply after SIGKILL (marker present)" apply
assert_grep "warns: completed, not run again" "was interrupted .*the vendor marker exists, so it completed; not run again" "$T_ERR"
assert_eq "script not run again" "$(runs "$R")" 1
assert_eq "journal: applied" "$(jget "$R" cc.status)" applied

# 10b. two applies at once (an operator and firstboot): the journal lock makes one wait, the script runs once
R=$(newroot r10)
echo slow >"$R/fake-vendor.mode"
"$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$sum" >"$T_TMP/c1.out" 2>&1 &
c1=$!
t_track_pid "$c1"
"$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$sum" >"$T_TMP/c2.out" 2>&1 &
c2=$!
t_track_pid "$c2"
wait "$c1"; rc1=$?
wait "$c2"; rc2=$?
assert_eq "both concurrent applies succeed" "$rc1 $rc2" "0 0"
assert_eq "the script ran once for two concurrent applies" "$(runs "$R")" 1
assert_eq "one of them says already applied" "$(cat "$T_TMP/c1.out" "$T_TMP/c2.out" | grep -c 'ApplyCustomChanges.sh: already applied')" 1

# 11. check customchanges.applied verifies the effects, not the journal
ck() { "$MT_AGENT" --root "$1" --json check --only customchanges.applied >"$T_OUT" 2>"$T_ERR"
       jfield "$T_OUT" checks.0.detail >"$T_TMP/ck.detail"; jfield "$T_OUT" checks.0.status; }
R=$T_TMP/r1
assert_eq "check passes after apply" "$(ck "$R")" pass
assert_grep "detail names the root disk and its wwid" "blacklists root disk sda \(wwid $WWID\)" "$T_TMP/ck.detail"
cp "$R/etc/multipath.conf" "$T_TMP/mp.saved"
sed -i "/wwid \"$WWID\"/d" "$R/etc/multipath.conf"
assert_eq "check fails when multipath.conf lost the blacklist (journal still says applied)" "$(ck "$R")" fail
assert_grep "detail says the root disk is not blacklisted" "does not blacklist the root disk sda \(wwid $WWID\)" "$T_TMP/ck.detail"
cp "$T_TMP/mp.saved" "$R/etc/multipath.conf"
rm "$R/etc/.appliedmtcustomchanges"
assert_eq "check fails without the vendor marker" "$(ck "$R")" fail
assert_grep "detail names the marker and the journal" "appliedmtcustomchanges is missing.*journal: applied" "$T_TMP/ck.detail"
R=$(newroot r8)
assert_eq "check fails before apply" "$(ck "$R")" fail
# disk.EnableUUID=FALSE: no NAA, no WWID: the vendor script fails, the check says why
R=$T_TMP/r9; rm -rf "$R"; mkdir -p "$R/etc"; python3 "$MT_TOP/tests/fixtures/payload/mkroot.py" "$R"; : >"$R/fake-vendor.wwid"
expect_exit 1 "apply fails when the root disk has no WWID" apply
assert_grep "the script's reason is shown" "cannot read the WWID of the root disk" "$T_ERR"
touch "$R/etc/.appliedmtcustomchanges"
assert_eq "check fails for a root disk without WWID" "$(ck "$R")" fail
assert_grep "detail: no WWID" "root disk sda has no WWID" "$T_TMP/ck.detail"

# The path rule: --agent and --manifest are the operator's host paths. Under
# --root R a file of the same name inside R (here an impostor) is never read,
# and a relative path is taken from the working directory.
R=$(newroot hostpath)
mkdir -p "$R$(dirname "$tarball")"; printf 'an impostor, not the tarball\n' >"$R$tarball"
expect_exit 0 "--root R apply --agent FILE reads the host's FILE, not R/FILE" \
    "$MT_AGENT" --root "$R" --json apply --agent "$tarball" --sha256 "$sum" --extract-only
assert_eq "the document names the host's tarball" \
    "$(jfield "$T_OUT" tarball)" "$tarball"
(cd "$(dirname "$tarball")" && sha256sum "$(basename "$tarball")" >"$T_TMP/host.sums")
mkdir -p "$R$T_TMP"; printf '%064d  %s\n' 7 "$(basename "$tarball")" >"$R$T_TMP/host.sums"
expect_exit 0 "--manifest FILE is the host's file too" \
    "$MT_AGENT" --root "$R" apply --agent "$tarball" --manifest "$T_TMP/host.sums" --extract-only
cd "$(dirname "$tarball")"
expect_exit 0 "a relative --agent is taken from the working directory" \
    "$MT_AGENT" --root "$R" apply --agent "./$(basename "$tarball")" --sha256 "$sum" --extract-only
cd - >/dev/null
t_done
