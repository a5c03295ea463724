"""ova_edit: makes a control OVA from a good one: disk.EnableUUID set to
FALSE in the descriptor, the manifest redone so the package still verifies
(the deployer must read FALSE and the guest's disk.enableuuid must fail).

    python3 tests/lib/ova_edit.py enableuuid-false SRC.ova DST.ova

SRC.ova as mt-image ova writes it: the .ovf first, then the .mf, the ISO
last. DST.ova: USTAR, the same members, the .ovf's
vmw:key="disk.EnableUUID" vmw:value="TRUE" now "FALSE", the .mf's SHA256
lines those of the new .ovf and the ISO. Exit 0; 1 (AssertionError) when the
descriptor holds no EnableUUID TRUE to change, or an input cannot be read;
2 usage.
"""
import sys
if len(sys.argv) != 4 or sys.argv[1] != "enableuuid-false":
    sys.stderr.write("usage: ova_edit.py enableuuid-false SRC.ova DST.ova\n")
    sys.exit(2)

import hashlib, io, tarfile
src, dst = sys.argv[2:]
with tarfile.open(src, "r:") as tf, tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as out:
    members = tf.getmembers()
    ovf = tf.extractfile(members[0]).read()
    assert b'vmw:key="disk.EnableUUID" vmw:value="TRUE"' in ovf, "%s: no disk.EnableUUID TRUE" % members[0].name
    ovf = ovf.replace(b'vmw:key="disk.EnableUUID" vmw:value="TRUE"', b'vmw:key="disk.EnableUUID" vmw:value="FALSE"')
    iso = members[-1]
    h = hashlib.sha256()
    f = tf.extractfile(iso)
    for chunk in iter(lambda: f.read(1 << 20), b""):
        h.update(chunk)
    mf = ("SHA256(%s)= %s\nSHA256(%s)= %s\n" % (members[0].name, hashlib.sha256(ovf).hexdigest(),
                                               iso.name, h.hexdigest())).encode()
    for m, data in ((members[0], ovf), (members[1], mf)):
        m.size = len(data)
        out.addfile(m, io.BytesIO(data))
    out.addfile(iso, tf.extractfile(iso))
