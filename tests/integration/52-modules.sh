#!/bin/bash
# modules install: real RPMs built here with rpmbuild (kmod-reiserfs carries the real
# reiserfs.ko of Debian's amd64 kernel, from scripts/vm/kernel.sh's cache), verified
# against the manifest, listed with libarchive (bsdtar is the oracle), checked against
# the target kernel (path and vermagic), installed with rpm --root into a sysroot,
# depmod -b, and reiserfs/xfs resolved (modinfo is the oracle).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require rpmbuild rpm depmod modinfo bsdtar sha256sum python3

if ! eval "$(sh "$MT_TOP/scripts/vm/kernel.sh" --flavour amd64)"; then not_ok "scripts/vm/kernel.sh --flavour amd64"; t_done; fi
KV=$VM_KVER
MD=$VM_MODDIR
if ! eval "$(sh "$MT_TOP/scripts/vm/kernel.sh")"; then not_ok "scripts/vm/kernel.sh"; t_done; fi
OTHER_KO=$VM_MODDIR/kernel/fs/xfs/xfs.ko   # built for the cloud kernel: wrong vermagic for $KV
media=$T_TMP/media
sh "$MT_TOP/tests/fixtures/payload/mkrpms.sh" "$media" "$KV" "$MD/kernel/fs/reiserfs/reiserfs.ko" "$OTHER_KO" ||
    { not_ok "build the RPMs"; t_done; }

newroot() { # a target sysroot whose kernel has xfs (as EL6's does) but no reiserfs
    local r=$T_TMP/$1
    rm -rf "$r"
    mkdir -p "$r/etc" "$r/lib/modules/$KV/kernel/fs/xfs" "$r/lib/modules/$KV/kernel/lib"
    python3 "$MT_TOP/tests/fixtures/payload/mkroot.py" "$r" 6000c29a1b2c3d4e5f60718293a4b5c6  # sysfs for check's inventory
    cp "$MD/kernel/fs/xfs/xfs.ko" "$r/lib/modules/$KV/kernel/fs/xfs/"
    cp "$MD/kernel/lib/libcrc32c.ko" "$r/lib/modules/$KV/kernel/lib/"
    cp "$MD"/modules.builtin "$MD"/modules.builtin.modinfo "$MD"/modules.order "$r/lib/modules/$KV/" 2>/dev/null
    depmod -b "$r" "$KV"
    echo "$r"
}

# verify-only: digests, listing, kernel; nothing installed
R=$(newroot r1)
expect_exit 0 "verify-only" "$MT_AGENT" --root "$R" --json modules install --from "$media" --verify-only
assert_eq "kernel taken from the sysroot's lib/modules" "$(jfield "$T_OUT" kernel)" "$KV"
for p in kmod-reiserfs reiserfs-utils xfsprogs; do
    f=$(ls "$media"/$p-[0-9]*.rpm)
    assert_eq "$p: digest is sha256sum's" "$(jfield "$T_OUT" "packages[name=$p].sha256")" "$(sha256sum "$f" | cut -d' ' -f1)"
done
assert_eq "kmod-reiserfs holds one kernel module" "$(jfield "$T_OUT" 'packages[name=kmod-reiserfs].kernel_modules')" 1
"$MT_AGENT" --root "$R" modules install --from "$media" --verify-only >"$T_OUT" 2>&1
n=$(bsdtar -tf "$media"/kmod-reiserfs-[0-9]*.rpm | wc -l)
assert_grep "entry count equals bsdtar's listing" "kmod-reiserfs .*sha256 verified, $n entries" "$T_OUT"
if rpm -q --root "$R" kmod-reiserfs >/dev/null 2>&1; then not_ok "verify-only installs nothing"; else ok "verify-only installs nothing"; fi

ck() { # ROOT ID: status of one check; detail in $T_TMP/ck.detail
    "$MT_AGENT" --root "$1" --json check --only "$2" >"$T_TMP/ck.json" 2>/dev/null
    jfield "$T_TMP/ck.json" checks.0.detail >"$T_TMP/ck.detail"
    jfield "$T_TMP/ck.json" checks.0.status
}
assert_eq "check modules.reiserfs fails before install" "$(ck "$R" modules.reiserfs)" fail
assert_grep "detail: reiserfs not in modules.dep" "module reiserfs: not in /lib/modules/$KV/modules.dep" "$T_TMP/ck.detail"
assert_eq "check modules.xfs fails before install (module yes, mkfs.xfs no)" "$(ck "$R" modules.xfs)" fail
assert_grep "detail: mkfs.xfs missing" "xfs module resolves .* but /sbin/mkfs.xfs is missing" "$T_TMP/ck.detail"

# install into the sysroot
expect_exit 1 "before install: reiserfs does not resolve (modinfo agrees)" modinfo -b "$R" -k "$KV" reiserfs
expect_exit 0 "modules install" "$MT_AGENT" --root "$R" modules install --from "$media"
assert_grep "says rpm ran with --nodeps --nosignature off EL" "rpm ran with --nodeps --nosignature" "$T_OUT"
assert_grep "reiserfs resolves to the kmod's file" "reiserfs resolves: extra/reiserfs/reiserfs.ko" "$T_OUT"
assert_grep "xfs resolves to the kernel's" "xfs +resolves: kernel/fs/xfs/xfs.ko" "$T_OUT"
for p in kmod-reiserfs-0.0-2.el6.elrepo.x86_64 reiserfs-utils-3.6.21-1.el6.elrepo.x86_64 xfsprogs-3.1.1-16.el6.x86_64; do
    check "rpm database of the sysroot has $p" rpm -q --root "$R" "$p"
done
[ -x "$R/sbin/mkfs.xfs" ] && [ -x "$R/sbin/mkreiserfs" ] && ok "tools installed in the sysroot" || not_ok "tools installed in the sysroot"
assert_grep "depmod -b ran: modules.dep lists reiserfs" "^extra/reiserfs/reiserfs.ko:" "$R/lib/modules/$KV/modules.dep"
modinfo -b "$R" -k "$KV" reiserfs >"$T_OUT" 2>/dev/null
assert_grep "modinfo (oracle) finds reiserfs in the sysroot" "^filename: +$R/lib/modules/$KV/extra/reiserfs/reiserfs.ko" "$T_OUT"
assert_grep "modinfo: it is the real module" "^vermagic: +$KV " "$T_OUT"
"$MT_AGENT" --root "$R" --json status >"$T_OUT"
assert_eq "journal: modules done" "$(jfield "$T_OUT" modules.status)" done
assert_eq "journal: reiserfs path" "$(jfield "$T_OUT" modules.modules.reiserfs)" extra/reiserfs/reiserfs.ko
assert_eq "journal: kernel" "$(jfield "$T_OUT" modules.kernel)" "$KV"

assert_eq "check modules.reiserfs passes after install" "$(ck "$R" modules.reiserfs)" pass
assert_grep "detail: the kmod's file and its vermagic" "reiserfs resolves for kernel $KV: extra/reiserfs/reiserfs.ko, vermagic $KV " "$T_TMP/ck.detail"
assert_eq "check modules.xfs passes after install" "$(ck "$R" modules.xfs)" pass
rm "$R/lib/modules/$KV/extra/reiserfs/reiserfs.ko"
assert_eq "check modules.reiserfs fails when the file is gone (modules.dep still lists it)" "$(ck "$R" modules.reiserfs)" fail
rpm -Uvh --replacepkgs --nodeps --nosignature --root "$R" "$media"/kmod-reiserfs-*.rpm >/dev/null 2>&1

# idempotent
expect_exit 0 "second install" "$MT_AGENT" --root "$R" modules install --from "$media"
assert_grep "second run: already installed, rpm not run" "all packages already installed; rpm not run" "$T_OUT"

# a tampered package: refused before anything is installed
R=$(newroot r2)
cp -r "$media" "$T_TMP/tampered"
printf 'x' >>"$T_TMP"/tampered/xfsprogs-*.rpm
expect_exit 1 "tampered package" "$MT_AGENT" --root "$R" modules install --from "$T_TMP/tampered"
assert_grep "names the file and both digests" "xfsprogs-3.1.1-16.el6.x86_64.rpm: SHA-256 mismatch: expected [0-9a-f]{64}, got [0-9a-f]{64}" "$T_ERR"
if rpm -q --root "$R" kmod-reiserfs >/dev/null 2>&1; then not_ok "nothing installed after a mismatch"; else ok "nothing installed after a mismatch"; fi
"$MT_AGENT" --root "$R" --json status >"$T_OUT"
assert_eq "journal: modules failed" "$(jfield "$T_OUT" modules.status)" failed

# a kmod for another kernel (path), and one whose module is built for another kernel (vermagic)
mk_media() { # NAME BADRPM
    local m=$T_TMP/$1
    rm -rf "$m"; mkdir -p "$m"
    cp "$media"/reiserfs-utils-*.rpm "$media"/xfsprogs-*.rpm "$2" "$m/"
    (cd "$m" && sha256sum *.rpm >SHA256SUMS)
    echo "$m"
}
m=$(mk_media wrongpath "$media/bad/kmod-reiserfs-0.0-1.el6.elrepo.x86_64.rpm")
expect_exit 1 "kmod for another kernel refused" "$MT_AGENT" --root "$R" modules install --from "$m"
assert_grep "names the module and both kernels" "lib/modules/2.6.32-504.el6.x86_64/extra/reiserfs/reiserfs.ko is for kernel 2.6.32-504.el6.x86_64, the target runs $KV" "$T_ERR"
m=$(mk_media wrongmagic "$media/bad/kmod-reiserfs-0.0-3.el6.elrepo.x86_64.rpm")
expect_exit 1 "module with another kernel's vermagic refused" "$MT_AGENT" --root "$R" modules install --from "$m"
assert_grep "names the vermagic" "reiserfs.ko is built for kernel '[^ ]*cloud-amd64 .*', the target runs $KV" "$T_ERR"
if rpm -q --root "$R" kmod-reiserfs >/dev/null 2>&1; then not_ok "nothing installed after a kernel mismatch"; else ok "nothing installed after a kernel mismatch"; fi

# missing package, missing manifest, several kernels
m=$T_TMP/missing; mkdir -p "$m"; cp "$media"/xfsprogs-*.rpm "$m/"; (cd "$m" && sha256sum *.rpm >SHA256SUMS)
expect_exit 1 "a package missing from the media" "$MT_AGENT" --root "$R" modules install --from "$m"
assert_grep "names the missing package" "missing: no kmod-reiserfs-<version>.rpm" "$T_ERR"
rm "$m/SHA256SUMS"
expect_exit 2 "no manifest" "$MT_AGENT" --root "$R" modules install --from "$m"
assert_grep "says the packages cannot be verified" "SHA256SUMS: no manifest" "$T_ERR"
mkdir -p "$R/lib/modules/2.6.32-504.el6.x86_64"
expect_exit 2 "several kernels under --root" "$MT_AGENT" --root "$R" modules install --from "$media"
assert_grep "asks for --kernel" "several kernels .*give the target kernel with --kernel" "$T_ERR"
# check has no --kernel: its detail names the kernels found and offers no option it lacks
"$MT_AGENT" --root "$R" --json check --only modules.xfs >"$T_OUT" 2>"$T_ERR"
assert_eq "check modules.xfs fails with several kernels" "$(jfield "$T_OUT" checks.0.status)" fail
d=$(jfield "$T_OUT" checks.0.detail)
case $d in *"several kernels"*"2.6.32-504.el6.x86_64"*) ok "check names the kernels it found" ;; *) not_ok "check names the kernels it found: $d" ;; esac
case $d in *--kernel*) not_ok "check does not ask for an option it has not: $d" ;; *) ok "check does not ask for an option it has not" ;; esac
expect_exit 0 "--kernel picks one" "$MT_AGENT" --root "$R" modules install --from "$media" --kernel "$KV"
expect_exit 2 "modules without install is a usage error" "$MT_AGENT" modules --from "$media"
t_done
