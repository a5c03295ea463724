#!/bin/bash
# mt-image iso and pxe on small CentOS-like bases made here with xorriso; bsdtar and
# xorriso are the oracles for what the output holds and how it boots (El Torito).
# Bad bases are refused with a message naming the file and what is missing, and
# leave no output behind. The agent built here cannot run on CentOS 6.6: every run
# embeds it with --force-agent (62-mt-image-agent.sh tests the refusal).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require xorriso bsdtar python3 script

lint=$MT_TOP/tests/kslint.py
isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32

# a base laid out like CentOS 6.6's boot ISO, with stand-in kernel and initrd
mkbase() { # OUT [tree-edit-function]
    local tree=$T_TMP/tree.$$.$RANDOM
    mkdir -p "$tree/isolinux" "$tree/images/pxeboot" "$tree/Packages/sub dir"
    cp "$isolinux_bin" "$ldlinux" "$tree/isolinux/"
    head -c 300000 /dev/urandom >"$tree/isolinux/vmlinuz"
    head -c 200000 /dev/urandom >"$tree/isolinux/initrd.img"
    cp "$tree/isolinux/vmlinuz" "$tree/isolinux/initrd.img" "$tree/images/pxeboot/"
    head -c 100000 /dev/urandom >"$tree/Packages/sub dir/a package-1.0.rpm"
    echo "CentOS" >"$tree/.discinfo"
    ln -s Packages "$tree/packages-link"
    cat >"$tree/isolinux/isolinux.cfg" <<'EOF'
default vesamenu.c32
timeout 600
menu title Welcome to CentOS 6.6!
label linux
  menu label ^Install or upgrade an existing system
  menu default
  kernel vmlinuz
  append initrd=initrd.img
label rescue
  menu label ^Rescue installed system
  kernel vmlinuz
  append initrd=initrd.img rescue
label local
  menu label Boot from ^local drive
  localboot 0xffff
EOF
    [ $# -gt 1 ] && "$2" "$tree"
    xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$1" -b isolinux/isolinux.bin \
        -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" 2>/dev/null
    rm -rf "$tree"
}
base=$T_TMP/base.iso
mkbase "$base"
payload=$T_TMP/payload
mkdir -p "$payload/rpms"
head -c 50000 /dev/urandom >"$payload/rpms/kmod-reiserfs-0.0-1.el6.elrepo.x86_64.rpm"
head -c 70000 /dev/urandom >"$payload/Microsoft-ASR_UA_9.0.0.0_RHEL6-64_GA.tar.gz"
(cd "$payload" && sha256sum rpms/*.rpm *.tar.gz >SHA256SUMS)

# no OUT.tmp.XXXXXX (DIR.tmp.XXXXXX) of mt-image left beside OUT
no_tmp() { ! compgen -G "$1.tmp*" >/dev/null; }

# ---- iso ----
out=$T_TMP/mt.iso
expect_exit 0 "mt-image iso" "$MT_IMAGE" iso --force-agent --base "$base" --out "$out" --payload "$payload" \
    --cs 10.20.30.40 --append "console=ttyS0 ip=10.0.0.9"
assert_grep "it says what it wrote" "mt.iso: [0-9]+ files from .*base.iso \(volume \"CentOS 6.6 x86_64\"\)" "$T_OUT"
[ -f "$out" ] && no_tmp "$out" && ok "the ISO is in place, no .tmp left" || not_ok "the ISO is in place, no .tmp left"
bsdtar -tf "$base" | sed 's|/$||' | sort >"$T_TMP/base.list"
bsdtar -tf "$out" | sed 's|/$||' | sort >"$T_TMP/out.list"
missing=$(comm -23 "$T_TMP/base.list" "$T_TMP/out.list")
assert_eq "bsdtar: every file of the base is on the ISO" "$missing" ""
added=$(comm -13 "$T_TMP/base.list" "$T_TMP/out.list" | tr '\n' ' ')
assert_eq "bsdtar: the added files are mt/..." "$added" \
    "mt mt/ks.cfg mt/mt-agent mt/payload mt/payload.list mt/payload/Microsoft-ASR_UA_9.0.0.0_RHEL6-64_GA.tar.gz mt/payload/SHA256SUMS mt/payload/rpms mt/payload/rpms/kmod-reiserfs-0.0-1.el6.elrepo.x86_64.rpm mt/rootfs.tar "
same=1
for f in isolinux/vmlinuz isolinux/initrd.img images/pxeboot/vmlinuz "Packages/sub dir/a package-1.0.rpm" .discinfo isolinux/ldlinux.c32; do
    if ! cmp -s <(bsdtar -xOf "$base" "$f") <(bsdtar -xOf "$out" "$f"); then same=0; echo "# differs: $f"; fi
done
assert_eq "file contents are copied byte for byte" "$same" 1
cmp -s <(bsdtar -xOf "$base" isolinux/isolinux.bin | tail -c +65) <(bsdtar -xOf "$out" isolinux/isolinux.bin | tail -c +65) &&
    ok "isolinux.bin is the base's (past its boot info table)" || not_ok "isolinux.bin is the base's (past its boot info table)"
assert_eq "the symbolic link is kept" "$(bsdtar -tvf "$out" packages-link | sed 's/.* -> //')" "Packages"
xorriso -indev "$out" -report_el_torito plain >"$T_TMP/eltorito" 2>&1
assert_grep "xorriso: El Torito boot image is isolinux/isolinux.bin" 'El Torito img path : +1 +/isolinux/isolinux.bin' "$T_TMP/eltorito"
assert_grep "xorriso: no emulation, 4 sectors loaded" 'El Torito boot img : +1 +BIOS +y +none +0x0000 +0x00 +4 ' "$T_TMP/eltorito"
assert_grep "xorriso: boot info table" 'El Torito img opts : +1 +boot-info-table' "$T_TMP/eltorito"
assert_grep "xorriso: the boot catalog where the base had it" 'El Torito cat path : /isolinux/boot.cat' "$T_TMP/eltorito"
assert_grep "xorriso: the volume id is kept" "Volume id +: 'CentOS 6.6 x86_64'" "$T_TMP/eltorito"
assert_eq "blkid: the label is kept" "$(blkid -o value -s LABEL "$out")" "CentOS 6.6 x86_64"

bsdtar -xOf "$out" isolinux/isolinux.cfg >"$T_TMP/isolinux.cfg"
assert_grep "isolinux.cfg: the kickstart entry boots with ks=cdrom:/mt/ks.cfg" \
    '^  append initrd=initrd.img ks=cdrom:/mt/ks.cfg console=ttyS0 ip=10.0.0.9$' "$T_TMP/isolinux.cfg"
assert_eq "isolinux.cfg: one menu default" "$(grep -c 'menu default' "$T_TMP/isolinux.cfg")" 1
assert_eq "isolinux.cfg: the other entries are kept" "$(grep -c '^label ' "$T_TMP/isolinux.cfg")" 4
bsdtar -xOf "$out" mt/ks.cfg >"$T_TMP/ks.cfg"
expect_exit 0 "the injected kickstart passes the EL6 lint" python3 "$lint" "$T_TMP/ks.cfg"
assert_grep "the injected kickstart names the configuration server" '^# mt-image .* configuration server 10.20.30.40$' "$T_TMP/ks.cfg"
assert_grep "the ISO's kickstart installs from the CD" '^cdrom$' "$T_TMP/ks.cfg"
cmp -s <(bsdtar -xOf "$out" mt/mt-agent) "$MT_AGENT" && ok "mt/mt-agent is the built agent" || not_ok "mt/mt-agent is the built agent"
assert_grep "mt/mt-agent is executable" '^-r-xr-xr-x|^-rwxr-xr-x' <(bsdtar -tvf "$out" mt/mt-agent)
bsdtar -xOf "$out" mt/rootfs.tar >"$T_TMP/rootfs.tar"
tar -tvf "$T_TMP/rootfs.tar" >"$T_TMP/rootfs.list"
assert_grep "rootfs.tar: the init script, 0755, root's" '^-rwxr-xr-x root/root .* \./etc/rc\.d/init\.d/mt-agent$' "$T_TMP/rootfs.list"
assert_grep "rootfs.tar: the systemd unit" ' \./usr/lib/systemd/system/mt-agent-firstboot\.service$' "$T_TMP/rootfs.list"
tar -xOf "$T_TMP/rootfs.tar" ./etc/mt-agent/mt-agent.conf >"$T_TMP/conf"
assert_grep "rootfs.tar: mt-agent.conf has the configuration server" '^host = 10.20.30.40$' "$T_TMP/conf"
expect_exit 0 "the edited mt-agent.conf loads in mt-agent" "$MT_AGENT" --config "$T_TMP/conf" status
assert_eq "payload.list names the payloads" "$(bsdtar -xOf "$out" mt/payload.list | sort | tr '\n' ' ')" \
    "Microsoft-ASR_UA_9.0.0.0_RHEL6-64_GA.tar.gz SHA256SUMS rpms/kmod-reiserfs-0.0-1.el6.elrepo.x86_64.rpm "
mkdir -p "$T_TMP/x" && bsdtar -xf "$out" -C "$T_TMP/x" mt/payload
(cd "$T_TMP/x/mt/payload" && sha256sum -c --quiet SHA256SUMS) && ok "payloads match their manifest" || not_ok "payloads match their manifest"

# remastering the remastered ISO replaces the media and the entry
out2=$T_TMP/mt2.iso
expect_exit 0 "mt-image iso on its own output" "$MT_IMAGE" iso --force-agent --base "$out" --out "$out2"
bsdtar -xOf "$out2" isolinux/isolinux.cfg >"$T_TMP/isolinux2.cfg"
assert_eq "  one label mt" "$(grep -c '^label mt$' "$T_TMP/isolinux2.cfg")" 1
assert_grep "  its append line is rebuilt" '^  append initrd=initrd.img ks=cdrom:/mt/ks.cfg$' "$T_TMP/isolinux2.cfg"
assert_eq "  no payload left from the first run" "$(bsdtar -tf "$out2" | grep -c '^mt/payload/.')" 0

# root password hash
echo '$6$rounds=5000$abcdefgh$Qk3xvJ0F7uP0yXbq0q2QFqQoTfZpZ7k0VqfL0vK9G9Y7eP1o2tZ0aZ1bZ2cZ3dZ4eZ5fZ6gZ7hZ8iZ9jZ0kZ1' >"$T_TMP/pw"
expect_exit 0 "--rootpw-file with a SHA-512 hash" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/pw.iso" --rootpw-file "$T_TMP/pw"
assert_grep "  the kickstart has it" '^rootpw --iscrypted \$6\$rounds=5000\$abcdefgh\$' <(bsdtar -xOf "$T_TMP/pw.iso" mt/ks.cfg)
echo 'hunter2' >"$T_TMP/pw"
expect_exit 2 "--rootpw-file with a plain password is refused" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/pw2.iso" --rootpw-file "$T_TMP/pw"
assert_grep "  naming the file and what to do" 'pw: the root password is not a crypt\(3\) hash' "$T_ERR"
[ ! -e "$T_TMP/pw2.iso" ] && ok "  and writes nothing" || not_ok "  and writes nothing"

# progress bar on a TTY only
script -qec "'$MT_IMAGE' iso --force-agent --base '$base' --out '$T_TMP/tty.iso'" /dev/null >"$T_TMP/tty.out" 2>&1
assert_grep "a progress bar on a TTY" 'writing +\[#{40}\] 100%' "$T_TMP/tty.out"
if grep -q '%' "$T_OUT" "$T_ERR" 2>/dev/null; then not_ok "no progress when not a TTY"; else ok "no progress when not a TTY"; fi

# ---- bad input: a clear error, no output ----
echo "sentinel" >"$T_TMP/keep.iso"
bad_base() { # NAME BASE MESSAGE-REGEX
    expect_exit 2 "bad base: $1" "$MT_IMAGE" iso --force-agent --base "$2" --out "$T_TMP/keep.iso"
    assert_grep "  says: $3" "$3" "$T_ERR"
    assert_eq "  the existing output is untouched" "$(cat "$T_TMP/keep.iso")" "sentinel"
    no_tmp "$T_TMP/keep.iso" && ok "  no .tmp left" || not_ok "  no .tmp left"
}
echo "not an image" >"$T_TMP/text.iso"
bad_base "a text file" "$T_TMP/text.iso" "text.iso: not an ISO 9660 image"
bad_base "a missing file" "$T_TMP/nope.iso" "nope.iso: No such file"
truncate -s 100M "$T_TMP/zero.iso"
bad_base "zeros" "$T_TMP/zero.iso" "zero.iso: not an ISO 9660 image"
mkdir -p "$T_TMP/plain" && echo hi >"$T_TMP/plain/readme.txt"
xorriso -as mkisofs -quiet -R -o "$T_TMP/plain.iso" "$T_TMP/plain" 2>/dev/null
bad_base "no isolinux" "$T_TMP/plain.iso" "plain.iso: no isolinux/isolinux.bin: not a CentOS boot ISO \(give --no-isolinux"
nokernel() { rm "$1/isolinux/vmlinuz"; }
mkbase "$T_TMP/nokernel.iso" nokernel
bad_base "no kernel" "$T_TMP/nokernel.iso" "nokernel.iso: lacks the kernel isolinux/vmlinuz named in isolinux/isolinux.cfg"
noinitrd() { rm "$1/isolinux/initrd.img"; }
mkbase "$T_TMP/noinitrd.iso" noinitrd
bad_base "no initrd" "$T_TMP/noinitrd.iso" "noinitrd.iso: lacks the initrd isolinux/initrd.img"
nocfg() { rm "$1/isolinux/isolinux.cfg"; }
mkbase "$T_TMP/nocfg.iso" nocfg
bad_base "no isolinux.cfg" "$T_TMP/nocfg.iso" "nocfg.iso: no isolinux/isolinux.cfg"
expect_exit 2 "--no-isolinux on an ISO without El Torito" "$MT_IMAGE" iso --force-agent --base "$T_TMP/plain.iso" --out "$T_TMP/p.iso" --no-isolinux
assert_grep "  says it is not bootable" "plain.iso: has no El Torito boot record" "$T_ERR"
expect_exit 2 "a missing payload directory" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/p.iso" --payload "$T_TMP/nopayload"
assert_grep "  is named" "--payload .*nopayload: No such file or directory; give an existing directory" "$T_ERR"
expect_exit 2 "a missing agent" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/p.iso" --agent "$T_TMP/noagent"
assert_grep "  is named" "noagent" "$T_ERR"
expect_exit 2 "a bad --cs" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/p.iso" --cs 'x;y'
expect_exit 2 "an output in a missing directory" "$MT_IMAGE" iso --force-agent --base "$base" --out "$T_TMP/no/such/dir/x.iso"
assert_grep "  is named, before any work" "x.iso: its directory .*no/such/dir does not exist" "$T_ERR"
[ ! -e "$T_TMP/p.iso" ] && ok "failed runs wrote nothing" || not_ok "failed runs wrote nothing"
expect_exit 2 "iso without --out is a usage error" "$MT_IMAGE" iso --force-agent --base "$base"
expect_exit 2 "iso with an unknown option is a usage error" "$MT_IMAGE" iso --force-agent --base "$base" --out x --frob
expect_exit 2 "pxe without --url is a usage error" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/pxe"
expect_exit 0 "iso --help" "$MT_IMAGE" iso --force-agent --help
assert_grep "  shows the options" '--no-isolinux' "$T_OUT"

# interrupted while writing: OUT.tmp is removed, no OUT appears
bigfile() { truncate -s 300M "$1/Packages/big.img"; }
mkbase "$T_TMP/big.iso" bigfile
"$MT_IMAGE" -q iso --force-agent --base "$T_TMP/big.iso" --out "$T_TMP/int.iso" &
pid=$!
i=0
while no_tmp "$T_TMP/int.iso" && [ $i -lt 500 ]; do sleep 0.01; i=$((i + 1)); done
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
assert_eq "SIGTERM while writing ends mt-image by the signal" "$rc" 143
no_tmp "$T_TMP/int.iso" && [ ! -e "$T_TMP/int.iso" ] && ok "  leaving neither OUT.tmp nor OUT" ||
    not_ok "  leaving neither OUT.tmp nor OUT"
rm -f "$T_TMP/big.iso"

# ---- pxe ----
pxe=$T_TMP/pxe
expect_exit 0 "mt-image pxe" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url http://10.0.0.1:8080/ --payload "$payload"
for f in tftp/pxelinux.0 tftp/ldlinux.c32 tftp/vmlinuz tftp/initrd.img tftp/pxelinux.cfg/default http/mt/ks.cfg \
    http/mt/mt-agent http/mt/rootfs.tar http/mt/payload.list http/mt/payload/SHA256SUMS http/os/isolinux/isolinux.cfg \
    "http/os/Packages/sub dir/a package-1.0.rpm"; do
    [ -f "$pxe/$f" ] && ok "pxe tree has $f" || not_ok "pxe tree has $f"
done
cmp -s "$pxe/tftp/pxelinux.0" /usr/lib/PXELINUX/pxelinux.0 && ok "pxelinux.0 is Debian's" || not_ok "pxelinux.0 is Debian's"
cmp -s "$pxe/tftp/vmlinuz" <(bsdtar -xOf "$base" images/pxeboot/vmlinuz) && ok "vmlinuz is the base's images/pxeboot/vmlinuz" ||
    not_ok "vmlinuz is the base's images/pxeboot/vmlinuz"
cmp -s "$pxe/tftp/initrd.img" <(bsdtar -xOf "$base" images/pxeboot/initrd.img) && ok "initrd.img is the base's" ||
    not_ok "initrd.img is the base's"
assert_grep "pxelinux.cfg: the kickstart over HTTP" '^  append initrd=initrd.img ks=http://10.0.0.1:8080/mt/ks.cfg ksdevice=bootif$' \
    "$pxe/tftp/pxelinux.cfg/default"
expect_exit 0 "the HTTP kickstart passes the EL6 lint" python3 "$lint" "$pxe/http/mt/ks.cfg"
assert_grep "it installs from the HTTP tree's os/" '^url --url=http://10.0.0.1:8080/os$' "$pxe/http/mt/ks.cfg"
if grep -q '^cdrom' "$pxe/http/mt/ks.cfg"; then not_ok "no cdrom line left"; else ok "no cdrom line left"; fi
cmp -s "$pxe/http/os/Packages/sub dir/a package-1.0.rpm" <(bsdtar -xOf "$base" "Packages/sub dir/a package-1.0.rpm") &&
    ok "os/ is the base's content" || not_ok "os/ is the base's content"
[ -x "$pxe/http/mt/mt-agent" ] && ok "the agent is executable in the HTTP tree" || not_ok "the agent is executable in the HTTP tree"
no_tmp "$pxe" && ok "no DIR.tmp left" || not_ok "no DIR.tmp left"
expect_exit 3 "pxe into an existing DIR without --force" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url http://h/
assert_grep "  says so" "pxe: exists; remove it, or give --force if mt-image pxe wrote it" "$T_ERR"
expect_exit 0 "pxe --force --repo replaces it" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$pxe" --url http://h/ \
    --repo http://mirror.example.com/centos/6.6/os/x86_64 --force
[ ! -e "$pxe/http/os" ] && ok "  with --repo the base is not copied" || not_ok "  with --repo the base is not copied"
assert_grep "  the kickstart installs from the repo" '^url --url=http://mirror.example.com/centos/6.6/os/x86_64$' "$pxe/http/mt/ks.cfg"
[ ! -e "$pxe.old" ] && ok "  no DIR.old left" || not_ok "  no DIR.old left"
nopxe() { rm -r "$1/images"; }
mkbase "$T_TMP/nopxe.iso" nopxe
expect_exit 0 "pxe from a base without images/pxeboot uses isolinux/" "$MT_IMAGE" pxe --force-agent --base "$T_TMP/nopxe.iso" --out "$T_TMP/pxe2" --url http://h --repo http://r
cmp -s "$T_TMP/pxe2/tftp/vmlinuz" <(bsdtar -xOf "$T_TMP/nopxe.iso" isolinux/vmlinuz) && ok "  its vmlinuz" || not_ok "  its vmlinuz"
nokernel2() { rm -r "$1/images" "$1/isolinux/vmlinuz"; }
mkbase "$T_TMP/nok2.iso" nokernel2
expect_exit 2 "pxe from a base without a kernel" "$MT_IMAGE" pxe --force-agent --base "$T_TMP/nok2.iso" --out "$T_TMP/pxe3" --url http://h
assert_grep "  names what is missing" "nok2.iso: lacks the kernel isolinux/vmlinuz" "$T_ERR"
[ ! -e "$T_TMP/pxe3" ] && no_tmp "$T_TMP/pxe3" && ok "  and leaves nothing" || not_ok "  and leaves nothing"
expect_exit 2 "pxe with an ftp:// URL" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/pxe4" --url ftp://h
expect_exit 2 "pxe with a missing syslinux dir" "$MT_IMAGE" pxe --force-agent --base "$base" --out "$T_TMP/pxe4" --url http://h --syslinux-dir "$T_TMP/nosys"
assert_grep "  names the file and the package" "--syslinux-dir .*nosys: No such file or directory" "$T_ERR"
[ ! -e "$T_TMP/pxe4" ] && ok "  and leaves nothing" || not_ok "  and leaves nothing"

# every option of each verb is in mt-image(1) and in the bash completion
man_text=$(groff -man -Tutf8 "$MT_TOP/image/mt-image.1" 2>/dev/null | sed 's/.\x08//g')
for verb in iso pxe; do
    words=$(bash -c '. "$1"; COMP_WORDS=(mt-image "$2" --); COMP_CWORD=2; _mt_image; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$MT_TOP/rootfs/etc/bash_completion.d/mt-agent" "$verb")
    for o in $("$MT_IMAGE" "$verb" --help | grep -o -- '--[a-z-]*' | sort -u); do
        echo "$man_text" | grep -q -- "$o" && ok "mt-image(1) documents $verb $o" || not_ok "mt-image(1) documents $verb $o"
        echo "$words" | grep -qx -- "$o" && ok "bash completes $verb $o" || not_ok "bash completes $verb $o"
    done
done

t_done
