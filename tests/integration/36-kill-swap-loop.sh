#!/bin/bash
# 36-kill-swap.sh's case on a block device: provision killed partitioning (held in
# libparted's "udevadm settle" by a stand-in, then SIGKILLed: the table written,
# its id not recorded) on a loop device; then other disks are put at that loop
# device: each refused (exit 3), its first and last 8 MiB unchanged; the killed
# run's own image, put back at the device, is finished (exit 0, sfdisk --json and
# blkid show the plan).
# mt-test: alone (it re-attaches images to the loop device it was given, by name: a script
# running beside it could take that device in between; tests/run.sh runs it by itself)
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
. "$MT_TOP/tests/integration/shapes.lib"
t_require python3 sfdisk blkid wipefs mkfs.ext4 mkfs.xfs mkfs.minix mkswap pvcreate xorriso losetup partx
layout_root
. "$MT_TOP/tests/integration/kill-swap.lib"
kill_swap_shapes issue_case lvm_pv lost_table_ext4_1mib unrecognised

# ---- provision: partitioning, held in libparted's udevadm settle, on a loop device -----
rm -f "$R/img/q.img" "$FAKE/udevadm.pid"; truncate -s $SIZE "$R/img/q.img"
L=$(t_loop_attach "$R/img/q.img")
# a simple command, not the function A: $! must be the agent itself, not a subshell
# whose death would leave the agent running on (and holding $L)
PATH="$FAKE:$PATH" "$MT_AGENT" --root "$R" provision --disk "$L" --ram-mib 1024 --lazy-init >/dev/null 2>&1 &
apid=$!
for i in $(seq 1 200); do [ -s "$FAKE/udevadm.pid" ] && break; sleep 0.1; done
kill -KILL $apid 2>/dev/null; wait $apid 2>/dev/null
[ -s "$FAKE/udevadm.pid" ] && kill "$(cat "$FAKE/udevadm.pid")" 2>/dev/null
st=$(jstate provision)
assert_eq "provision held in udevadm settle and killed: journal says partitioning" "$st" "partitioning 0"
what="provision killed partitioning ($L)"
assert_eq "$what: the table was written" "$(sfdisk --json "$L" 2>/dev/null | python3 "$MT_TOP/tests/lib/sfdisk_table.py" --label -)" dos
# put IMAGE at loop device $L (a detach completes when the last opener lets go: retried, bounded)
loop_put() { local i; for i in $(seq 1 300); do losetup -P "$L" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
loop_off() { losetup -d "$L"; for i in $(seq 1 50); do losetup "$L" >/dev/null 2>&1 || return 0; sleep 0.1; done; }
loop_off
for n in issue_case lvm_pv lost_table_ext4_1mib unrecognised; do
    if loop_put "$R/img/shape-$n.img"; then
        before=$(ends "$R/img/shape-$n.img")
        expect_exit 3 "$what: $n on $L refused" "$MT_AGENT" --root "$R" provision --disk "$L" --ram-mib 1024
        assert_eq "$what: $n unchanged" "$(ends "$R/img/shape-$n.img")" "$before"
        loop_off
    else
        not_ok "$what: $L taken by another process; cannot put $n there"
    fi
done
if loop_put "$R/img/q.img"; then
    expect_exit 0 "$what: its own disk is finished" "$MT_AGENT" --root "$R" provision --disk "$L" --ram-mib 1024 --lazy-init
    layout_verify "$what" "$L" 1024
    loop_off
else
    not_ok "$what: $L taken by another process"
fi

t_done
