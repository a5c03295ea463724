#!/bin/bash
# modules install SIGKILLed at moments spread over one run (30 times), re-run at once. rpm is
# a stand-in wrapper (first in PATH) around the real rpm: every call (queries and
# the install) records start, done and end with pid and time, flags overlap (a
# lock it and its children hold) and starts an escapee in its own session. The
# RPMs are the real ones 52-modules.sh builds. After each re-run: no process of
# the killed run is left, no two rpm ever ran at once, each package is installed
# exactly once (rpm -q lists one) and intact (rpm -V), reiserfs resolves (modinfo).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/kill.lib"
t_require rpmbuild rpm depmod modinfo flock setsid python3
TRIALS=${KILL_TRIALS:-30}

if ! eval "$(sh "$MT_TOP/scripts/vm/kernel.sh" --flavour amd64)"; then not_ok "scripts/vm/kernel.sh --flavour amd64"; t_done; fi
KV=$VM_KVER
MD=$VM_MODDIR
if ! eval "$(sh "$MT_TOP/scripts/vm/kernel.sh")"; then not_ok "scripts/vm/kernel.sh"; t_done; fi
media=$T_TMP/media
sh "$MT_TOP/tests/fixtures/payload/mkrpms.sh" "$media" "$KV" "$MD/kernel/fs/reiserfs/reiserfs.ko" "$VM_MODDIR/kernel/fs/xfs/xfs.ko" ||
    { not_ok "build the RPMs"; t_done; }
log=$T_TMP/standin.log
bin=$T_TMP/bin
mkdir -p "$bin"
real_rpm=$(command -v rpm)
kill_standin_wrap "$bin/rpm" rpm "$log" "$T_TMP/rpm.lock" "$(command -v rpm)"
export PATH="$bin:$PATH"

newroot() { # as 52-modules.sh: a sysroot whose kernel has xfs but no reiserfs
    local r=$1
    rm -rf "$r"
    mkdir -p "$r/etc" "$r/lib/modules/$KV/kernel/fs/xfs" "$r/lib/modules/$KV/kernel/lib"
    cp "$MD/kernel/fs/xfs/xfs.ko" "$r/lib/modules/$KV/kernel/fs/xfs/"
    cp "$MD/kernel/lib/libcrc32c.ko" "$r/lib/modules/$KV/kernel/lib/"
    cp "$MD"/modules.builtin "$MD"/modules.builtin.modinfo "$MD"/modules.order "$r/lib/modules/$KV/" 2>/dev/null
    depmod -b "$r" "$KV"
    # an installed box has its rpm database (anaconda made it); without one, Debian's
    # rpm creates it on the first open, and a killed query can leave it half made
    "$real_rpm" --root "$r" --initdb
}
R=$T_TMP/r
inst() { "$MT_AGENT" --root "$R" modules install --from "$media"; }

newroot "$R"
: >"$log"
kill_measure "uninterrupted modules install" "$log" inst
span=$KILL_SPAN

converged=0 mid=0 swept=0
for i in $(seq 1 "$TRIALS"); do
    newroot "$R"
    : >"$log"
    kill_trial_kill "$i" "$TRIALS" "$span" "$T_TMP/killed.out" "$MT_AGENT" --root "$R" modules install --from "$media"
    grep -q "^start rpm .* -Uvh$" "$log" && mid=$((mid + 1))
    inst >"$T_TMP/rerun.out" 2>"$T_TMP/rerun.err"
    rc=$?
    kill_swept "$T_TMP/rerun.err" && swept=$((swept + 1))
    left=$(kill_leftovers "$log")
    overlaps=$(kill_overlaps "$log")
    bad=""
    for p in kmod-reiserfs reiserfs-utils xfsprogs; do
        n=$(command rpm -q --root "$R" "$p" 2>/dev/null | wc -l)
        [ "$n" = 1 ] || bad="$bad $p:installed-$n-times"
        command rpm -V --root "$R" --nodeps --nosignature "$p" >/dev/null 2>&1 || bad="$bad $p:rpm-V"
    done
    modinfo -b "$R" -k "$KV" -F filename reiserfs >/dev/null 2>&1 || bad="$bad reiserfs-does-not-resolve"
    if [ $rc = 0 ] && [ -z "$left" ] && [ "$overlaps" = 0 ] && [ -z "$bad" ]; then
        converged=$((converged + 1))
    else
        kill_trial_failed "trial $i (killed after $KILL_MS ms): rerun exit $rc, left '$left', overlaps $overlaps,$bad" \
            "$T_TMP/rerun.err" "$log"
    fi
    kill_escapees_end "$log"
done
echo "# modules install: converged $converged of $TRIALS; $mid kills landed during or after rpm -Uvh; $swept re-runs ended processes a killed run left"
kill_verdict "modules install" "$TRIALS" "$converged" "$mid" $((TRIALS / 6)) "during or after rpm -Uvh" "$swept"
t_done
