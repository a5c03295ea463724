#!/bin/bash
# make rpm: the RPMs' file lists, config flags, modes, scriptlets and metadata,
# read back with rpm -qlp / -qip / --scripts as the oracle; the packaged binary runs.
. "$(dirname "$0")/../lib.sh"
t_require rpmbuild
t_require rpm2cpio

cd "$MT_TOP" || exit 1
rel=build/rpm-test.$$
rm -rf "$rel"
if make -s rpm BUILD="$rel" >"$T_OUT" 2>"$T_ERR"; then ok "make rpm builds"; else
    not_ok "make rpm builds"; sed 's/^/    # /' "$T_ERR" | tail -n 20; rm -rf "$rel"; t_done; fi
trap 'rm -rf "$MT_TOP/$rel"; t_cleanup' EXIT  # lib.sh's cleanup too (its T_TMP)
bin=$(ls "$rel"/rpm/RPMS/*/mt-agent-0*.rpm 2>/dev/null | head -n 1)
img=$(ls "$rel"/rpm/RPMS/*/mt-image-0*.rpm 2>/dev/null | head -n 1)
src=$(ls "$rel"/rpm/SRPMS/mt-agent-*.src.rpm 2>/dev/null | head -n 1)
[ -n "$bin" ] && ok "binary RPM mt-agent" || not_ok "binary RPM mt-agent"
[ -n "$img" ] && ok "binary RPM mt-image" || not_ok "binary RPM mt-image"
[ -n "$src" ] && ok "source RPM" || not_ok "source RPM"

rpm -qlp "$bin" >"$T_TMP/files" 2>/dev/null
for f in /usr/sbin/mt-agent /etc/mt-agent/mt-agent.conf /etc/rc.d/init.d/mt-agent /etc/logrotate.d/mt-agent \
    /etc/bash_completion.d/mt-agent /usr/lib/systemd/system/mt-agent-firstboot.service \
    /var/lib/mt-agent; do
    assert_grep "mt-agent RPM holds $f" "^$f\$" "$T_TMP/files"
done
# brp-compress gzips man pages on EL; Debian's rpmbuild leaves them as they are.
assert_grep "mt-agent RPM holds its man page" '^/usr/share/man/man8/mt-agent\.8(\.gz)?$' "$T_TMP/files"
rpm -qp --configfiles "$bin" >"$T_TMP/config" 2>/dev/null
assert_grep "mt-agent.conf is a config file" '^/etc/mt-agent/mt-agent.conf$' "$T_TMP/config"
assert_grep "logrotate is a config file" '^/etc/logrotate.d/mt-agent$' "$T_TMP/config"
assert_grep "the NRPE command is a config file" '^/etc/nrpe.d/mt-agent.cfg$' "$T_TMP/config"
assert_grep "the sudoers fragment is a config file" '^/etc/sudoers.d/mt-agent-nrpe$' "$T_TMP/config"
rpm -qp --qf '[%{FILEFLAGS:fflags} %{FILEMODES:perms} %{FILEUSERNAME} %{FILENAMES}\n]' "$bin" >"$T_TMP/flags" 2>/dev/null
assert_grep "mt-agent.conf is %config(noreplace)" '^cn .* /etc/mt-agent/mt-agent.conf$' "$T_TMP/flags"
assert_grep "/var/lib/mt-agent is 0700 root" ' drwx------ root /var/lib/mt-agent$' "$T_TMP/flags"
assert_grep "the init script is 0755" ' -rwxr-xr-x root /etc/rc.d/init.d/mt-agent$' "$T_TMP/flags"
assert_grep "the binary is 0755" ' -rwxr-xr-x root /usr/sbin/mt-agent$' "$T_TMP/flags"
assert_grep "the sudoers fragment is 0440 root, %config(noreplace)" '^cn -r--r----- root /etc/sudoers.d/mt-agent-nrpe$' "$T_TMP/flags"
assert_grep "the NRPE command is %config(noreplace)" '^cn .* /etc/nrpe.d/mt-agent.cfg$' "$T_TMP/flags"
rpm -qp --scripts "$bin" >"$T_TMP/scripts" 2>/dev/null
assert_grep "%post registers the init script (chkconfig --add)" 'chkconfig --add mt-agent' "$T_TMP/scripts"
assert_grep "%preun removes it on erase only" 'chkconfig --del mt-agent' "$T_TMP/scripts"
assert_grep "%preun runs only on the last erase" '"\$1" -eq 0' "$T_TMP/scripts"
rpm -qip "$bin" >"$T_TMP/info" 2>/dev/null
assert_grep "Name mt-agent" '^Name *: mt-agent$' "$T_TMP/info"
assert_grep "Version 0.1.0" '^Version *: 0\.1\.0$' "$T_TMP/info"
rpm -qp --requires "$bin" >"$T_TMP/req" 2>/dev/null
assert_grep "requires chkconfig for its scriptlets" '^chkconfig' "$T_TMP/req"
for d in libcurl libarchive parted; do
    assert_grep "requires $d (opened with dlopen, not seen by automatic requires)" "^$d\$" "$T_TMP/req"
done
rpm -qp --requires "$src" >"$T_TMP/breq" 2>/dev/null
for d in parted-devel libblkid-devel libudev-devel libarchive-devel openssl-devel libcurl-devel json-c-devel; do
    assert_grep "BuildRequires $d (EL6 name)" "^$d\$" "$T_TMP/breq"
done

rpm -qlp "$img" >"$T_TMP/ifiles" 2>/dev/null
assert_grep "mt-image RPM holds /usr/bin/mt-image" '^/usr/bin/mt-image$' "$T_TMP/ifiles"
assert_grep "mt-image RPM holds its man page" '^/usr/share/man/man1/mt-image\.1(\.gz)?$' "$T_TMP/ifiles"
assert_grep "mt-image RPM holds the kickstart" '^/usr/share/mt-agent/kickstart/.*\.ks$' "$T_TMP/ifiles"

# The packaged program runs from the unpacked payload.
mkdir -p "$T_TMP/unpack"
(cd "$T_TMP/unpack" && rpm2cpio "$MT_TOP/$bin" | cpio -idm --quiet 2>/dev/null)
expect_exit 0 "the packaged mt-agent runs" "$T_TMP/unpack/usr/sbin/mt-agent" --version
assert_grep "and says its version" '^mt-agent 0\.1\.0$' "$T_OUT"
# Test hooks are compiled out of what ships (TEST_HOOKS=0); the developer's build has them.
if grep -q MT_AGENT_TEST_ "$T_TMP/unpack/usr/sbin/mt-agent"; then not_ok "the packaged mt-agent has no test hook"
else ok "the packaged mt-agent has no test hook"; fi
if grep -q MT_AGENT_TEST_ "$MT_AGENT"; then ok "the developer's build has the test hooks (TEST_HOOKS=1)"
else not_ok "the developer's build has the test hooks (TEST_HOOKS=1)"; fi
sh -n "$T_TMP/unpack/etc/rc.d/init.d/mt-agent" && ok "the packaged init script parses (sh -n)" ||
    not_ok "the packaged init script parses (sh -n)"
assert_grep "init script has chkconfig headers" '^# chkconfig: ' "$T_TMP/unpack/etc/rc.d/init.d/mt-agent"
t_done
