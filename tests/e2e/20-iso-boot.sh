#!/bin/bash
# The installer ISO mt-image builds boots in qemu through ISOLINUX into the
# kickstart entry: the kernel gets ks=cdrom:/mt/ks.cfg and the boot parameters,
# and the CD carries the kickstart, the agent, the overlay and the payloads.
# The base is scripts/vm/synthetic-base-iso.sh's CentOS-like ISO, whose initrd
# prints what it sees; booting the base unchanged is the control.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require qemu-system-x86_64 xorriso

base=$T_TMP/base.iso
check "synthetic CentOS-like base ISO" "$MT_TOP/scripts/vm/synthetic-base-iso.sh" --out "$base"
payload=$T_TMP/payload
mkdir -p "$payload/rpms"
echo "module package" >"$payload/rpms/kmod-reiserfs-0.0-1.el6.x86_64.rpm"
(cd "$payload" && sha256sum rpms/* >SHA256SUMS)
iso=$T_TMP/mt.iso
# --force-agent: the guest is Debian's kernel and busybox, where the agent built here runs (not CentOS 6.6)
expect_exit 0 "mt-image iso" "$MT_IMAGE" iso --force-agent --base "$base" --out "$iso" --payload "$payload" --cs 10.20.30.40 \
    --append "ip=10.0.0.21 netmask=255.255.255.0 gateway=10.0.0.1 mt.disk=sda"

log=$T_TMP/boot.log
"$MT_TOP/scripts/vm/run-vm.sh" --cdrom "$iso" --boot d --net none --timeout 120 2>&1 | tr -d '\r' >"$log"
assert_grep "the guest booted from the CD and powered off" '^vm: poweroff' "$log"
assert_grep "ISOLINUX booted the kickstart entry: ks=cdrom:/mt/ks.cfg on the kernel line" \
    '^MT-CMDLINE: .*initrd=initrd.img .*ks=cdrom:/mt/ks.cfg' "$log"
assert_grep "the boot parameters follow it" '^MT-CMDLINE: .*ks=cdrom:/mt/ks.cfg ip=10.0.0.21 netmask=255.255.255.0 gateway=10.0.0.1 mt.disk=sda' "$log"
for f in mt/ks.cfg mt/mt-agent mt/rootfs.tar mt/payload.list mt/payload/SHA256SUMS mt/payload/rpms/kmod-reiserfs-0.0-1.el6.x86_64.rpm; do
    assert_grep "the guest sees $f on the CD" "^MT-FILE: $f\$" "$log"
done
assert_grep "the kickstart on the CD is mt-image's copy" '^MT-KS: # mt-image .* configuration server 10.20.30.40' "$log"
assert_grep "the overlay carries the first-boot init script" '^MT-ROOTFS: ./etc/rc.d/init.d/mt-agent' "$log"
assert_grep "the agent on the CD is executable" '^MT-AGENT-EXEC: yes' "$log"

# control: the base as it was has no kickstart entry and no mt/ directory
"$MT_TOP/scripts/vm/run-vm.sh" --cdrom "$base" --boot d --net none --timeout 120 2>&1 | tr -d '\r' >"$T_TMP/control.log"
assert_grep "control: the base boots too" '^MT-CMDLINE: ' "$T_TMP/control.log"
if grep -q 'ks=cdrom' "$T_TMP/control.log" || grep -q '^MT-FILE:' "$T_TMP/control.log"; then
    not_ok "control: no ks= and no mt/ files without mt-image"
else
    ok "control: no ks= and no mt/ files without mt-image"
fi
t_done
