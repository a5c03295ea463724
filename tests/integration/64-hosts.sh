#!/bin/bash
# mt-image pxe --hosts / iso --hosts --host: a fleet from one hosts file. Python's csv
# module reads the same file as the oracle for each host's pxelinux entry; dnsmasq
# --test judges the dnsmasq configuration; bsdtar reads the ISO's isolinux.cfg; the
# kickstart's %pre, run on a fixture tree with a host's kernel line as /proc/cmdline,
# must configure that host's static network and OS disk. Each bad hosts file is refused
# with exit 2 naming FILE:LINE and the field, and leaves no output behind.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require xorriso bsdtar python3 dnsmasq
# --force-agent: the agent built here (Debian) cannot run on CentOS 6.6; this test
# is about the hosts file (62-mt-image-agent.sh tests the refusal)

isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
tree=$T_TMP/tree
mkdir -p "$tree/isolinux" "$tree/images/pxeboot"
cp "$isolinux_bin" "$ldlinux" "$tree/isolinux/"
head -c 30000 /dev/urandom >"$tree/isolinux/vmlinuz"
head -c 20000 /dev/urandom >"$tree/isolinux/initrd.img"
cp "$tree/isolinux/vmlinuz" "$tree/isolinux/initrd.img" "$tree/images/pxeboot/"
cat >"$tree/isolinux/isolinux.cfg" <<'EOF'
default linux
label linux
  menu default
  kernel vmlinuz
  append initrd=initrd.img console=ttyS0
EOF
base=$T_TMP/base.iso
xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$base" -b isolinux/isolinux.bin \
    -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" 2>/dev/null
check "a CentOS-like base made with xorriso" test -s "$base"

# CRLF, a BOM, a comment, blanks, a quoted DNS list, MACs in upper case and with '-'
hosts=$T_TMP/hosts.csv
printf '\357\273\277# Lisbon fleet\r\nmac,hostname,ip,netmask,gateway,dns,disk\r\n' >"$hosts"
printf '52:54:00:AA:00:01, mt01.lis.example.com ,10.20.0.11,255.255.255.0,10.20.0.1,"10.20.0.2,10.20.0.3",sdb\r\n' >>"$hosts"
printf '52-54-00-aa-00-02,mt02,10.20.0.12,255.255.255.0,10.20.0.1,10.20.0.2,/dev/sda\r\n' >>"$hosts"
printf '52:54:00:aa:00:03,mt03,192.168.50.7,255.255.254.0,,,\r\n' >>"$hosts"

url=http://10.20.0.5:8080
pxe=$T_TMP/pxe
expect_exit 0 "mt-image pxe --hosts" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url "$url/" --hosts "$hosts" \
    --append console=ttyS0
assert_grep "it names the per-host entries and the dnsmasq configuration" \
    'pxelinux.cfg: 01-<mac> for each of the 3 hosts of .*hosts.csv .*dnsmasq.conf' "$T_OUT"

# the oracle: python's csv module on the same file
python3 - "$hosts" >"$T_TMP/want" <<'EOF'
import csv, sys
rows = list(csv.DictReader(l for l in open(sys.argv[1], encoding="utf-8-sig", newline="") if not l.startswith("#")))
for r in rows:
    r = {k.strip(): v.strip() for k, v in r.items()}
    mac = r["mac"].lower().replace("-", ":")
    args = "ip=%s netmask=%s" % (r["ip"], r["netmask"])
    if r["gateway"]: args += " gateway=" + r["gateway"]
    if r["dns"]: args += " dns=" + r["dns"]
    args += " hostname=" + r["hostname"]
    if r["disk"]: args += " mt.disk=" + r["disk"].replace("/dev/", "")
    print("01-" + mac.replace(":", "-"), mac, r["ip"], r["hostname"], args, sep="\t")
EOF
assert_eq "the oracle read 3 hosts" "$(wc -l <"$T_TMP/want")" 3
while IFS=$'\t' read -r name mac ip host args; do
    f=$pxe/tftp/pxelinux.cfg/$name
    [ -f "$f" ] && ok "$host: pxelinux.cfg/$name (lower case)" || not_ok "$host: pxelinux.cfg/$name (lower case)"
    assert_eq "$host: its kernel line carries ks=, ksdevice=bootif, its network and disk, then --append" \
        "$(sed -n 's/^  append //p' "$f")" \
        "initrd=initrd.img console=ttyS0 ks=$url/mt/ks.cfg ksdevice=bootif $args console=ttyS0"
    assert_grep "$host: BOOTIF is passed (ipappend 2)" '^  ipappend 2$' "$f"
    assert_grep "$host: dnsmasq binds its MAC, name and address" "^dhcp-host=$mac,net:mt-host[0-9]+,$ip,$host\$" \
        "$pxe/dnsmasq.conf"
done <"$T_TMP/want"
assert_eq "one file per host plus default" "$(ls "$pxe/tftp/pxelinux.cfg" | wc -l)" 4
assert_eq "default keeps the plain kickstart line (DHCP) for unknown MACs" \
    "$(sed -n 's/^  append //p' "$pxe/tftp/pxelinux.cfg/default")" \
    "initrd=initrd.img console=ttyS0 ks=$url/mt/ks.cfg ksdevice=bootif console=ttyS0"
expect_exit 0 "dnsmasq --test accepts DIR/dnsmasq.conf" dnsmasq --test --conf-file="$pxe/dnsmasq.conf"
assert_grep "  dnsmasq says so" 'syntax check OK' "$T_ERR"
assert_eq "its tftp-root is DIR/tftp, absolute" "$(sed -n 's/^tftp-root=//p' "$pxe/dnsmasq.conf")" "$pxe/tftp"
assert_grep "it boots pxelinux.0" '^dhcp-boot=pxelinux.0$' "$pxe/dnsmasq.conf"
assert_grep "static range for the 10.20.0.0/24 hosts" '^dhcp-range=10.20.0.0,static,255.255.255.0$' "$pxe/dnsmasq.conf"
assert_grep "static range for 192.168.50.0/23" '^dhcp-range=192.168.50.0,static,255.255.254.0$' "$pxe/dnsmasq.conf"
assert_eq "one dhcp-range per subnet" "$(grep -c '^dhcp-range=' "$pxe/dnsmasq.conf")" 2
# a relative --out still gives dnsmasq an absolute TFTP root
(cd "$T_TMP" && "$MT_IMAGE" -q pxe --force-agent --base "$base" --out rel/pxe --url "$url" --hosts "$hosts") &&
    ok "pxe --hosts with a relative --out" || not_ok "pxe --hosts with a relative --out"
assert_eq "  tftp-root made absolute" "$(sed -n 's/^tftp-root=//p' "$T_TMP/rel/pxe/dnsmasq.conf")" "$T_TMP/rel/pxe/tftp"
expect_exit 0 "  dnsmasq --test accepts it" dnsmasq --test --conf-file="$T_TMP/rel/pxe/dnsmasq.conf"
expect_exit 2 "an --out dnsmasq cannot name is refused" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/a,b" --url "$url" \
    --hosts "$hosts"
assert_grep "  naming it" 'a,b/tftp: dnsmasq cannot be given this TFTP root' "$T_ERR"
[ ! -e "$T_TMP/a,b" ] && [ ! -e "$T_TMP/a,b.tmp" ] && ok "  and leaving nothing" || not_ok "  and leaving nothing"

# ---- bad hosts files: exit 2, FILE:LINE and the field, no output ----
H='mac,hostname,ip,netmask,gateway,dns,disk'
G='52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,10.20.0.1,,sdb'
bad() { # NAME LINE FIELD-REGEX CONTENT...
    local name=$1 line=$2 field=$3 f=$T_TMP/bad.csv
    shift 3
    printf '%s\n' "$@" >"$f"
    expect_exit 2 "bad hosts file ($name): pxe exits 2" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/badpxe" \
        --url "$url" --hosts "$f"
    assert_grep "  names bad.csv:$line and $field" "bad\\.csv:$line: $field" "$T_ERR"
    [ ! -e "$T_TMP/badpxe" ] && [ ! -e "$T_TMP/badpxe.tmp" ] && ok "  no output" || not_ok "  no output"
}
bad "malformed MAC" 2 "field 'mac': '52:54:00:aa:00' is not a MAC" "$H" '52:54:00:aa:00,mt01,10.20.0.11,255.255.255.0,,,'
bad "multicast MAC" 2 "field 'mac'.*multicast" "$H" '01:00:5e:aa:00:01,mt01,10.20.0.11,255.255.255.0,,,'
bad "malformed IP" 3 "field 'ip': '10.20.0.300' is not an IPv4" "$H" "$G" '52:54:00:aa:00:02,mt02,10.20.0.300,255.255.255.0,,,'
bad "malformed netmask" 2 "field 'netmask': '255.255.0.255' is not a netmask" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.0.255,,,'
bad "gateway outside the subnet" 2 "field 'gateway'.*outside" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,10.21.0.1,,'
bad "malformed DNS" 2 "field 'dns'" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,,ns1,'
bad "malformed disk" 2 "field 'disk'" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,,,sdb;reboot'
bad "malformed hostname" 2 "field 'hostname'" "$H" '52:54:00:aa:00:01,mt_01,10.20.0.11,255.255.255.0,,,'
bad "duplicate MAC in another case" 3 "field 'mac': 52:54:00:aa:00:01 is already the MAC of mt01 \\(line 2\\)" \
    "$H" "$G" '52:54:00:AA:00:01,mt02,10.20.0.12,255.255.255.0,,,'
bad "duplicate hostname in another case" 3 "field 'hostname': MT01 is already the name of line 2" \
    "$H" "$G" '52:54:00:aa:00:02,MT01,10.20.0.12,255.255.255.0,,,'
bad "duplicate IP" 4 "field 'ip': 10.20.0.11 is already the address of mt01 \\(line 2\\)" \
    "$H" "$G" '# a comment counts as a line' '52:54:00:aa:00:02,mt02,10.20.0.11,255.255.255.0,,,'
bad "missing column in the header" 1 "header: the column 'disk' is missing" \
    'mac,hostname,ip,netmask,gateway,dns' '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,,'
bad "missing field in a row" 2 "field 'gateway' is missing" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0'
bad "an unquoted comma in a value" 2 "8 fields, the header names 7" "$H" '52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,,10.0.0.2,10.0.0.3,'
expect_exit 2 "a hosts file that does not exist: exit 2" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/badpxe" \
    --url "$url" --hosts "$T_TMP/none.csv"
assert_grep "  naming it" 'none.csv: No such file' "$T_ERR"
expect_exit 2 "--append ip= with --hosts is refused" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/badpxe" \
    --url "$url" --hosts "$hosts" --append "console=ttyS0 ip=10.0.0.9"
assert_grep "  naming the key" '--append sets ip=, which the hosts file .* gives each host' "$T_ERR"

# ---- iso --hosts --host ----
iso=$T_TMP/mt02.iso
expect_exit 0 "iso --hosts --host mt02" "$MT_IMAGE" iso --force-agent --base "$base" --out "$iso" --hosts "$hosts" --host MT02
assert_grep "  says which host it baked in" '^host mt02 \(52:54:00:aa:00:02, line 4 of .*\): 10.20.0.12' "$T_OUT"
want=$(awk -F'\t' '$4 == "mt02" { print $5 }' "$T_TMP/want")
wantmac=$(awk -F'\t' '$4 == "mt02" { print $2 }' "$T_TMP/want")
bsdtar -xOf "$iso" isolinux/isolinux.cfg >"$T_TMP/iso.cfg"
assert_eq "the default entry boots with mt02's network and disk" \
    "$(awk '/^label mt$/ { on = 1 } on && /^  append / { sub(/^  append /, ""); print; exit }' "$T_TMP/iso.cfg")" \
    "initrd=initrd.img console=ttyS0 ks=cdrom:/mt/ks.cfg ksdevice=$wantmac $want"
expect_exit 0 "iso --host by MAC" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/by-mac.iso" --hosts "$hosts" \
    --host 52-54-00-AA-00-03
assert_grep "  picks mt03" '^host mt03 ' "$T_OUT"
expect_exit 2 "iso --host of an unknown host" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/x.iso" --hosts "$hosts" --host mt09
assert_grep "  names the file and the host" 'hosts.csv: no host named mt09' "$T_ERR"
expect_exit 2 "iso --host without --hosts" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/x.iso" --host mt01
expect_exit 2 "iso --hosts without --host" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/x.iso" --hosts "$hosts"
[ ! -e "$T_TMP/x.iso" ] && ok "  no ISO written" || not_ok "  no ISO written"

# ---- the kickstart's %pre with mt01's PXE kernel line ----
ks=$MT_TOP/kickstart/mt-target.ks
awk '/^%pre/ && !on { on = 1; next } on && /^%end/ { exit } on { print }' "$ks" >"$T_TMP/pre.sh"
r=$T_TMP/ksroot
mkdir -p "$r/proc" "$r/tmp" "$r/sys/block/sda" "$r/sys/block/sdb"
echo 0 >"$r/sys/block/sda/removable"
echo 0 >"$r/sys/block/sdb/removable"
printf 'MemTotal:        4194304 kB\n' >"$r/proc/meminfo"
# the media: a stand-in agent that plans one partition on the disk it is given
mkdir -p "$r/mnt/source/mt"
cat >"$r/mnt/source/mt/mt-agent" <<'STUB'
#!/bin/sh
[ "$1" = --version ] && { echo "mt-agent stand-in"; exit 0; }
d=""
while [ $# -gt 0 ]; do [ "$1" = --disk ] && d=$2; shift; done
echo "part / --fstype=ext4 --label=MT_ROOT --size=40960 --ondisk=$d --asprimary"
STUB
chmod 0755 "$r/mnt/source/mt/mt-agent"
# mt01's PXE kernel line as pxelinux passes it (BOOTIF appended), its ks= pointed at
# the fixture's media instead of the HTTP server (not running here)
sed -n 's/^  append //p' "$pxe/tftp/pxelinux.cfg/01-52-54-00-aa-00-01" |
    sed 's|ks=http://[^ ]*|ks=cdrom:/mt/ks.cfg|; s/$/ BOOTIF=01-52-54-00-aa-00-01/' >"$r/proc/cmdline"
assert_grep "  (the fixture's kernel line has mt01's parameters)" ' ip=10.20.0.11 .* mt.disk=sdb ' "$r/proc/cmdline"
check "%pre runs with mt01's kernel line" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_eq "network-include: mt01's static network on the NIC it PXE-booted from (BOOTIF's MAC)" "$(cat "$r/tmp/network-include")" \
    "network --device=52:54:00:aa:00:01 --bootproto=static --onboot=yes --ip=10.20.0.11 --netmask=255.255.255.0 --gateway=10.20.0.1 --nameserver=10.20.0.2,10.20.0.3 --hostname=mt01.lis.example.com"
assert_grep "part-include: mt.disk=sdb is the OS disk (not the first disk sda)" '^clearpart --all --initlabel --drives=sdb$' \
    "$r/tmp/part-include"
assert_grep "  and the only disk used" '^ignoredisk --only-use=sdb$' "$r/tmp/part-include"
assert_grep "  the agent planned sdb" '^part / .*--ondisk=sdb ' "$r/tmp/part-include"
expect_exit 0 "network-include passes the EL6 lint" python3 "$MT_TOP/tests/kslint.py" --fragment "$r/tmp/network-include"

# ---- iso --host on a VM with two NICs: the ISO's entry names the host's NIC by its MAC ----
# (no BOOTIF on a CD boot: without ksdevice= the installer would configure eth0,
# which on a VM with two NICs need not be the one the host's ip= belongs to)
xorriso -indev "$iso" -osirrox on -extract /isolinux/isolinux.cfg "$T_TMP/iso-x.cfg" >/dev/null 2>&1
chmod u+w "$T_TMP/iso-x.cfg" 2>/dev/null
isoargs=$(awk '/^label mt$/ { on = 1 } on && /^  append / { sub(/^  append /, ""); print; exit }' "$T_TMP/iso-x.cfg")
case " $isoargs " in
*" ksdevice=$wantmac "*) ok "iso --host mt02: xorriso reads ksdevice=$wantmac (mt02's MAC in the CSV) on the entry" ;;
*) not_ok "iso --host mt02: xorriso reads ksdevice=$wantmac (mt02's MAC in the CSV) on the entry: $isoargs" ;;
esac
assert_eq "  exactly one ksdevice= on the entry" "$(printf '%s\n' $isoargs | grep -c '^ksdevice=')" 1
for mac_given in 52:54:00:AA:00:03 mt03; do
    expect_exit 0 "iso --host $mac_given: written" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/m3.iso" \
        --hosts "$hosts" --host "$mac_given"
    assert_grep "  the summary names the NIC" '^host mt03 .* on the NIC with that MAC \(ksdevice=\)' "$T_OUT"
    xorriso -indev "$T_TMP/m3.iso" -osirrox on -extract /isolinux/isolinux.cfg "$T_TMP/m3.cfg" >/dev/null 2>&1
    chmod u+w "$T_TMP/m3.cfg" 2>/dev/null
    assert_grep "  mt03's MAC in lower case with colons, as anaconda's loader takes it" \
        '^  append .* ksdevice=52:54:00:aa:00:03 ip=192\.168\.50\.7 ' "$T_TMP/m3.cfg"
    rm -f "$T_TMP/m3.iso" "$T_TMP/m3.cfg"
done
expect_exit 0 "iso without --host: written" "$MT_IMAGE" -q iso --force-agent --base "$base" --out "$T_TMP/nohost.iso"
xorriso -indev "$T_TMP/nohost.iso" -osirrox on -extract /isolinux/isolinux.cfg "$T_TMP/nohost.cfg" >/dev/null 2>&1
if grep -q 'ksdevice=' "$T_TMP/nohost.cfg"; then not_ok "  no ksdevice= without a host"; else ok "  no ksdevice= without a host"; fi
expect_exit 2 "iso --host with --append ksdevice= is refused" "$MT_IMAGE" iso --force-agent --base "$base" \
    --out "$T_TMP/x.iso" --hosts "$hosts" --host mt02 --append "ksdevice=eth1"
assert_grep "  naming the key" '--append sets ksdevice=, which the hosts file .* gives each host' "$T_ERR"
[ ! -e "$T_TMP/x.iso" ] && ok "  no ISO written" || not_ok "  no ISO written"

# %pre with the ISO's kernel line (no BOOTIF): mt02's network on the NIC with mt02's MAC
printf '%s\n' "$isoargs" >"$r/proc/cmdline"
rm -f "$r/tmp/network-include" "$r/tmp/part-include"
check "%pre runs with the ISO's mt02 kernel line" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_grep "network-include: mt02's static network on --device=$wantmac, not eth0" \
    "^network --device=$wantmac --bootproto=static --onboot=yes --ip=10\.20\.0\.12 --netmask=255\.255\.255\.0 " \
    "$r/tmp/network-include"
expect_exit 0 "  and passes the EL6 lint" python3 "$MT_TOP/tests/kslint.py" --fragment "$r/tmp/network-include"
assert_grep "part-include: mt.disk=/dev/sda -> sda" '^ignoredisk --only-use=sda$' "$r/tmp/part-include"
t_done
