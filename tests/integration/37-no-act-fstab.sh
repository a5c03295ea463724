#!/bin/bash
# --no-act is the whole run without the writes: provision and retention on a
# blank sparse image exit 0, print the verdict and what they would do, and the
# image still has no allocated block (stat %b), the journal and fstab are
# untouched; on a disk with data they exit 3 as the real run does.
# A file we edit loses no line: an fstab with a NUL byte, or with a line over
# 4096 bytes, is refused (exit 3) naming file:line, before anything is written:
# the fstab and the disk stay as they were (the disk still has no block).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 blkid mkfs.ext4 losetup
layout_root
J=$R/var/lib/mt-agent/state.json
blocks() { stat -c %b "$1"; }
sum() { case $1 in *.img) disk_sum "$1" ;; *) sha256sum "$1" 2>/dev/null | cut -d' ' -f1 ;; esac; }

# ---- provision --no-act on a blank image --------------------------------------------
truncate -s 30G "$R/img/blank.img"
expect_exit 0 "provision --no-act on a blank image: exit 0" \
    "$MT_AGENT" --root "$R" provision --disk $R/img/blank.img --ram-mib 1024 --target-root "$R/target" --no-act
assert_grep "prints the verdict" "blank; --no-act: nothing is written" "$T_OUT"
assert_grep "prints the table it would write" "^would partition +$R/img/blank.img" "$T_OUT"
assert_eq "prints the four mkfs it would run" "$(grep -cE '^would (mkfs.ext4|mkswap) ' "$T_OUT")" 4
assert_grep "prints the fstab it would write" "^would fstab +$R/target/etc/fstab" "$T_OUT"
assert_eq "the image has no allocated block" "$(blocks "$R/img/blank.img")" 0
assert_eq "no journal written" "$(test -e "$J" && echo exists || echo none)" none
# nothing at all under the box's /var: no state directory, journal lock or running/
assert_eq "provision --no-act creates nothing under /var" "$(find "$R/var" 2>/dev/null | head -3)" ""
truncate -s 2G "$R/img/ret0.img"
expect_exit 0 "retention --no-act on a fresh box: exit 0" "$MT_AGENT" --root "$R" retention --disk $R/img/ret0.img --no-act
assert_eq "retention --no-act creates nothing under /var" "$(find "$R/var" 2>/dev/null | head -3)" ""
rm -f "$R/img/ret0.img"
assert_eq "no fstab written" "$(test -e "$R/target/etc/fstab" && echo exists || echo none)" none
expect_exit 0 "provision --json --no-act" \
    "$MT_AGENT" --root "$R" --json provision --disk $R/img/blank.img --ram-mib 1024 --no-act
assert_eq "--json: verdict, result, plan, every action marked no_act, no findings" \
    "$(jfield "$T_OUT" verdict result 'plan.partitions|len' 'actions[!no_act]|len' findings)" \
    "blank would be provisioned 4 0 []"
assert_eq "still no allocated block" "$(blocks "$R/img/blank.img")" 0

# the real run after it provisions the image (the dry run planned the same thing)
expect_exit 0 "the real run provisions it" \
    "$MT_AGENT" --root "$R" provision --disk $R/img/blank.img --ram-mib 1024 --lazy-init
layout_verify "after --no-act, the real run" "$R/img/blank.img" 1024
# --no-act on a provisioned disk: already, nothing to do
before=$(sum "$R/img/blank.img")
expect_exit 0 "--no-act on the provisioned image" \
    "$MT_AGENT" --root "$R" provision --disk $R/img/blank.img --ram-mib 1024 --no-act
assert_grep "--no-act: already provisioned" "already provisioned" "$T_OUT"
assert_eq "--no-act: no 'would already provisioned' line" "$(grep -c '^would already' "$T_OUT")" 0
assert_eq "--no-act: the journal was not rewritten" "$(jfield "$J" provision.state)" done

# ---- provision --no-act on a disk with data: exit 3 as the real run ----------------------
truncate -s 30G "$R/img/data.img"; mkfs.ext4 -q -F -L OLD "$R/img/data.img"
before=$(sum "$R/img/data.img"); jbefore=$(sum "$J")
expect_exit 3 "provision --no-act on an ext4 disk: exit 3" \
    "$MT_AGENT" --root "$R" provision --disk $R/img/data.img --ram-mib 1024 --no-act
assert_grep "names what it found" "ext4 'OLD' at byte 1080" "$T_ERR"
assert_eq "unchanged" "$(sum "$R/img/data.img")" "$before"
assert_eq "journal unchanged" "$(sum "$J")" "$jbefore"

# ---- retention --no-act -----------------------------------------------------------------
truncate -s 20G "$R/img/ret.img"
: >"$R/etc/fstab"
expect_exit 0 "retention --no-act on a blank image: exit 0" "$MT_AGENT" --root "$R" retention --disk $R/img/ret.img --no-act
assert_grep "says what it would do" "Would make \\(mkfs.ext4\\) the retention volume, mount it at /mnt/retention; fstab would be updated" "$T_OUT"
assert_eq "retention --no-act: no allocated block" "$(blocks "$R/img/ret.img")" 0
assert_eq "retention --no-act: fstab untouched" "$(stat -c %s "$R/etc/fstab")" 0
assert_eq "retention --no-act: nothing mounted" "$(findmnt -n "$R/mnt/retention" | wc -l)" 0
expect_exit 3 "retention --no-act on an ext4 disk: exit 3" "$MT_AGENT" --root "$R" --json retention --disk $R/img/data.img --no-act
assert_eq "retention --no-act --json: the finding" \
    "$(jfield "$T_OUT" verdict 'findings|len' 'findings.*.type' 'findings.*.label' 'findings.*.offset')" \
    "foreign data 1 ext4 OLD 1080"
assert_eq "retention --no-act: the ext4 disk unchanged" "$(sum "$R/img/data.img")" "$before"

# ---- fstab that cannot be read as text: refused before anything is written ---------------
# bad_fstab NAME CONTENT-MAKER LINE: provision (target root) and retention (/etc/fstab)
bad_fstab() {
    local name=$1 line=$3 fb
    truncate -s 30G "$R/img/f.img"; rm -f "$R/img/f.img"; truncate -s 30G "$R/img/f.img"
    $2 >"$R/target/etc/fstab"; fb=$(sum "$R/target/etc/fstab")
    expect_exit 3 "$name: provision refused (exit 3)" \
        "$MT_AGENT" --root "$R" provision --disk $R/img/f.img --ram-mib 1024 --target-root "$R/target"
    assert_grep "$name: names the file and line" "/target/etc/fstab:$line: " "$T_ERR"
    assert_eq "$name: fstab unchanged" "$(sum "$R/target/etc/fstab")" "$fb"
    assert_eq "$name: the disk was not touched (no allocated block)" "$(blocks "$R/img/f.img")" 0
    $2 >"$R/etc/fstab"; fb=$(sum "$R/etc/fstab")
    rm -f "$R/img/r2.img"; truncate -s 20G "$R/img/r2.img"
    expect_exit 3 "$name: retention refused (exit 3)" "$MT_AGENT" --root "$R" retention --disk $R/img/r2.img
    assert_grep "$name: retention names the file and line" "/etc/fstab:$line: " "$T_ERR"
    assert_eq "$name: /etc/fstab unchanged" "$(sum "$R/etc/fstab")" "$fb"
    assert_eq "$name: the retention disk was not touched" "$(blocks "$R/img/r2.img")" 0
}
with_nul() { printf 'LABEL=a / ext4 defaults 1 1\n/dev/sdz1 /data ext4 defaults 0 2\n\0\0\0\0\0\0\0\0\n# after the crash\n/dev/sdy1 /more xfs defaults 0 2\n'; }
with_long() { printf '# site\n'; printf 'nfs:/%05000d /mnt/x nfs defaults 0 0\n' 0; printf '/dev/sdy1 /more xfs defaults 0 2\n'; }
bad_fstab "fstab with NUL bytes" with_nul 3
bad_fstab "fstab with a 5000-byte line" with_long 2
t_done
