#!/bin/bash
# retention: an ext4 MT_RETENTION volume on an empty disk, mounted at the mount
# point with an fstab entry by UUID; an existing volume is reused, never
# reformatted (its files survive, its UUID stays); a disk with other data is
# refused (exit 3, unchanged); the checks layout.* and retention.volume judge it.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 blkid mkfs.ext4 mkfs.xfs losetup
layout_root
M=$R/mnt/retention

# a blank image: created, mounted, in fstab
truncate -s 20G "$R/img/ret.img"
expect_exit 0 "blank disk: retention volume created" "$MT_AGENT" --root "$R" --json retention --disk "$R"/img/ret.img
t_track_mount "$M"
assert_eq "created, mounted now" "$(jfield "$T_OUT" result mounted_now)" "created true"
uuid=$(jfield "$T_OUT" uuid)
assert_eq "blkid: ext4 labelled MT_RETENTION" "$(blkid -p -o value -s TYPE "$R/img/ret.img") $(blkid -p -o value -s LABEL "$R/img/ret.img")" "ext4 MT_RETENTION"
assert_eq "blkid: the UUID reported" "$(blkid -p -o value -s UUID "$R/img/ret.img")" "$uuid"
assert_eq "mounted at the mount point" "$(findmnt -n -o TARGET "$M")" "$M"
assert_grep "fstab entry by UUID" "^UUID=$uuid +/mnt/retention +ext4 +defaults +0 2$" "$R/etc/fstab"
assert_grep "journal: retention done" '"state": "done"' "$R/var/lib/mt-agent/state.json"

# the check passes on it
expect_exit 0 "check retention.volume passes" "$MT_AGENT" --root "$R" --json check --only retention.volume
assert_eq "retention.volume: pass" "$(jfield "$T_OUT" 'checks[id=retention.volume].status')" pass

# a second run: reused, nothing changed
echo "recovery point" >"$M/keep"
sync
expect_exit 0 "second run" "$MT_AGENT" --root "$R" --json retention --disk "$R"/img/ret.img
assert_eq "second run: reused, already mounted, fstab unchanged" "$(jfield "$T_OUT" result mounted_now fstab_changed)" "reused false false"
umount "$M"
# after a "disaster": unmounted, fstab lost: reused, remounted, the data is there
: >"$R/etc/fstab"
expect_exit 1 "check retention.volume fails when unmounted" "$MT_AGENT" --root "$R" check --only retention.volume
expect_exit 0 "reuse after disaster" "$MT_AGENT" --root "$R" --json retention --disk "$R"/img/ret.img
assert_eq "reused, mounted again, fstab written" "$(jfield "$T_OUT" result mounted_now fstab_changed uuid)" "reused true true $uuid"
assert_eq "the data survived (not reformatted)" "$(cat "$M/keep" 2>/dev/null)" "recovery point"
umount "$M"

# an existing MT_RETENTION in partition 1 (an older procedure's): reused
truncate -s 10G "$R/img/old.img"
printf 'label: dos\n,,83\n' | sfdisk -q "$R/img/old.img"
L=$(t_loop_attach "$R/img/old.img"); partx -a "$L" 2>/dev/null
mkfs.ext4 -q -F -L MT_RETENTION "${L}p1"
olduuid=$(blkid -p -o value -s UUID "${L}p1")
expect_exit 0 "partition 1 volume on $L reused" "$MT_AGENT" --root "$R" --json retention --disk "$L" --mount /mnt/old
t_track_mount "$R/mnt/old"
assert_eq "partition 1: reused, same UUID" "$(jfield "$T_OUT" result partition uuid)" "reused 1 $olduuid"
umount "$R/mnt/old"; t_loop_detach "$L"

# other data: refused, unchanged
for fs in xfs ext4; do
    truncate -s 0 "$R/img/other.img"; truncate -s 10G "$R/img/other.img"
    if [ $fs = xfs ]; then mkfs.xfs -q -f "$R/img/other.img"; else mkfs.ext4 -q -F -L DATA "$R/img/other.img"; fi
    before=$(disk_sum "$R/img/other.img")
    expect_exit 3 "$fs disk refused" "$MT_AGENT" --root "$R" retention --disk "$R"/img/other.img --mount /mnt/other
    assert_grep "$fs disk: names what it found" "carries other data: $fs" "$T_ERR"
    assert_eq "$fs disk: unchanged" "$(disk_sum "$R/img/other.img")" "$before"
done
# in use: refused
truncate -s 0 "$R/img/other.img"; truncate -s 10G "$R/img/other.img"
L=$(t_loop_attach "$R/img/other.img")
expect_exit 3 "image attached to a loop device: refused" "$MT_AGENT" --root "$R" retention --disk "$R"/img/other.img --mount /mnt/other
assert_grep "attached: named" "in use: attached to $L" "$T_ERR"
t_loop_detach "$L"
expect_exit 2 "no --disk" "$MT_AGENT" --root "$R" retention

# killed mid-mkfs: the journal says it is ours, the next run waits for the
# orphaned mkfs to let go of its loop device, then finishes it
truncate -s 0 "$R/img/k.img"; truncate -s 50G "$R/img/k.img"
"$MT_AGENT" --root "$R" retention --disk "$R"/img/k.img --mount /mnt/k >/dev/null 2>&1 &
pid=$!
sleep 0.15
kill -KILL $pid 2>/dev/null; wait $pid 2>/dev/null
expect_exit 0 "after a kill the re-run ends with the volume" "$MT_AGENT" --root "$R" --json retention --disk "$R"/img/k.img --mount /mnt/k
t_track_mount "$R/mnt/k"
assert_eq "after the kill: an MT_RETENTION ext4" "$(blkid -p -o value -s TYPE "$R/img/k.img") $(blkid -p -o value -s LABEL "$R/img/k.img")" "ext4 MT_RETENTION"
umount "$R/mnt/k"
# mke2fs killed before it wrote the superblock leaves only its partial writes (group
# descriptors, bitmaps: bytes no probe recognises) on the journal's own disk: a stand-in
# mkfs.ext4 writes such bytes at 32 KiB and fails, as a kill at that moment would leave it.
# The next run recognises its own disk (path, size) and formats it with the journalled UUID;
# the same bytes on a disk of another size are refused and left alone.
sbin=$T_TMP/partial-mkfs
mkdir -p "$sbin"
cat >"$sbin/mkfs.ext4" <<'SH'
#!/bin/sh
for a; do dev=$a; done
printf 'PARTIAL-MKE2FS-GROUP-DESCRIPTORS' | dd of="$dev" bs=1 seek=32768 conv=notrunc 2>/dev/null
exit 1
SH
chmod +x "$sbin/mkfs.ext4"
p_run() { "$MT_AGENT" --root "$R" --json retention --disk "$R"/img/p.img --mount /mnt/p; }
umount "$R/mnt/k" 2>/dev/null
rm -rf "$R/var/lib/mt-agent"
truncate -s 0 "$R/img/p.img"; truncate -s 20G "$R/img/p.img"
PATH="$sbin:$PATH" p_run >"$T_OUT" 2>"$T_ERR"
assert_eq "partial mkfs: the stand-in's bytes are on the image" "$(dd if="$R/img/p.img" bs=1 skip=32768 count=7 2>/dev/null)" "PARTIAL"
assigned=$(jfield "$R/var/lib/mt-agent/state.json" retention.uuid_assigned 2>/dev/null)
assert_eq "partial mkfs: the journal holds the unfinished mkfs" "$(jfield "$R/var/lib/mt-agent/state.json" retention.state 2>/dev/null)" "formatting"
expect_exit 0 "partial mkfs on the journal's own disk: the re-run formats it" p_run
t_track_mount "$R/mnt/p"
assert_eq "partial mkfs: ext4 MT_RETENTION with the journalled UUID" \
    "$(blkid -p -o value -s TYPE "$R/img/p.img") $(blkid -p -o value -s LABEL "$R/img/p.img") $(blkid -p -o value -s UUID "$R/img/p.img")" \
    "ext4 MT_RETENTION $assigned"
umount "$R/mnt/p" 2>/dev/null
rm -rf "$R/var/lib/mt-agent"
truncate -s 0 "$R/img/p.img"; truncate -s 20G "$R/img/p.img"
PATH="$sbin:$PATH" p_run >"$T_OUT" 2>"$T_ERR"
truncate -s 21G "$R/img/p.img"
before=$(disk_sum "$R/img/p.img")
expect_exit 3 "partial mkfs, then the disk grew: another disk, refused" p_run
assert_grep "refused: names the bytes" "unrecognised data at offset 32768" "$T_ERR"
assert_eq "refused: the disk is unchanged" "$(disk_sum "$R/img/p.img")" "$before"
t_done
