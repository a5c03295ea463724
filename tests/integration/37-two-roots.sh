#!/bin/bash
# Two provisions of one image at once through two --root trees (two journals,
# two journal locks), 10 rounds: the disk claim (an flock on the image, held by
# the agent and every child) lets one write; the other is refused (exit 3, "being
# written by another run") or, when the first finished within its wait, finds the
# planned layout ("already provisioned"). The layout is intact: sfdisk --json and
# blkid show the plan, e2fsck -fn finds the file systems clean.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid mkfs.ext4 mkswap e2fsck losetup
ROUNDS=${TWO_ROOT_ROUNDS:-10}
layout_root
R1=$R
R2=$T_TMP/root2
mkdir -p "$R2/img" "$R2/etc"
for d in dev sys proc; do
    mkdir -p "$R2/$d"
    mount --bind "/$d" "$R2/$d" && t_track_mount "$R2/$d" || { not_ok "bind /$d into the second root"; t_done; }
done
# the same image file seen through both roots (B names it by the other path: one inode, two names)
mount --bind "$R1/img" "$R2/img" && t_track_mount "$R2/img" || { not_ok "bind the image directory into the second root"; t_done; }
img=$R1/img/two.img

fsck_parts() { # IMAGE: prints the ext4 partitions e2fsck -fn does not find clean
    sfdisk --json "$1" 2>/dev/null | python3 "$MT_TOP/tests/lib/sfdisk_table.py" - >"$T_TMP/parts"
    while read -r n off size _ type _; do
        [ "$type" = 83 ] || continue
        L=$(losetup --find --show -o "$off" --sizelimit "$size" "$1") || { echo "p$n(losetup)"; continue; }
        e2fsck -fn "$L" >/dev/null 2>&1 || echo "p$n"
        losetup -d "$L"
    done <"$T_TMP/parts"
}

good=0 refused=0 already=0
for i in $(seq 1 "$ROUNDS"); do
    rm -f "$img"; truncate -s 25G "$img"
    rm -rf "$R1/var/lib/mt-agent" "$R2/var/lib/mt-agent"
    "$MT_AGENT" --root "$R1" provision --disk "$img" --ram-mib 1024 --lazy-init >"$T_TMP/a.out" 2>"$T_TMP/a.err" &
    a=$!
    "$MT_AGENT" --root "$R2" provision --disk "$R2/img/two.img" --ram-mib 1024 --lazy-init >"$T_TMP/b.out" 2>"$T_TMP/b.err" &
    b=$!
    wait $a; ra=$?
    wait $b; rb=$?
    na=$(grep -c ': provisioned$' "$T_TMP/a.out"); nb=$(grep -c ': provisioned$' "$T_TMP/b.out")
    other=""
    if [ "$ra $na" = "0 1" ]; then o=b; ro=$rb; elif [ "$rb $nb" = "0 1" ]; then o=a; ro=$ra; else o=""; fi
    if [ -n "$o" ]; then
        if [ "$ro" = 3 ] && grep -q "being written by another run" "$T_TMP/$o.err"; then other=refused; refused=$((refused + 1))
        elif [ "$ro" = 0 ] && grep -q ": already provisioned$" "$T_TMP/$o.out"; then other=already; already=$((already + 1))
        fi
    fi
    fails_before=$t_fail
    layout_verify "round $i" "$img" 1024
    bad=$(fsck_parts "$img" | tr '\n' ' ')
    if [ -n "$o" ] && [ -n "$other" ] && [ $t_fail = $fails_before ] && [ -z "$bad" ]; then
        good=$((good + 1))
    else
        not_ok "round $i: exits $ra/$rb, provisioned $na/$nb, the other: ${other:-neither refused nor already provisioned}, e2fsck -fn: ${bad:-clean}"
        sed 's/^/    # a: /' "$T_TMP/a.err" | head -n 5; sed 's/^/    # b: /' "$T_TMP/b.err" | head -n 5
    fi
done
echo "# two roots, one image: $good of $ROUNDS rounds one provisioned and the other stood back ($refused refused, $already already provisioned)"
assert_eq "one provisions, the other is refused or finds it provisioned, layout intact: $good of $ROUNDS" "$good" "$ROUNDS"
t_done
