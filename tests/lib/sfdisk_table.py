"""sfdisk_table: what `sfdisk --json DISK` says, read from standard input.

    sfdisk --json DISK | python3 tests/lib/sfdisk_table.py label
        the table's label (dos, gpt)
    sfdisk --json DISK | python3 tests/lib/sfdisk_table.py parts
        one line per partition: "N OFFSET_BYTES SIZE_BYTES TYPE" (N from 1)
Exit 1 when the input is not sfdisk's JSON.
"""
import json
import sys


def main(argv):
    if len(argv) != 2 or argv[1] not in ("label", "parts"):
        sys.stderr.write("usage: sfdisk --json DISK | sfdisk_table.py label|parts\n")
        return 2
    try:
        t = json.load(sys.stdin)["partitiontable"]
    except (ValueError, KeyError) as e:
        sys.stderr.write("sfdisk_table: not sfdisk --json output: %s\n" % e)
        return 1
    if argv[1] == "label":
        print(t["label"])
        return 0
    sector = t.get("sectorsize", 512)
    for n, p in enumerate(t.get("partitions", []), 1):
        print(n, p["start"] * sector, p["size"] * sector, p["type"])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
