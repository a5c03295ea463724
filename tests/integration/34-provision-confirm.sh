#!/bin/bash
# provision --wipe without --yes on a terminal: the agent asks, on a real
# pseudo-terminal, and only the answer "yes" destroys the disk. "no", "YES",
# an empty line and end of input keep it byte for byte (exit 3, "not
# confirmed"); "yes" provisions it, as sfdisk --json and blkid then show.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid mkfs.ext4

layout_root
truncate -s 25G "$R/img/ext4.img"
mkfs.ext4 -q -F -L OLDDATA "$R/img/ext4.img"

# on_tty ANSWER CMD...: runs CMD with a pty as its stdin/stdout/stderr, types
# ANSWER (or closes input for "EOF") after the prompt; prints the terminal's
# text, then "rc=N". Bounded: 60 s at most.
on_tty() {
    python3 "$MT_TOP/tests/lib/on_tty.py" "$@"
}

before=$(disk_sum "$R/img/ext4.img")
for answer in no YES "" EOF; do
    on_tty "$answer" "$MT_AGENT" --root "$R" provision --disk "$R/img/ext4.img" --ram-mib 1024 --wipe >"$T_TMP/tty" 2>&1
    assert_grep "answer '$answer': the prompt names the disk" "Type 'yes' to destroy everything on $R/img/ext4.img" "$T_TMP/tty"
    assert_grep "answer '$answer': it lists what would be destroyed first" "destroys on $R/img/ext4.img: ext4 'OLDDATA'" "$T_TMP/tty"
    assert_grep "answer '$answer': not confirmed, exit 3" "^rc=3$" "$T_TMP/tty"
    assert_grep "answer '$answer': says nothing was written" "not confirmed; nothing was written" "$T_TMP/tty"
    assert_eq "answer '$answer': disk unchanged (sha256)" "$(disk_sum "$R/img/ext4.img")" "$before"
done

on_tty yes "$MT_AGENT" --root "$R" provision --disk "$R/img/ext4.img" --ram-mib 1024 --wipe --lazy-init >"$T_TMP/tty" 2>&1
assert_grep "answer 'yes': provisioned, exit 0" "^rc=0$" "$T_TMP/tty"
layout_verify "answer 'yes'" "$R/img/ext4.img" 1024
assert_eq "answer 'yes': the old file system is gone" "$(blkid -p -o value -s LABEL "$R/img/ext4.img" 2>/dev/null)" ""
t_done
