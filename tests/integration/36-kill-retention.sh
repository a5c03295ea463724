#!/bin/bash
# retention SIGKILLed at moments spread over one run (30 times) while it creates the volume on
# a blank image, re-run at once. mkfs.ext4 is a stand-in wrapper (first in PATH)
# around the real one: it records start, done (the real mkfs returned) and end
# with pid and time, flags overlap (a lock it and its children hold), pauses a
# little around the real mkfs and starts an escapee in its own session. After
# each re-run: no process of the killed run is left, no two mkfs ever ran at
# once, at most one mkfs completed and none started after one had (never
# reformatted: the disk is the evidence), blkid and e2fsck -fn agree.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
. "$MT_TOP/tests/integration/kill.lib"
t_require python3 blkid mkfs.ext4 e2fsck losetup flock setsid
TRIALS=${KILL_TRIALS:-30}
layout_root
M=$R/mnt/retention
img=$R/img/ret.img
log=$T_TMP/standin.log
bin=$T_TMP/bin
mkdir -p "$bin"
kill_standin_wrap "$bin/mkfs.ext4" mkfs.ext4 "$log" "$T_TMP/mkfs.lock" "$(command -v mkfs.ext4)" 0.3
export PATH="$bin:$PATH"

fresh() { umount "$M" 2>/dev/null; rm -f "$img"; truncate -s 2G "$img"; : >"$R/etc/fstab"; rm -rf "$R/var/lib/mt-agent"; : >"$log"; }
t_track_mount "$M"

fresh
kill_measure "uninterrupted retention" "$log" "$MT_AGENT" --root "$R" retention --disk "$img"
span=$KILL_SPAN

converged=0 mid=0 swept=0
for i in $(seq 1 "$TRIALS"); do
    fresh
    kill_trial_kill "$i" "$TRIALS" "$span" "$T_TMP/killed.out" "$MT_AGENT" --root "$R" retention --disk "$img"
    grep -q "^start" "$log" && mid=$((mid + 1))
    "$MT_AGENT" --root "$R" retention --disk "$img" >"$T_TMP/rerun.out" 2>"$T_TMP/rerun.err"
    rc=$?
    kill_swept "$T_TMP/rerun.err" && swept=$((swept + 1))
    left=$(kill_leftovers "$log")
    overlaps=$(kill_overlaps "$log")
    made=$(grep -c "^done mkfs.ext4 [0-9]* 0 " "$log")
    # a format started after one had completed would be a reformat (a kill can land
    # after mkfs wrote its last block but before it reported: then none is "done")
    reformat=$(awk '/^done mkfs.ext4 [0-9]+ 0 /{d=1} /^start mkfs.ext4/{if(d)n++} END{print n+0}' "$log")
    umount "$M" 2>/dev/null
    fs="$(blkid -p -o value -s TYPE "$img") $(blkid -p -o value -s LABEL "$img")"
    e2fsck -fn "$img" >"$T_TMP/fsck.out" 2>&1
    fsck=$?
    if [ $rc = 0 ] && [ -z "$left" ] && [ "$overlaps" = 0 ] && [ "$made" -le 1 ] && [ "$reformat" = 0 ] && [ "$fs" = "ext4 MT_RETENTION" ] &&
        [ $fsck = 0 ]; then
        converged=$((converged + 1))
    else
        kill_trial_failed "trial $i (killed after $KILL_MS ms): rerun exit $rc, left '$left', overlaps $overlaps, completed mkfs $made, mkfs started after one completed $reformat, blkid '$fs', e2fsck -fn $fsck" \
            "$T_TMP/rerun.err" "$log"
    fi
    kill_escapees_end "$log"
done
echo "# retention: converged $converged of $TRIALS; $mid kills landed after mkfs had started; $swept re-runs ended processes a killed run left"
kill_verdict retention "$TRIALS" "$converged" "$mid" $((TRIALS / 4)) "after mkfs started" "$swept"
t_done
