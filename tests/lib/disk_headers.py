"""disk_headers: writes one on-disk metadata header into an image file, the
fields libblkid reads, so a test has a disk with data that only a signature
names (used by tests/integration/shapes.lib).

    python3 tests/lib/disk_headers.py md090 IMAGE
        an md 0.90 superblock at the end of IMAGE: at (size & ~64 KiB) - 64 KiB,
        magic a92b4efc, version 0.90.0, level 1, 2 raid disks, a random UUID
    python3 tests/lib/disk_headers.py luks1 IMAGE
        a LUKS1 header at offset 0: aes xts-plain sha256, payload offset 4096,
        key bytes 64, a random UUID

IMAGE is written in place (r+b), its size unchanged. Exit 0; 1 when IMAGE
cannot be written; 2 usage.
"""
import os
import struct
import sys
import uuid


def md090(path):
    size = os.path.getsize(path)
    off = (size & ~65535) - 65536
    u = struct.unpack("<4I", uuid.uuid4().bytes)
    sb = struct.pack("<IIIIIIIiIIIIIIII", 0xa92b4efc, 0, 90, 0, 0, u[0], 1700000000, 1, 1024, 2, 2, 0, 0,
                     u[1], u[2], u[3])
    with open(path, "r+b") as f:
        f.seek(off)
        f.write(sb)


def luks1(path):
    h = bytearray(592)
    h[0:6] = b"LUKS\xba\xbe"
    struct.pack_into(">H", h, 6, 1)
    h[8:11] = b"aes"
    h[40:49] = b"xts-plain"
    h[72:78] = b"sha256"
    struct.pack_into(">II", h, 104, 4096, 64)
    h[168:204] = str(uuid.uuid4()).encode()
    with open(path, "r+b") as f:
        f.write(h)


WRITERS = {"md090": md090, "luks1": luks1}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in WRITERS:
        sys.stderr.write("usage: disk_headers.py md090|luks1 IMAGE\n")
        sys.exit(2)
    try:
        WRITERS[sys.argv[1]](sys.argv[2])
    except OSError as e:
        sys.stderr.write("disk_headers: %s: %s\n" % (sys.argv[2], e))
        sys.exit(1)
