#!/bin/bash
# plan: the layout for the acceptance matrix (disks 25 GiB, 100 GiB, 1 TiB; RAM 1,
# 6, 16, 128 GiB) in its three forms, sizes read from a sparse image, the 2 TiB
# msdos limit, too-small disks, bad options; what devuse sees on an image.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 mkfs.ext4 mkfs.xfs sfdisk blkid

# JSON plans for the whole matrix first, judged by one python run (its start-up is slow here)
for disk in 25600 102400 1048576; do
    for ram in 1024 6144 16384 131072; do
        "$MT_AGENT" --json plan --disk sda --disk-size-mib $disk --ram-mib $ram >"$T_TMP/plan-$disk-$ram.json" 2>"$T_TMP/plan-$disk-$ram.err"
        echo $? >"$T_TMP/plan-$disk-$ram.rc"
        "$MT_AGENT" plan --disk sda --disk-size-mib $disk --ram-mib $ram --format kickstart >"$T_TMP/plan-$disk-$ram.ks" 2>/dev/null
    done
done
python3 "$MT_TOP/tests/lib/plan_matrix.py" "$T_TMP" >"$T_TMP/matrix.out"
while IFS= read -r line; do
    case $line in "ok - "*) ok "${line#ok - }" ;; *) not_ok "${line#not ok - }" ;; esac
done <"$T_TMP/matrix.out"
assert_eq "matrix: every case judged (76 for the 9 plans, 6 for the 3 refusals)" "$(grep -c "" "$T_TMP/matrix.out")" 82

# the 2 TiB msdos limit: a 3 TiB disk is planned on its first 2 TiB, and says so
expect_exit 0 "plan a 3 TiB disk" "$MT_AGENT" plan --disk sdb --disk-size-mib 3145728 --ram-mib 6144
assert_grep "3 TiB: the note names the msdos limit" "note: .*msdos partition table addresses only the first 2 TiB .*1048576 MiB beyond stay unallocated" "$T_OUT"
expect_exit 0 "plan a 3 TiB disk as kickstart" "$MT_AGENT" plan --disk /dev/sdb --disk-size-mib 3145728 --ram-mib 6144 --format kickstart
assert_grep "3 TiB kickstart: /home stops at 2 TiB" "^part /home .*--grow --maxsize=2042879 --ondisk=sdb " "$T_OUT"
assert_grep "3 TiB kickstart: warned on stderr" "first 2 TiB" "$T_ERR"
"$MT_AGENT" --json plan --disk sdb --disk-size-mib 3145728 --ram-mib 6144 >"$T_OUT" 2>"$T_ERR"
assert_eq "3 TiB JSON: truncated" "$(jfield "$T_OUT" truncated)" true
read -r start size <<<"$(jfield "$T_OUT" partitions.-1.start_bytes partitions.-1.size_bytes)"
assert_eq "3 TiB JSON: ends at 2 TiB" "$((start + size))" 2199023255552

# the sizes come from the disk itself: a sparse image of 100 GiB
img=$T_TMP/disk.img
truncate -s 100G "$img"
expect_exit 0 "plan an image file" "$MT_AGENT" --json plan --disk "$img" --ram-mib 6144
assert_eq "image: its size" "$(jfield "$T_OUT" disk_bytes)" 107374182400
assert_eq "image: blank now" "$(jfield "$T_OUT" current.has_data current.busy)" "false false"
assert_eq "image: --format json is the same plan" "$("$MT_AGENT" plan --disk "$img" --ram-mib 6144 --format json | jfield - partitions.3.size_mib)" 48127
mkfs.ext4 -q -F -L SOMEDATA "$img"
"$MT_AGENT" --json plan --disk "$img" --ram-mib 6144 >"$T_OUT" 2>"$T_ERR"
assert_eq "image: devuse sees the ext4 and its label" "$(jfield "$T_OUT" 'current.signatures|len' current.signatures.0.type current.signatures.0.label)" "1 ext4 SOMEDATA"
mkfs.xfs -q -f "$img"
"$MT_AGENT" --json plan --disk "$img" --ram-mib 6144 >"$T_OUT" 2>"$T_ERR"
assert_eq "image: devuse sees xfs" "$(jfield "$T_OUT" 'current.signatures.*.type')" xfs
truncate -s 0 "$img"; truncate -s 100G "$img"
printf 'label: dos\n,200M,83\n,200M,82\n' | sfdisk -q "$img"
"$MT_AGENT" --json plan --disk "$img" --ram-mib 6144 >"$T_OUT" 2>"$T_ERR"
assert_eq "image: devuse sees the table" "$(jfield "$T_OUT" current.pttype 'current.partitions|len')" "dos 2"
# the RAM comes from the machine (rounded up to 128 MiB) when not given
"$MT_AGENT" --json plan --disk sda --disk-size-mib 1048576 >"$T_OUT" 2>"$T_ERR"
ram=$(jfield "$T_OUT" ram_bytes)
assert_eq "RAM from the machine, a multiple of 128 MiB" "$(( ${ram:-0} % (128 << 20) == 0 && ${ram:-0} > 0 ))" 1

# bad input
expect_exit 2 "no --disk" "$MT_AGENT" plan
assert_grep "no --disk: says so" "--disk is required" "$T_ERR"
expect_exit 2 "bad --format" "$MT_AGENT" plan --disk sda --format yaml
expect_exit 2 "bad --ram-mib" "$MT_AGENT" plan --disk sda --ram-mib -5
expect_exit 2 "bad --disk-size-mib" "$MT_AGENT" plan --disk sda --disk-size-mib 12x
expect_exit 1 "missing disk" "$MT_AGENT" plan --disk "$T_TMP/nonexistent.img"
assert_grep "missing disk: named" "nonexistent.img: no such disk" "$T_ERR"
expect_exit 1 "a directory is not a disk" "$MT_AGENT" plan --disk "$T_TMP"
assert_grep "directory: says what it wants" "neither a block device nor an image file" "$T_ERR"
printf '[layout]\nroot_mib = 20000\nroot_min_mib = 30000\n' >"$T_TMP/bad.conf"
expect_exit 2 "root_min above root: usage error" "$MT_AGENT" --config "$T_TMP/bad.conf" plan --disk sda --disk-size-mib 102400 --ram-mib 1024
assert_grep "root_min above root: named" "root_min_mib" "$T_ERR"

# provision lays exactly that plan down: sparse images of each size, checked by
# sfdisk --json and blkid (layout.lib), for every RAM size the disk can take
layout_root
for disk in 25G 100G 1T; do
    for ram in 1024 6144 16384 131072; do
        [ $disk = 25G ] && [ $ram -gt 1024 ] && continue
        rm -f "$R/img/m.img"; truncate -s $disk "$R/img/m.img"
        expect_exit 0 "provision $disk image for $ram MiB RAM" "$MT_AGENT" --root "$R" provision --disk "$R/img/m.img" --ram-mib $ram --lazy-init --target-root "$R/target"
        layout_verify "provision $disk, $ram MiB RAM" "$R/img/m.img" $ram "$R/target/etc/fstab"
    done
done
# and a 25 GiB disk with 6 GiB RAM is refused as too small, untouched
rm -f "$R/img/m.img"; truncate -s 25G "$R/img/m.img"
expect_exit 1 "provision a too small disk" "$MT_AGENT" --root "$R" provision --disk "$R/img/m.img" --ram-mib 6144
assert_grep "too small: the numbers" "disk of 25600 MiB is too small for RAM 6144 MiB: it needs at least 26625 MiB" "$T_ERR"
assert_eq "too small: nothing written" "$(stat -c %b "$R/img/m.img")" 0
# 3 TiB: msdos on the first 2 TiB, the note printed, sfdisk agrees
rm -f "$R/img/m.img"; truncate -s 3T "$R/img/m.img"
expect_exit 0 "provision a 3 TiB image" "$MT_AGENT" --root "$R" --json provision --disk "$R/img/m.img" --ram-mib 6144 --lazy-init
assert_eq "3 TiB: the plan notes the msdos limit" "$(jfield "$T_OUT" 'plan.notes.0|contains:only the first 2 TiB')" true
layout_verify "provision 3 TiB (first 2 TiB)" "$R/img/m.img" 6144
last_end=$(sfdisk --json "$R/img/m.img" | python3 "$MT_TOP/tests/lib/sfdisk_table.py" - | awk 'END { print $4 }')
assert_eq "3 TiB: the last partition ends at 2 TiB" "$last_end" 2199023255552
rm -f "$R/img/m.img"
t_done
