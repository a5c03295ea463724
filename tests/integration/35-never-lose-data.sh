#!/bin/bash
# A disk is blank only when nothing on it can be named. A table of disk shapes
# that an early "is it blank?" (one whole-disk libblkid probe) took for blank or
# that the project never tried: each refused by provision (no --wipe) with exit 3,
# the finding named (type, byte offset) on stderr and in --json, the first and
# last 8 MiB byte-identical. Oracles: wipefs --no-act --json, blkid -p -O OFFSET
# and, for bytes nothing can name, the bytes themselves (findings_oracle.py).
# Then provision --no-act --wipe --yes lists the erasure and changes nothing,
# and provision --wipe --yes provisions each shape: wipefs lists only the new
# dos table, sfdisk --json and blkid show the plan.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid wipefs mkfs.ext4 mkfs.xfs mkfs.minix mkswap pvcreate xorriso losetup partx
layout_root
. "$MT_TOP/tests/integration/shapes.lib"
ORACLE=$MT_TOP/tests/lib/findings_oracle.py

# NAME TYPE ORACLE [ARG]: the table
SHAPES="
issue_case            gpt               wipefs
issue_case            ext4              blkid 1048576
gpt_primary_zeroed    gpt               wipefs
gpt_primary_zeroed    PMBR              wipefs
md090_end             linux_raid_member wipefs
lvm_pv                LVM2_member       wipefs
luks1                 crypto_LUKS       wipefs
iso9660               iso9660           wipefs
minix_in_partition    minix             blkid 1048576
lost_table_xfs63      xfs               blkid 32256
lost_table_ext4_1mib  ext4              blkid 1048576
lost_table_swap_64k   swap              blkid 65536
unrecognised          -                 bytes
"

made=""
while read -r name type oracle arg; do
    [ -n "$name" ] || continue
    img=$R/img/$name.img
    case " $made " in *" $name "*) ;; *) "shape_$name"; made="$made $name" ;; esac
    before=$(ends "$img")
    expect_exit 3 "$name: refused without --wipe (exit 3)" \
        "$MT_AGENT" --root "$R" --json provision --disk "$R/img/$name.img" --ram-mib 1024
    cp "$T_OUT" "$T_TMP/$name.json"
    expect_exit 3 "$name: --no-act refuses it too (exit 3)" \
        "$MT_AGENT" --root "$R" provision --disk "$R/img/$name.img" --ram-mib 1024 --no-act
    assert_eq "$name: first and last 8 MiB unchanged" "$(ends "$img")" "$before"
    assert_eq "$name: $type found as the oracle ($oracle $arg) sees it" \
        "$(python3 "$ORACLE" "$T_TMP/$name.json" "$img" "$type" $oracle $arg)" OK
    if [ "$type" = - ]; then
        assert_grep "$name: stderr names the unrecognised data and its offset" "unrecognised data at offset [0-9]+" "$T_ERR"
    else
        assert_grep "$name: stderr names $type and its byte offset" "$type[^;]* at byte [0-9]+" "$T_ERR"
    fi
    assert_eq "$name: --json findings have kind, type, label, offset, source" \
        "$(jfield "$T_TMP/$name.json" 'findings|has:kind,type,label,offset,source')" true
done <<<"$SHAPES"

# --no-act with --wipe --yes: lists what it would erase, same exit code as the real run, no byte changes
for name in $made; do
    img=$R/img/$name.img
    before=$(ends "$img")
    expect_exit 0 "$name: --no-act --wipe --yes (exit 0 as the real run)" \
        "$MT_AGENT" --root "$R" provision --disk "$R/img/$name.img" --ram-mib 1024 --wipe --yes --no-act
    assert_grep "$name: --no-act lists what it would erase" "would erase" "$T_OUT"
    assert_eq "$name: --no-act changed nothing" "$(ends "$img")" "$before"
done

# --wipe --yes: everything found is erased; only our table and file systems remain
for name in $made; do
    img=$R/img/$name.img
    expect_exit 0 "$name: --wipe --yes provisions it" \
        "$MT_AGENT" --root "$R" provision --disk "$R/img/$name.img" --ram-mib 1024 --wipe --yes --lazy-init
    assert_eq "$name: wipefs lists only the new dos table" "$(python3 "$ORACLE" - "$img" - clean)" OK
    layout_verify "$name after --wipe" "$img" 1024
    expect_exit 0 "$name: a second run finds nothing but the plan" \
        "$MT_AGENT" --root "$R" provision --disk "$R/img/$name.img" --ram-mib 1024
    assert_grep "$name: already provisioned" "already provisioned" "$T_OUT"
    rm -f "$img"
done
t_done
