#!/bin/bash
# The command line: global options, verb dispatch, exit codes, configuration errors.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1

expect_exit 0 "--version" "$MT_AGENT" --version
assert_grep "--version prints the version" '^mt-agent [0-9]+\.[0-9]+\.[0-9]+$' "$T_OUT"
expect_exit 0 "--help" "$MT_AGENT" --help
assert_grep "--help lists the verbs" 'firstboot' "$T_OUT"
expect_exit 2 "no verb is a usage error" "$MT_AGENT"
expect_exit 2 "unknown verb is a usage error" "$MT_AGENT" frobnicate
assert_grep "unknown verb is named" "unknown verb 'frobnicate'" "$T_ERR"
assert_grep "unknown verb lists the verbs" '^  register ' "$T_ERR"
expect_exit 2 "unknown global option" "$MT_AGENT" --frob status
expect_exit 0 "verb --help" "$MT_AGENT" plan --help
assert_grep "verb --help shows its usage" 'usage: mt-agent .*plan \[--disk DEV' "$T_OUT"
expect_exit 2 "--root that does not exist" "$MT_AGENT" --root "$T_TMP/nope" status
assert_grep "--root error names the directory" "nope" "$T_ERR"

# configuration: a bad file stops with exit 2 naming file and line
root=$T_TMP/root
mkdir -p "$root/etc/mt-agent"
printf '[cs]\nhost = 10.1.2.3\nport = 99999\n' >"$root/etc/mt-agent/mt-agent.conf"
expect_exit 2 "bad value in the default config under --root" "$MT_AGENT" --root "$root" status
assert_grep "message names file:line and the key" "mt-agent.conf:3: \[cs\] port: '99999'" "$T_ERR"
printf '[cs]\nhost = 10.1.2.3\n[frob]\nx = 1\n' >"$T_TMP/other.conf"
expect_exit 2 "unknown section in --config" "$MT_AGENT" --root "$root" --config "$T_TMP/other.conf" status
# the header line itself (issue 20: a section without keys is refused too)
assert_grep "message names the section at its header" "other.conf:3: unknown section \[frob\]" "$T_ERR"
expect_exit 2 "missing --config file" "$MT_AGENT" --config "$T_TMP/missing.conf" status
assert_grep "missing file is named" "missing.conf" "$T_ERR"
rm "$root/etc/mt-agent/mt-agent.conf"
expect_exit 0 "no config file: built-in defaults" "$MT_AGENT" --root "$root" status
expect_exit 0 "the shipped config is valid" "$MT_AGENT" --root "$root" --config "$MT_TOP/rootfs/etc/mt-agent/mt-agent.conf" status

# --json prints exactly one JSON document on stdout
expect_exit 0 "status --json" "$MT_AGENT" --root "$root" --json status
assert_eq "status --json is one JSON document with a version" "$(jfield "$T_OUT" version)" 1

# status reads without the writers' lock and writes nothing (not even the state directory)
[ ! -e "$root/var/lib/mt-agent" ] && ok "status on a fresh root creates nothing" || not_ok "status on a fresh root creates nothing"
# a corrupt journal is kept aside and reported, never silently reset
mkdir -p "$root/var/lib/mt-agent"
echo '{"version": 1, "apply": {' >"$root/var/lib/mt-agent/state.json"
expect_exit 0 "status with a corrupt journal" "$MT_AGENT" --root "$root" status
assert_grep "corrupt journal is reported" "corrupt; it was kept as .*state.json.corrupt-" "$T_ERR"
n=$(ls "$root/var/lib/mt-agent/" | grep -c 'state.json.corrupt-')
assert_eq "corrupt journal kept aside" "$n" 1

# the build is hardened: PIE, full RELRO (BIND_NOW), stack protector, fortify
for b in "$MT_AGENT" "$MT_IMAGE"; do
    n=$(basename "$b")
    readelf -h "$b" | grep -q 'Type:.*DYN' && ok "$n is PIE" || not_ok "$n is PIE"
    readelf -d "$b" | grep -q 'BIND_NOW' && ok "$n has full RELRO (BIND_NOW)" || not_ok "$n has full RELRO (BIND_NOW)"
    readelf -lW "$b" | grep -q 'GNU_RELRO' && ok "$n has a RELRO segment" || not_ok "$n has a RELRO segment"
done
nm -D "$MT_AGENT" | grep -q '__stack_chk_fail' && ok "mt-agent uses the stack protector" || not_ok "mt-agent uses the stack protector"
if [ "${SANITIZE:-0}" != 1 ]; then
    nm -D "$MT_AGENT" | grep -q '_chk@' && ok "mt-agent is built with _FORTIFY_SOURCE" || not_ok "mt-agent is built with _FORTIFY_SOURCE"
fi
# no shell anywhere: run_argv is the only way out
if grep -nE '\b(system|popen)\s*\(' "$MT_TOP"/agent/*.c "$MT_TOP"/provision/*/*.c "$MT_TOP"/image/*.c; then
    not_ok "no system()/popen() in the C sources"
else
    ok "no system()/popen() in the C sources"
fi

# A sysroot with nothing in it (no /sys, no /proc): check still reports every
# check, with a reason, instead of failing with an empty message.
mkdir -p "$T_TMP/emptyroot"
expect_exit 1 "check on an empty sysroot: exit 1 (error checks fail)" "$MT_AGENT" --root "$T_TMP/emptyroot" --json check
read -r n_checks n_empty <<<"$(jfield "$T_OUT" 'checks|len' 'checks[!detail]|len')"
[ "${n_checks:-0}" -ge 17 ] && [ "$n_empty" = 0 ] &&
    ok "every check reported with a detail" || not_ok "every check reported with a detail ($n_checks checks, $n_empty without a detail)"
if grep -qE 'error: *$' "$T_ERR"; then not_ok "no empty error message"; else ok "no empty error message"; fi

t_done
