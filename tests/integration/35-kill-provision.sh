#!/bin/bash
# provision SIGKILLed at moments spread over one run (30 times) on a blank image, re-run at
# once. mkfs.ext4 and mkswap are stand-in wrappers (first in PATH) around the
# real tools: they record start, done and end with pid and time, flag overlap
# (one lock for both: two formatting at once means two runs wrote the disk) and
# start an escapee in its own session. After each re-run: no process of the
# killed run is left, no two mkfs ever ran at once, and the disk carries the
# planned layout (sfdisk --json, blkid) with clean file systems (e2fsck -fn).
# Exactly once for provision is judged by the journal and the disk, as
# 32-provision-crash.sh does (a format whose completion was not recorded may run
# again on the re-run; that rewrites an unused file system).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
. "$MT_TOP/tests/integration/kill.lib"
t_require python3 sfdisk blkid mkfs.ext4 mkswap e2fsck losetup flock setsid
TRIALS=${KILL_TRIALS:-30}
layout_root
img=$R/img/kill.img
log=$T_TMP/standin.log
bin=$T_TMP/bin
mkdir -p "$bin"
kill_standin_wrap "$bin/mkfs.ext4" mkfs.ext4 "$log" "$T_TMP/mkfs.lock" "$(command -v mkfs.ext4)"
kill_standin_wrap "$bin/mkswap" mkswap "$log" "$T_TMP/mkfs.lock" "$(command -v mkswap)"
export PATH="$bin:$PATH"
prov() { "$MT_AGENT" --root "$R" provision --disk "$img" --ram-mib 1024 --lazy-init; }
fresh() { rm -f "$img"; truncate -s 25G "$img"; rm -rf "$R/var/lib/mt-agent"; : >"$log"; }

fresh
kill_measure "uninterrupted provision" "$log" prov
span=$KILL_SPAN

converged=0 mid=0 swept=0
for i in $(seq 1 "$TRIALS"); do
    fresh
    kill_trial_kill "$i" "$TRIALS" "$span" "$T_TMP/killed.out" \
        "$MT_AGENT" --root "$R" provision --disk "$img" --ram-mib 1024 --lazy-init
    grep -q "^start" "$log" && mid=$((mid + 1))
    prov >"$T_TMP/rerun.out" 2>"$T_TMP/rerun.err"
    rc=$?
    kill_swept "$T_TMP/rerun.err" && swept=$((swept + 1))
    left=$(kill_leftovers "$log")
    overlaps=$(kill_overlaps "$log")
    fails_before=$t_fail
    layout_verify "trial $i" "$img" 1024 >"$T_TMP/verify.out"
    fsck=""
    sfdisk --json "$img" 2>/dev/null | python3 "$MT_TOP/tests/lib/sfdisk_table.py" - | awk '{ print $1, $2, $3, $5 }' >"$T_TMP/parts"
    while read -r n off size type; do
        [ "$type" = 83 ] || continue
        L=$(losetup --find --show -o "$off" --sizelimit "$size" "$img") || { fsck="$fsck p$n(losetup)"; continue; }
        e2fsck -fn "$L" >/dev/null 2>&1 || fsck="$fsck p$n"
        losetup -d "$L"
    done <"$T_TMP/parts"
    [ "$(grep -c ' 83$' "$T_TMP/parts")" = 3 ] || fsck="$fsck (not 3 ext4 partitions)"
    if [ $rc = 0 ] && [ -z "$left" ] && [ "$overlaps" = 0 ] && [ $t_fail = $fails_before ] && [ -z "$fsck" ]; then
        converged=$((converged + 1))
    else
        cat "$T_TMP/verify.out"
        kill_trial_failed "trial $i (killed after $KILL_MS ms): rerun exit $rc, left '$left', overlaps $overlaps, e2fsck -fn failed on:$fsck" \
            "$T_TMP/rerun.err" "$log"
    fi
    kill_escapees_end "$log"
done
echo "# provision: converged $converged of $TRIALS; $mid kills landed after a format had started; $swept re-runs ended processes a killed run left"
kill_verdict provision "$TRIALS" "$converged" "$mid" $((TRIALS / 4)) "after a format started" "$swept"
sleep 1
assert_eq "no loop device left on the image" "$(losetup -j "$img" | wc -l)" 0
t_done
