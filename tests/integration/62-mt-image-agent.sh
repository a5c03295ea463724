#!/bin/bash
# mt-image judges the agent it embeds against CentOS 6.6 before writing anything:
# the agent built here (Debian: glibc 2.36, OpenSSL 3, ...) is refused by iso and
# pxe (exit 2, every gap named: the newest GLIBC_x.y, the missing sonames, the
# kernel of its ABI note), embedded with --force-agent and a warning; a statically
# linked musl program passes; a static glibc one (ABI note 3.2.0) and a dynamic musl
# one (its loader) do not. readelf is the oracle for what each binary needs.
# A base with a UEFI El Torito entry and an isohybrid MBR (made with xorriso) gets
# the firmware message (xorriso -report_el_torito is the oracle), and
# `check --only platform.firmware` judges fixture roots with and without
# sys/firmware/efi.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require xorriso bsdtar readelf musl-gcc cc

isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
isohdpfx=/usr/lib/ISOLINUX/isohdpfx.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32

mkbase() { # OUT [xorriso options...]: a CentOS-like boot ISO
    local out=$1 tree=$T_TMP/tree.$RANDOM
    shift
    mkdir -p "$tree/isolinux" "$tree/images"
    cp "$isolinux_bin" "$ldlinux" "$tree/isolinux/"
    head -c 100000 /dev/urandom >"$tree/isolinux/vmlinuz"
    head -c 100000 /dev/urandom >"$tree/isolinux/initrd.img"
    head -c 1474560 /dev/zero >"$tree/images/efiboot.img"
    printf 'default linux\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img\n' >"$tree/isolinux/isolinux.cfg"
    xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$out" -b isolinux/isolinux.bin \
        -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$@" "$tree" 2>/dev/null
    rm -rf "$tree"
}
base=$T_TMP/base.iso
mkbase "$base"
[ -s "$base" ] && ok "a BIOS-only base was made" || not_ok "a BIOS-only base was made"

# ---- the agent built here: refused, every gap named ----------------------------
readelf -V "$MT_AGENT" | grep -o 'GLIBC_2\.[0-9.]*' | sort -t. -k2,2n -k3,3n -u >"$T_TMP/glibc.list"
newest=$(tail -n 1 "$T_TMP/glibc.list")
readelf -d "$MT_AGENT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' >"$T_TMP/needed.list"
echo "# readelf: newest $newest; needs $(tr '\n' ' ' <"$T_TMP/needed.list")"
out=$T_TMP/mt.iso
expect_exit 2 "iso refuses the agent built here (exit 2)" "$MT_IMAGE" iso --base "$base" --out "$out"
cp "$T_ERR" "$T_TMP/iso.err"
assert_grep "  it names the agent and the target" "$MT_AGENT cannot run on CentOS 6.6 x86_64 \(glibc 2.12, kernel 2.6.32\)" "$T_TMP/iso.err"
assert_grep "  it names the newest GLIBC_x.y readelf -V lists ($newest)" "needs ${newest//./\\.} of the C library, CentOS 6.6 has glibc 2.12" "$T_TMP/iso.err"
assert_grep "  it names a missing soname: libssl.so.3 (CentOS 6.6 has libssl.so.10)" \
    'needs libssl\.so\.3: CentOS 6\.6 has libssl\.so\.10 \(openssl 1\.0\.1e' "$T_TMP/iso.err"
assert_grep "  it names a library CentOS 6.6 does not package at all (inih)" 'needs libinih\.so\.1: not packaged in CentOS 6\.6' "$T_TMP/iso.err"
named=$(grep -o 'needs lib[^ :]*:' "$T_TMP/iso.err" | sed 's/^needs //; s/:$//' | sort -u)
bad=""
for so in $named; do grep -qx "$so" "$T_TMP/needed.list" || bad="$bad $so"; done
assert_eq "  every soname it names is one readelf -d lists as NEEDED" "$bad" ""
assert_grep "  the ABI note's kernel (readelf -n: $(readelf -n "$MT_AGENT" | sed -n 's/.*ABI: *//p'))" \
    "ABI note asks for kernel $(readelf -n "$MT_AGENT" | sed -n 's/.*ABI: *//p') or newer, CentOS 6.6 runs 2.6.32" "$T_TMP/iso.err"
readelf -n "$MT_AGENT" | grep -q 'FDO.*0x407c0c0a' && ok "  readelf -n: the agent carries a .note.dlopen (FDO)" ||
    not_ok "  readelf -n: the agent carries a .note.dlopen (FDO)"
assert_grep "  the libraries it opens at run time are judged too (.note.dlopen)" \
    'needs libarchive\.so\.[0-9]+ at run time \(\.note\.dlopen\): CentOS 6\.6 has libarchive\.so\.2' "$T_TMP/iso.err"
assert_grep "  the ways out: --agent FILE" '--agent FILE +an agent built for EL6' "$T_TMP/iso.err"
assert_grep "  the ways out: --force-agent" '--force-agent +embed this one anyway' "$T_TMP/iso.err"
[ ! -e "$out" ] && ! compgen -G "$out.tmp*" >/dev/null && ok "  nothing was written" || not_ok "  nothing was written"

pxe=$T_TMP/pxe
expect_exit 2 "pxe refuses it too (exit 2)" "$MT_IMAGE" pxe --base "$base" --out "$pxe" --url http://10.0.0.1/
assert_grep "  naming the newest GLIBC_x.y" "needs ${newest//./\\.} of the C library" "$T_ERR"
assert_grep "  and a missing soname" 'needs libssl\.so\.3: CentOS 6\.6 has' "$T_ERR"
[ ! -e "$pxe" ] && ! compgen -G "$pxe.tmp*" >/dev/null && ok "  nothing was written" || not_ok "  nothing was written"
mkdir -p "$pxe" && echo keep >"$pxe/sentinel"
expect_exit 2 "pxe --force (replace DIR) is not --force-agent" "$MT_IMAGE" pxe --base "$base" --out "$pxe" --url http://h/ --force
assert_eq "  the existing DIR is untouched" "$(cat "$pxe/sentinel")" "keep"
rm -rf "$pxe"

# ---- --force-agent: embedded, with a warning naming the same gaps --------------
expect_exit 0 "iso --force-agent embeds it" "$MT_IMAGE" iso --base "$base" --out "$out" --force-agent
assert_grep "  with a warning" "warning: --force-agent: embedding $MT_AGENT although it cannot run on CentOS 6.6" "$T_ERR"
assert_grep "  naming the same gaps" "needs ${newest//./\\.} of the C library.*needs libssl\.so\.3|needs libssl\.so\.3.*needs ${newest//./\\.}" "$T_ERR"
cmp -s <(bsdtar -xOf "$out" mt/mt-agent) "$MT_AGENT" && ok "  mt/mt-agent is that agent" || not_ok "  mt/mt-agent is that agent"
expect_exit 0 "pxe --force-agent embeds it" "$MT_IMAGE" pxe --base "$base" --out "$pxe" --url http://10.0.0.1/ --force-agent
cmp -s "$pxe/http/mt/mt-agent" "$MT_AGENT" && ok "  http/mt/mt-agent is that agent" || not_ok "  http/mt/mt-agent is that agent"

# ---- a statically linked agent (musl) passes; others are judged ----------------
cat >"$T_TMP/hello.c" <<'EOF'
#include <stdio.h>
int main(int argc, char **argv) { (void)argc; (void)argv; puts("mt-agent stand-in"); return 0; }
EOF
musl-gcc -static -O2 -o "$T_TMP/static-agent" "$T_TMP/hello.c"
readelf -l "$T_TMP/static-agent" | grep -q INTERP && not_ok "readelf: the musl build has no loader" || ok "readelf: the musl build has no loader"
[ -z "$(readelf -d "$T_TMP/static-agent" 2>/dev/null | grep NEEDED)" ] && ok "readelf: and needs no library" || not_ok "readelf: and needs no library"
rm -f "$out"
expect_exit 0 "iso --agent with a static musl agent is accepted" "$MT_IMAGE" iso --base "$base" --out "$out" --agent "$T_TMP/static-agent"
if grep -q 'warning\|cannot run' "$T_ERR"; then not_ok "  without a warning"; else ok "  without a warning"; fi
cmp -s <(bsdtar -xOf "$out" mt/mt-agent) "$T_TMP/static-agent" && ok "  it is the one embedded" || not_ok "  it is the one embedded"
expect_exit 0 "pxe --agent with it is accepted" "$MT_IMAGE" pxe --base "$base" --out "$T_TMP/pxe2" --url http://h/ --agent "$T_TMP/static-agent"

if cc -static -O2 -o "$T_TMP/glibc-static" "$T_TMP/hello.c" 2>/dev/null; then
    abi=$(readelf -n "$T_TMP/glibc-static" | sed -n 's/.*ABI: *//p')
    if [ -n "$abi" ]; then
        expect_exit 2 "a static glibc agent whose ABI note asks for $abi is refused" "$MT_IMAGE" iso --base "$base" \
            --out "$T_TMP/g.iso" --agent "$T_TMP/glibc-static"
        assert_grep "  naming the kernel" "ABI note asks for kernel ${abi//./\\.} or newer, CentOS 6.6 runs 2.6.32" "$T_ERR"
    else
        echo "# cc -static gave no ABI note here: not tested, not counted"
    fi
else
    echo "# no static glibc here (libc6-dev without libc.a?): not tested, not counted"
fi
musl-gcc -O2 -o "$T_TMP/musl-dynamic" "$T_TMP/hello.c"
interp=$(readelf -l "$T_TMP/musl-dynamic" | sed -n 's/.*Requesting program interpreter: \(.*\)\]/\1/p')
expect_exit 2 "a dynamic musl agent is refused" "$MT_IMAGE" iso --base "$base" --out "$T_TMP/m.iso" --agent "$T_TMP/musl-dynamic"
assert_grep "  naming its loader (readelf: $interp)" "its loader ${interp//./\\.} is not on CentOS 6.6" "$T_ERR"
printf '#!/bin/sh\necho hi\n' >"$T_TMP/script-agent"
chmod 0755 "$T_TMP/script-agent"
expect_exit 2 "a script given as --agent is refused" "$MT_IMAGE" iso --base "$base" --out "$T_TMP/s.iso" --agent "$T_TMP/script-agent"
assert_grep "  it is not an ELF executable" 'script-agent: not an ELF executable' "$T_ERR"
[ ! -e "$T_TMP/g.iso" ] && [ ! -e "$T_TMP/m.iso" ] && [ ! -e "$T_TMP/s.iso" ] && ok "refused agents: nothing written" ||
    not_ok "refused agents: nothing written"

# ---- firmware: a base with a UEFI entry and an isohybrid MBR --------------------
uefi=$T_TMP/uefi.iso
mkbase "$uefi" -isohybrid-mbr "$isohdpfx" -eltorito-alt-boot -e images/efiboot.img -no-emul-boot
xorriso -indev "$uefi" -report_el_torito plain >"$T_TMP/uefi.report" 2>&1
assert_grep "xorriso: the base has a UEFI El Torito entry" 'El Torito boot img : +2 +UEFI' "$T_TMP/uefi.report"
assert_grep "xorriso: the base has an isohybrid MBR" 'Boot record  : El Torito , MBR isohybrid' "$T_TMP/uefi.report"
expect_exit 0 "iso from the UEFI/isohybrid base" "$MT_IMAGE" iso --base "$uefi" --out "$T_TMP/u.iso" --agent "$T_TMP/static-agent"
assert_grep "  says the UEFI entry and the MBR are not kept" \
    'uefi.iso has a UEFI El Torito boot entry and an isohybrid MBR \(boot from a USB stick\); .*u.iso does not keep them' "$T_ERR"
assert_grep "  says BIOS is the supported firmware and how to set it" 'BIOS is the supported firmware.*Firmware: BIOS' "$T_ERR"
xorriso -indev "$T_TMP/u.iso" -report_el_torito plain >"$T_TMP/u.report" 2>&1
if grep -q 'UEFI' "$T_TMP/u.report"; then not_ok "xorriso: the output has no UEFI entry (as said)"; else ok "xorriso: the output has no UEFI entry (as said)"; fi
assert_grep "xorriso: the output boots by BIOS" 'El Torito boot img : +1 +BIOS' "$T_TMP/u.report"
efi_only=$T_TMP/efi-only.iso
mkbase "$efi_only" -eltorito-alt-boot -e images/efiboot.img -no-emul-boot
expect_exit 0 "iso from a base with a UEFI entry only" "$MT_IMAGE" iso --base "$efi_only" --out "$T_TMP/e.iso" --agent "$T_TMP/static-agent"
assert_grep "  names the UEFI entry" 'efi-only.iso has a UEFI El Torito boot entry; .*does not keep it' "$T_ERR"
if grep -q 'MBR' "$T_ERR"; then not_ok "  and no MBR it does not have"; else ok "  and no MBR it does not have"; fi
# a UEFI-only base (its default entry is UEFI): --no-isolinux cannot keep it as a BIOS entry
mkdir -p "$T_TMP/efitree/images" && head -c 1474560 /dev/zero >"$T_TMP/efitree/images/efiboot.img"
xorriso -as mkisofs -quiet -R -o "$T_TMP/efi-default.iso" -e images/efiboot.img -no-emul-boot "$T_TMP/efitree" 2>/dev/null
assert_grep "xorriso: that base's only entry is UEFI" 'El Torito boot img : +1 +UEFI' \
    <(xorriso -indev "$T_TMP/efi-default.iso" -report_el_torito plain 2>&1)
expect_exit 2 "iso --no-isolinux from a UEFI-only base is refused" "$MT_IMAGE" iso --base "$T_TMP/efi-default.iso" \
    --out "$T_TMP/ed.iso" --no-isolinux --agent "$T_TMP/static-agent"
assert_grep "  saying its default entry boots UEFI" 'efi-default.iso: its default El Torito entry boots UEFI \(platform 0xEF\)' "$T_ERR"
[ ! -e "$T_TMP/ed.iso" ] && ok "  and writing nothing" || not_ok "  and writing nothing"
rm -f "$out"
expect_exit 0 "iso from the BIOS-only base" "$MT_IMAGE" iso --base "$base" --out "$out" --agent "$T_TMP/static-agent"
if grep -q 'UEFI\|MBR' "$T_ERR"; then not_ok "  has no firmware message"; else ok "  has no firmware message"; fi
expect_exit 0 "-q keeps the firmware message out" "$MT_IMAGE" -q iso --base "$uefi" --out "$T_TMP/u2.iso" --agent "$T_TMP/static-agent"
assert_eq "  stderr is empty" "$(cat "$T_ERR")" ""

# ---- platform.firmware on fixture roots -----------------------------------------
fx=$MT_TOP/tests/fixtures/sysroot
for kind in bios uefi bare; do
    mkdir -p "$T_TMP/root-$kind"
    cp -a "$fx/capture/vmware-wwn/root/." "$T_TMP/root-$kind/"
    cp -a "$fx/etc/centos66-static/." "$T_TMP/root-$kind/"
done
mkdir -p "$T_TMP/root-bios/sys/firmware/acpi" "$T_TMP/root-uefi/sys/firmware/acpi" "$T_TMP/root-uefi/sys/firmware/efi/efivars"
expect_exit 0 "check platform.firmware: BIOS root (sys/firmware without efi) passes" \
    "$MT_AGENT" --root "$T_TMP/root-bios" check --only platform.firmware
assert_grep "  saying BIOS" 'PASS platform.firmware +BIOS \(no /sys/firmware/efi\)' "$T_OUT"
expect_exit 1 "check platform.firmware: UEFI root (sys/firmware/efi) fails" \
    "$MT_AGENT" --root "$T_TMP/root-uefi" check --only platform.firmware
assert_grep "  saying UEFI" 'FAIL platform.firmware +booted by UEFI \(/sys/firmware/efi exists\)' "$T_OUT"
assert_grep "  with the remediation" 'fix: Power the VM off, set VM Options > Boot Options > Firmware: BIOS, then re-install' "$T_OUT"
expect_exit 1 "  --json: status fail, severity error" "$MT_AGENT" --root "$T_TMP/root-uefi" --json check --only platform.firmware
assert_eq "  the JSON says so" "$(jfield "$T_OUT" checks.0.id checks.0.status checks.0.severity)" "platform.firmware fail error"
expect_exit 0 "check platform.firmware: a root without sys/firmware is skipped, not passed" \
    "$MT_AGENT" --root "$T_TMP/root-bare" check --only platform.firmware
assert_grep "  saying why" 'SKIP platform.firmware +/sys/firmware is not there' "$T_OUT"

t_done
