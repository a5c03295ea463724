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
. "$MT_TOP/tests/lib.sh"
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid wipefs mkfs.ext4 mkfs.xfs mkfs.minix mkswap pvcreate xorriso losetup partx
layout_root
ORACLE=$MT_TOP/tests/integration/findings_oracle.py
SIZE=30G

fresh() { rm -f "$R/img/$1.img"; truncate -s "$SIZE" "$R/img/$1.img"; echo "$R/img/$1.img"; }
ends() { # sha256 of the first and last 8 MiB
    { head -c 8M "$1"; tail -c 8M "$1"; } | sha256sum | cut -d' ' -f1
}
# partitions of a loop device appear through partx (no udev needed)
loop_parts() { local l; l=$(t_loop_attach "$1") && partx -a "$l" 2>/dev/null; echo "$l"; }

# ---- the shapes: each prints nothing, leaves $R/img/NAME.img ---------------------
shape_issue_case() { # GPT, 2 partitions, ext4 at 1 MiB; the first MiB then zeroed by hand
    local img l; img=$(fresh issue_case)
    printf 'label: gpt\n,2G\n,\n' | sfdisk -q "$img"
    l=$(loop_parts "$img"); mkfs.ext4 -q -F -L OLDDATA "${l}p1"; t_loop_detach "$l"
    dd if=/dev/zero of="$img" bs=1M count=1 conv=notrunc status=none
}
shape_gpt_primary_zeroed() { # GPT header at LBA 1 zeroed, protective MBR kept
    local img; img=$(fresh gpt_primary_zeroed)
    printf 'label: gpt\n,2G\n' | sfdisk -q "$img"
    dd if=/dev/zero of="$img" bs=512 seek=1 count=1 conv=notrunc status=none
}
shape_md090_end() { # md 0.90 superblock at the end (64 KiB aligned), nothing at the start
    local img; img=$(fresh md090_end)
    python3 - "$img" <<'EOF'
import os, struct, sys, uuid
size = os.path.getsize(sys.argv[1]); off = (size & ~65535) - 65536
u = struct.unpack("<4I", uuid.uuid4().bytes)
sb = struct.pack("<IIIIIIIiIIIIIIII", 0xa92b4efc, 0, 90, 0, 0, u[0], 1700000000, 1, 1024, 2, 2, 0, 0, u[1], u[2], u[3])
with open(sys.argv[1], "r+b") as f:
    f.seek(off); f.write(sb)
EOF
}
shape_lvm_pv() {
    local img l; img=$(fresh lvm_pv)
    l=$(t_loop_attach "$img"); pvcreate -q -ff -y "$l" >/dev/null 2>&1 || not_ok "pvcreate on $l"; t_loop_detach "$l"
}
shape_luks1() { # a LUKS1 header (the fields libblkid reads)
    local img; img=$(fresh luks1)
    python3 - "$img" <<'EOF'
import struct, sys, uuid
h = bytearray(592); h[0:6] = b"LUKS\xba\xbe"; struct.pack_into(">H", h, 6, 1)
h[8:11] = b"aes"; h[40:49] = b"xts-plain"; h[72:78] = b"sha256"; struct.pack_into(">II", h, 104, 4096, 64)
h[168:204] = str(uuid.uuid4()).encode()
open(sys.argv[1], "r+b").write(h)
EOF
}
shape_iso9660() { # an ISO 9660 image written over the disk's start
    local img; img=$(fresh iso9660)
    mkdir -p "$T_TMP/isodir"; echo data >"$T_TMP/isodir/file"
    xorriso -as mkisofs -quiet -V OLDISO -o "$T_TMP/old.iso" "$T_TMP/isodir" 2>/dev/null
    dd if="$T_TMP/old.iso" of="$img" conv=notrunc status=none
}
shape_minix_in_partition() { # a type never tried before, inside a dos partition
    local img l; img=$(fresh minix_in_partition)
    printf 'label: dos\n,256M,83\n' | sfdisk -q "$img"
    l=$(loop_parts "$img"); mkfs.minix -3 "${l}p1" >/dev/null; t_loop_detach "$l"
}
lost_table() { # NAME START_SECTOR MKFS...: a dos table with one partition at START, a file system in
    # it, then the table erased (sector 0 zeroed; or the first MiB when START is 1 MiB or more)
    local name=$1 start=$2 img l; shift 2; img=$(fresh "$name")
    printf 'label: dos\nstart=%s,size=2097152,type=83\n' "$start" | sfdisk -q "$img"
    l=$(loop_parts "$img"); "$@" "${l}p1" >/dev/null 2>&1 || not_ok "$name: $* ${l}p1"; t_loop_detach "$l"
    if [ "$start" -ge 2048 ]; then dd if=/dev/zero of="$img" bs=1M count=1 conv=notrunc status=none
    else dd if=/dev/zero of="$img" bs=512 count=1 conv=notrunc status=none; fi
}
shape_lost_table_xfs63() { lost_table lost_table_xfs63 63 mkfs.xfs -q -f; }
shape_lost_table_ext4_1mib() { lost_table lost_table_ext4_1mib 2048 mkfs.ext4 -q -F -L GONE; }
shape_lost_table_swap_64k() { lost_table lost_table_swap_64k 128 mkswap -L OLDSWAP; }
shape_unrecognised() { # bytes nothing can name, near the start and near the end
    local img; img=$(fresh unrecognised)
    head -c 4096 /dev/urandom | dd of="$img" bs=4096 seek=2 conv=notrunc status=none
    head -c 4096 /dev/urandom | dd of="$img" bs=4096 seek=$(($(stat -c %s "$img") / 4096 - 3)) conv=notrunc status=none
}

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
        "$MT_AGENT" --root "$R" --json provision --disk "/img/$name.img" --ram-mib 1024
    cp "$T_OUT" "$T_TMP/$name.json"
    assert_eq "$name: first and last 8 MiB unchanged" "$(ends "$img")" "$before"
    assert_eq "$name: $type found as the oracle ($oracle $arg) sees it" \
        "$(python3 "$ORACLE" "$T_TMP/$name.json" "$img" "$type" $oracle $arg)" OK
    if [ "$type" = - ]; then
        assert_grep "$name: stderr names the unrecognised data and its offset" "unrecognised data at offset [0-9]+" "$T_ERR"
    else
        assert_grep "$name: stderr names $type and its byte offset" "$type[^;]* at byte [0-9]+" "$T_ERR"
    fi
    assert_eq "$name: --json findings have kind, type, label, offset, source" \
        "$(python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]; print(bool(f) and all(set(("kind","type","label","offset","source")) <= set(x) for x in f))' "$T_TMP/$name.json")" True
done <<<"$SHAPES"

# --no-act with --wipe --yes: lists what it would erase, same exit code as the real run, no byte changes
for name in $made; do
    img=$R/img/$name.img
    before=$(ends "$img")
    expect_exit 0 "$name: --no-act --wipe --yes (exit 0 as the real run)" \
        "$MT_AGENT" --root "$R" provision --disk "/img/$name.img" --ram-mib 1024 --wipe --yes --no-act
    assert_grep "$name: --no-act lists what it would erase" "would erase" "$T_OUT"
    assert_eq "$name: --no-act changed nothing" "$(ends "$img")" "$before"
done

# --wipe --yes: everything found is erased; only our table and file systems remain
for name in $made; do
    img=$R/img/$name.img
    expect_exit 0 "$name: --wipe --yes provisions it" \
        "$MT_AGENT" --root "$R" provision --disk "/img/$name.img" --ram-mib 1024 --wipe --yes --lazy-init
    assert_eq "$name: wipefs lists only the new dos table" "$(python3 "$ORACLE" - "$img" - clean)" OK
    layout_verify "$name after --wipe" "$img" 1024
    expect_exit 0 "$name: a second run finds nothing but the plan" \
        "$MT_AGENT" --root "$R" provision --disk "/img/$name.img" --ram-mib 1024
    assert_grep "$name: already provisioned" "already provisioned" "$T_OUT"
    rm -f "$img"
done
t_done
