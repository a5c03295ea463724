"""on_tty: runs a command with a pseudo-terminal as its stdin, stdout and
stderr, types an answer after its confirmation prompt, and reports what the
terminal showed, to test prompts that only a terminal gets.

    python3 tests/lib/on_tty.py ANSWER CMD [ARG...]

ANSWER is typed, then Enter, once the output holds "Type 'yes'"; the word EOF
sends ^D at the start of a line (end of input) instead. Output (stdout): the
terminal's text, carriage returns removed, then a line "rc=N" (N the exit
status, or 128 + the signal). Bounded: 60 s at most, then the command is
waited for as it is. Exit 0 (the command's status is in the text).
"""
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
