"""inventory_oracle: compares the disks of `mt-agent --json inventory` with
what udev's /lib/udev/scsi_id, sysfs and libblkid said of them (in a guest, or
over a fixture), and two inventories with each other.

    python3 tests/lib/inventory_oracle.py scsi-ids INV.json IDS
        IDS: lines "NAME ID" (scsi_id -g -u of each SCSI disk; blank lines
        ignored). Prints "same" when the inventory's SCSI disks (transport
        scsi) are exactly IDS's names with those scsi_id values, else
        "differ: got {...} want {...}".
    python3 tests/lib/inventory_oracle.py guest-ids INV.json IDS
        IDS: lines "NAME SCSI_ID... WWID" as the guest printed them (the
        scsi_id may hold spaces; WWID is sysfs' wwid, "naa.<hex>" or other).
        Prints per disk "NAME scsi_id same|differ: ...", "NAME naa
        same|differ: ..." (naa is WWID's hex after "naa.", has_naa set
        exactly then) and "NAME source VPD_SOURCE driver DRIVER"; a disk the
        inventory lacks prints "NAME missing". Last line: "nonaa NAMES", the
        SCSI disks the inventory finds without an NAA, sorted.
    python3 tests/lib/inventory_oracle.py contents INV.json
        per disk (by NAA, disks without one last): "NAA PTTYPE SIGNATURES",
        SIGNATURES the partitions' types (comma-separated) or else the whole
        disk's; '-' for an empty field. For comparison with blkid -p.
    python3 tests/lib/inventory_oracle.py same-disks A.json B.json
        "source SOURCE_A SOURCE_B" (disk_source), then "same" when both list
        the same disks in the same order with the same name, scsi_id, naa,
        pttype and signatures, else "differ: ...".
    python3 tests/lib/inventory_oracle.py probe-errors INV.json
        per disk "NAME probe_error=ERROR" ('-' when there is none).

Exit 0 (the verdicts are printed); 1 an input is missing or not an inventory
(the message names it); 2 usage.
"""
import json
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def read_ids(path):
    want = {}
    with open(path) as f:
        for line in f:
            if line.strip():
                name, _, ident = line.partition(" ")
                want[name] = ident.strip()
    return want


def scsi_ids(inv_path, ids_path):
    inv, want = load(inv_path), read_ids(ids_path)
    got = dict((d["name"], d["scsi_id"]) for d in inv["disks"] if d["transport"] == "scsi")
    print("same" if got == want else "differ: got %r want %r" % (got, want))


def guest_ids(inv_path, ids_path):
    disks = dict((d["name"], d) for d in load(inv_path)["disks"])
    with open(ids_path) as f:
        lines = [l for l in f if l.strip()]
    for line in lines:
        f = line.split()
        name, wwid = f[0], f[-1]
        sid = " ".join(f[1:-1])
        d = disks.get(name)
        if d is None:
            print("%s missing" % name)
            continue
        print("%s scsi_id %s" % (name, "same" if d["scsi_id"] == sid else
                                 "differ: %r vs scsi_id %r" % (d["scsi_id"], sid)))
        want_naa = wwid[4:] if wwid.startswith("naa.") else ""
        print("%s naa %s" % (name, "same" if d["naa"] == want_naa and d["has_naa"] == bool(want_naa) else
                             "differ: %r vs wwid %r" % (d["naa"], wwid)))
        print("%s source %s driver %s" % (name, d["vpd_source"], d["driver"]))
    print("nonaa " + " ".join(sorted(n for n, d in disks.items() if d["transport"] == "scsi" and not d["has_naa"])))


def contents(inv_path):
    for d in sorted(load(inv_path)["disks"], key=lambda d: d["naa"] or "~"):
        sigs = d["signatures"]
        parts = [s.split(":", 1)[1] for s in sigs if ":" in s and s.split(":", 1)[0] != d["name"]]
        whole = [s.split(":", 1)[1] for s in sigs if s.startswith(d["name"] + ":")]
        print("%s %s %s" % (d["naa"] or "-", d["pttype"] or "-", ",".join(parts or whole) or "-"))


def same_disks(a_path, b_path):
    a, b = load(a_path), load(b_path)

    def key(inv):
        return [(d["name"], d["scsi_id"], d["naa"], d["pttype"], d["signatures"]) for d in inv["disks"]]
    print("source %s %s" % (a["disk_source"], b["disk_source"]))
    print("same" if key(a) == key(b) else "differ: %r vs %r" % (key(a), key(b)))


def probe_errors(inv_path):
    for d in load(inv_path)["disks"]:
        print("%s probe_error=%s" % (d["name"], d["probe_error"] or "-"))


VERBS = {"scsi-ids": (scsi_ids, 2), "guest-ids": (guest_ids, 2), "contents": (contents, 1),
         "same-disks": (same_disks, 2), "probe-errors": (probe_errors, 1)}

if __name__ == "__main__":
    verb = VERBS.get(sys.argv[1] if len(sys.argv) > 1 else "")
    if verb is None or len(sys.argv) != 2 + verb[1]:
        sys.stderr.write("usage: inventory_oracle.py scsi-ids|guest-ids INV.json IDS | contents INV.json |"
                         " same-disks A.json B.json | probe-errors INV.json\n")
        sys.exit(2)
    try:
        verb[0](*sys.argv[2:])
    except (OSError, ValueError, KeyError, TypeError) as e:
        sys.stderr.write("inventory_oracle: %s %s: %s: %r\n" % (sys.argv[1], " ".join(sys.argv[2:]),
                                                                type(e).__name__, e))
        sys.exit(1)
