#!/bin/bash
# inventory and check on fixture sysroots: sysfs/procfs captured from VMware-like
# qemu guests (tests/fixtures/sysroot/capture/*) with an /etc of CentOS 6.6,
# CentOS 6.10 or Debian 12 laid over it (tests/fixtures/sysroot/etc/*), and an
# rpm database made here. The SCSI ids must equal what /lib/udev/scsi_id printed
# in the guest; each check's status must be the expected one.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 rpm rpmbuild
fx=$MT_TOP/tests/fixtures/sysroot

# An rpm database with empty stand-ins for the named packages (rpm --justdb).
mk_rpmdb() { # root pkg...
    local root=$1 spec=$T_TMP/empty.spec p
    shift
    cat >"$spec" <<'EOF'
Name: %{pkgname}
Version: 1
Release: 1
Summary: empty stand-in for a package name
License: none
BuildArch: noarch
%description
empty
%files
EOF
    for p in "$@"; do
        [ -f "$T_TMP/rpmtop/RPMS/noarch/$p-1-1.noarch.rpm" ] ||
            rpmbuild -bb --quiet --define "_topdir $T_TMP/rpmtop" --define "pkgname $p" "$spec" >/dev/null 2>&1
    done
    rpm --root "$root" --dbpath /var/lib/rpm --initdb
    (cd "$T_TMP/rpmtop/RPMS/noarch" &&
        rpm --root "$root" --dbpath /var/lib/rpm -i --justdb --nodeps --noscripts $(printf '%s-1-1.noarch.rpm ' "$@") 2>/dev/null)
}

# mkroot NAME CAPTURE OVERLAY: a sysroot in $T_TMP/NAME
mkroot() {
    mkdir -p "$T_TMP/$1"
    cp -a "$fx/capture/$2/root/." "$T_TMP/$1/"
    cp -a "$fx/etc/$3/." "$T_TMP/$1/"
}

all_pkgs="xfsprogs perl lsscsi rsync wget kexec-tools"
mkroot ok vmware-wwn centos66-static
mk_rpmdb "$T_TMP/ok" $all_pkgs
mkroot dhcp vmware-mixed centos66-dhcp
mk_rpmdb "$T_TMP/dhcp" xfsprogs perl rsync wget kexec-tools
mkroot el610 vmware-wwn centos610
mk_rpmdb "$T_TMP/el610" $all_pkgs
mkroot deb qemu-plain debian12
check "rpm database made for the CentOS fixtures" test -f "$T_TMP/ok/var/lib/rpm/rpmdb.sqlite"

# check --json output is flattened once (python3 starts slowly on a loaded box)
# into NAME.tsv: id, status, severity, detail, remediation.
flatten() { # NAME
    python3 "$MT_TOP/tests/lib/check_report.py" tsv "$T_TMP/$1.json" >"$T_TMP/$1.tsv"
}
# status NAME ID: "status severity", or "absent"
status() {
    awk -F'\t' -v id="$2" '$1 == id { print $2, $3; f = 1 } END { if (!f) print "absent" }' "$T_TMP/$1.tsv"
}
field() { # NAME ID detail|remediation
    awk -F'\t' -v id="$2" -v k="$3" '$1 == id { print (k == "detail" ? $4 : $5) }' "$T_TMP/$1.tsv"
}
# The exit status is judged on this area's checks: the layout, payload and cs
# areas' checks depend on state a fixture does not have (provisioned disk,
# applied changes, a configuration server); they are run once, further down.
others=layout.partitions,layout.swap,modules.xfs,modules.reiserfs,customchanges.applied,retention.volume,cs.reachable,cs.registered
run_check() { # NAME WANT_EXIT [args]
    local name=$1 want=$2
    shift 2
    expect_exit "$want" "check --json --root $name exits $want" "$MT_AGENT" --json --root "$T_TMP/$name" check --ignore "$others" "$@"
    cp "$T_OUT" "$T_TMP/$name.json"
    check "check --json on $name is one JSON document" flatten "$name"
}

# --- CentOS 6.6, EnableUUID on, static IP, ntpd, all packages ---
run_check ok 0
assert_eq "ok: platform.vmware" "$(status ok platform.vmware)" "pass error"
assert_eq "ok: os.release" "$(status ok os.release)" "pass error"
assert_eq "ok: os.arch" "$(status ok os.arch)" "pass error"
assert_eq "ok: host.resources is a failed warning (small guest)" "$(status ok host.resources)" "fail warning"
assert_eq "ok: disk.enableuuid" "$(status ok disk.enableuuid)" "pass error"
assert_eq "ok: disk.scsi-id-unique" "$(status ok disk.scsi-id-unique)" "pass error"
assert_eq "ok: packages.required" "$(status ok packages.required)" "pass error"
assert_grep "ok: packages read from the rpm database" "rpm database" <(field ok packages.required detail)
assert_eq "ok: network.static-ip" "$(status ok network.static-ip)" "pass warning"
assert_grep "ok: static address from ifcfg" "eth0 10.0.2.15/24" <(field ok network.static-ip detail)
assert_eq "ok: time.sync" "$(status ok time.sync)" "pass warning"
"$MT_AGENT" --json --root "$T_TMP/ok" check >"$T_TMP/full.json"
flatten full
for id in ${others//,/ }; do
    s=$(status full $id)
    [ "$s" != absent ] && ok "ok: $id is in the catalogue ($s)" || not_ok "ok: $id is in the catalogue"
done
python3 "$MT_TOP/tests/lib/check_report.py" summary "$T_TMP/ok.json" >"$T_TMP/sum" 2>&1
assert_eq "ok: summary counts and keys match the checks" "$(cat "$T_TMP/sum") $(jfield "$T_TMP/ok.json" host.vendor host.uuid)" \
    "ok VMware, Inc. 42a1b2c3-d4e5-f607-1829-3a4b5c6d7e8f"
expect_exit 1 "ok: --strict makes the failed warning fail" "$MT_AGENT" --root "$T_TMP/ok" check --strict
printf '[check]\nmin_cpus = 2\nmin_ram_mib = 512\nmin_os_disk_gib = 0\nstrict = true\n' >"$T_TMP/small.conf"
sed -i 's/min_os_disk_gib = 0/min_os_disk_gib = 1/' "$T_TMP/small.conf"
expect_exit 1 "ok: [check] strict with the OS disk minimum still unmet" "$MT_AGENT" --config "$T_TMP/small.conf" --root "$T_TMP/ok" check --only host.resources
printf '[check]\nmin_cpus = 2\nmin_ram_mib = 512\nmin_os_disk_gib = 1\nstrict = true\nignore = host.resources,%s\n' "$others" >"$T_TMP/ign.conf"
expect_exit 0 "ok: [check] ignore leaves host.resources out" "$MT_AGENT" --json --config "$T_TMP/ign.conf" --root "$T_TMP/ok" check
cp "$T_OUT" "$T_TMP/ign.json"
flatten ign
assert_eq "ok: ignored check is absent" "$(status ign host.resources)" "absent"

# --- CentOS 6.6, one pvscsi disk without NAA, virtio disks, DHCP, lsscsi missing ---
run_check dhcp 1
assert_eq "dhcp: disk.enableuuid fails" "$(status dhcp disk.enableuuid)" "fail error"
d=$(field dhcp disk.enableuuid detail)
case $d in *"sdb has no NAA"*) ok "dhcp: names sdb (pvscsi, no wwn)" ;; *) not_ok "dhcp: names sdb: $d" ;; esac
case $d in *sda*) not_ok "dhcp: does not name sda (has an NAA): $d" ;; *) ok "dhcp: does not name sda (has an NAA)" ;; esac
case $d in *vda*) not_ok "dhcp: the virtio-blk disk is not SCSI: $d" ;; *) ok "dhcp: the virtio-blk disk is not judged" ;; esac
r=$(field dhcp disk.enableuuid remediation)
for w in "power the VM off" "Configuration Parameters" "disk.EnableUUID" "TRUE"; do
    case $r in *"$w"*) ok "dhcp: remediation says '$w'" ;; *) not_ok "dhcp: remediation says '$w': $r" ;; esac
done
assert_eq "dhcp: network.static-ip warns" "$(status dhcp network.static-ip)" "fail warning"
assert_grep "dhcp: names the ifcfg file" "eth0 \(/etc/sysconfig/network-scripts/ifcfg-eth0\)" <(field dhcp network.static-ip detail)
assert_eq "dhcp: packages.required fails" "$(status dhcp packages.required)" "fail error"
assert_eq "dhcp: names the missing package" "$(field dhcp packages.required detail)" "not installed: lsscsi (rpm database, rpm --root -q)"
assert_eq "dhcp: time.sync warns" "$(status dhcp time.sync)" "fail warning"

# --- CentOS 6.10: another 6.x is a warning ---
run_check el610 0
assert_eq "el610: os.release is a failed warning" "$(status el610 os.release)" "fail warning"
expect_exit 1 "el610: --strict fails on it" "$MT_AGENT" --root "$T_TMP/el610" check --strict --only os.release

# --- Debian 12 on plain qemu: not VMware, wrong OS, dpkg database ---
run_check deb 1
assert_eq "deb: platform.vmware fails" "$(status deb platform.vmware)" "fail error"
assert_eq "deb: os.release is an error" "$(status deb os.release)" "fail error"
assert_eq "deb: packages from the dpkg status file" "$(status deb packages.required)" "pass error"
assert_grep "deb: says dpkg" "dpkg status file" <(field deb packages.required detail)
assert_eq "deb: static from /etc/network/interfaces" "$(status deb network.static-ip)" "pass warning"
assert_eq "deb: timesyncd enabled" "$(status deb time.sync)" "pass warning"
assert_eq "deb: the QEMU virtio-scsi disk is not a VMware virtual disk: not judged" "$(status deb disk.enableuuid)" "skip error"
assert_grep "deb: names it for what it is" "sda \(QEMU QEMU HARDDISK\): identity from the device itself" <(field deb disk.enableuuid detail)

# --- options ---
expect_exit 2 "--only with an unknown id is a usage error" "$MT_AGENT" --root "$T_TMP/ok" check --only os.release,disk.enableUUID
assert_grep "names the unknown id" 'disk\.enableUUID' "$T_ERR"
expect_exit 2 "--ignore with an unknown id is a usage error" "$MT_AGENT" --root "$T_TMP/ok" check --ignore nope
assert_grep "names it" '"nope"' "$T_ERR"
printf '[check]\nignore = os.release,bogus.id\n' >"$T_TMP/bad.conf"
expect_exit 2 "[check] ignore with an unknown id exits 2" "$MT_AGENT" --config "$T_TMP/bad.conf" --root "$T_TMP/ok" check
assert_grep "names it and the file" "bad.conf.*bogus.id" "$T_ERR"
expect_exit 0 "--only runs just those" "$MT_AGENT" --json --root "$T_TMP/dhcp" check --only os.release,os.arch
assert_eq "--only: two checks" "$(grep -o '"id"' "$T_OUT" | wc -l)" 2
expect_exit 0 "--list" "$MT_AGENT" check --list
list_ids=$(awk '{print $1}' "$T_OUT" | tr '\n' ' ')
comp_ids=$(sed -n '/^_mt_agent_check_ids="/,/"$/p' "$MT_TOP/rootfs/etc/bash_completion.d/mt-agent" | tr -d '"' | sed 's/_mt_agent_check_ids=//' | tr '\n' ' ' | tr -s ' ')
assert_eq "bash completion lists the catalogue" "$(echo $comp_ids)" "$(echo $list_ids)"
man_text=$(groff -man -Tutf8 "$MT_TOP/agent/mt-agent.8" 2>/dev/null | sed 's/.\x08//g')
for id in $list_ids; do
    echo "$man_text" | grep -q -- "$id" && ok "mt-agent(8) documents $id" || not_ok "mt-agent(8) documents $id"
done

# --- inventory: ids equal what /lib/udev/scsi_id printed in the guest ---
for cap in vmware-wwn vmware-mixed qemu-plain; do
    root=$T_TMP/inv-$cap
    mkdir -p "$root" && cp -a "$fx/capture/$cap/root/." "$root/"
    expect_exit 0 "inventory --json --root ($cap)" "$MT_AGENT" --json --root "$root" inventory
    cp "$T_OUT" "$T_TMP/inv-$cap.json"
done
for cap in vmware-wwn vmware-mixed qemu-plain; do
    python3 "$MT_TOP/tests/lib/inventory_oracle.py" scsi-ids "$T_TMP/inv-$cap.json" "$fx/capture/$cap/scsi_id.txt" |
        sed "s/^/$cap /" >"$T_TMP/facts"
    assert_grep "$cap: scsi_id of every SCSI disk equals the guest's /lib/udev/scsi_id" "^$cap same$" "$T_TMP/facts"
done
# a page that lies about its length: unreadable, named, no id, no crash
root=$T_TMP/inv-vmware-mixed
pg=$(readlink -f "$root/sys/block/sda/device")/vpd_pg83
printf '\000\203\000\100\001\003\000\010\140' >"$pg"
expect_exit 0 "inventory with a truncated vpd_pg83 still runs" "$MT_AGENT" --json --root "$root" inventory
mapfile -t sda < <(jfield --lines "$T_OUT" 'disks[name=sda].vpd_error' 'disks[name=sda].scsi_id' 'disks[name=sda].has_naa')
printf '%s | %s | %s\n' "${sda[@]}" >"$T_TMP/lie"
assert_grep "sda: unreadable page named, no id" "^page 0x83 claims 64 bytes, only 5 received: scsi_id's id would rest on byte 9, which the device did not send \|  \| false$" "$T_TMP/lie"
expect_exit 1 "check fails disk.enableuuid on it" "$MT_AGENT" --json --root "$root" check --only disk.enableuuid
assert_grep "says VPD unreadable" "sda: VPD unreadable" "$T_OUT"

# a root without /sys (sysfs not mounted): no disks, said on stderr, not a silent empty list
nosys=$T_TMP/nosys
mkdir -p "$nosys"
expect_exit 0 "no /sys: inventory still answers" "$MT_AGENT" --root "$nosys" --json inventory
assert_eq "no /sys: disk_source none, no disks" "$(jfield "$T_OUT" disk_source 'disks|len')" "none 0"
assert_grep "no /sys: the warning names /sys/block and the root" "warning: /sys/block is not there under --root $nosys" "$T_ERR"
t_done
