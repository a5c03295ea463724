#!/bin/bash
# provision never loses data: an ext4 image, an xfs image, an LVM PV, a disk
# with a partition table, a mounted loop device, a swap device, a retention
# volume, an image attached to a loop device: each refused with exit 3 and the
# disk unchanged (sha256 before/after). --wipe lists what it destroys and needs
# --yes off a terminal. A provisioned disk is left byte for byte as it is.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid mkfs.ext4 mkfs.xfs mkswap pvcreate pvremove losetup

layout_root
P() { "$MT_AGENT" --root "$R" "$@"; }
sum() { disk_sum "$1"; }
fresh() { rm -f "$R/img/$1"; truncate -s "${2:-25G}" "$R/img/$1"; }

# refused_unchanged NAME DISK WANT_REGEX [extra provision args]: DISK is an
# image file ($R/img/x.img: the operator's path, never looked up under --root)
# or a loop device
refused_unchanged() {
    local name=$1 disk=$2 want=$3 before after
    shift 3
    before=$(sum "$disk")
    expect_exit 3 "$name: refused (exit 3)" "$MT_AGENT" --root "$R" provision --disk "$disk" --ram-mib 1024 "$@"
    assert_grep "$name: names what it found" "$want" "$T_ERR"
    after=$(sum "$disk")
    assert_eq "$name: disk unchanged (sha256)" "$after" "$before"
}

# an ext4 image, an xfs image, an image with a partition table
fresh ext4.img; mkfs.ext4 -q -F -L OLDDATA "$R/img/ext4.img"
refused_unchanged "ext4 image" "$R/img/ext4.img" "carries data: ext4 'OLDDATA' at byte 1080 \\(whole disk\\)"
fresh xfs.img; mkfs.xfs -q -f "$R/img/xfs.img"
refused_unchanged "xfs image" "$R/img/xfs.img" "carries data: xfs at byte 0 \\(whole disk\\)"
fresh pt.img; printf 'label: dos\n,1G,83\n' | sfdisk -q "$R/img/pt.img"
refused_unchanged "partition table" "$R/img/pt.img" "carries data: dos partition table with 1 partition"
# even an empty GPT
fresh gpt.img; printf 'label: gpt\n' | sfdisk -q "$R/img/gpt.img"
refused_unchanged "empty GPT" "$R/img/gpt.img" "gpt partition table with 0 partitions"

# an LVM physical volume on a loop device
fresh pv.img
L=$(t_loop_attach "$R/img/pv.img")
if pvcreate -q -ff -y "$L" >/dev/null 2>&1; then
    refused_unchanged "LVM PV on $L" "$L" "LVM2_member at byte 536 \\(whole disk\\)"
    pvremove -q -ff -y "$L" >/dev/null 2>&1 || not_ok "pvremove $L"
else
    not_ok "pvcreate on $L"
fi
t_loop_detach "$L"

# a mounted loop device (refused with --wipe --yes too)
fresh mnt.img; mkfs.ext4 -q -F "$R/img/mnt.img"
L=$(t_loop_attach "$R/img/mnt.img")
mkdir -p "$T_TMP/mnt"
if mount "$L" "$T_TMP/mnt"; then
    t_track_mount "$T_TMP/mnt"
    refused_unchanged "mounted $L" "$L" "$L mounted at $T_TMP/mnt"
    refused_unchanged "mounted $L, --wipe --yes" "$L" "is in use: $L mounted at" --wipe --yes
    # the image under it is in use too
    refused_unchanged "image of mounted $L" "$R/img/mnt.img" "is in use: .*attached to $L"
    umount "$T_TMP/mnt"
else
    not_ok "mount $L"
fi
t_loop_detach "$L"

# a swap device in use
fresh swap.img 1G; mkswap -q "$R/img/swap.img" >/dev/null
L=$(t_loop_attach "$R/img/swap.img")
if swapon "$L" 2>/dev/null; then
    refused_unchanged "swap $L" "$L" "$L in use as swap" --wipe --yes
    swapoff "$L"
else
    not_ok "swapon $L"
fi
t_loop_detach "$L"

# a retention volume: refused even with --wipe --yes
fresh ret.img; mkfs.ext4 -q -F -L MT_RETENTION "$R/img/ret.img"
refused_unchanged "retention volume" "$R/img/ret.img" "holds the retention volume \(label MT_RETENTION\)" --wipe --yes
# in a partition too
fresh ret2.img; printf 'label: dos\n,2G,83\n' | sfdisk -q "$R/img/ret2.img"
L=$(t_loop_attach "$R/img/ret2.img"); partx -a "$L" 2>/dev/null
mkfs.ext4 -q -F -L MT_RETENTION "${L}p1" && t_loop_detach "$L"
refused_unchanged "retention volume in partition 1" "$R/img/ret2.img" "MT_RETENTION' at byte 1049656 \\(partition 1 of dos\\)" --wipe --yes

# a partition instead of a disk: usage error
fresh part.img; printf 'label: dos\n,2G,83\n' | sfdisk -q "$R/img/part.img"
L=$(t_loop_attach "$R/img/part.img"); partx -a "$L" 2>/dev/null
expect_exit 2 "a partition is not a disk" "$MT_AGENT" --root "$R" provision --disk "${L}p1" --ram-mib 1024
assert_grep "a partition: says to name the disk" "is a partition; name the whole disk" "$T_ERR"
t_loop_detach "$L"

# --wipe without --yes, stdin not a terminal: refused, unchanged
refused_unchanged "--wipe without --yes" "$R/img/ext4.img" "needs --yes when standard input is not a terminal" --wipe </dev/null
assert_grep "--wipe lists what it would destroy" "this destroys on .*ext4 'OLDDATA'" "$T_ERR"
# --wipe --yes: provisioned, and the JSON says what was destroyed
expect_exit 0 "--wipe --yes provisions the ext4 image" "$MT_AGENT" --root "$R" --json provision --disk "$R/img/ext4.img" --ram-mib 1024 --wipe --yes --lazy-init
read -r n_ext4 n_swap <<<"$(jfield "$T_OUT" 'actions[action=mkfs.ext4]|len' 'actions[action=mkswap]|len')"
assert_eq "--json: verdict, erased ext4, 4 mkfs" \
    "$(jfield "$T_OUT" verdict result 'actions[action=wipe]|len' 'actions[action=wipe].erased.0.type' 'actions[action=wipe].erased.0.offset') $((n_ext4 + n_swap))" \
    "foreign data provisioned 1 ext4 1080 4"
layout_verify "--wipe --yes ext4 image" "$R/img/ext4.img" 1024

# idempotence: a blank image, then a second run changes no byte
fresh idem.img 30G
expect_exit 0 "blank image provisioned" "$MT_AGENT" --root "$R" provision --disk "$R/img/idem.img" --ram-mib 1024 --target-root "$R/target" --lazy-init
layout_verify "blank image" "$R/img/idem.img" 1024 "$R/target/etc/fstab"
before=$(sum "$R/img/idem.img"); fstab_before=$(sum "$R/target/etc/fstab")
expect_exit 0 "second run" "$MT_AGENT" --root "$R" provision --disk "$R/img/idem.img" --ram-mib 1024 --target-root "$R/target"
assert_grep "second run: already provisioned" "already provisioned" "$T_OUT"
assert_eq "second run: image unchanged (sha256)" "$(sum "$R/img/idem.img")" "$before"
assert_eq "second run: fstab unchanged" "$(sum "$R/target/etc/fstab")" "$fstab_before"
# the same disk planned for other RAM is not "ours": refused, unchanged
refused_unchanged "provisioned disk, other plan" "$R/img/idem.img" "carries data: dos partition table with 4 partitions" --ram-mib 6144
# on a loop device: provision, then a second run changes no byte
fresh idem2.img 26G
L=$(t_loop_attach "$R/img/idem2.img")
expect_exit 0 "loop device provisioned" "$MT_AGENT" --root "$R" provision --disk "$L" --ram-mib 1024 --lazy-init
layout_verify "loop device $L" "$L" 1024
before=$(sum "$L")
expect_exit 0 "loop device: second run" "$MT_AGENT" --root "$R" provision --disk "$L" --ram-mib 1024
assert_eq "loop device: second run changes no byte" "$(sum "$L")" "$before"
t_loop_detach "$L"

# fstab keeps unrelated lines
printf '# site entries\nnfs:/export /mnt/nfs nfs defaults 0 0\nLABEL=OLD / ext3 defaults 1 1\n' >"$R/target/etc/fstab"
expect_exit 0 "fstab merge run" "$MT_AGENT" --root "$R" provision --disk "$R/img/idem.img" --ram-mib 1024 --target-root "$R/target"
assert_grep "fstab: unrelated line kept" "^nfs:/export /mnt/nfs nfs defaults 0 0$" "$R/target/etc/fstab"
assert_grep "fstab: comment kept" "^# site entries$" "$R/target/etc/fstab"
assert_eq "fstab: the old / line replaced" "$(grep -c 'LABEL=OLD' "$R/target/etc/fstab")" 0
layout_verify "fstab after merge" "$R/img/idem.img" 1024 "$R/target/etc/fstab"
t_done
