#!/bin/bash
# The dnsmasq configuration of mt-image pxe --hosts, run for real: dnsmasq and a
# DHCP client (busybox udhcpc) on the two ends of a veth pair inside a private
# network namespace (unshare -n: this machine's own interfaces are never touched).
# Each listed MAC is offered its address, name, router, DNS servers, next server
# and pxelinux.0; a host without gateway/dns gets neither (dnsmasq does not offer
# itself); a MAC the hosts file does not list gets no answer; over TFTP the client
# fetches its own pxelinux.cfg/01-<mac>, byte for byte the tree's.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require xorriso python3 dnsmasq unshare ip busybox

tree=$T_TMP/tree
mkdir -p "$tree/isolinux"
cp /usr/lib/ISOLINUX/isolinux.bin "$tree/isolinux/"
echo kernel >"$tree/isolinux/vmlinuz"
echo initrd >"$tree/isolinux/initrd.img"
printf 'default linux\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img\n' >"$tree/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -R -o "$T_TMP/base.iso" -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot \
    "$tree" 2>/dev/null
cat >"$T_TMP/hosts.csv" <<'EOF'
mac,hostname,ip,netmask,gateway,dns,disk
52:54:00:aa:00:01,mt01,10.20.0.11,255.255.255.0,10.20.0.1,"10.20.0.2,10.20.0.3",sdb
52:54:00:AA:00:02,mt02.lis.example.com,10.20.0.12,255.255.255.0,,,
EOF
pxe=$T_TMP/pxe
expect_exit 0 "mt-image pxe --hosts" "$MT_IMAGE" pxe --force-agent --base "$T_TMP/base.iso" --out "$pxe" --url http://10.20.0.5/ \
    --hosts "$T_TMP/hosts.csv"

# dnsmasq drops root for its own user, which must reach the TFTP root
chmod 0755 "$T_TMP"

# udhcpc's script: what the server offered, one KEY=VALUE a line; then the address
cat >"$T_TMP/udhcpc.sh" <<'EOF'
#!/bin/sh
if [ "$1" = bound ]; then
    for k in ip subnet router dns hostname boot_file siaddr; do eval "echo $k=\${$k:-}"; done >"$OFFER"
    busybox ifconfig "$interface" "$ip" netmask "$subnet"
fi
exit 0
EOF
chmod 0755 "$T_TMP/udhcpc.sh"

# Runs in the namespace: the server end 10.20.0.5/24, dnsmasq on it; for each MAC
# the client end takes that MAC and asks (at most 6 discovers, 1 s apart).
cat >"$T_TMP/netns.sh" <<'EOF'
set -u
t=$1
shift
ip link set dev lo up
ip link add name mtsrv type veth peer name mtcli || exit 10
ip addr add 10.20.0.5/24 dev mtsrv
ip link set dev mtsrv up
dnsmasq --keep-in-foreground --conf-file="$t/pxe/dnsmasq.conf" --interface=mtsrv --bind-interfaces --port=0 \
    --dhcp-leasefile="$t/leases" --pid-file="$t/dnsmasq.pid" --log-dhcp --log-facility="$t/dnsmasq.log" &
dpid=$!
trap 'kill $dpid 2>/dev/null' EXIT INT TERM
i=0
until grep -q 'TFTP root is' "$t/dnsmasq.log" 2>/dev/null || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
for mac in "$@"; do
    ip link set dev mtcli down
    ip addr flush dev mtcli
    ip link set dev mtcli address "$mac"
    ip link set dev mtcli up
    rm -f "$t/offer"
    OFFER=$t/offer busybox udhcpc -i mtcli -n -q -f -t 6 -T 1 -A 1 -s "$t/udhcpc.sh" >>"$t/udhcpc.log" 2>&1
    echo "udhcpc=$?" >>"$t/offer"
    cp "$t/offer" "$t/offer.$mac"
    name=01-$(echo "$mac" | tr ':' '-')
    if grep -q '^ip=.' "$t/offer"; then
        busybox tftp -g -r "pxelinux.cfg/$name" -l "$t/tftp.$mac" 10.20.0.5 >>"$t/tftp.log" 2>&1
    fi
done
EOF
timeout 120 unshare -n bash "$T_TMP/netns.sh" "$T_TMP" 52:54:00:aa:00:01 52:54:00:aa:00:02 52:54:00:aa:00:99
rc=$?
assert_eq "the namespace run ended by itself" "$rc" 0
[ -f "$T_TMP/dnsmasq.pid" ] && t_track_pid "$(cat "$T_TMP/dnsmasq.pid")"
assert_grep "dnsmasq started with the configuration" 'DHCP, static leases only on 10.20.0.0' "$T_TMP/dnsmasq.log"

offer() { # MAC KEY
    sed -n "s/^$2=//p" "$T_TMP/offer.$1" 2>/dev/null
}
m=52:54:00:aa:00:01
assert_eq "mt01: a lease" "$(offer $m udhcpc)" 0
assert_eq "mt01: its address" "$(offer $m ip)" 10.20.0.11
assert_eq "mt01: its netmask" "$(offer $m subnet)" 255.255.255.0
assert_eq "mt01: its name" "$(offer $m hostname)" mt01
assert_eq "mt01: its router" "$(offer $m router)" 10.20.0.1
assert_eq "mt01: its DNS servers" "$(offer $m dns)" "10.20.0.2 10.20.0.3"
assert_eq "mt01: boot file pxelinux.0" "$(offer $m boot_file)" pxelinux.0
assert_eq "mt01: next server (TFTP) is dnsmasq's host" "$(offer $m siaddr)" 10.20.0.5
cmp -s "$T_TMP/tftp.$m" "$pxe/tftp/pxelinux.cfg/01-52-54-00-aa-00-01" &&
    ok "mt01: TFTP serves its pxelinux.cfg/01-52-54-00-aa-00-01" || not_ok "mt01: TFTP serves its pxelinux.cfg/01-52-54-00-aa-00-01"
m=52:54:00:aa:00:02
assert_eq "mt02 (upper case MAC in the file): a lease" "$(offer $m udhcpc)" 0
assert_eq "mt02: its address" "$(offer $m ip)" 10.20.0.12
assert_eq "mt02: its name (dnsmasq sends a FQDN's host part; the kernel line has all of it)" "$(offer $m hostname)" mt02
assert_eq "mt02: no router (none in the file; dnsmasq does not offer itself)" "$(offer $m router)" ""
assert_eq "mt02: no DNS server" "$(offer $m dns)" ""
cmp -s "$T_TMP/tftp.$m" "$pxe/tftp/pxelinux.cfg/01-52-54-00-aa-00-02" &&
    ok "mt02: TFTP serves its own entry" || not_ok "mt02: TFTP serves its own entry"
m=52:54:00:aa:00:99
assert_eq "a MAC not in the hosts file: no lease (static ranges only)" "$(offer $m ip)" ""
assert_grep "  dnsmasq says why" 'no address available' "$T_TMP/dnsmasq.log"
t_done
