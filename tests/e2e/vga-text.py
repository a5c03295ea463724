#!/usr/bin/env python3
"""vga-text.py SOCKET [--keep]: prints the VGA text screen (80x25 at 0xb8000) of a running qemu
through its monitor (-monitor unix:SOCKET,server,nowait), then quits qemu
(unless --keep).
For boot loaders that write to the screen and not to a serial line (GRUB's menu)."""
import re
import socket
import sys
import time


def cmd(s, c, wait=3.0):
    s.sendall((c + "\n").encode())
    out = b""
    end = time.time() + wait
    while time.time() < end:
        try:
            d = s.recv(65536)
        except socket.timeout:
            break
        if not d:
            break
        out += d
    return out.decode(errors="replace")


def main():
    s = socket.socket(socket.AF_UNIX)
    for _ in range(50):
        try:
            s.connect(sys.argv[1])
            break
        except OSError:
            time.sleep(0.1)
    s.settimeout(1.0)
    cmd(s, "", 1.0)
    raw = cmd(s, "xp /4000bx 0xb8000", 4.0)
    vals = []
    for line in raw.splitlines():
        m = re.match(r"^[0-9a-f]{16}: (.*)$", line.strip())
        if m:
            vals += [int(x, 16) for x in m.group(1).split()]
    chars = vals[0::2]
    text = "".join(chr(c) if 32 <= c < 127 else " " for c in chars)
    for i in range(0, len(text), 80):
        row = text[i:i + 80].rstrip()
        if row:
            print(row)
    if "--keep" in sys.argv[2:]:
        return
    try:
        cmd(s, "quit", 0.5)
    except OSError:
        pass


if __name__ == "__main__":
    main()
