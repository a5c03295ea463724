"""inventory_oracle: compares the disks of `mt-agent --json inventory` with
what udev's /lib/udev/scsi_id printed for them (in a guest, or over a fixture).

    python3 tests/lib/inventory_oracle.py scsi-ids INV.json IDS
        IDS: lines "NAME ID" (scsi_id -g -u of each SCSI disk; blank lines
        ignored). Prints "same" when the inventory's SCSI disks (transport
        scsi) are exactly IDS's names with those scsi_id values, else
        "differ: got {...} want {...}".

Exit 0 (the verdict is printed); 1 an input is missing or not JSON; 2 usage.
"""
import json
import sys


def read_ids(path):
    want = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                name, _, ident = line.partition(" ")
                want[name] = ident.strip()
    return want


def scsi_ids(inv_path, ids_path):
    with open(inv_path) as f:
        inv = json.load(f)
    want = read_ids(ids_path)
    got = dict((d["name"], d["scsi_id"]) for d in inv["disks"] if d["transport"] == "scsi")
    print("same" if got == want else "differ: got %r want %r" % (got, want))


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "scsi-ids":
        sys.stderr.write("usage: inventory_oracle.py scsi-ids INV.json IDS\n")
        sys.exit(2)
    try:
        scsi_ids(sys.argv[2], sys.argv[3])
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write("inventory_oracle: %s\n" % e)
        sys.exit(1)
