"""vpd_oracle: judges mt-agent's inventory of the shaped SCSI disks
(tests/lib/vpd_shapes.py) against udev's scsi_id and sg_vpd, disk by disk.

    python3 tests/lib/vpd_oracle.py DIR

Inputs in DIR: inv.json (mt-agent --json inventory), manifest (vpd_shapes.py
write: name, shape, kind, naa, vendor; tab-separated), udev ("name<TAB>id"
from /lib/udev/scsi_id -g -u, empty when it printed none), sgvpd.NAME
(sg_vpd --inhex of the disk's page 0x83, when there is one).
Output: one verdict a line, "ok SHAPE NAME WHAT" or "bad SHAPE NAME WHAT: WHY"
(the shape is the second word, so each shape's verdicts can be counted).
Exit 0 (the verdicts are the result); 1 when an input is missing.
"""
import json, re, sys
tmp = sys.argv[1]
inv = dict((d["name"], d) for d in json.load(open(tmp + "/inv.json"))["disks"])
udev = dict(l.rstrip("\n").split("\t", 1) for l in open(tmp + "/udev"))
for line in open(tmp + "/manifest"):
    name, shape, kind, naa, vendor = line.rstrip("\n").split("\t")
    d, want = inv[name], udev[name]
    say = lambda what, good, why="": print("%s %s %s %s%s" % ("ok" if good else "bad", shape, name, what,
                                                             "" if good else ": " + why))
    if kind == "same":
        say("scsi_id equals udev's", d["scsi_id"] == want, "mt-agent %r, scsi_id %r" % (d["scsi_id"], want))
        say("no vpd_error when udev has an id", not want or d["vpd_error"] == "", d["vpd_error"])
    else:
        say("no id where udev's rests on bytes not sent", d["scsi_id"] == "" and "did not send" in d["vpd_error"],
            "%r / %r (udev printed %r)" % (d["scsi_id"], d.get("vpd_error"), want))
    # naa is the designator behind scsi_id whenever udev's id is NAA-based ('3')
    if kind == "same":
        nb = want[1:] if want.startswith("3") else ""
        say("naa is the NAA behind scsi_id", d["naa"] == nb and d["has_naa"] == bool(nb),
            "naa %r has_naa %r, scsi_id %r" % (d["naa"], d["has_naa"], want))
    if naa != "-":
        say("naa is the one the shape means", d["naa"] == naa, "%r vs %r" % (d["naa"], naa))
    try:
        sg = open("%s/sgvpd.%s" % (tmp, name)).read()
    except IOError:
        continue
    if shape == "emc-scsi2-rdm":
        continue    # sg_vpd decodes SCSI-2 pages as designators: no oracle for this one
    sg_naa = re.findall(r"designator type: NAA,  code set: Binary\n(?:\s+transport: [^\n]*\n)?\s+0x([0-9a-f]+)", sg)
    ours = [g["value"] for g in d["designators"] if g["type"] == "naa" and g["code_set"] == "binary"]
    say("binary NAA designators as sg_vpd decodes them", sg_naa == ours, "sg_vpd %r, mt-agent %r" % (sg_naa, ours))
    n_sg = len(re.findall(r"designator type:", sg))
    say("as many designators as sg_vpd lists", n_sg == len(d["designators"]),
        "sg_vpd %d, mt-agent %d" % (n_sg, len(d["designators"])))
    if "Device Identification VPD page" not in sg:
        say("a page sg_vpd does not take for page 0x83 is named so", "page code 0x80 where 0x83" in d.get("vpd_warning", ""),
            d.get("vpd_warning", ""))
        continue
    sg_err = "VPD page error" in sg
    ours_w = "page 0x83 claims" in d.get("vpd_warning", "") + d["vpd_error"] or "page 0x83: " in d.get("vpd_warning", "")
    say("page 0x83 warned about exactly where sg_vpd reports an error", sg_err == ours_w,
        "sg_vpd error %r, vpd_warning %r, vpd_error %r" % (sg_err, d.get("vpd_warning", ""), d["vpd_error"]))
