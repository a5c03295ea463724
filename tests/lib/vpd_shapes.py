#!/usr/bin/env python3
"""VPD page shapes for tests/integration/21-vpd-shapes.sh.

`vpd_shapes.py write ROOT DEVDIR` adds one SCSI disk per shape to the fixture
sysroot ROOT (a copy of tests/fixtures/sysroot/capture/vmware-wwn: sda and sdb
are there already) and writes, for the same disk, the device's answers in
DEVDIR/<disk>/ (inquiry, pg00, pg80, pg83) for tests/integration/fake_sgio.c,
through which the real /lib/udev/scsi_id reads them. It prints a manifest line
per disk: name, shape, what the test expects of mt-agent (see KINDS) and the
NAA the shape's author meant scsi_id to take ("-" when none).

Every identifier value below is invented (company ids kept where the shape is
about them: 00:0c:29 VMware, 00:14:05 LIO, 00:60:48 EMC, 00:c5:00 Seagate).
Where each layout comes from is said at the shape.

KINDS
  same     mt-agent's scsi_id equals what /lib/udev/scsi_id prints
  unknown  scsi_id's answer rests on bytes the device did not send (a page that
           claims more than it has): mt-agent gives no id and says why, where
           udev reads zeros from its cleared buffer and prints an id made of them
"""
import os
import shutil
import sys

# ---- building pages -------------------------------------------------------

CS_BIN, CS_ASCII, CS_UTF8 = 1, 2, 3
LU, PORT, TARGET = 0, 1, 2
T_VENDOR, T_T10, T_EUI64, T_NAA, T_RELPORT, T_TPG, T_SCSI_NAME = 0, 1, 2, 3, 4, 5, 8


def desig(dtype, data, code_set=CS_BIN, assoc=LU, proto=None):
    """One designator: header (protocol/code set, PIV/association/type, reserved, length) and data."""
    if isinstance(data, str):
        data = data.encode("ascii")
    b0 = ((proto if proto is not None else 0) << 4) | code_set
    b1 = (0x80 if proto is not None else 0) | (assoc << 4) | dtype
    return bytes([b0, b1, 0, len(data)]) + bytes(data)


def name_string(s):
    """A SCSI name string: NUL terminated and padded to a multiple of 4 (SPC-4)."""
    b = s.encode("ascii") + b"\0"
    return b + b"\0" * (-len(b) % 4)


def page83(*designators, extra=b"", length=None):
    body = b"".join(designators) + extra
    n = len(body) if length is None else length
    return bytes([0, 0x83, n >> 8, n & 0xff]) + body


def page80(serial, length=None):
    b = serial.encode("latin-1") if isinstance(serial, str) else serial
    n = len(b) if length is None else length
    return bytes([0, 0x80, n >> 8, n & 0xff]) + b


def hx(s):
    return bytes.fromhex(s.replace(" ", ""))


# ---- the shapes --------------------------------------------------------------
# (name, vendor, model, page 0x83 or None, page 0x80 or None, kind, NAA meant)

SHAPES = []


def shape(name, vendor, model, p83, p80, kind="same", naa="-"):
    SHAPES.append((name, vendor, model, p83, p80, kind, naa))


# The three disagreements of issue 17 (layouts as the issue describes them).
# 1. Page length 3 bytes longer than its one designator, a SCSI name string:
#    udev finds nothing in page 0x83 and takes page 0x80; sg_vpd decodes the
#    designator and warns about a short designator.
shape("padded-name-string", "ACME", "ARRAY LUN",
      page83(desig(T_SCSI_NAME, name_string("iqn.2001-04.com.example:storage.lun7"), CS_UTF8), extra=b"\0\0\0"),
      page80("ACME0001SN42"))
# 2. An 8-byte NAA 5 before a 16-byte NAA 6, both of the logical unit: udev
#    takes the NAA 6 (first in its list); naa must name that one.
shape("naa5-before-naa6", "HITACHI", "OPEN-V",
      page83(desig(T_NAA, hx("50060e8012345678")), desig(T_NAA, hx("60060e80123456780000123400000042"))),
      page80("50123456789A"), naa="60060e80123456780000123400000042")
# 3. A physical-mode RDM of an old EMC Symmetrix answering with a SCSI-2 page:
#    the 16-byte WWN right after the header, no designator header. Byte 6 is
#    the 0x04 of EMC's 00:60:48, non-zero, which is how udev tells the formats
#    apart (udev's comment in scsi_serial.c).
shape("emc-scsi2-rdm", "EMC", "SYMMETRIX",
      page83(extra=hx("60060480000190101234533030314142")), page80("9010123453"),
      naa="60060480000190101234533030314142")

# From public material about SCSI identity:
# 4. A SAS disk as sg3_utils' sg_vpd documentation shows `sg_vpd -p di` of
#    one: NAA 5 of the LU, then (PIV, protocol SAS) the target port's NAA, the
#    relative target port, the target device's NAA and its SCSI name string.
shape("sas-disk", "SEAGATE", "ST3300657SS",
      page83(desig(T_NAA, hx("5000c50012345678")),
             desig(T_NAA, hx("5000c50012345679"), assoc=PORT, proto=6),
             desig(T_RELPORT, hx("00000001"), assoc=PORT, proto=6),
             desig(T_NAA, hx("5000c5001234567b"), assoc=TARGET, proto=6),
             desig(T_SCSI_NAME, name_string("naa.5000C5001234567B"), CS_UTF8, assoc=TARGET, proto=6)),
      page80("3SJ0ABCD00009876XYZW"), naa="5000c50012345678")
# 5. An ATA disk without a WWN behind Linux libata (drivers/ata/libata-scsi.c,
#    the SAT page 0x83): the serial as a vendor-specific ASCII designator,
#    then the T10 vendor id designator "ATA     " + 40-byte model + 20-byte
#    serial. udev takes the T10 one.
ata_model = "WDC WD10EZEX-08WN4A0".ljust(40)
ata_serial = "WD-WCC6Y0123456".rjust(20)
shape("libata-no-wwn", "ATA", "WDC WD10EZEX-08W",
      page83(desig(T_VENDOR, ata_serial, CS_ASCII), desig(T_T10, "ATA     " + ata_model + ata_serial, CS_ASCII)),
      page80(ata_serial))
# 6. The same with a WWN (libata adds the ATA IDENTIFY WWN as an NAA 5 last):
#    udev takes the NAA over the T10 id listed before it.
shape("libata-wwn", "ATA", "WDC WD10EZEX-08W",
      page83(desig(T_VENDOR, ata_serial, CS_ASCII), desig(T_T10, "ATA     " + ata_model + ata_serial, CS_ASCII),
             desig(T_NAA, hx("50014ee2b1234567"))),
      page80(ata_serial), naa="50014ee2b1234567")
# 7. A LUN of the Linux LIO target (drivers/target/target_core_spc.c,
#    spc_emulate_evpd_83): NAA 6 with company id 00:14:05, T10 "LIO-ORG " +
#    unit serial, relative target port and target port group (PIV, iSCSI),
#    SCSI name strings of the target port and the target device. The target
#    port group is the first entry of udev's list and never gives the id.
lio_sn = "3f8e9a1c-55d2-4c3b-9d1e-0a1b2c3d4e5f"
shape("lio-iblock", "LIO-ORG", "block0",
      page83(desig(T_NAA, hx("60014053f8e9a1c55d24c3b9d1e0a1b2")),
             desig(T_T10, "LIO-ORG " + lio_sn, CS_ASCII),
             desig(T_RELPORT, hx("00000001"), assoc=PORT, proto=5),
             desig(T_TPG, hx("00000000"), assoc=PORT, proto=5),
             desig(T_SCSI_NAME, name_string("iqn.2003-01.org.linux-iscsi.host:sn.0a1b2c3d,t,0x0001"), CS_UTF8,
                   assoc=PORT, proto=5),
             desig(T_SCSI_NAME, name_string("iqn.2003-01.org.linux-iscsi.host:sn.0a1b2c3d"), CS_UTF8,
                   assoc=TARGET, proto=5)),
      page80(lio_sn), naa="60014053f8e9a1c55d24c3b9d1e0a1b2")
# 8. qemu's scsi-hd with serial= and no wwn= (hw/scsi/scsi-disk.c): one
#    vendor-specific ASCII designator holding the serial; udev prefixes
#    '0' + vendor + model.
shape("qemu-serial-only", "QEMU", "QEMU HARDDISK",
      page83(desig(T_VENDOR, "MT-DATA-0042", CS_ASCII)), page80("MT-DATA-0042"))
# 9. A namespace behind an NVMe-to-SCSI translation with an EUI-64 (the NVM
#    Express SCSI translation reference maps EUI64 to an EUI-64 designator).
shape("nvme-sntl-eui64", "NVMe", "SAMSUNG MZVLB512",
      page83(desig(T_EUI64, hx("002538b581b2c3d4"))), page80("S4GNNX0M123456"))

# Malformed pages, each decided by udev's rules:
# 10. A device that answers the page 0x83 request with another page code:
#     udev ignores the page, takes page 0x80. A VMware disk: no NAA, so
#     disk.enableuuid fails on it and says the page was malformed.
shape("wrong-page-code", "VMware", "Virtual disk",
      bytes([0, 0x80, 0, 0x0c]) + b"6000c2912345", page80("6000c29abcdef0123456"))
# 11. A page claiming 64 bytes of which 5 arrived, the NAA cut: udev reads
#     zeros for the rest; mt-agent gives no id and says so.
shape("truncated-naa", "ACME", "ARRAY LUN", bytes([0, 0x83, 0, 0x40, 1, 3, 0, 8, 0x60]), None, kind="unknown")
# 12. An NAA designator claiming 0x18 bytes in a page that ends after 16: udev
#     reads on past the page, where its buffer holds zeros (the device sent no
#     more), and prints an id with them; sg_vpd warns.
shape("naa-overruns-page", "ACME", "ARRAY LUN",
      bytes([0, 0x83, 0, 0x14, 1, 3, 0, 0x18]) + hx("6000c2934c3fd0b55b5e8e9f4c1d2a07"), None,
      naa="6000c2934c3fd0b55b5e8e9f4c1d2a070000000000000000")
# 13. A page longer than the 254 bytes scsi_id reads, its NAA 6 first: udev
#     finds it before it would read past its buffer.
shape("long-page-naa-first", "ACME", "ARRAY LUN",
      page83(desig(T_NAA, hx("6000c29aaaaaaaaa0000000000000013")),
             *[desig(T_SCSI_NAME, name_string("iqn.2001-04.com.example:port%02d.with.a.long.name" % i), CS_UTF8,
                     assoc=PORT) for i in range(6)]),
      None, naa="6000c29aaaaaaaaa0000000000000013")
# 13b. A page of 260 bytes whose NAA 6 is its second designator: systemd's
#     udev walks the whole length and takes it; older udev (CentOS 6's 147)
#     reads only the low byte of the length (4), sees the first designator
#     alone and has no id from page 0x83: mt-agent says so in vpd_warning.
long_names = [desig(T_SCSI_NAME, name_string("iqn.2001-04.com.example:port%02d.with.a.long.name" % i), CS_UTF8,
                    assoc=PORT) for i in range(4)]
shape("long-page-low-byte", "ACME", "ARRAY LUN",
      page83(long_names[0], desig(T_NAA, hx("6000c29bbbbbbbbb0000000000000014")), *long_names[1:],
             desig(T_SCSI_NAME, name_string("iqn.2001-04.com.example:x"), CS_UTF8, assoc=PORT)),
      None, naa="6000c29bbbbbbbbb0000000000000014")
# 14. An ASCII NAA (code set 2): udev copies the characters.
shape("ascii-naa", "ACME", "ARRAY LUN", page83(desig(T_NAA, "6000C29ABCDEF0123456789ABCDEF014", CS_ASCII)), None,
      naa="6000C29ABCDEF0123456789ABCDEF014")
# 15. Only a SCSI name string and a page 0x80 serial with a control byte and
#     a NUL: udev's serial ends at the NUL, its -u turns the control byte to '_'.
shape("serial-control-bytes", "ACME", "ARRAY LUN",
      page83(desig(T_SCSI_NAME, name_string("naa.600A0B8000112233"), CS_UTF8)), page80(b"AB\x01CD\0EF"))
# 16. A T10 id with blanks and characters outside udev's whitelist.
shape("t10-odd-chars", "ACME", "ARRAY LUN", page83(desig(T_T10, "ACME    Lun/7  *  X ", CS_ASCII)), None)
# 17. A designator of the target port only (a port NAA): no LU id; no page 0x80: udev prints nothing.
shape("port-naa-only", "ACME", "ARRAY LUN", page83(desig(T_NAA, hx("5000c50012345679"), assoc=PORT, proto=6)),
      None)


# ---- writing them -------------------------------------------------------------

HOST = "sys/devices/pci0000:00/0000:00:03.0/host0"
TEMPLATE = HOST + "/target0:0:0/0:0:0:0"   # sdb of the vmware-wwn capture


def disk_names(n):
    letters = "cdefghijklmnopqrstuvwxyz"
    return ["sd" + letters[i] for i in range(n)]


def write_disk(root, devdir, name, k, vendor, model, p83, p80):
    sdev = "%s/target0:0:%d/0:0:%d:0" % (HOST, k, k)
    shutil.copytree(os.path.join(root, TEMPLATE), os.path.join(root, sdev), symlinks=True)
    os.rename(os.path.join(root, sdev, "block/sdb"), os.path.join(root, sdev, "block", name))
    blk = os.path.join(root, sdev, "block", name)
    os.remove(os.path.join(blk, "device"))
    os.symlink("../../../0:0:%d:0" % k, os.path.join(blk, "device"))
    with open(os.path.join(blk, "dev"), "w") as f:
        f.write("65:%d\n" % (16 * k))
    os.symlink("../devices/pci0000:00/0000:00:03.0/host0/target0:0:%d/0:0:%d:0/block/%s" % (k, k, name),
               os.path.join(root, "sys/block", name))
    # sysfs shows the INQUIRY fields as the kernel prints them: "%.8s\n", "%.16s\n"
    with open(os.path.join(root, sdev, "vendor"), "w") as f:
        f.write(vendor.ljust(8)[:8] + "\n")
    with open(os.path.join(root, sdev, "model"), "w") as f:
        f.write(model.ljust(16)[:16] + "\n")
    for fn in ("wwid", "vpd_pg80", "vpd_pg83"):
        p = os.path.join(root, sdev, fn)
        if os.path.exists(p):
            os.remove(p)
    dev = os.path.join(devdir, name)
    os.makedirs(dev)
    inq = bytes([0, 0, 5, 2, 31, 0, 0, 0]) + vendor.ljust(8)[:8].encode() + model.ljust(16)[:16].encode() + b"1.0 "
    pages = [0]
    for code, page, fn in ((0x80, p80, "vpd_pg80"), (0x83, p83, "vpd_pg83")):
        if page is None:
            continue
        pages.append(code)
        with open(os.path.join(root, sdev, fn), "wb") as f:
            f.write(page)
        with open(os.path.join(dev, "pg%02x" % code), "wb") as f:
            f.write(page)
    with open(os.path.join(dev, "inquiry"), "wb") as f:
        f.write(inq)
    with open(os.path.join(dev, "pg00"), "wb") as f:
        f.write(bytes([0, 0, 0, len(pages)] + pages))


def main():
    if len(sys.argv) == 2 and sys.argv[1] == "corpus":
        for s in SHAPES:
            for code, page in ((0x83, s[3]), (0x80, s[4])):
                if page is not None:
                    sys.stdout.write("%s-pg%02x %s\n" % (s[0], code, page.hex()))
        return
    if len(sys.argv) != 4 or sys.argv[1] != "write":
        sys.exit("usage: vpd_shapes.py write ROOT DEVDIR | corpus")
    root, devdir = sys.argv[2], sys.argv[3]
    for k, (name, s) in enumerate(zip(disk_names(len(SHAPES)), SHAPES), start=2):
        write_disk(root, devdir, name, k, s[1], s[2], s[3], s[4])
        print("%s\t%s\t%s\t%s\t%s" % (name, s[0], s[5], s[6], s[1]))


if __name__ == "__main__":
    main()
