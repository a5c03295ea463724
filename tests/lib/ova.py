#!/usr/bin/env python3
"""tests/lib/ova.py: an OVA reader and a test-side deployer, independent of mt-image.

The oracle for mt-image ova: Python's tarfile and xml.etree read the package the
way a consumer (vSphere's "Deploy OVF Template", ovftool, govc import.ova) does,
and nothing here shares code with image/ovf.c.

  ova.py show OVA
      prints one JSON document: the members in archive order, the manifest and
      whether every digest in it matches, and what the descriptor asks for
      (cpus, memory, controllers, disks with capacities, CD-ROM, NIC, firmware,
      guest OS, ExtraConfig).
  ova.py deploy OVA --dir DIR [--timeout S] [--run-vm PATH]
      checks the manifest (refuses a package whose digests do not match, exit 3),
      then does what a VMware host does with the descriptor, in qemu: the ISO
      file of the package on the CD-ROM, each disk of the DiskSection created
      empty at its capacity (qcow2, sparse) at its unit on the pvscsi
      controller, disk.EnableUUID = TRUE as NAA ids 6000c29... on the disks
      (as scripts/vm does), the vCPUs and memory, a vmxnet3 NIC, BIOS; BIOS boot
      order disk then CD as on VMware (the empty disk does not boot). Prints
      "deploy: ..." lines, then the VM's console (scripts/vm/run-vm.sh).
"""
import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tarfile
import xml.etree.ElementTree as ET

NS = {
    "ovf": "http://schemas.dmtf.org/ovf/envelope/1",
    "rasd": "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_ResourceAllocationSettingData",
    "vssd": "http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CIM_VirtualSystemSettingData",
    "vmw": "http://www.vmware.com/schema/ovf",
}
OVF = "{%s}" % NS["ovf"]
VMW = "{%s}" % NS["vmw"]

# DSP0004 programmatic units the descriptor may use for capacities
UNITS = {"byte": 1, "byte * 2^10": 1 << 10, "byte * 2^20": 1 << 20, "byte * 2^30": 1 << 30,
         "byte * 2^40": 1 << 40}


class Bad(Exception):
    pass


def rasd(item, field):
    e = item.find("rasd:" + field, NS)
    return e.text if e is not None else None


def sha256_member(tf, m):
    h = hashlib.sha256()
    f = tf.extractfile(m)
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    return h.hexdigest()


def parse_manifest(text):
    out = {}
    for line in text.splitlines():
        m = re.fullmatch(r"SHA256\((.+)\)= ([0-9a-f]{64})", line)
        if not m:
            raise Bad("manifest line not 'SHA256(file)= hex': %r" % line)
        out[m.group(1)] = m.group(2)
    return out


def parse_descriptor(xml_bytes):
    root = ET.fromstring(xml_bytes)
    if root.tag != OVF + "Envelope":
        raise Bad("root element is %s, not the OVF 1.x Envelope" % root.tag)
    files = {f.get(OVF + "id"): {"href": f.get(OVF + "href"), "size": int(f.get(OVF + "size"))}
             for f in root.findall("ovf:References/ovf:File", NS)}
    disks = {}
    for d in root.findall("ovf:DiskSection/ovf:Disk", NS):
        unit = d.get(OVF + "capacityAllocationUnits", "byte")
        disks[d.get(OVF + "diskId")] = {"capacity_bytes": int(d.get(OVF + "capacity")) * UNITS[unit],
                                        "fileRef": d.get(OVF + "fileRef"), "format": d.get(OVF + "format")}
    networks = [n.get(OVF + "name") for n in root.findall("ovf:NetworkSection/ovf:Network", NS)]
    vss = root.findall("ovf:VirtualSystem", NS)
    if len(vss) != 1:
        raise Bad("%d VirtualSystem elements, want 1" % len(vss))
    vs = vss[0]
    os_sec = vs.find("ovf:OperatingSystemSection", NS)
    hw = vs.find("ovf:VirtualHardwareSection", NS)
    items = {rasd(i, "InstanceID"): i for i in hw.findall("ovf:Item", NS)}
    out = {"name": vs.get(OVF + "id"), "files": files, "networks": networks,
           "os": {"id": os_sec.get(OVF + "id"), "osType": os_sec.get(VMW + "osType")},
           "hardware_family": hw.find("ovf:System/vssd:VirtualSystemType", NS).text,
           "config": {c.get(VMW + "key"): c.get(VMW + "value") for c in hw.findall("vmw:Config", NS)},
           "extra_config": {c.get(VMW + "key"): {"value": c.get(VMW + "value"),
                                                 "required": c.get(OVF + "required", "true")}
                            for c in hw.findall("vmw:ExtraConfig", NS)},
           "controllers": [], "disks": [], "cdroms": [], "nics": []}
    for iid, i in items.items():
        rt = int(rasd(i, "ResourceType"))
        if rt == 3:
            out["cpus"] = int(rasd(i, "VirtualQuantity"))
        elif rt == 4:
            if rasd(i, "AllocationUnits") != "byte * 2^20":
                raise Bad("memory in %s, this reader takes byte * 2^20" % rasd(i, "AllocationUnits"))
            out["memory_mib"] = int(rasd(i, "VirtualQuantity"))
        elif rt in (5, 6):
            out["controllers"].append({"id": iid, "type": {5: "ide", 6: "scsi"}[rt],
                                       "subtype": rasd(i, "ResourceSubType"), "address": rasd(i, "Address")})
        elif rt == 17:
            ref = rasd(i, "HostResource")
            disk_id = re.fullmatch(r"ovf:/disk/(.+)", ref).group(1)
            out["disks"].append(dict(disks[disk_id], id=disk_id, parent=rasd(i, "Parent"),
                                     unit=int(rasd(i, "AddressOnParent"))))
        elif rt == 15:
            ref = rasd(i, "HostResource") or ""
            m = re.fullmatch(r"ovf:/file/(.+)", ref)
            out["cdroms"].append({"parent": rasd(i, "Parent"), "unit": int(rasd(i, "AddressOnParent")),
                                  "subtype": rasd(i, "ResourceSubType"),
                                  "connected": rasd(i, "AutomaticAllocation") == "true",
                                  "file": files[m.group(1)]["href"] if m else None})
        elif rt == 10:
            out["nics"].append({"subtype": rasd(i, "ResourceSubType"), "network": rasd(i, "Connection")})
    return out


def read_ova(path):
    with tarfile.open(path, "r:") as tf:  # plain tar: an OVA is not compressed
        members = tf.getmembers()
        names = [m.name for m in members]
        if not names or not names[0].endswith(".ovf"):
            raise Bad("the first member is %r, not the .ovf" % (names[:1],))
        desc = parse_descriptor(tf.extractfile(members[0]).read())
        mf = [m for m in members if m.name.endswith(".mf")]
        manifest, ok = {}, {}
        if mf:
            manifest = parse_manifest(tf.extractfile(mf[0]).read().decode())
            for m in members:
                if m.name in manifest:
                    ok[m.name] = sha256_member(tf, m) == manifest[m.name]
    return {"members": [dict(name=m.name, size=m.size, header=raw_header(path, m.offset)) for m in members],
            "manifest": manifest, "manifest_ok": ok,
            "descriptor": desc}


def raw_header(path, offset):
    """What the member's own 512-byte header says: POSIX ustar magic, a regular file
    (type '0'), no pax or GNU extension header in front of it."""
    with open(path, "rb") as f:
        f.seek(offset)
        h = f.read(512)
    magic = {b"ustar\x0000": "ustar", b"ustar  \x00": "gnu"}.get(h[257:265], "v7/other")
    return "%s type %s" % (magic, h[156:157].decode("latin-1") or "?")


def naa(name, disk_id):
    """The 8-byte NAA id qemu gives a disk, VMware-style (IEEE 00:0c:29, like scripts/vm)."""
    h = hashlib.sha256(("%s/%s" % (name, disk_id)).encode()).hexdigest()
    return "6000c29" + h[:9], "6000c29" + h[:25]


def deploy(args):
    info = read_ova(args.ova)
    d = info["descriptor"]
    bad = [n for n, good in info["manifest_ok"].items() if not good]
    missing = [m["name"] for m in info["members"] if m["name"] not in info["manifest"]
               and not m["name"].endswith((".mf", ".cert"))]
    if bad or missing or not info["manifest"]:
        print("deploy: refused: manifest digests do not match for %s; not in the manifest: %s" % (bad, missing))
        return 3
    if d["config"].get("firmware", "bios") != "bios":
        print("deploy: refused: firmware %s (this deployer boots BIOS only)" % d["config"]["firmware"])
        return 3
    scsi = [c for c in d["controllers"] if c["type"] == "scsi"]
    if len(scsi) != 1 or scsi[0]["subtype"] != "VirtualSCSI":
        print("deploy: refused: want one VMware Paravirtual SCSI controller, got %s" % scsi)
        return 3
    os.makedirs(args.dir, exist_ok=True)
    enable_uuid = d["extra_config"].get("disk.EnableUUID", {}).get("value", "").upper() == "TRUE"
    vm = [args.run_vm, "--smp", str(d["cpus"]), "--mem", str(d["memory_mib"]), "--timeout", str(args.timeout)]
    disks = sorted((x for x in d["disks"] if x["parent"] == scsi[0]["id"]), key=lambda x: x["unit"])
    if [x["unit"] for x in disks] != list(range(len(disks))):
        print("deploy: refused: SCSI units %s are not 0..n-1" % [x["unit"] for x in disks])
        return 3
    for x in disks:
        if x["fileRef"]:
            print("deploy: refused: disk %s has content (fileRef), this deployer makes empty disks" % x["id"])
            return 3
        img = os.path.join(args.dir, x["id"] + ".qcow2")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", img, str(x["capacity_bytes"])], check=True)
        spec = img
        if enable_uuid:
            wwn, serial = naa(d["name"], x["id"])
            spec += ",wwn=0x%s,serial=%s" % (wwn, serial)
        print("deploy: disk %s SCSI 0:%d %d bytes%s" % (x["id"], x["unit"], x["capacity_bytes"],
                                                       " naa.%s" % naa(d["name"], x["id"])[0] if enable_uuid else ""))
        vm += ["--disk", spec]
    cds = [c for c in d["cdroms"] if c["file"] and c["connected"]]
    for c in cds:
        iso = os.path.join(args.dir, os.path.basename(c["file"]))
        with tarfile.open(args.ova, "r:") as tf, open(iso, "wb") as out:
            src = tf.extractfile(c["file"])
            for chunk in iter(lambda: src.read(1 << 20), b""):
                out.write(chunk)
        print("deploy: cdrom %s (%d bytes)" % (c["file"], os.path.getsize(iso)))
        vm += ["--cdrom", iso]
    nic = {"VmxNet3": "vmxnet3", "E1000": "e1000", "E1000e": "e1000e"}
    if d["nics"]:
        vm += ["--net", "user", "--nic", nic[d["nics"][0]["subtype"]]]
    else:
        vm += ["--net", "none"]
    vm += ["--boot", "order=cd"]  # VMware's BIOS: hard disk first, then CD-ROM
    print("deploy: vm %s: %d vCPUs, %d MiB, nic %s, firmware bios, disk.EnableUUID %s" % (
        d["name"], d["cpus"], d["memory_mib"], d["nics"][0]["subtype"] if d["nics"] else "none",
        "TRUE" if enable_uuid else "FALSE"))
    sys.stdout.flush()
    return subprocess.call(vm)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show")
    s.add_argument("ova")
    dp = sub.add_parser("deploy")
    dp.add_argument("ova")
    dp.add_argument("--dir", required=True)
    dp.add_argument("--timeout", type=int, default=300)
    dp.add_argument("--run-vm", default=os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                     "../../scripts/vm/run-vm.sh"))
    args = ap.parse_args()
    try:
        if args.cmd == "show":
            print(json.dumps(read_ova(args.ova), indent=1, sort_keys=True))
            return 0
        return deploy(args)
    except (Bad, tarfile.TarError, ET.ParseError, KeyError, AttributeError, ValueError) as e:
        print("ova.py: %s: %s: %s" % (args.ova, type(e).__name__, e), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
