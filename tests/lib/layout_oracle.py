"""layout_oracle: does a disk carry a plan? sfdisk --json for the table (label,
starts, sizes, types, boot flag), blkid -p on each partition's range for the
file system type, label and UUID; with an fstab, its entries name those UUIDs.

    python3 tests/lib/layout_oracle.py PLAN.json SFDISK.json DISK [FSTAB]
prints OK, or what differs ("p2 size 123; fstab lacks UUID=... /home").
"""
import json, subprocess, sys
plan = json.load(open(sys.argv[1]))
table = json.load(open(sys.argv[2]))["partitiontable"]
disk, fstab = sys.argv[3], sys.argv[4]
bad = []
if table["label"] != "dos": bad.append("label %s" % table["label"])
parts = table["partitions"]
if len(parts) != len(plan["partitions"]): bad.append("%d partitions" % len(parts))
uuids = {}
for want, got in zip(plan["partitions"], parts):
    ss = table.get("sectorsize", 512)
    if got["start"] * ss != want["start_bytes"]: bad.append("p%d start %d" % (want["number"], got["start"]))
    if got["size"] * ss != want["size_bytes"]: bad.append("p%d size %d" % (want["number"], got["size"]))
    if got["type"] != ("82" if want["fstype"] == "swap" else "83"): bad.append("p%d type %s" % (want["number"], got["type"]))
    if bool(got.get("bootable")) != want["boot"]: bad.append("p%d boot flag" % want["number"])
    b = subprocess.run(["blkid", "-p", "-o", "export", "-O", str(want["start_bytes"]), "-S", str(want["size_bytes"]), disk],
                       capture_output=True, text=True).stdout
    kv = dict(l.split("=", 1) for l in b.splitlines() if "=" in l)
    if kv.get("TYPE") != want["fstype"]: bad.append("p%d blkid TYPE %s" % (want["number"], kv.get("TYPE")))
    if kv.get("LABEL") != want["label"]: bad.append("p%d blkid LABEL %s" % (want["number"], kv.get("LABEL")))
    uuids[want["mount"]] = kv.get("UUID")
if fstab:
    lines = [l.split() for l in open(fstab) if l.strip() and not l.startswith("#")]
    for mnt, uuid in uuids.items():
        if not any(l[0] == "UUID=%s" % uuid and l[1] == mnt for l in lines): bad.append("fstab lacks UUID=%s %s" % (uuid, mnt))
print("OK" if not bad else "; ".join(bad))
