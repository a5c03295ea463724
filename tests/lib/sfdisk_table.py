"""sfdisk_table: the partitions of `sfdisk --json` output, one line each, in
bytes, for a bash loop (losetup -o, blkid -O) or a comparison.

    sfdisk --json IMAGE | python3 tests/lib/sfdisk_table.py -
    python3 tests/lib/sfdisk_table.py FILE        FILE holds sfdisk --json output
    sfdisk --json IMAGE | python3 tests/lib/sfdisk_table.py --label -
        prints only the table's label (dos, gpt)

Output: one line per partition, in table order:
    N START SIZE END TYPE BOOT
N counts from 1; START, SIZE and END (START + SIZE, exclusive) in bytes
(sectors times the table's sectorsize, 512 when sfdisk does not say); TYPE as
sfdisk prints it ("83", or a GPT type GUID); BOOT "boot" when the bootable
flag is set, else "-". A table with no partitions prints nothing.
Exit 0; 1 the input is not sfdisk JSON (no partitiontable); 2 usage.
"""
import json
import sys


def main(argv):
    label_only = len(argv) == 3 and argv[1] == "--label"
    if label_only:
        argv = argv[:1] + argv[2:]
    if len(argv) != 2:
        sys.stderr.write("usage: sfdisk_table.py [--label] FILE|-\n")
        return 2
    try:
        if argv[1] == "-":
            t = json.load(sys.stdin)["partitiontable"]
        else:
            with open(argv[1]) as f:
                t = json.load(f)["partitiontable"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.stderr.write("sfdisk_table: %s: not sfdisk --json output: %r\n" % (argv[1], e))
        return 1
    if label_only:
        print(t["label"])
        return 0
    ss = t.get("sectorsize", 512)
    for n, p in enumerate(t.get("partitions", []), 1):
        start, size = p["start"] * ss, p["size"] * ss
        print(n, start, size, start + size, p["type"], "boot" if p.get("bootable") else "-")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
