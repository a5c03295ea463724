#!/bin/bash
# README.md's operator's guide, as written: every `build/...` command of its shell
# blocks and of its text is taken from the README itself (not copied here) and run in
# a scratch directory holding what the guide says the operator has: a base ISO (a
# CentOS-like stand-in made with xorriso), the module packages and the Unified Agent
# tarball (stand-ins of those names), an agent built for EL6 as el6/mt-agent (a static
# musl program: it passes mt-image's CentOS 6.6 check, as 62-mt-image-agent.sh shows),
# and a signing key and certificate made with openssl. Optional parts in [brackets] are
# run without, then with all of them. Oracles: sha256sum -c for the manifest, xorriso
# and bsdtar for what the ISO, the PXE tree and the OVA hold. The guide's claims about
# the Debian build (refused with exit 2; --force-agent embeds it) are run too.
# Commands that need vSphere (govc) or run on the box (mt-agent firstboot, check)
# are listed, not run, and not counted.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require xorriso bsdtar musl-gcc openssl sha256sum

readme=$MT_TOP/README.md
w=$T_TMP/guide
mkdir -p "$w/build" "$w/el6"
ln -s "$MT_IMAGE" "$w/build/mt-image"
ln -s "$MT_AGENT" "$w/build/mt-agent"

# ---- what the operator has ----
tree=$T_TMP/tree
mkdir -p "$tree/isolinux" "$tree/images/pxeboot"
cp /usr/lib/ISOLINUX/isolinux.bin /usr/lib/syslinux/modules/bios/ldlinux.c32 "$tree/isolinux/"
head -c 30000 /dev/urandom >"$tree/isolinux/vmlinuz"
head -c 20000 /dev/urandom >"$tree/isolinux/initrd.img"
cp "$tree/isolinux/vmlinuz" "$tree/isolinux/initrd.img" "$tree/images/pxeboot/"
printf 'default linux\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img\n' >"$tree/isolinux/isolinux.cfg"
xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$w/CentOS-6.6-x86_64-minimal.iso" \
    -b isolinux/isolinux.bin -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" 2>/dev/null
for f in kmod-reiserfs-0.0-2.el6.elrepo.x86_64.rpm reiserfs-utils-3.6.21-1.el6.elrepo.x86_64.rpm \
    xfsprogs-3.1.1-16.el6.x86_64.rpm Microsoft-ASR_UA_9.0.0.0_RHEL6-64_GA.tar.gz; do
    head -c 40000 /dev/urandom >"$w/$f"
done
printf '#include <stdio.h>\nint main(void) { puts("mt-agent stand-in"); return 0; }\n' >"$T_TMP/agent.c"
musl-gcc -static -O2 -o "$w/el6/mt-agent" "$T_TMP/agent.c"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$w/vendor.key" -out "$w/vendor.crt" -subj /CN=vendor \
    -days 30 2>/dev/null
check "the operator's directory is ready" test -s "$w/CentOS-6.6-x86_64-minimal.iso" -a -x "$w/el6/mt-agent" \
    -a -s "$w/vendor.crt"

# ---- the guide's commands, from the README ----
# its section, then each ```sh block with continuations joined, then `build/...` in its text
awk '/^## Operator.s guide/ { on = 1; next } on && /^## / { exit } on { print }' "$readme" >"$T_TMP/guide.md"
awk '/^ *```sh$/ { blk = 1; next } blk && /^ *```$/ { blk = 0; next }
     blk { sub(/^ +/, ""); if (sub(/\\$/, "")) { acc = acc $0; next } print acc $0; acc = "" }' \
    "$T_TMP/guide.md" | sed 's/  */ /g' | grep -v '^#' | grep -v '^$' >"$T_TMP/cmds"
grep -o '`build/[^` ]* [^`]*`' "$T_TMP/guide.md" | tr -d '`' >>"$T_TMP/cmds"
echo "# the guide's commands:"
sed 's/^/#   /' "$T_TMP/cmds"
for want in 'sha256sum ' 'build/mt-image iso ' 'build/mt-image pxe ' 'build/mt-image ova ' 'build/mt-agent plan '; do
    grep -qF "$want" "$T_TMP/cmds" && ok "the guide has a '$want' command" ||
        not_ok "the guide has a '$want' command"
done

# run CMD in the operator's directory: exit 0
run_as_written() { # NAME CMD
    expect_exit 0 "$1" bash -c "cd '$w' && $2"
}
n=0
while IFS= read -r cmd; do
    cmd=${cmd%% # *}
    case $cmd in
    govc* | mt-agent* | *"mt-agent firstboot"*)
        echo "# not run (needs vSphere or the box): $cmd"
        continue ;;
    esac
    n=$((n + 1))
    if [[ $cmd == *"["* ]]; then
        bare=$(sed 's/ *\[[^]]*\]//g' <<<"$cmd")
        full=$(sed 's/\[\([^]]*\)\]/\1/g' <<<"$cmd")
        run_as_written "guide: $bare" "$bare"
        [ "${bare#*build/mt-image ova}" != "$bare" ] && cp "$w/mt-target.ova" "$T_TMP/bare.ova"
        run_as_written "guide: $full" "$full"
    else
        run_as_written "guide: $cmd" "$cmd"
    fi
    [ "${cmd#*build/mt-agent plan}" != "$cmd" ] && cp "$T_OUT" "$T_TMP/plan.out"
done <"$T_TMP/cmds"
[ "$n" -ge 7 ] && ok "$n commands of the guide run" || not_ok "$n commands of the guide run (7 or more expected)"

# ---- what they made, read by other tools ----
(cd "$w/payload" && sha256sum -c --quiet SHA256SUMS) >/dev/null 2>&1 &&
    ok "sha256sum -c accepts payload/SHA256SUMS" || not_ok "sha256sum -c accepts payload/SHA256SUMS"
assert_eq "  it lists the four payloads" "$(wc -l <"$w/payload/SHA256SUMS")" 4
xorriso -indev "$w/mt-installer.iso" -find /mt -type f 2>/dev/null | tr -d "'" | sort >"$T_TMP/iso.list"
for f in /mt/ks.cfg /mt/mt-agent /mt/payload/SHA256SUMS /mt/payload/xfsprogs-3.1.1-16.el6.x86_64.rpm; do
    grep -qx "$f" "$T_TMP/iso.list" && ok "xorriso: mt-installer.iso holds $f" || not_ok "xorriso: mt-installer.iso holds $f"
done
cmp -s <(bsdtar -xOf "$w/mt-installer.iso" mt/mt-agent) "$w/el6/mt-agent" &&
    ok "  its agent is el6/mt-agent" || not_ok "  its agent is el6/mt-agent"
assert_grep "  its configuration names the configuration server 10.0.0.5" '^host = 10\.0\.0\.5$' \
    <(bsdtar -xOf "$w/mt-installer.iso" mt/rootfs.tar | bsdtar -xOf - etc/mt-agent/mt-agent.conf)
[ -d "$w/pxe" ] && [ ! -e "$w/pxe/pxe" ] && ok "pxe --out pxe/: the tree is pxe (not pxe/pxe.tmp...)" ||
    not_ok "pxe --out pxe/: the tree is pxe (not pxe/pxe.tmp...)"
assert_grep "  pxelinux.cfg/default boots the kickstart at http://10.0.0.9/mt" \
    'ks=http://10\.0\.0\.9/mt/mt/ks\.cfg' "$w/pxe/tftp/pxelinux.cfg/default"
cmp -s "$w/pxe/http/mt/mt-agent" "$w/el6/mt-agent" && ok "  its agent is el6/mt-agent" || not_ok "  its agent is el6/mt-agent"
[ -f "$w/pxe/http/mt/payload/SHA256SUMS" ] && ok "  it serves the payloads" || not_ok "  it serves the payloads"
bsdtar -tf "$T_TMP/bare.ova" >"$T_TMP/bare.list" 2>/dev/null
bsdtar -tf "$w/mt-target.ova" >"$T_TMP/full.list" 2>/dev/null
assert_eq "bsdtar: the OVA without options holds .ovf, .mf, .iso" "$(sed 's/.*\.//' "$T_TMP/bare.list" | tr '\n' ' ')" "ovf mf iso "
assert_eq "bsdtar: with --sign it holds .ovf, .mf, .cert, .iso" "$(sed 's/.*\.//' "$T_TMP/full.list" | tr '\n' ' ')" \
    "ovf mf cert iso "
assert_grep "  its network is \"DR Network\"" 'DR Network' <(bsdtar -xOf "$w/mt-target.ova" '*.ovf')
assert_eq "the plan has the guide's four partitions" "$(grep -c '^part ' "$T_TMP/plan.out")" 4

# ---- the guide's claims about the Debian build ----
iso_cmd=$(grep '^build/mt-image iso ' "$T_TMP/cmds" | head -1)
deb_cmd=${iso_cmd/ --agent el6\/mt-agent/}
deb_cmd=${deb_cmd/--out mt-installer.iso/--out debian.iso}
[ "$deb_cmd" != "$iso_cmd" ] && ok "(the iso command gives --agent el6/mt-agent)" || not_ok "(the iso command gives --agent el6/mt-agent)"
expect_exit 2 "without --agent, the Debian build is refused (exit 2)" bash -c "cd '$w' && $deb_cmd"
assert_grep "  naming why" 'cannot run on CentOS 6\.6' "$T_ERR"
[ ! -e "$w/debian.iso" ] && ok "  before writing anything" || not_ok "  before writing anything"
expect_exit 0 "with --force-agent in place of --agent el6/mt-agent it is embedded" bash -c "cd '$w' && $deb_cmd --force-agent"
assert_grep "  with a warning" 'warning: --force-agent' "$T_ERR"
t_done
