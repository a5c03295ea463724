#!/bin/bash
# mt-image judges its input before any work: --force replaces only a tree an
# earlier mt-image pxe wrote (a foreign directory is kept byte for byte); texts
# that reach a generated file hold no control character and no key mt-image
# sets itself (isolinux.cfg read back with bsdtar); each path option's
# file/directory/missing case is named; bad input exits 2, a refusal 3; the
# payload directory is checked against its SHA256SUMS (sha256sum, the oracle,
# wrote it) as the agent will on the box.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require xorriso bsdtar sha256sum

isolinux_bin=/usr/lib/ISOLINUX/isolinux.bin
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
tree=$T_TMP/tree
mkdir -p "$tree/isolinux" "$tree/images/pxeboot"
cp "$isolinux_bin" "$ldlinux" "$tree/isolinux/"
head -c 30000 /dev/urandom >"$tree/isolinux/vmlinuz"
head -c 20000 /dev/urandom >"$tree/isolinux/initrd.img"
cp "$tree/isolinux/vmlinuz" "$tree/isolinux/initrd.img" "$tree/images/pxeboot/"
printf 'default linux\nlabel linux\n  kernel vmlinuz\n  append initrd=initrd.img\n' >"$tree/isolinux/isolinux.cfg"
base=$T_TMP/base.iso
xorriso -as mkisofs -quiet -R -J -V "CentOS 6.6 x86_64" -o "$base" -b isolinux/isolinux.bin \
    -c isolinux/boot.cat -no-emul-boot -boot-load-size 4 -boot-info-table "$tree" 2>/dev/null
img() { # the agent built here cannot run on CentOS 6.6: iso and pxe embed it with --force-agent
    if [ "$1" = ova ]; then "$MT_IMAGE" "$@"; else "$MT_IMAGE" "$1" --force-agent "${@:2}"; fi
}
url=http://10.0.0.1/mt

# a listing of a tree with every file's digest: equal listings = byte-identical trees
snap() { (cd "$1" && find . -printf '%y %m %p %l\n' | sort && find . -type f -print0 | sort -z | xargs -0r sha256sum); }

# ---- 1. pxe --force replaces only mt-image's own tree ----
foreign=$T_TMP/scratch
mkdir -p "$foreign/sub" && echo keep >"$foreign/sub/keep.txt"
before=$(snap "$foreign")
expect_exit 3 "pxe --force on a directory mt-image did not write is refused (3)" \
    img pxe --base "$base" --out "$foreign" --url "$url" --force
assert_grep "  naming it and the missing marker" "scratch: exists and has no .mt-image-pxe: mt-image pxe did not write it" "$T_ERR"
assert_eq "  the directory is byte-identical" "$(snap "$foreign")" "$before"
assert_eq "  and nothing beside it" "$(ls "$T_TMP" | grep -c '^scratch\.')" 0
echo mine >"$T_TMP/pxe.tmp" && mkdir "$T_TMP/pxe.old" && echo mine >"$T_TMP/pxe.old/f"
pxe=$T_TMP/pxe
check "pxe writes a tree" img pxe --base "$base" --out "$pxe" --url "$url" --append "console=ttyS0"
[ -f "$pxe/.mt-image-pxe" ] && ok "  with its marker" || not_ok "  with its marker"
(cd "$pxe" && find . -mindepth 1 ! -name .mt-image-pxe | sed 's|^\./||' | sort) >"$T_TMP/find.list"
grep -v '^#' "$pxe/.mt-image-pxe" | sort >"$T_TMP/mark.list"
assert_eq "  the marker lists exactly what find sees in the tree" "$(comm -3 "$T_TMP/find.list" "$T_TMP/mark.list" | wc -l)" 0
assert_eq "  and the tree is not empty" "$(grep -c 'tftp/pxelinux.cfg/default' "$T_TMP/mark.list")" 1
check "pxe --force replaces an earlier tree" img pxe --base "$base" --out "$pxe" --url "$url" --force --append "console=ttyS1"
assert_grep "  the new tree is in place" "console=ttyS1" "$pxe/tftp/pxelinux.cfg/default"
if grep -q "console=ttyS0" "$pxe/tftp/pxelinux.cfg/default"; then not_ok "  the old one is gone"; else ok "  the old one is gone"; fi
assert_eq "  no DIR.tmp.* / DIR.old.* left" "$(ls "$T_TMP" | grep -cE '^pxe\.(tmp|old)\.')" 0
assert_eq "  the operator's own pxe.tmp is untouched" "$(cat "$T_TMP/pxe.tmp")" mine
assert_eq "  and pxe.old/f too" "$(cat "$T_TMP/pxe.old/f")" mine
echo "added by hand" >"$pxe/http/extra.txt"
before=$(snap "$pxe")
expect_exit 3 "pxe --force on an earlier tree with a file added is refused (3)" \
    img pxe --base "$base" --out "$pxe" --url "$url" --force
assert_grep "  naming what was found" "pxe: holds 1 path mt-image pxe did not write \(http/extra.txt\)" "$T_ERR"
assert_eq "  the tree is byte-identical" "$(snap "$pxe")" "$before"
cp "$pxe/.mt-image-pxe" "$foreign/"
before=$(snap "$foreign")
expect_exit 3 "a marker copied into a foreign directory does not make it replaceable" \
    img pxe --base "$base" --out "$foreign" --url "$url" --force
assert_grep "  naming what was found" "scratch: holds [0-9]+ paths? mt-image pxe did not write \(sub" "$T_ERR"
assert_eq "  kept byte-identical" "$(snap "$foreign")" "$before"
expect_exit 3 "an existing DIR without --force is refused (3)" img pxe --base "$base" --out "$foreign" --url "$url"

# ---- 2. texts that reach a generated file ----
iso=$T_TMP/t.iso
no_out() { [ ! -e "$iso" ] && [ -z "$(ls "$T_TMP" | grep '^t\.iso\.tmp\.')" ] && ok "  nothing written" || not_ok "  nothing written"; }
bad_text() { # VERB OPTION VALUE REST...
    local verb=$1 opt=$2 val=$3
    shift 3
    expect_exit 2 "$verb --$opt with $(printf '%q' "$val") is refused (2)" img "$verb" "$@" "--$opt" "$val"
    assert_grep "  naming --$opt" "mt-image $verb: --$opt: a (control character|space)" "$T_ERR"
}
bad_text iso append "$(printf 'a\nlabel evil')" --base "$base" --out "$iso"
no_out
bad_text iso title "$(printf 'T\tx')" --base "$base" --out "$iso"
bad_text iso append "$(printf 'a\rb')" --base "$base" --out "$iso"
bad_text iso cs "$(printf 'h\nx')" --base "$base" --out "$iso"
bad_text pxe append "$(printf 'a\nlabel evil')" --base "$base" --out "$T_TMP/p2" --url "$url"
bad_text pxe title "$(printf 'a\x7fb')" --base "$base" --out "$T_TMP/p2" --url "$url"
bad_text pxe url "$(printf 'http://h/\nx')" --base "$base" --out "$T_TMP/p2"
bad_text pxe url "http://h/ ks=http://evil/ks" --base "$base" --out "$T_TMP/p2"
bad_text pxe repo "$(printf 'http://r\nx')" --base "$base" --out "$T_TMP/p2" --url "$url"
[ ! -e "$T_TMP/p2" ] && ok "  pxe wrote nothing" || not_ok "  pxe wrote nothing"
bad_text ova name "$(printf 'mt\n<x/>')" --iso "$base" --out "$T_TMP/x.ova"
bad_text ova network "$(printf 'VM\tNetwork')" --iso "$base" --out "$T_TMP/x.ova"
[ ! -e "$T_TMP/x.ova" ] && ok "  ova wrote nothing" || not_ok "  ova wrote nothing"
for kv in ks=http://x/ks.cfg initrd=other.img; do
    expect_exit 2 "iso --append $kv clashes with mt-image's own (2)" img iso --base "$base" --out "$iso" --append "quiet $kv"
    assert_grep "  naming the key" "--append sets ${kv%%=*}=, which mt-image sets itself" "$T_ERR"
done
no_out
for kv in ks=http://x/ks.cfg ksdevice=eth0 initrd=x; do
    expect_exit 2 "pxe --append $kv clashes with mt-image's own (2)" img pxe --base "$base" --out "$T_TMP/p2" --url "$url" --append "$kv"
    assert_grep "  naming the key" "--append sets ${kv%%=*}=" "$T_ERR"
done
echo mine >"$iso.tmp"
check "iso with a plain --append and --title" img iso --base "$base" --out "$iso" --append "console=ttyS0 quiet" --title "MT install"
bsdtar -xOf "$iso" isolinux/isolinux.cfg >"$T_TMP/isolinux.cfg"
assert_eq "  isolinux.cfg read back: one label mt" "$(grep -c '^label mt$' "$T_TMP/isolinux.cfg")" 1
assert_eq "  its append carries ks= once and --append as given" \
    "$(grep -cE '^ *append .*ks=cdrom:/mt/ks.cfg console=ttyS0 quiet$' "$T_TMP/isolinux.cfg")" 1
assert_eq "  ks= appears once on the line" "$(grep -oE 'ks=[^ ]*' "$T_TMP/isolinux.cfg" | wc -l)" 1
assert_eq "  the operator's own t.iso.tmp is untouched" "$(cat "$iso.tmp")" mine
assert_eq "  and no t.iso.tmp.* left" "$(ls "$T_TMP" | grep -c '^t\.iso\.tmp\.')" 0
[ "$(stat -c %a "$iso")" = 644 ] && ok "  the ISO is 0644" || not_ok "  the ISO is 0644 ($(stat -c %a "$iso"))"
rm -f "$iso" "$iso.tmp"

# ---- 3. each path option: file, directory, missing ----
mkdir -p "$T_TMP/adir" && echo x >"$T_TMP/afile"
path_case() { # WANT-REGEX NAME ARGS...
    local want=$1 name=$2
    shift 2
    expect_exit 2 "$name (2)" img "$@"
    assert_grep "  says: $want" "$want" "$T_ERR"
}
path_case "--payload .*afile: is not a directory" "iso --payload FILE" iso --base "$base" --out "$iso" --payload "$T_TMP/afile"
path_case "--payload .*nope: No such file or directory" "iso --payload missing" iso --base "$base" --out "$iso" --payload "$T_TMP/nope"
path_case "--out .*adir: is a directory" "iso --out DIR (before any work)" iso --base "$base" --out "$T_TMP/adir"
path_case "--base .*adir: is a directory" "iso --base DIR" iso --base "$T_TMP/adir" --out "$iso"
path_case "--ks .*adir: is a directory" "iso --ks DIR" iso --base "$base" --out "$iso" --ks "$T_TMP/adir"
path_case "--ks .*nope: No such file" "iso --ks missing" iso --base "$base" --out "$iso" --ks "$T_TMP/nope"
path_case "--agent .*adir: is a directory" "iso --agent DIR" iso --base "$base" --out "$iso" --agent "$T_TMP/adir"
path_case "--rootfs .*afile: is not a directory" "iso --rootfs FILE" iso --base "$base" --out "$iso" --rootfs "$T_TMP/afile"
path_case "--rootfs .*nope: No such file" "iso --rootfs missing" iso --base "$base" --out "$iso" --rootfs "$T_TMP/nope"
path_case "--rootpw-file .*adir: is a directory" "iso --rootpw-file DIR" iso --base "$base" --out "$iso" --rootpw-file "$T_TMP/adir"
path_case "--hosts .*adir: is a directory" "iso --hosts DIR" iso --base "$base" --out "$iso" --hosts "$T_TMP/adir" --host h
path_case "--hosts .*adir: is a directory" "pxe --hosts DIR" pxe --base "$base" --out "$T_TMP/p2" --url "$url" --hosts "$T_TMP/adir"
path_case "--out .*afile: exists and is not a directory" "pxe --out FILE" pxe --base "$base" --out "$T_TMP/afile" --url "$url"
path_case "--syslinux-dir .*afile: is not a directory" "pxe --syslinux-dir FILE" pxe --base "$base" --out "$T_TMP/p2" --url "$url" --syslinux-dir "$T_TMP/afile"
# (ova's paths: 62-mt-image-ova.sh; here the two that come first)
path_case "--iso .*adir: not a regular, non-empty file" "ova --iso DIR" ova --iso "$T_TMP/adir" --out "$T_TMP/x.ova"
path_case "--iso .*nope: cannot open the installer ISO: No such file" "ova --iso missing" ova --iso "$T_TMP/nope" --out "$T_TMP/x.ova"
no_out
[ ! -e "$T_TMP/p2" ] && [ -z "$(ls "$T_TMP" | grep '^p2\.')" ] && ok "pxe left nothing" || not_ok "pxe left nothing"

# ---- 4. exit codes: bad input 2 ----
expect_exit 2 "a bad --cs is bad input (2)" img iso --base "$base" --out "$iso" --cs 'x;y'
expect_exit 2 "--url ftp:// is bad input (2)" img pxe --base "$base" --out "$T_TMP/p2" --url ftp://h/
assert_grep "  naming --url" "--url ftp://h/: not an http:// or https:// URL" "$T_ERR"
expect_exit 2 "a base that is not an ISO is bad input (2)" img iso --base "$T_TMP/afile" --out "$iso"

# ---- 5. the payload directory, checked as the box will ----
pay=$T_TMP/pay
mkdir -p "$pay"
for n in kmod-reiserfs-0.0-1.el6 reiserfs-utils-3.6-1.el6 xfsprogs-3.1-1.el6; do
    head -c 4000 /dev/urandom >"$pay/$n.x86_64.rpm"
done
head -c 9000 /dev/urandom >"$pay/ua.tar.gz"
expect_exit 2 "a payload without SHA256SUMS is refused (2)" img iso --base "$base" --out "$iso" --payload "$pay"
assert_grep "  naming the file" "pay/SHA256SUMS: no manifest" "$T_ERR"
(cd "$pay" && sha256sum ./*.rpm ua.tar.gz >SHA256SUMS)
check "a payload whose SHA256SUMS sha256sum wrote is accepted" img iso --base "$base" --out "$iso" --payload "$pay"
if grep -q "warning: .*rpm at its top" "$T_ERR"; then not_ok "  and no module package is missing"; else ok "  and no module package is missing"; fi
rm -f "$iso"
cp "$pay/ua.tar.gz" "$T_TMP/ua.keep" && head -c 9000 /dev/urandom >"$pay/ua.tar.gz"
expect_exit 2 "a payload file that does not match its digest is refused (2)" img iso --base "$base" --out "$iso" --payload "$pay"
assert_grep "  naming the file, the line and the digests" "SHA256SUMS line 4: .*ua.tar.gz.*$(sha256sum <"$T_TMP/ua.keep" | cut -c1-64)" "$T_ERR"
no_out
cp "$T_TMP/ua.keep" "$pay/ua.tar.gz"
echo extra >"$pay/unlisted.txt"
expect_exit 2 "a payload file SHA256SUMS does not list is refused (2)" img pxe --base "$base" --out "$T_TMP/p2" --url "$url" --payload "$pay"
assert_grep "  naming it" "SHA256SUMS: has no line for unlisted.txt" "$T_ERR"
rm "$pay/unlisted.txt" "$pay/xfsprogs-3.1-1.el6.x86_64.rpm"
expect_exit 2 "a file SHA256SUMS lists but the directory lacks is refused (2)" img iso --base "$base" --out "$iso" --payload "$pay"
assert_grep "  naming it" "SHA256SUMS line [0-9]+: .*xfsprogs-3.1-1.el6.x86_64.rpm" "$T_ERR"
(cd "$pay" && sha256sum ./*.rpm ua.tar.gz >SHA256SUMS)
check "a payload without one module package is built" img iso --base "$base" --out "$iso" --payload "$pay"
assert_grep "  with a warning naming it" "warning: .*pay: no xfsprogs-<version>.rpm at its top" "$T_ERR"
printf 'not a digest line\n' >>"$pay/SHA256SUMS"
rm -f "$iso"
expect_exit 2 "a damaged SHA256SUMS is refused (2)" img iso --base "$base" --out "$iso" --payload "$pay"
assert_grep "  naming the file and line" "SHA256SUMS:[0-9]+" "$T_ERR"
no_out
# ---- the README's arguments with wrong inputs: each refusal names the option or the
# file and says what to do, exit 2, nothing written ----
said() { # NAME REGEX: the message names it and says what to do (REGEX covers both)
    assert_grep "  $1" "$2" "$T_ERR"
}
rdm=$T_TMP/rdm
mkdir -p "$rdm"
head -c 100000 /dev/zero >"$rdm/zeros.iso"
for verb in iso pxe; do
    args=(--out "$rdm/out-$verb" --cs 10.0.0.5)
    [ "$verb" = pxe ] && args+=(--url http://10.0.0.9/mt)
    expect_exit 2 "$verb: a missing --base (2)" img "$verb" --base "$rdm/CentOS-6.6-x86_64-minimal.iso" "${args[@]}"
    said "names --base and the file, says give an existing one" \
        "mt-image $verb: --base .*CentOS-6.6-x86_64-minimal.iso: No such file or directory; give an existing file"
    expect_exit 2 "$verb: a --base that is not an ISO (2)" img "$verb" --base "$rdm/zeros.iso" "${args[@]}"
    said "names --base and the file, says what to give" \
        "mt-image $verb: --base .*zeros.iso: not an ISO 9660 image .*; give --base the CentOS 6.6 boot ISO"
    expect_exit 2 "$verb: a payload directory without SHA256SUMS (2)" img "$verb" --base "$base" "${args[@]}" \
        --payload "$T_TMP/adir/"
    said "names the manifest (no doubled slash) and how to write it" \
        "mt-image $verb: .*adir/SHA256SUMS: no manifest; .*write it \(cd .*adir && sha256sum FILES >SHA256SUMS\)"
    expect_exit 2 "$verb: --out inside the payload directory (2)" img "$verb" --base "$base" --payload "$pay" \
        --out "$pay/out-$verb" "${args[@]:2}"
    said "names --out and the payload directory, says write it outside" \
        "mt-image $verb: --out .*pay/out-$verb: is inside the payload directory .*pay .*write it outside"
    expect_exit 2 "$verb: --out inside the payload directory by another path (2)" img "$verb" --base "$base" \
        --payload "$pay" --out "$T_TMP/adir/../pay/sub/out-$verb" "${args[@]:2}"
    [ -z "$(ls "$pay" | grep -v -e '\.rpm$' -e '\.tar\.gz$' -e '^SHA256SUMS$')" ] &&
        ok "  nothing written into the payload directory" || not_ok "  nothing written into the payload directory"
    [ ! -e "$rdm/out-$verb" ] && ok "  $verb wrote nothing" || not_ok "  $verb wrote nothing"
done
expect_exit 2 "ova: an --iso that is not an ISO (2)" img ova --iso "$rdm/zeros.iso" --out "$rdm/x.ova"
said "names --iso and says what to give" "mt-image ova: --iso .*zeros.iso: not an ISO 9660 image .*; give --iso the ISO mt-image iso wrote"

# SHA256SUMS written by `sha256sum *` a second time lists itself: ignored, with a warning
(cd "$pay" && sha256sum ./*.rpm ua.tar.gz >SHA256SUMS && sha256sum * >SHA256SUMS.new && mv SHA256SUMS.new SHA256SUMS)
grep -q ' SHA256SUMS$' "$pay/SHA256SUMS" && ok "(sha256sum * listed SHA256SUMS itself)" || not_ok "(sha256sum * listed SHA256SUMS itself)"
check "iso with a SHA256SUMS that lists itself" img iso --base "$base" --out "$iso" --payload "$pay/"
said "warns, naming the line and how to drop it" \
    "warning: .*pay/SHA256SUMS line [0-9]+ lists SHA256SUMS itself .*ignored; to drop it, \(cd .*pay && sha256sum \*\.rpm \*\.tar\.gz >SHA256SUMS\)"
rm -f "$iso"

# an --out whose directory cannot take a new file: a read-only file system (root writes anywhere else)
ro=$T_TMP/ro
mkdir -p "$ro"
if mount -t tmpfs -o ro,size=1m mt-test-ro "$ro" 2>/dev/null; then
    t_track_mount "$ro"
    for verb in iso pxe ova; do
        case $verb in
        iso) a=(--base "$base") ;;
        pxe) a=(--base "$base" --url http://10.0.0.9/mt) ;;
        ova) a=(--iso "$T_TMP/inst.iso") ;;
        esac
        [ "$verb" = ova ] && img iso --base "$base" --out "$T_TMP/inst.iso" >/dev/null 2>&1
        expect_exit 2 "$verb: --out on a read-only file system (2)" img "$verb" "${a[@]}" --out "$ro/out"
        said "names --out and the directory, says give a writable one" \
            "mt-image $verb: --out .*ro/out: cannot create a file in .*ro.*give --out in a directory you can write to"
        said "and the cause" "Read-only file system"
    done
else
    echo "# tmpfs could not be mounted read-only here: the read-only --out cases not tested, not counted"
fi

# a hosts file with a duplicate MAC (in another case), for iso --hosts --host
printf 'mac,hostname,ip,netmask,gateway,dns,disk\n52:54:00:aa:00:01,mt01,10.0.0.11,255.255.255.0,,,\n52:54:00:AA:00:01,mt02,10.0.0.12,255.255.255.0,,,\n' >"$rdm/dup.csv"
expect_exit 2 "iso --hosts with a duplicate MAC (2)" img iso --base "$base" --out "$iso" --hosts "$rdm/dup.csv" --host mt01
said "names FILE:LINE, the field, the other line and what to do" \
    "dup.csv:3: field 'mac': 52:54:00:aa:00:01 is already the MAC of mt01 \(line 2\): .*correct the MAC or remove one of the two lines"
printf 'mac,hostname,ip,netmask,gateway,dns,disk\n' >"$rdm/hdr.csv"
expect_exit 2 "iso --hosts with a header and no host (2)" img iso --base "$base" --out "$iso" --hosts "$rdm/hdr.csv" --host mt01
said "names the file and says add a line per host" "hdr.csv: names no host .*add one line per host"
no_out
# mt-image's own messages escape what the operator named: a path with ESC [ and a newline
# is printed as \x1b and \x0a, never raw (image/say.c)
esc_dir=$T_TMP/$(printf 'e\033[31mx\ny')
mkdir -p "$esc_dir"
esc_judge() { # VERB
    if LC_ALL=C grep -q "$(printf '\033')" "$T_ERR"; then not_ok "$1: raw ESC on stderr"
    elif grep -qF 'e\x1b[31mx\x0ay' "$T_ERR"; then ok "$1: the path is printed escaped"
    else not_ok "$1: the escaped path is not in the message ($(head -c 200 "$T_ERR"))"; fi
}
"$MT_IMAGE" iso --base "$esc_dir/base.iso" --out "$T_TMP/esc.iso" >"$T_OUT" 2>"$T_ERR" </dev/null; esc_judge iso
"$MT_IMAGE" pxe --base "$esc_dir/base.iso" --out "$T_TMP/esc-pxe" >"$T_OUT" 2>"$T_ERR" </dev/null; esc_judge pxe
"$MT_IMAGE" ova --iso "$esc_dir/x.iso" --out "$T_TMP/esc.ova" >"$T_OUT" 2>"$T_ERR" </dev/null; esc_judge ova
t_done
