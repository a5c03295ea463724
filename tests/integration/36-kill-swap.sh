#!/bin/bash
# A killed run is finished only on its own disk. provision and retention are
# killed (SIGKILL, at chosen points: stand-ins for mkfs.ext4 and udevadm on PATH
# kill the agent or hold it) so that the journal is left in each state it has:
# provision partitioning (table written, id not recorded), formatting before
# and after p1's mkfs completed, formatting with 1 and 3 file systems recorded;
# retention formatting before and after its mkfs completed. Then another disk
# is put at the same path: every shape of shapes.lib, and the killed disk's own
# content on a disk of another size: each refused (exit 3), its first and last
# 8 MiB unchanged. The killed run's own disk, put back, is finished (exit 0,
# sfdisk --json and blkid show the plan; retention: the volume mounted).
# mt-test: alone (it re-attaches images to the loop device it was given, by name: a script
# running beside it could take that device in between; tests/run.sh runs it by itself)
. "$MT_TOP/tests/lib.sh"
. "$MT_TOP/tests/integration/layout.lib"
. "$MT_TOP/tests/integration/shapes.lib"
t_require python3 sfdisk blkid wipefs mkfs.ext4 mkfs.xfs mkfs.minix mkswap pvcreate xorriso losetup partx
layout_root
SIZE=25G
FAKE=$T_TMP/fake
mkdir -p "$FAKE"
# mkfs.ext4 stand-in: counts its calls; at call number $(cat kill_at) runs the real
# one when the file "complete" exists, then SIGKILLs the agent (its parent).
cat >"$FAKE/mkfs.ext4" <<EOF
#!/bin/bash
n=\$(( \$(cat "$FAKE/count" 2>/dev/null || echo 0) + 1 )); echo \$n >"$FAKE/count"
if [ "\$n" -ge "\$(cat "$FAKE/kill_at" 2>/dev/null || echo 999)" ]; then
    [ -e "$FAKE/complete" ] && $(command -v mkfs.ext4) "\$@" >/dev/null 2>&1
    kill -KILL \$PPID; exit 1
fi
exec $(command -v mkfs.ext4) "\$@"
EOF
# udevadm stand-in (libparted runs "udevadm settle" after writing a table to a
# block device): says it was reached, then holds the agent there
cat >"$FAKE/udevadm" <<EOF
#!/bin/bash
echo \$\$ >"$FAKE/udevadm.pid"
exec sleep 60
EOF
chmod +x "$FAKE/mkfs.ext4" "$FAKE/udevadm"
A() { PATH="$FAKE:$PATH" "$MT_AGENT" --root "$R" "$@"; }
jstate() { python3 "$MT_TOP/tests/lib/journal.py" state "$R/var/lib/mt-agent/state.json" "$1"; }

for n in $SHAPE_NAMES; do "shape_$n"; mv "$R/img/$n.img" "$R/img/shape-$n.img"; done
ok "built the shapes: $SHAPE_NAMES"

# swap_refused VERB NAME COPY DISK(host path) [args]: every shape (and with COPY=copy an
# other-size copy of the disk at DISKPATH) is put at DISKPATH: refused, unchanged. The disk
# goes back after. (retention takes no copy: a larger copy of its disk holds at most its own
# new volume, which is reused, or nothing; neither loses data.)
swap_refused() {
    local verb=$1 what=$2 copy=$3 disk=$4 n img=$4 before
    shift 4
    mv "$img" "$T_TMP/own.img"
    for n in $SHAPE_NAMES; do
        mv "$R/img/shape-$n.img" "$img"
        before=$(ends "$img")
        expect_exit 3 "$what: $n at the same path refused" A "$verb" --disk "$disk" "$@"
        assert_eq "$what: $n unchanged" "$(ends "$img")" "$before"
        mv "$img" "$R/img/shape-$n.img"
    done
    if [ "$copy" = copy ]; then
        cp --sparse=always "$T_TMP/own.img" "$img"; truncate -s +1G "$img"
        before=$(ends "$img")
        expect_exit 3 "$what: the killed disk's content on a larger disk refused" A "$verb" --disk "$disk" "$@"
        assert_eq "$what: larger disk unchanged" "$(ends "$img")" "$before"
    fi
    mv "$T_TMP/own.img" "$img"
}

# ---- provision: formatting states, by the mkfs.ext4 stand-in, on an image file -----
for kill in "1 -" "1 complete" "2 -" "3 -"; do
    set -- $kill
    rm -f "$FAKE/count" "$FAKE/complete"; echo "$1" >"$FAKE/kill_at"; [ "$2" = complete ] && touch "$FAKE/complete"
    rm -f "$R/img/p.img"; truncate -s $SIZE "$R/img/p.img"
    A provision --disk $R/img/p.img --ram-mib 1024 --lazy-init >/dev/null 2>&1
    st=$(jstate provision)
    how=""; [ "$2" = complete ] && how=" after it completed"
    what="provision killed at ext4 mkfs call $1$how ($st)"
    case $st in "formatting "*) ok "$what: journal says formatting" ;; *) not_ok "$what: journal says formatting" ;; esac
    rm -f "$FAKE/kill_at"
    swap_refused provision "$what" copy "$R/img/p.img" --ram-mib 1024
    expect_exit 0 "$what: its own disk is finished" A provision --disk $R/img/p.img --ram-mib 1024 --lazy-init
    layout_verify "$what" "$R/img/p.img" 1024
done

# a resumed run killed right after re-recording its claim: the journal says partitioning while
# partition 1 already holds the file system with the UUID the journal assigned it
rm -f "$FAKE/count" "$FAKE/complete"; echo 2 >"$FAKE/kill_at"
rm -f "$R/img/p.img"; truncate -s $SIZE "$R/img/p.img"
A provision --disk $R/img/p.img --ram-mib 1024 --lazy-init >/dev/null 2>&1
rm -f "$FAKE/kill_at"
python3 "$MT_TOP/tests/lib/journal.py" set "$R/var/lib/mt-agent/state.json" provision.state partitioning
assert_eq "claim re-recorded: journal says partitioning, p1 formatted" "$(jstate provision)" "partitioning 1"
expect_exit 0 "partitioning with p1 already made by the run: its own disk is finished" \
    A provision --disk $R/img/p.img --ram-mib 1024 --lazy-init
layout_verify "partitioning with p1 made" "$R/img/p.img" 1024

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
assert_eq "$what: the table was written" "$(sfdisk --json "$L" 2>/dev/null | python3 "$MT_TOP/tests/lib/sfdisk_table.py" label)" dos
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

# ---- retention: formatting, before and after its mkfs completed -----------------------
M=$R/mnt/retention
for kill in "1 -" "1 complete"; do
    set -- $kill
    rm -f "$FAKE/count" "$FAKE/complete"; echo 1 >"$FAKE/kill_at"; [ "$2" = complete ] && touch "$FAKE/complete"
    rm -f "$R/img/r.img"; truncate -s 20G "$R/img/r.img"
    A retention --disk $R/img/r.img >/dev/null 2>&1
    how=""; [ "$2" = complete ] && how=" after it completed"
    what="retention killed in mkfs$how ($(jstate retention))"
    assert_eq "$what: journal says formatting" "$(jstate retention)" "formatting 0"
    rm -f "$FAKE/kill_at"
    swap_refused retention "$what" nocopy "$R/img/r.img"
    # the issue's example: a 20 GiB xfs at the same path
    mv "$R/img/r.img" "$T_TMP/own.img"; truncate -s 20G "$R/img/r.img"; mkfs.xfs -q -f "$R/img/r.img"
    before=$(ends "$R/img/r.img")
    expect_exit 3 "$what: a 20 GiB xfs at the same path refused" A retention --disk $R/img/r.img
    assert_eq "$what: the xfs unchanged" "$(ends "$R/img/r.img")" "$before"
    mv "$T_TMP/own.img" "$R/img/r.img"
    expect_exit 0 "$what: its own disk is finished" A --json retention --disk $R/img/r.img
    t_track_mount "$M"
    assert_eq "$what: an ext4 MT_RETENTION, mounted" \
        "$(blkid -p -o value -s TYPE "$R/img/r.img") $(blkid -p -o value -s LABEL "$R/img/r.img") $(findmnt -n -o TARGET "$M")" \
        "ext4 MT_RETENTION $M"
    umount "$M"
done
t_done
