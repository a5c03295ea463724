#!/bin/bash
# Every input distrusted (issue 20), through the mt-agent binary:
# - each configuration file inih would read loosely is exit 2 naming FILE:LINE, with nothing
#   written under --root; the legitimate INI readings (config.h) are accepted;
# - a directory, FIFO or device as --config, the journal, --passphrase-file or --agent is
#   refused at once (within a timeout, instead of hanging) naming the path;
# - state.json or its lock as a symbolic link is refused, the link's target untouched, nothing
#   moved aside; a journal of version 99 is named as 99;
# - an archive member named with terminal escape sequences is printed escaped.
: "${MT_TOP:?set MT_TOP (tests/run.sh does)}"
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 mkfifo timeout sha256sum

R=$T_TMP/root
mkdir -p "$R/etc/mt-agent" "$R/var/lib"
# nothing_written NAME: no file under $R newer than the marker
marker=$T_TMP/marker
nothing_written() {
    local new
    new=$(find "$R" -newer "$marker" -print | head -n 3)
    [ -z "$new" ] && ok "$1: nothing written" || not_ok "$1: nothing written (found: $new)"
}

# --- configuration files: every loose reading is an error naming FILE:LINE -------------
long_comment=";$(printf 'x%.0s' $(seq 1 190)) root_mib = 25000"
cases=(
    "over-long comment whose tail reads as a key|2|line is [0-9]+ bytes long|[layout]\n$long_comment\n"
    "directory-style CR-only line ends|1|carriage return|[layout]\rroot_mib = 30000\r"
    "a key after the section header on one line|1|put 'root_mib = 30000' on a line of its own|[layout] root_mib = 30000\n"
    "an unknown section without keys|3|unknown section .nosuch.;|[cs]\nhost = a\n[nosuch]\n"
    "an indented continuation line|3|indented line without '='|[payload]\nmodules = xfsprogs,\n   reiserfs-utils\n"
    "a key set twice|3|.layout. root_mib is set twice .lines 2 and 3.|[layout]\nroot_mib = 30000\nroot_mib = 25000\n"
    "a key set twice across two [layout] sections|4|set twice|[layout]\nroot_mib = 30000\n[layout]\nroot_mib = 25000\n"
    "'#' after a value|2|'#' starts a comment only|[layout]\nroot_mib = 30000 # was 25000\n"
    "a quoted value|2|quotes are not removed|[cs]\nhost = \"10.0.0.1\"\n"
    "an escape character in a value|2|control character 0x1b|[layout]\nretention_label = MT\033[2J\n"
    "a NUL byte|2|NUL byte|[cs]\nhost = a\000b\n"
    "a section header without ']'|1|without a closing|[layout\n"
)
for c in "${cases[@]}"; do
    IFS='|' read -r name line pattern text <<<"$c"
    printf "$text" >"$T_TMP/bad.conf"
    touch "$marker"
    sleep 0.01
    expect_exit 2 "config: $name: exit 2" timeout 20 "$MT_AGENT" --root "$R" --config "$T_TMP/bad.conf" status
    assert_grep "config: $name: names FILE:$line" "^mt-agent: error: $T_TMP/bad.conf:$line: .*$pattern" "$T_ERR"
    nothing_written "config: $name"
done
# the escape character of a value is shown escaped, never raw
printf '[layout]\nretention_label = MT\033[2J\n' >"$T_TMP/bad.conf"
"$MT_AGENT" --root "$R" --config "$T_TMP/bad.conf" status >/dev/null 2>"$T_ERR"
if grep -q $'\033' "$T_ERR"; then not_ok "config: no raw ESC in the message"; else ok "config: no raw ESC in the message"; fi

# legitimate INI (config.h): CRLF, a BOM, indentation, ':' separators, ' ;' comments, empty known sections
printf '\xef\xbb\xbf[cs]\r\n  host = 10.0.0.5 ; inline\r\n\tport: 8443\r\n[check]\r\n[layout] ; comment\r\n' >"$T_TMP/ok.conf"
expect_exit 0 "config: legitimate INI (BOM, CRLF, indentation, ':', inline ' ;' comments) is accepted" \
    "$MT_AGENT" --root "$R" --config "$T_TMP/ok.conf" status

# --- not regular files: refused at once, naming the path -------------------------------
mkfifo "$T_TMP/fifo"
expect_exit 2 "--config a directory: exit 2" timeout 20 "$MT_AGENT" --root "$R" --config "$T_TMP" status
assert_grep "--config a directory: named" "$T_TMP: the configuration file is a directory, not a regular file" "$T_ERR"
expect_exit 2 "--config /dev/zero: exit 2, no hang" timeout 20 "$MT_AGENT" --root "$R" --config /dev/zero status
assert_grep "--config /dev/zero: named" "/dev/zero: the configuration file is a character device" "$T_ERR"
expect_exit 2 "--config a FIFO: exit 2, no hang" timeout 20 "$MT_AGENT" --root "$R" --config "$T_TMP/fifo" status
assert_grep "--config a FIFO: named" "fifo: the configuration file is a FIFO" "$T_ERR"

mkdir -p "$R/var/lib/mt-agent"
mkfifo "$R/var/lib/mt-agent/state.json"
expect_exit 1 "state.json a FIFO: refused, no hang" timeout 20 "$MT_AGENT" --root "$R" status
assert_grep "state.json a FIFO: named" "state.json: the state journal is a FIFO" "$T_ERR"
[ -p "$R/var/lib/mt-agent/state.json" ] && ok "state.json a FIFO: left where it is" || not_ok "state.json a FIFO: left where it is"
rm -f "$R/var/lib/mt-agent/state.json"

# passphrase file and --agent tarball as FIFOs
mkdir -p "$R/etc/mt-agent/pp"
mkfifo "$R/etc/mt-agent/pp/pass"
printf '[cs]\nbackend = http\nhost = 127.0.0.1\nfingerprint = %s\npassphrase_file = /etc/mt-agent/pp/pass\n' \
    "$(printf '%064d' 0)" >"$R/etc/mt-agent/mt-agent.conf"
expect_exit 2 "passphrase file a FIFO: exit 2, no hang" timeout 20 "$MT_AGENT" --root "$R" register
assert_grep "passphrase file a FIFO: named" "/etc/mt-agent/pp/pass: the passphrase file is a FIFO" "$T_ERR"
rm -f "$R/etc/mt-agent/mt-agent.conf"
expect_exit 2 "apply --agent a FIFO: refused (bad input, exit 2), no hang" timeout 20 "$MT_AGENT" --root "$R" apply --agent "$T_TMP/fifo" --sha256 "$(printf '%064d' 0)"
assert_grep "apply --agent a FIFO: named" "fifo: (the .* )?is a FIFO" "$T_ERR"
expect_exit 2 "apply --agent a directory: refused (bad input, exit 2)" timeout 20 "$MT_AGENT" --root "$R" apply --agent "$T_TMP" --sha256 "$(printf '%064d' 0)"
assert_grep "apply --agent a directory: named" "$T_TMP: (the .* )?is a directory" "$T_ERR"

# a FIFO among the box's own files (read through rootpath_read_file): check answers, no hang
F=$T_TMP/fiforoot
mkdir -p "$F/etc" "$F/usr/lib"
mkfifo "$F/etc/os-release" "$F/usr/lib/os-release"
expect_exit 1 "a FIFO at /etc/os-release: check os.release fails at once, no hang" \
    timeout 20 "$MT_AGENT" --root "$F" check --only os.release

# --- the journal through links --------------------------------------------------------
J=$R/var/lib/mt-agent
printf 'root:$6$secret:19000:0:99999:7:::\n' >"$R/etc/shadow"
cp "$R/etc/shadow" "$T_TMP/shadow.orig"
ln -s /etc/shadow "$J/state.json"
ln -s "$R/etc/shadow" "$J/abs-link"
for verb in status "--json status"; do
    # shellcheck disable=SC2086
    expect_exit 1 "state.json a link: '$verb' refuses" timeout 20 "$MT_AGENT" --root "$R" $verb
    assert_grep "state.json a link: '$verb' says so" "state.json: the state journal is a symbolic link; refused" "$T_ERR"
done
cmp -s "$R/etc/shadow" "$T_TMP/shadow.orig" && ok "state.json a link: its target is unchanged" || not_ok "state.json a link: its target is unchanged"
[ -L "$J/state.json" ] && ok "state.json a link: the link is left" || not_ok "state.json a link: the link is left"
ls "$J" "$R/etc" | grep -q corrupt && not_ok "state.json a link: nothing moved aside" || ok "state.json a link: nothing moved aside"
rm -f "$J/state.json" "$J/abs-link" "$J/state.json.lock"
ln -s /etc/shadow "$J/state.json.lock"
# status reads without the lock (issue 14); a verb that writes takes it
mkdir -p "$T_TMP/empty-payload"
expect_exit 1 "the lock a link: a writing verb (modules install) refuses" \
    timeout 20 "$MT_AGENT" --root "$R" modules install --from "$T_TMP/empty-payload" # exists: --from a missing path is refused before the lock (07-path-options)
assert_grep "the lock a link: says so" "state.json.lock: the journal lock is a symbolic link" "$T_ERR"
cmp -s "$R/etc/shadow" "$T_TMP/shadow.orig" && ok "the lock a link: its target is unchanged" || not_ok "the lock a link: its target is unchanged"
rm -f "$J/state.json.lock"

# version 99: named as 99 (it was read after being freed: "version 0")
printf '{"version": 99}\n' >"$J/state.json"
expect_exit 1 "journal version 99: refused" "$MT_AGENT" --root "$R" status
assert_grep "journal version 99: the message says 99" "journal version 99 is newer than this agent understands \(1\)" "$T_ERR"
rm -f "$J/state.json"

# --- names from archives reach the terminal escaped -------------------------------------
python3 "$MT_TOP/tests/lib/tar_escape.py" "$T_TMP/evil.tar.gz"
sum=$(sha256sum "$T_TMP/evil.tar.gz" | cut -d' ' -f1)
expect_exit 1 "an archive member with escape sequences: refused" "$MT_AGENT" --root "$R" apply --agent "$T_TMP/evil.tar.gz" --sha256 "$sum"
if grep -q $'\033\|\a' "$T_ERR"; then not_ok "archive member: no raw ESC or BEL on stderr"; else ok "archive member: no raw ESC or BEL on stderr"; fi
assert_grep "archive member: its name shown escaped" '\\x1b\[2J\\x1b\]0;owned\\x07evil' "$T_ERR"

t_done
