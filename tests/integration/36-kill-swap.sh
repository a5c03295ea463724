#!/bin/bash
# A killed run is finished only on its own disk. provision and retention are
# killed (SIGKILL, at chosen points, by a stand-in for mkfs.ext4 on PATH) so that
# the journal is left in each state it has: provision formatting before and after
# p1's mkfs completed, formatting with 1 and 3 file systems recorded, partitioning
# with p1 made; retention formatting before and after its mkfs completed (provision
# killed partitioning on a block device: 36-kill-swap-loop.sh). Then another disk
# is put at the same path: every shape of shapes.lib, and the killed disk's own
# content on a disk of another size: each refused (exit 3), its first and last
# 8 MiB unchanged. The killed run's own disk, put back, is finished (exit 0,
# sfdisk --json and blkid show the plan; retention: the volume mounted).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
. "$MT_TOP/tests/integration/shapes.lib"
t_require python3 sfdisk blkid wipefs mkfs.ext4 mkfs.xfs mkfs.minix mkswap pvcreate xorriso losetup partx
layout_root
. "$MT_TOP/tests/integration/kill-swap.lib"
kill_swap_shapes $SHAPE_NAMES

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
