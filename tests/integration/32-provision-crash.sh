#!/bin/bash
# Crash safety: provision killed with SIGKILL at a random moment, then run
# again: the re-run recognises the half-made disk as its own (the journal) and
# ends in the planned layout (sfdisk --json + blkid). On image files (mkfs
# through autoclear loop devices) and on a loop device (partition nodes); some
# re-runs are killed too before a last, complete run.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid mkfs.ext4 mkswap losetup
layout_root
RUNS=${CRASH_RUNS:-21}
img=$R/img/crash.img

now_ms() { date +%s%3N; }
state() { # the journal's provision state after a kill: partitioning / formatting:N / done (maybe the last run's)
    local j=$R/var/lib/mt-agent/state.json st n
    st=$(tr -d '\n ' <"$j" 2>/dev/null | sed 's/.*"provision":{//' | grep -o '"state":"[a-z]*"' | head -n 1 | cut -d'"' -f4)
    n=$(tr -d '\n ' <"$j" 2>/dev/null | grep -o '"formatted":{[^}]*}' | grep -o '"[0-9]":' | wc -l)
    case $st in formatting) echo "formatting:$n" ;; "") echo none ;; *) echo "$st" ;; esac
}

# how long one uninterrupted run takes here: the kills are spread over it
rm -f "$img"; truncate -s 25G "$img"
t0=$(now_ms)
expect_exit 0 "uninterrupted run" "$MT_AGENT" --root "$R" provision --disk "$img" --ram-mib 1024 --lazy-init
span=$(( $(now_ms) - t0 ))
[ $span -lt 200 ] && span=200
echo "# one run takes $span ms; kills land in [0, $span) ms"

mid=0
kills=""
for i in $(seq 1 "$RUNS"); do
    if [ $((i % 3)) = 0 ]; then # every third run on a loop device
        rm -f "$R/img/crash-loop.img"; truncate -s 25G "$R/img/crash-loop.img"
        disk=$(t_loop_attach "$R/img/crash-loop.img"); check_disk=$disk
    else
        rm -f "$img"; truncate -s 25G "$img"
        disk=$img; check_disk=$img
    fi
    delay=$((RANDOM * 32768 + RANDOM))
    delay=$((delay % span))
    "$MT_AGENT" --root "$R" provision --disk "$disk" --ram-mib 1024 --lazy-init >"$T_TMP/run.out" 2>&1 &
    pid=$!
    sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
    kill -KILL $pid 2>/dev/null
    wait $pid 2>/dev/null
    st=$(state)
    case $st in partitioning|formatting*) mid=$((mid + 1)) ;; esac
    kills="$kills $st"
    # every fourth time the first re-run is killed too, a little later
    if [ $((i % 4)) = 0 ]; then
        "$MT_AGENT" --root "$R" provision --disk "$disk" --ram-mib 1024 --lazy-init >"$T_TMP/run.out" 2>&1 &
        pid=$!
        sleep "0.$(printf '%03d' $((RANDOM % 1000)))"
        kill -KILL $pid 2>/dev/null
        wait $pid 2>/dev/null
    fi
    expect_exit 0 "run $i: killed after $delay ms ($st), the re-run converges" \
        "$MT_AGENT" --root "$R" provision --disk "$disk" --ram-mib 1024 --lazy-init
    layout_verify "run $i ($disk)" "$check_disk" 1024
    case $disk in /dev/*) t_loop_detach "$disk" ;; esac
done
echo "# journal state at each kill:$kills"
[ $mid -ge $((RUNS / 4)) ] && ok "$mid of $RUNS kills landed mid-provision (partitioning/formatting)" ||
    not_ok "only $mid of $RUNS kills landed mid-provision: the crash test did not exercise much"

# nothing left behind: no loop device still bound to the images
sleep 1
assert_eq "no loop device left on the image" "$(losetup -j "$img" | wc -l)" 0
t_done
