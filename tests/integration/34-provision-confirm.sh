#!/bin/bash
# provision --wipe without --yes on a terminal: the agent asks, on a real
# pseudo-terminal, and only the answer "yes" destroys the disk. "no", "YES",
# an empty line and end of input keep it byte for byte (exit 3, "not
# confirmed"); "yes" provisions it, as sfdisk --json and blkid then show.
. "$MT_TOP/tests/lib.sh"
. "$MT_TOP/tests/integration/layout.lib"
t_require python3 sfdisk blkid mkfs.ext4

layout_root
truncate -s 25G "$R/img/ext4.img"
mkfs.ext4 -q -F -L OLDDATA "$R/img/ext4.img"

# on_tty ANSWER CMD...: runs CMD with a pty as its stdin/stdout/stderr, types
# ANSWER (or closes input for "EOF") after the prompt; prints the terminal's
# text, then "rc=N". Bounded: 60 s at most.
on_tty() {
    python3 - "$@" <<'EOF'
import os, pty, select, sys, time
answer, cmd = sys.argv[1], sys.argv[2:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out, sent, deadline = b"", False, time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 0.5)
    if r:
        try:
            data = os.read(fd, 4096)
        except OSError:
            break
        if not data:
            break
        out += data
    if not sent and b"Type 'yes'" in out:
        sent = True
        if answer == "EOF":
            os.write(fd, b"\x04")   # ^D at the start of a line: end of input
        else:
            os.write(fd, answer.encode() + b"\n")
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace").replace("\r", ""))
print("rc=%d" % (os.WEXITSTATUS(st) if os.WIFEXITED(st) else 128 + os.WTERMSIG(st)))
EOF
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
