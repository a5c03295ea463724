#!/bin/bash
# The readiness-check catalogue as the binary states it (`check --list`, and the
# remediation each check gives when it fails on fixture roots) against mt-agent(8)
# CHECKS and README.md's troubleshooting table: the same ids in the same order, the
# same severities, and every command, setting and configuration key a remediation
# names present in the page's entry (and the commands and settings in the README row
# naming the check). tests/lib/catalogue.py judges; it takes what to look for from the
# binary's text by rule, so a remediation changed in the code without the docs fails.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require groff python3

fx=$MT_TOP/tests/fixtures/sysroot
# a configuration server nobody answers (127.0.0.1, ports 1 and 2): cs.* fail at once
printf '[cs]\nhost = 127.0.0.1\nport = 1\ndata_port = 2\n' >"$T_TMP/mt-agent.conf"

# bare: no DMI, no disks, DHCP on eth0, no time sync, nothing installed
bare=$T_TMP/bare
mkdir -p "$bare/etc/sysconfig/network-scripts" "$bare/sys/class/net/eth0" "$bare/proc"
printf 'DEVICE=eth0\nBOOTPROTO=dhcp\nONBOOT=yes\n' >"$bare/etc/sysconfig/network-scripts/ifcfg-eth0"
echo "CentOS release 6.6 (Final)" >"$bare/etc/redhat-release"
# uefi: booted by UEFI, CentOS 5, RAM and no swap
uefi=$T_TMP/uefi
cp -a "$bare/." "$uefi/"
mkdir -p "$uefi/sys/firmware/efi"
echo "CentOS release 5.11 (Final)" >"$uefi/etc/redhat-release"
printf 'MemTotal:        4194304 kB\n' >"$uefi/proc/meminfo"
printf 'Filename\t\t\t\tType\t\tSize\tUsed\tPriority\n' >"$uefi/proc/swaps"
# captures of qemu guests (tests/fixtures/sysroot/README.md): a disk without an NAA id,
# DHCP; and 6.10 on VMware disks with ids
mkroot() { # NAME CAPTURE ETC
    mkdir -p "$T_TMP/$1"
    cp -a "$fx/capture/$2/root/." "$T_TMP/$1/"
    cp -a "$fx/etc/$3/." "$T_TMP/$1/"
}
mkroot mixed vmware-mixed centos66-dhcp
mkroot el610 vmware-wwn centos610
# a cloned VMDK: sdb answers with sda's pages; packages from a dpkg status file naming perl only
mkroot dup vmware-wwn centos66-static
for f in vpd_pg80 vpd_pg83 wwid; do
    [ -e "$T_TMP/dup/sys/block/sda/device/$f" ] && cp "$T_TMP/dup/sys/block/sda/device/$f" "$T_TMP/dup/sys/block/sdb/device/$f"
done
mkdir -p "$T_TMP/dup/var/lib/dpkg"
printf 'Package: perl\nStatus: install ok installed\nVersion: 5.36\n\n' >"$T_TMP/dup/var/lib/dpkg/status"

expect_exit 0 "mt-agent --help" "$MT_AGENT" --help
cp "$T_OUT" "$T_TMP/help.txt"
expect_exit 0 "check --list" "$MT_AGENT" check --list
cp "$T_OUT" "$T_TMP/list.txt"
: >"$T_TMP/checks.json"
for r in bare uefi mixed el610 dup; do
    expect_exit 1 "check on the $r root fails (exit 1)" "$MT_AGENT" --config "$T_TMP/mt-agent.conf" --root "$T_TMP/$r" \
        --json check
    cat "$T_OUT" >>"$T_TMP/checks.json"
done
# one long line per paragraph, no hyphenation: the page's words as the reader gets them
groff -man -Tutf8 -rLL=4000n -rHY=0 "$MT_TOP/agent/mt-agent.8" 2>/dev/null | sed 's/.\x08//g' >"$T_TMP/man.txt"
grep -q '^CHECKS$' "$T_TMP/man.txt" && ok "groff renders mt-agent(8) with its CHECKS section" ||
    not_ok "groff renders mt-agent(8) with its CHECKS section"

python3 "$MT_TOP/tests/lib/catalogue.py" "$T_TMP/list.txt" "$T_TMP/checks.json" "$T_TMP/man.txt" \
    "$MT_TOP/README.md" "$T_TMP/help.txt" >"$T_TMP/judged" 2>"$T_TMP/judged.err"
[ -s "$T_TMP/judged.err" ] && sed 's/^/# /' "$T_TMP/judged.err"
[ "$(wc -l <"$T_TMP/judged")" -ge 50 ] && ok "the oracle made $(wc -l <"$T_TMP/judged") judgements" ||
    not_ok "the oracle made $(wc -l <"$T_TMP/judged") judgements (50 or more expected)"
while IFS=$'\t' read -r verdict what; do
    if [ "$verdict" = ok ]; then ok "$what"; else not_ok "$what"; fi
done <"$T_TMP/judged"
grep -q 'BOOTPROTO=static' "$MT_TOP/README.md" "$MT_TOP/agent/mt-agent.8" "$MT_TOP"/provision/check/*.c &&
    not_ok "no place says BOOTPROTO=static (the remediation says none)" ||
    ok "no place says BOOTPROTO=static (the remediation says none)"
t_done
