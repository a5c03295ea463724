#!/bin/bash
# A fleet from one PXE tree (mt-image pxe --hosts): two qemu guests with different
# MACs boot the same tree over qemu's TFTP; pxelinux picks each one's
# pxelinux.cfg/01-<mac>, so each kernel line carries its own ip=, hostname= and
# mt.disk= (the synthetic base's initrd prints its command line); a third guest
# with a MAC the hosts file does not list boots pxelinux.cfg/default (no ip=).
# Each guest then fetches the kickstart over HTTP from a server on 127.0.0.1.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require qemu-system-x86_64 xorriso python3 dnsmasq

base=$T_TMP/base.iso
check "synthetic CentOS-like base ISO" "$MT_TOP/scripts/vm/synthetic-base-iso.sh" --out "$base"
port=$(python3 "$MT_TOP/tests/lib/tcp_port.py" free)
url=http://10.0.2.2:$port
hosts=$T_TMP/fleet.csv
cat >"$hosts" <<'CSV'
mac,hostname,ip,netmask,gateway,dns,disk
52:54:00:4D:54:01,mt-lis-01,10.0.2.21,255.255.255.0,10.0.2.2,10.0.2.3,sdb
52:54:00:4d:54:02,mt-lis-02,10.0.2.22,255.255.255.0,10.0.2.2,10.0.2.3,
CSV
pxe=$T_TMP/pxe
expect_exit 0 "mt-image pxe --hosts" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url "$url" --hosts "$hosts"
expect_exit 0 "dnsmasq --test accepts the tree's dnsmasq.conf" dnsmasq --test --conf-file="$pxe/dnsmasq.conf"

python3 -m http.server --bind 127.0.0.1 --directory "$pxe/http" "$port" >"$T_TMP/http.log" 2>&1 &
t_track_pid $!
i=0
until python3 "$MT_TOP/tests/lib/tcp_port.py" connect "$port" 2>/dev/null ||
    [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done

boot() { # NAME MAC: boots the tree with that MAC; the serial log in $T_TMP/NAME.log
    "$MT_TOP/scripts/vm/run-vm.sh" --tftp "$pxe/tftp" --bootfile pxelinux.0 --boot n --timeout 240 \
        --nic "virtio-net-pci,mac=$2" 2>&1 | tr -d '\r' >"$T_TMP/$1.log"
    assert_grep "$1 ($2) PXE-booted and powered off" '^vm: poweroff' "$T_TMP/$1.log"
}
boot mt-lis-01 52:54:00:4d:54:01
l=$T_TMP/mt-lis-01.log
assert_grep "mt-lis-01: its own kernel line (ip=, netmask=, gateway=, dns=, hostname=, mt.disk=)" \
    "^MT-CMDLINE: .*ks=$url/mt/ks.cfg ksdevice=bootif ip=10.0.2.21 netmask=255.255.255.0 gateway=10.0.2.2 dns=10.0.2.3 hostname=mt-lis-01 mt.disk=sdb( |\$)" "$l"
assert_grep "mt-lis-01: BOOTIF names its MAC" '^MT-CMDLINE: .*BOOTIF=01-52-54-00-4d-54-01' "$l"
assert_grep "mt-lis-01: fetched the kickstart over HTTP" "^MT-HTTP-KS: url --url=$url/os\$" "$l"

boot mt-lis-02 52:54:00:4d:54:02
l=$T_TMP/mt-lis-02.log
assert_grep "mt-lis-02: its own kernel line (no disk column: no mt.disk=)" \
    "^MT-CMDLINE: .*ks=$url/mt/ks.cfg ksdevice=bootif ip=10.0.2.22 netmask=255.255.255.0 gateway=10.0.2.2 dns=10.0.2.3 hostname=mt-lis-02( |\$)" "$l"
if grep -q '^MT-CMDLINE: .*mt.disk=' "$l"; then not_ok "mt-lis-02: no mt.disk="; else ok "mt-lis-02: no mt.disk="; fi
if grep -q '^MT-CMDLINE: .*10.0.2.21' "$l"; then not_ok "mt-lis-02: nothing of mt-lis-01"; else ok "mt-lis-02: nothing of mt-lis-01"; fi
assert_grep "mt-lis-02: BOOTIF names its MAC" '^MT-CMDLINE: .*BOOTIF=01-52-54-00-4d-54-02' "$l"

boot stranger 52:54:00:4d:54:99
l=$T_TMP/stranger.log
assert_grep "unknown MAC: pxelinux.cfg/default (the kickstart, ksdevice=bootif)" "^MT-CMDLINE: .*ks=$url/mt/ks.cfg ksdevice=bootif" "$l"
if grep -qE '^MT-CMDLINE: .*( ip=| hostname=| mt\.disk=)' "$l"; then not_ok "unknown MAC: no ip=, hostname=, mt.disk="; else
    ok "unknown MAC: no ip=, hostname=, mt.disk="; fi
assert_grep "unknown MAC: BOOTIF names its MAC" '^MT-CMDLINE: .*BOOTIF=01-52-54-00-4d-54-99' "$l"
assert_eq "the HTTP server served the kickstart three times" "$(grep -c '"GET /mt/ks.cfg HTTP/1.[01]" 200' "$T_TMP/http.log")" 3
t_done
