#!/bin/bash
# A real ISO that does not boot through ISOLINUX: Debian's GRUB rescue CD
# (grub-rescue-pc). mt-image refuses it without --no-isolinux (naming what is
# missing); with it, it keeps the base's own El Torito boot image and catalog
# and adds mt/. The remastered ISO still boots: GRUB comes up and shows the menu
# it read from the CD's boot/grub/grub.cfg (read from qemu's VGA text screen
# through the monitor, since GRUB writes to the screen, not the serial line).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require qemu-system-x86_64 xorriso bsdtar python3

base=/usr/lib/grub-rescue/grub-rescue-cdrom.iso
[ -f "$base" ] || { not_ok "$base is missing (apt-get install grub-rescue-pc)"; t_done; }
iso=$T_TMP/grub-mt.iso

# --force-agent: the guest is Debian's kernel and busybox, where the agent built here runs (not CentOS 6.6)
expect_exit 2 "without --no-isolinux the GRUB CD is refused (bad input)" "$MT_IMAGE" iso --force-agent --base "$base" --out "$iso"
assert_grep "  naming the file and what is missing" "grub-rescue-cdrom.iso: no isolinux/isolinux.bin: not a CentOS boot ISO \(give --no-isolinux" "$T_ERR"
[ ! -e "$iso" ] && ok "  and writing nothing" || not_ok "  and writing nothing"
expect_exit 0 "mt-image iso --no-isolinux" "$MT_IMAGE" iso --force-agent --base "$base" --out "$iso" --no-isolinux
assert_grep "  says it kept the base's boot image" "boot image boot/grub/i386-pc/eltorito.img kept" "$T_OUT"

xorriso -indev "$base" -report_el_torito plain 2>/dev/null | grep -E '^El Torito (img path|boot img|cat path)|^Volume id' >"$T_TMP/base.et"
xorriso -indev "$iso" -report_el_torito plain 2>/dev/null | grep -E '^El Torito (img path|boot img|cat path)|^Volume id' >"$T_TMP/out.et"
assert_grep "xorriso: the boot image is GRUB's eltorito.img" 'El Torito img path : +1 +/boot/grub/i386-pc/eltorito.img' "$T_TMP/out.et"
# the same El Torito entry as the base, but for the sector it sits at
assert_eq "xorriso: platform, emulation, load size and catalog path as in the base" \
    "$(sed -E 's/ +[0-9]+$//; s/^(El Torito catalog).*/\1/' "$T_TMP/out.et")" "$(sed -E 's/ +[0-9]+$//; s/^(El Torito catalog).*/\1/' "$T_TMP/base.et")"
bsdtar -tf "$base" | sed 's|/$||' | sort >"$T_TMP/base.list"
bsdtar -tf "$iso" | sed 's|/$||' | sort >"$T_TMP/out.list"
assert_eq "bsdtar: every file of the base is kept" "$(comm -23 "$T_TMP/base.list" "$T_TMP/out.list")" ""
assert_grep "bsdtar: the kickstart is on it" '^mt/ks.cfg$' "$T_TMP/out.list"
cmp -s <(bsdtar -xOf "$base" boot/grub/grub.cfg) <(bsdtar -xOf "$iso" boot/grub/grub.cfg) &&
    ok "GRUB's configuration is untouched" || not_ok "GRUB's configuration is untouched"

boot_screen() { # ISO OUT: boots ISO, prints the VGA text screen after GRUB had time to draw
    local sock=$T_TMP/mon.$RANDOM
    "$MT_TOP/scripts/vm/run-vm.sh" --cdrom "$1" --boot d --net none --no-vmware --timeout 90 -- \
        -monitor "unix:$sock,server,nowait" >"$T_TMP/serial.log" 2>&1 &
    local pid=$!
    t_track_pid "$pid"
    # GRUB's menu counts down from 30 s: any time within that shows it; 12 s is enough under TCG.
    local i=0
    until grep -q "GNU GRUB" "$2" 2>/dev/null || [ $i -ge 5 ]; do
        sleep 6
        python3 "$MT_TOP/tests/e2e/vga-text.py" "$sock" --keep >"$2" 2>/dev/null
        i=$((i + 1))
    done
    python3 "$MT_TOP/tests/e2e/vga-text.py" "$sock" >/dev/null 2>&1   # quits qemu
    wait "$pid" 2>/dev/null
}
boot_screen "$iso" "$T_TMP/screen.txt"
sed 's/^/    | /' "$T_TMP/screen.txt"
assert_grep "the remastered ISO boots to GRUB" 'GNU GRUB +version' "$T_TMP/screen.txt"
assert_grep "GRUB read its menu from the CD (grub.cfg's first entry)" '\*GNU/Linux' "$T_TMP/screen.txt"
assert_grep "  and the rest of it" 'Memtest86\+' "$T_TMP/screen.txt"

# control: an ISO whose boot image is not GRUB's does not reach the menu
cp "$iso" "$T_TMP/broken.iso"
lba=$(xorriso -indev "$iso" -report_el_torito plain 2>/dev/null | sed -n 's/^El Torito boot img : .* \([0-9][0-9]*\)$/\1/p')
dd if=/dev/zero of="$T_TMP/broken.iso" bs=2048 seek="$lba" count=4 conv=notrunc 2>/dev/null
boot_screen "$T_TMP/broken.iso" "$T_TMP/broken.txt"
if grep -q "GNU GRUB" "$T_TMP/broken.txt"; then not_ok "control: a zeroed boot image does not boot"; else
    ok "control: a zeroed boot image does not boot"; fi
t_done
