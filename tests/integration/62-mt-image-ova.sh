#!/bin/bash
# mt-image ova: the OVA is read back by an independent reader (tests/lib/ova.py:
# Python's tarfile and xml.etree) and every field the issue asks for is checked;
# the manifest's digests by sha256sum on the extracted files; with --sign,
# openssl verifies the .cert's signature over the manifest with the certificate
# it carries (and rejects a changed manifest). The OVA is at most the ISO plus
# 2 MiB. Bad input is refused with exit 2 and a message, a failed write (a full
# file system) with exit 1; neither leaves an OVA or a temporary file behind.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require xorriso bsdtar python3 openssl sha256sum

ova_py=$MT_TOP/tests/lib/ova.py

# an installer ISO as mt-image iso makes it, from a small CentOS-like base
mkbase() { # OUT
    local tree=$T_TMP/tree
    rm -rf "$tree"
    mkdir -p "$tree/isolinux"
    cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/isolinux/"
    head -c 300000 /dev/urandom >"$tree/isolinux/vmlinuz"
    head -c 200000 /dev/urandom >"$tree/isolinux/initrd.img"
    printf 'default linux\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img\n' >"$tree/isolinux/isolinux.cfg"
    xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$1" -b isolinux/isolinux.bin \
        -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" 2>/dev/null
}
base=$T_TMP/base.iso
mkbase "$base"
iso=$T_TMP/mt.iso
check "an installer ISO (mt-image iso)" "$MT_IMAGE" iso --base "$base" --out "$iso" --force-agent
iso_size=$(stat -c %s "$iso")

# no temporary file of mt-image ova (.NAME.XXXXXX) and no OVA left in DIR
no_leftovers() { # NAME DIR OVA
    local left
    left=$(find "$2" -maxdepth 1 -name '.*.ova.*' | tr '\n' ' ')
    if [ -z "$left" ] && [ ! -e "$3" ]; then ok "$1: no OVA and no temporary file left"; else
        not_ok "$1: left behind: $left $(ls -d "$3" 2>/dev/null)"; fi
}

# ---- defaults ----
out=$T_TMP/out/mt.ova
mkdir -p "$T_TMP/out"
expect_exit 0 "mt-image ova with the defaults" "$MT_IMAGE" ova --iso "$iso" --out "$out"
assert_grep "it says what it wrote" "mt.ova: master-target.ovf, master-target.mf, master-target.iso" "$T_OUT"
[ -f "$out" ] && [ -z "$(find "$T_TMP/out" -name '.*')" ] && ok "the OVA is in place, no temporary file" ||
    not_ok "the OVA is in place, no temporary file"
python3 "$ova_py" show "$out" >"$T_TMP/show.json" 2>"$T_ERR" && ok "ova.py reads it (tarfile, xml.etree)" ||
    { not_ok "ova.py reads it"; sed 's/^/    # /' "$T_ERR"; }

# field NAME WANT PATH...: fields of the reader's JSON (tests/lib/jsonpath.py paths; d. is the
# descriptor), the lines of a selection joined by spaces
field() {
    local name=$1 want=$2 p a=()
    shift 2
    for p; do case $p in d.* | "d|"*) p=descriptor${p#d} ;; esac; a+=("$p"); done
    assert_eq "$name" "$(jfield "$T_TMP/show.json" "${a[@]}" 2>&1 | paste -sd' ')" "$want"
}
field "members: .ovf first, then .mf, then the ISO" "master-target.ovf master-target.mf master-target.iso" 'members.*.name'
assert_eq "every member has a POSIX ustar header of a regular file" \
    "$(jfield "$T_TMP/show.json" 'members.*.header' | sort -u | paste -sd' ')" "ustar type 0"
field "one VirtualSystem named master-target" master-target d.name
field "4 vCPUs" 4 d.cpus
field "6144 MiB of memory" 6144 d.memory_mib
field "one SCSI controller: VMware Paravirtual (VirtualSCSI)" VirtualSCSI 'd.controllers[type=scsi].subtype'
scsi=$(jfield "$T_TMP/show.json" 'descriptor.controllers[type=scsi].id')
ide=$(jfield "$T_TMP/show.json" 'descriptor.controllers[type=ide].id')
field "the OS disk: unit 0 on the pvscsi controller, 100 GiB, no file (created empty at deploy)" \
    "0 $((100 << 30)) null $scsi" 'd.disks[id=os_disk].unit' 'd.disks[id=os_disk].capacity_bytes' \
    'd.disks[id=os_disk].fileRef' 'd.disks[id=os_disk].parent'
field "the retention disk: unit 1 on the pvscsi controller, 1024 GiB, no file" \
    "1 $((1024 << 30)) null $scsi" 'd.disks[id=retention_disk].unit' 'd.disks[id=retention_disk].capacity_bytes' \
    'd.disks[id=retention_disk].fileRef' 'd.disks[id=retention_disk].parent'
field "two disks, nothing else" 2 'd.disks|len'
field "the CD-ROM on the IDE controller carries the ISO file of the package, connected at power-on" \
    "1 master-target.iso vmware.cdrom.iso true $ide" 'd.cdroms|len' 'd.cdroms.*.file' 'd.cdroms.*.subtype' \
    'd.cdroms.*.connected' 'd.cdroms.*.parent'
field "References: the ISO with its size" "1 master-target.iso $iso_size" 'd.files|len' 'd.files.*.href' 'd.files.*.size'
field "a vmxnet3 NIC on \"VM Network\"" "1 VmxNet3 VM Network" 'd.nics|len' 'd.nics.*.subtype' 'd.nics.*.network'
field "the network is declared" "1 VM Network" 'd.networks|len' 'd.networks.*'
field "BIOS firmware" bios 'd.config.firmware?'
field "guest OS CentOS 64-bit (107, centos64Guest)" "107 centos64Guest" d.os.id d.os.osType
field "disk.EnableUUID = TRUE in the ExtraConfig" TRUE 'd.extra_config.disk\.EnableUUID.value'
field "the manifest lists the .ovf and the ISO" "master-target.iso,master-target.ovf" 'manifest|keys'
field "ova.py: every manifest digest matches" "2 true true" 'manifest_ok|len' 'manifest_ok.*'


x=$T_TMP/x
mkdir -p "$x"
bsdtar -xf "$out" -C "$x"
(cd "$x" && sed -E 's/^SHA256\((.*)\)= ([0-9a-f]{64})$/\2  \1/' master-target.mf | sha256sum -c --strict -) \
    >"$T_OUT" 2>&1 && ok "sha256sum -c: the manifest's digests are the files'" ||
    { not_ok "sha256sum -c: the manifest's digests are the files'"; sed 's/^/    # /' "$T_OUT"; }
cmp -s "$x/master-target.iso" "$iso" && ok "the ISO in the OVA is the installer ISO, byte for byte" ||
    not_ok "the ISO in the OVA is the installer ISO, byte for byte"
ova_size=$(stat -c %s "$out")
[ "$ova_size" -le $((iso_size + 2 * 1024 * 1024)) ] && ok "OVA $ova_size bytes <= ISO $iso_size + 2 MiB" ||
    not_ok "OVA $ova_size bytes <= ISO $iso_size + 2 MiB"

# ---- every option, and a network name that needs XML escaping ----
out2=$T_TMP/out/mt-01.ova
net='DR & Prod <"1">'
expect_exit 0 "mt-image ova with every sizing option" "$MT_IMAGE" ova --iso "$iso" --out "$out2" --name mt-01 \
    --cpus 8 --memory-mib 16384 --os-disk-gib 200 --retention-gib 2048 --network "$net"
python3 "$ova_py" show "$out2" >"$T_TMP/show.json" 2>"$T_ERR" || not_ok "ova.py reads the second OVA"
field "--name names the VM and the files" "mt-01 mt-01.ovf mt-01.mf mt-01.iso" d.name 'members.*.name'
field "--cpus 8 --memory-mib 16384" "8 16384" d.cpus d.memory_mib
field "--os-disk-gib 200 --retention-gib 2048" "2 $((200 << 30)) $((2048 << 30))" \
    'd.disks|len' 'd.disks[unit=0].capacity_bytes' 'd.disks[unit=1].capacity_bytes'
field "--network, escaped in the XML and read back as given" "1 $net $net" 'd.networks|len' 'd.networks.*' d.nics.0.network
expect_exit 0 "below the check's sizing (2 vCPUs) is allowed" "$MT_IMAGE" ova --iso "$iso" --out "$T_TMP/out/small.ova" \
    --cpus 2
assert_grep "  with a warning naming host.resources" "warning: --cpus 2 is below the 4 vCPUs mt-agent check \(host.resources\)" "$T_ERR"

# ---- --sign / --cert ----
openssl req -x509 -newkey rsa:3072 -nodes -keyout "$T_TMP/key.pem" -out "$T_TMP/cert.pem" -days 30 \
    -subj "/CN=mt-image test signer" >/dev/null 2>&1
signed=$T_TMP/out/signed.ova
expect_exit 0 "mt-image ova --sign KEY --cert CERT" "$MT_IMAGE" ova --iso "$iso" --out "$signed" \
    --sign "$T_TMP/key.pem" --cert "$T_TMP/cert.pem"
assert_eq "members: .ovf, .mf, .cert, then the ISO" "$(bsdtar -tf "$signed" | tr '\n' ' ')" \
    "master-target.ovf master-target.mf master-target.cert master-target.iso "
s=$T_TMP/s
mkdir -p "$s"
bsdtar -xf "$signed" -C "$s"
assert_grep "the .cert starts with SHA256(master-target.mf)= and the signature in hex" \
    '^SHA256\(master-target\.mf\)= [0-9a-f]{768}$' <(head -n 1 "$s/master-target.cert")
sed -n '1s/^SHA256(master-target\.mf)= //p' "$s/master-target.cert" | xxd -r -p >"$s/sig.bin"
assert_eq "the certificate in the .cert is the one given (openssl x509 fingerprints)" \
    "$(openssl x509 -in "$s/master-target.cert" -noout -fingerprint -sha256)" \
    "$(openssl x509 -in "$T_TMP/cert.pem" -noout -fingerprint -sha256)"
openssl x509 -in "$s/master-target.cert" -noout -pubkey >"$s/pub.pem"
openssl dgst -sha256 -verify "$s/pub.pem" -signature "$s/sig.bin" "$s/master-target.mf" >"$T_OUT" 2>&1 &&
    ok "openssl dgst -verify: the signature over the manifest is good" ||
    { not_ok "openssl dgst -verify: the signature over the manifest is good"; sed 's/^/    # /' "$T_OUT"; }
sed 's/^SHA256(master-target.iso)= ./SHA256(master-target.iso)= f/' "$s/master-target.mf" >"$s/changed.mf"
cmp -s "$s/changed.mf" "$s/master-target.mf" && sed -i 's/^SHA256(master-target.iso)= ./&0/' "$s/changed.mf"
if openssl dgst -sha256 -verify "$s/pub.pem" -signature "$s/sig.bin" "$s/changed.mf" >/dev/null 2>&1; then
    not_ok "control: openssl rejects the signature for a changed manifest"
else ok "control: openssl rejects the signature for a changed manifest"; fi
(cd "$s" && sed -E 's/^SHA256\((.*)\)= ([0-9a-f]{64})$/\2  \1/' master-target.mf | sha256sum -c --strict -) \
    >/dev/null 2>&1 && ok "signed OVA: the manifest's digests are the files'" ||
    not_ok "signed OVA: the manifest's digests are the files'"
size=$(stat -c %s "$signed")
[ "$size" -le $((iso_size + 2 * 1024 * 1024)) ] && ok "signed OVA $size bytes <= ISO + 2 MiB" ||
    not_ok "signed OVA $size bytes <= ISO + 2 MiB"

# ---- bad input: exit 2, a message, nothing left ----
d=$T_TMP/bad
mkdir -p "$d"
refuse() { # NAME PATTERN ARGS... (--out $d/bad.ova is added unless ARGS has --out)
    local name=$1 pat=$2
    shift 2
    case " $* " in *" --out "*) ;; *) set -- "$@" --out "$d/bad.ova" ;; esac
    expect_exit 2 "$name: exit 2" "$MT_IMAGE" ova "$@"
    assert_grep "  says why" "$pat" "$T_ERR"
    no_leftovers "  $name" "$d" "$d/bad.ova"
}
head -c 1000000 /dev/urandom >"$T_TMP/random.bin"
refuse "no --iso" "--iso INSTALLER.ISO is required"
refuse "a missing ISO" "--iso $T_TMP/nope.iso: cannot open the installer ISO" --iso "$T_TMP/nope.iso"
refuse "a file that is not an ISO" "random.bin" --iso "$T_TMP/random.bin"
refuse "an ISO without the kickstart (the base, not mt-image's)" "base.iso: has no mt/ks.cfg: not an mt-agent installer ISO" \
    --iso "$base"
refuse "an OS disk below the layout's minimum" "--os-disk-gib 20: too small for the OS disk layout with 6144 MiB" \
    --iso "$iso" --os-disk-gib 20
refuse "memory below RHEL 6's minimum" "--memory-mib wants a whole number from 512 to 1048576, not '256'" --iso "$iso" --memory-mib 256
refuse "memory not a multiple of 4 MiB" "--memory-mib 6145: .*multiple of 4" --iso "$iso" --memory-mib 6145
refuse "0 vCPUs" "--cpus wants a whole number from 1 to 64, not '0'" --iso "$iso" --cpus 0
refuse "vCPUs not a number" "--cpus wants a whole number from 1 to 64, not '4x'" --iso "$iso" --cpus 4x
refuse "a negative size" "--retention-gib wants a whole number from 1 to 63488, not '-1'" --iso "$iso" --retention-gib -1
refuse "a 0 GiB retention disk" "--retention-gib wants a whole number from 1 to 63488, not '0'" --iso "$iso" --retention-gib 0
refuse "a name with a slash" "--name '../x': use 1 to 64 letters" --iso "$iso" --name ../x
refuse "--sign without --cert" "--sign needs --cert" --iso "$iso" --sign "$T_TMP/key.pem"
openssl ecparam -name prime256v1 -genkey -noout -out "$T_TMP/ec.pem" 2>/dev/null
refuse "an EC key" "ec.pem: not an RSA key" --iso "$iso" --sign "$T_TMP/ec.pem" --cert "$T_TMP/cert.pem"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T_TMP/key2.pem" -out "$T_TMP/cert2.pem" -days 30 -subj /CN=other >/dev/null 2>&1
refuse "a certificate of another key" "cert2.pem: does not belong to the key" --iso "$iso" --sign "$T_TMP/key.pem" \
    --cert "$T_TMP/cert2.pem"
openssl pkey -in "$T_TMP/key.pem" -aes256 -passout pass:secret -out "$T_TMP/enc.pem" 2>/dev/null
refuse "an encrypted key (never prompts)" "enc.pem: not an unencrypted PEM private key" --iso "$iso" \
    --sign "$T_TMP/enc.pem" --cert "$T_TMP/cert.pem"
refuse "an output directory that does not exist" "cannot create a file in $d/missing" --iso "$iso" --out "$d/missing/x.ova"
mkdir -p "$d/isdir.ova"
expect_exit 2 "an output that is a directory: exit 2" "$MT_IMAGE" ova --iso "$iso" --out "$d/isdir.ova"
assert_grep "  says so" "isdir.ova: a directory" "$T_ERR"
cp "$iso" "$d/same.iso"
sum=$(sha256sum <"$d/same.iso")
expect_exit 2 "--out the ISO itself: exit 2" "$MT_IMAGE" ova --iso "$d/same.iso" --out "$d/same.iso"
assert_eq "  and the ISO is untouched" "$(sha256sum <"$d/same.iso")" "$sum"

# ---- a write that fails (file system full): exit 1, nothing left ----
small=$T_TMP/small
mkdir -p "$small"
if mount -t tmpfs -o size=1m tmpfs "$small" 2>/dev/null; then
    t_track_mount "$small"
    expect_exit 1 "a full file system: exit 1" "$MT_IMAGE" ova --iso "$iso" --out "$small/mt.ova"
    assert_grep "  the message names the file and the cause" "small/\.mt\.ova\.[A-Za-z0-9]{6}.*(No space left|space)" "$T_ERR"
    no_leftovers "a full file system" "$small" "$small/mt.ova"
    umount "$small"
else
    not_ok "tmpfs for the full-file-system case cannot be mounted (run as root)"
fi
t_done
