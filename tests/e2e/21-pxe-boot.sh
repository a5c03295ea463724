#!/bin/bash
# The PXE tree mt-image builds boots in qemu: pxelinux.0 over qemu's TFTP, the
# kernel gets ks=http://.../mt/ks.cfg (and BOOTIF from ipappend 2), and the guest
# fetches the kickstart, the agent and the payload list over HTTP from a server on
# 127.0.0.1 (the guest reaches it at 10.0.2.2).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require qemu-system-x86_64 xorriso python3

base=$T_TMP/base.iso
check "synthetic CentOS-like base ISO" "$MT_TOP/scripts/vm/synthetic-base-iso.sh" --out "$base"
payload=$T_TMP/payload
mkdir -p "$payload"
echo "tarball" >"$payload/Microsoft-ASR_UA_RHEL6-64.tar.gz"
(cd "$payload" && sha256sum ./*.tar.gz >SHA256SUMS) # mt-image verifies the payload as the box will
port=$(python3 "$MT_TOP/tests/lib/tcp_port.py" free)
url=http://10.0.2.2:$port
pxe=$T_TMP/pxe
# --force-agent: the guest is Debian's kernel and busybox, where the agent built here runs (not CentOS 6.6)
expect_exit 0 "mt-image pxe" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url "$url" --payload "$payload" --cs cs.example.com

python3 -m http.server --bind 127.0.0.1 --directory "$pxe/http" "$port" >"$T_TMP/http.log" 2>&1 &
t_track_pid $!
i=0
until python3 "$MT_TOP/tests/lib/tcp_port.py" connect "$port" 2>/dev/null ||
    [ $i -ge 50 ]; do sleep 0.1; i=$((i + 1)); done

log=$T_TMP/boot.log
"$MT_TOP/scripts/vm/run-vm.sh" --tftp "$pxe/tftp" --bootfile pxelinux.0 --boot n --timeout 150 2>&1 | tr -d '\r' >"$log"
assert_grep "the guest PXE-booted and powered off" '^vm: poweroff' "$log"
assert_grep "pxelinux booted the kickstart entry with ks=http://" "^MT-CMDLINE: .*initrd=initrd.img .*ks=$url/mt/ks.cfg ksdevice=bootif" "$log"
assert_grep "ipappend 2 passed BOOTIF" '^MT-CMDLINE: .*BOOTIF=01-' "$log"
assert_grep "the guest fetched the kickstart over HTTP" '^MT-HTTP-KS: # mt-image .* served at http://10.0.2.2:[0-9]+, configuration server cs.example.com' "$log"
assert_grep "the kickstart installs from the HTTP tree" "^MT-HTTP-KS: url --url=$url/os\$" "$log"
assert_grep "the guest fetched the agent" "^MT-HTTP-AGENT: $(stat -c %s "$MT_AGENT") bytes" "$log"
assert_grep "the guest fetched the payload list" '^MT-HTTP-PAYLOAD: Microsoft-ASR_UA_RHEL6-64.tar.gz$' "$log"
assert_grep "the server on 127.0.0.1 served the kickstart" '"GET /mt/ks.cfg HTTP/1.[01]" 200' "$T_TMP/http.log"
t_done
