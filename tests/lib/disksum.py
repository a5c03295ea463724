"""disksum: SHA-256 of an image's content, fast on sparse files: the extents
FIEMAP reports as written (after a sync; holes and unwritten extents read as
zeros) are read in 1 MiB chunks aligned on the file, and only chunks that are
not all zeros are hashed, with their offset. So the sum depends on the bytes
alone, not on how the file is allocated.

    python3 tests/lib/disksum.py IMAGE     prints the hex digest
"""
import fcntl, hashlib, os, struct, sys
CH, N = 1 << 20, 512
h = hashlib.sha256()
fd = os.open(sys.argv[1], os.O_RDONLY)
size = os.fstat(fd).st_size
h.update(str(size).encode())
zero = bytes(CH)
def extents():
    start, flags = 0, 1  # FIEMAP_FLAG_SYNC
    while start < size:
        buf = bytearray(struct.pack("=QQIIII", start, size - start, flags, 0, N, 0) + bytes(56 * N))
        fcntl.ioctl(fd, 0xC020660B, buf)  # FS_IOC_FIEMAP
        n = struct.unpack_from("=I", buf, 20)[0]
        if n == 0:
            return
        for i in range(n):
            lo, _, ln = struct.unpack_from("=QQQ", buf, 32 + 56 * i)
            fl = struct.unpack_from("=I", buf, 32 + 56 * i + 40)[0]
            if not fl & 0x800:  # not FIEMAP_EXTENT_UNWRITTEN
                yield lo, lo + ln
            start = lo + ln
            if fl & 1:  # FIEMAP_EXTENT_LAST
                return
done = -1
for a, b in extents():
    c = a // CH * CH
    while c < b:
        if c > done:
            d = os.pread(fd, CH, c)
            if d != zero[:len(d)]:
                h.update(b"%d:" % c)
                h.update(d)
            done = c
        c += CH
print(h.hexdigest())
