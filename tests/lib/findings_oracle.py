#!/usr/bin/env python3
"""Compare what mt-agent found on a disk with independent oracles.

findings_oracle.py MT_JSON IMAGE TYPE wipefs      every TYPE `wipefs --no-act --json` lists is in
                                                  mt-agent's findings at the same byte offset
findings_oracle.py MT_JSON IMAGE TYPE blkid OFF   `blkid -p -O OFF` says TYPE, and mt-agent found
                                                  TYPE with its magic in [OFF, OFF + 128 KiB)
findings_oracle.py MT_JSON IMAGE - bytes          libblkid (wipefs) names nothing; mt-agent reports
                                                  "unrecognised" at the first non-zero byte of the
                                                  first MiB and of the last MiB (read here)
findings_oracle.py - IMAGE - clean                wipefs lists exactly the dos table at 0x1fe
Prints OK or what differs. MT_JSON is mt-agent --json provision/retention output.
"""
import json, os, subprocess, sys


def wipefs(image):
    out = subprocess.run(["wipefs", "--no-act", "--json", image], capture_output=True, text=True).stdout
    return json.loads(out)["signatures"] if out.strip() else []


def ours(path):
    d = json.load(open(path))
    return [(f["type"], f["offset"], f["kind"]) for f in d["findings"]]


def first_nonzero(image, at, length):
    with open(image, "rb") as f:
        f.seek(at)
        data = f.read(length)
    for i, b in enumerate(data):
        if b:
            return at + i
    return None


def main():
    mt, image, typ, mode = sys.argv[1:5]
    bad = []
    if mode == "wipefs":
        sigs = [s for s in wipefs(image) if s["type"] == typ]
        if not sigs:
            bad.append("wipefs lists no %s" % typ)
        found = ours(mt)
        for s in sigs:
            off = int(s["offset"], 16)
            if not any(t == typ and o == off for t, o, _ in found):
                bad.append("wipefs: %s at %d, mt-agent: %s" % (typ, off, found))
    elif mode == "blkid":
        off = int(sys.argv[5])
        kv = dict(l.split("=", 1) for l in subprocess.run(
            ["blkid", "-p", "-O", str(off), "-o", "export", image], capture_output=True, text=True).stdout.splitlines()
            if "=" in l)
        if kv.get("TYPE") != typ:
            bad.append("blkid -O %d says TYPE %s" % (off, kv.get("TYPE")))
        found = ours(mt)
        if not any(t == typ and off <= o < off + 131072 for t, o, _ in found):
            bad.append("mt-agent found no %s at %d: %s" % (typ, off, found))
    elif mode == "bytes":
        if wipefs(image):
            bad.append("wipefs names something: %s" % wipefs(image))
        size = os.path.getsize(image)
        found = ours(mt)
        for at in (0, size - (1 << 20)):
            nz = first_nonzero(image, at, 1 << 20)
            if nz is not None and not any(k == "unrecognised" and o == nz for _, o, k in found):
                bad.append("first non-zero byte at %d not reported: %s" % (nz, found))
    elif mode == "clean":
        sigs = [(s["type"], s["offset"]) for s in wipefs(image)]
        if sigs != [("dos", "0x1fe")]:
            bad.append("wipefs lists %s" % sigs)
    print("OK" if not bad else "; ".join(bad))


main()
