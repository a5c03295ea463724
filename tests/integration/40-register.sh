#!/bin/bash
# register / heartbeat / deregister against tests/cs_server.py (a real TLS server, a CA made
# here with openssl, records in sqlite): idempotent registration (100 runs, one record), host_id
# sources, pinning, refusal without a trust anchor, the passphrase file rules, the asr backend.
: "${MT_TOP:?set MT_TOP (tests/run.sh does)}"
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/cs_lib.sh"
t_require openssl python3

sqlq() { "$CS_PY" "$MT_TOP/tests/lib/sqlite_value.py" "$CS_DB" "$1"; }

cs_pki "$T_TMP/pki" || { not_ok "cs_pki: openssl could not make the CA"; t_done; }
cs_start "$T_TMP" || { not_ok "cs_server.py starts"; t_done; }
ok "cs_server.py listens on 127.0.0.1:$CS_PORT"
root=$T_TMP/root
cs_root "$root"
journal=$root/var/lib/mt-agent/state.json

# --- register, the record, the journal ------------------------------------------
expect_exit 0 "register" "$MT_AGENT" --root "$root" register
assert_grep "register says it registered" "registered master target .* with 127.0.0.1:$CS_PORT \(new record\)" "$T_OUT"
hid=$(jfield "$journal" host.host_id)
assert_eq "generated host_id is recorded as such" "$(jfield "$journal" host.host_id_source)" "generated"
assert_eq "journal register.host_id" "$(jfield "$journal" register.host_id)" "$hid"
assert_eq "journal register.registered" "$(jfield "$journal" register.registered)" "true"
assert_eq "journal register.heartbeat_s from the server" "$(jfield "$journal" register.heartbeat_s)" "60"
assert_eq "journal register.cs" "$(jfield "$journal" register.cs)" "127.0.0.1:$CS_PORT"
assert_eq "journal register.last.result" "$(jfield "$journal" register.last.result)" "ok"
[ -n "$(jfield "$journal" register.registered_at)" ] && ok "journal register.registered_at" || not_ok "journal register.registered_at"
assert_eq "server has the record" "$(sqlq "SELECT COUNT(*) FROM master_targets WHERE host_id = '$hid'")" "1"
doc=$(sqlq "SELECT document FROM master_targets WHERE host_id = '$hid'")
echo "$doc" >"$T_TMP/doc.json"
assert_eq "document: data_port" "$(jfield "$T_TMP/doc.json" data_port)" "9443"
assert_eq "document: agent version" "$(jfield "$T_TMP/doc.json" agent_version)" "$("$MT_AGENT" --version | sed 's/^mt-agent //')"
for k in host disks checks retention modules custom_changes; do
    [ -n "$(jfield "$T_TMP/doc.json" $k)" ] && ok "document has $k" || not_ok "document has $k"
done

assert_eq "document: disks from the inventory and the check summary" \
    "$(jfield "$T_TMP/doc.json" 'disks|type' 'checks|has:pass,fail,skip')" "array true"

# the disks with their SCSI ids, as /lib/udev/scsi_id printed them in the captured guest
fx=$MT_TOP/tests/fixtures/sysroot/capture/vmware-wwn
if [ -f "$fx/scsi_id.txt" ]; then
    got=$(paste -d' ' <(jfield "$T_TMP/doc.json" 'disks.*.name') <(jfield "$T_TMP/doc.json" 'disks.*.scsi_id'))
    assert_eq "document: disks with their SCSI ids (scsi_id -g -u oracle)" "$got" "$(cat "$fx/scsi_id.txt")"
else
    not_ok "fixture $fx/scsi_id.txt is missing"
fi

# --json: one document
expect_exit 0 "register --json (second time)" "$MT_AGENT" --root "$root" --json register
assert_eq "--json: one document, ok, created false" "$(jfield "$T_OUT" ok created host_id)" "true false $hid"

# 100 registrations of the same host leave one record
fails=0
for i in $(seq 1 100); do "$MT_AGENT" --root "$root" -q register >/dev/null 2>>"$T_TMP/loop.err" || fails=$((fails + 1)); done
assert_eq "100 more registrations all succeed" "$fails" "0"
assert_eq "still one record in sqlite" "$(sqlq "SELECT COUNT(*) FROM master_targets")" "1"
assert_eq "the record counts 102 registrations" "$(sqlq "SELECT registrations FROM master_targets WHERE host_id = '$hid'")" "102"
assert_eq "the generated host_id did not change" "$(jfield "$journal" host.host_id)" "$hid"

# heartbeat
expect_exit 0 "heartbeat" "$MT_AGENT" --root "$root" heartbeat
assert_grep "heartbeat says when the next one is due" "next in 60 s" "$T_OUT"
[ -n "$(sqlq "SELECT last_heartbeat FROM master_targets WHERE host_id = '$hid'")" ] && ok "server recorded the heartbeat" || not_ok "server recorded the heartbeat"
[ -n "$(jfield "$journal" register.last_heartbeat_at)" ] && ok "journal register.last_heartbeat_at" || not_ok "journal register.last_heartbeat_at"

# the server's admin dump (the demo prints it)
cs_admin GET /admin/records >"$T_TMP/records.json"
assert_eq "GET /admin/records lists the master target" "$(jfield "$T_TMP/records.json" '|len' 0.host_id)" "1 $hid"
"$CS_PY" "$MT_TOP/tests/cs_server.py" --db "$CS_DB" --dump >"$T_TMP/dump.json"
assert_grep "cs_server.py --dump lists it" "\"host_id\": \"$hid\"" "$T_TMP/dump.json"

# --- host_id sources -------------------------------------------------------------
root2=$T_TMP/root2
cs_root "$root2"
mkdir -p "$root2/sys/class/dmi/id" "$root2/etc"
echo "564D2E1A-9F3C-0B7A-1D2E-3F4A5B6C7D8E" >"$root2/sys/class/dmi/id/product_uuid"
echo "0123456789abcdef0123456789abcdef" >"$root2/etc/machine-id"
echo "VMware, Inc." >"$root2/sys/class/dmi/id/sys_vendor"
echo "VMware Virtual Platform" >"$root2/sys/class/dmi/id/product_name"
expect_exit 0 "register with a DMI product_uuid" "$MT_AGENT" --root "$root2" register
assert_eq "host_id is the lower-case DMI product_uuid" "$(jfield "$root2/var/lib/mt-agent/state.json" host.host_id)" "564d2e1a-9f3c-0b7a-1d2e-3f4a5b6c7d8e"
assert_eq "server record under the DMI uuid" "$(sqlq "SELECT COUNT(*) FROM master_targets WHERE host_id = '564d2e1a-9f3c-0b7a-1d2e-3f4a5b6c7d8e'")" "1"
sqlq "SELECT document FROM master_targets WHERE host_id = '564d2e1a-9f3c-0b7a-1d2e-3f4a5b6c7d8e'" >"$T_TMP/doc2.json"
assert_eq "document host.vendor from DMI" "$(jfield "$T_TMP/doc2.json" host.vendor)" "VMware, Inc."
rm "$root2/sys/class/dmi/id/product_uuid"
expect_exit 0 "register with only /etc/machine-id" "$MT_AGENT" --root "$root2" register
assert_eq "host_id is the machine-id" "$(jfield "$root2/var/lib/mt-agent/state.json" host.host_id)" "0123456789abcdef0123456789abcdef"
expect_exit 0 "deregister the machine-id record" "$MT_AGENT" --root "$root2" deregister
echo "564D2E1A-9F3C-0B7A-1D2E-3F4A5B6C7D8E" >"$root2/sys/class/dmi/id/product_uuid"
expect_exit 0 "deregister the DMI record" "$MT_AGENT" --root "$root2" deregister

# --- certificate trust -----------------------------------------------------------
lower_fpr=$(echo "$CS_FPR" | tr -d : | tr A-F a-f)
expect_exit 0 "pinned by --cs-fingerprint (upper case, colons)" "$MT_AGENT" --root "$root" register --cs-fingerprint "$CS_FPR"
expect_exit 0 "pinned by --cs-fingerprint (lower case, no colons)" "$MT_AGENT" --root "$root" register --cs-fingerprint "$lower_fpr"
expect_exit 2 "a malformed --cs-fingerprint is a usage error" "$MT_AGENT" --root "$root" register --cs-fingerprint abcd
assert_grep "malformed fingerprint: says what is expected" "64 hex digits" "$T_ERR"
root3=$T_TMP/root3
cs_root "$root3"
sed -i '/^ca_file/d' "$root3/etc/mt-agent/mt-agent.conf"
before=$(cs_admin GET /admin/requests | jfield - '[method=PUT]|len')
expect_exit 4 "neither ca_file nor fingerprint: refused" "$MT_AGENT" --root "$root3" register
assert_grep "refusal prints the fingerprint the server offered (openssl's)" "refused: no way to verify .*$CS_FPR" "$T_ERR"
after=$(cs_admin GET /admin/requests | jfield - '[method=PUT]|len')
assert_eq "refused: no request was sent" "$after" "$before"
expect_exit 0 "then pinning that fingerprint works" "$MT_AGENT" --root "$root3" register --cs-fingerprint "$CS_FPR"
printf '\nfingerprint = %s\n' "$CS_FPR" >>"$root3/etc/mt-agent/mt-agent.conf"
expect_exit 0 "[cs] fingerprint in the config works" "$MT_AGENT" --root "$root3" heartbeat
expect_exit 0 "deregister root3" "$MT_AGENT" --root "$root3" deregister

# --- passphrase file ---------------------------------------------------------------
pass=$(head -n 1 "$root/etc/mt-agent/passphrase")
chmod 644 "$root/etc/mt-agent/passphrase"
expect_exit 2 "passphrase file mode 0644 is refused" "$MT_AGENT" --root "$root" register
assert_grep "refusal names the file and the mode" "/etc/mt-agent/passphrase: passphrase file has mode 0644 .*must be mode 0600 and owned by root" "$T_ERR"
chmod 600 "$root/etc/mt-agent/passphrase"
printf 'not the passphrase\n' >"$T_TMP/otherpass"
mkdir -p "$root/etc/other" && install -m 600 "$T_TMP/otherpass" "$root/etc/other/pass"
expect_exit 4 "a wrong passphrase: authentication failure" "$MT_AGENT" --root "$root" register --passphrase-file "$root/etc/other/pass"
assert_grep "wrong passphrase: the message says authentication and 401" "authentication failure: .*HTTP 401.*passphrases differ" "$T_ERR"
printf 'x\n' >"$root/etc/other/crlf" && printf '%s\r\n' "$pass" >"$root/etc/other/crlf" && chmod 600 "$root/etc/other/crlf"
expect_exit 0 "a CRLF line ending is stripped" "$MT_AGENT" --root "$root" register --passphrase-file "$root/etc/other/crlf"
# The path rule: --passphrase-file is the operator's host path; a file of the
# same name inside the root (here the wrong passphrase) is never read.
printf '%s\n' "$pass" >"$T_TMP/hostpass" && chmod 600 "$T_TMP/hostpass"
mkdir -p "$root$T_TMP" && install -m 600 "$T_TMP/otherpass" "$root$T_TMP/hostpass"
expect_exit 0 "--root R register --passphrase-file FILE reads the host's FILE, not R/FILE" \
    "$MT_AGENT" --root "$root" register --passphrase-file "$T_TMP/hostpass"
cd "$T_TMP"
expect_exit 0 "a relative --passphrase-file is taken from the working directory" \
    "$MT_AGENT" --root "$root" register --passphrase-file hostpass
cd - >/dev/null
if grep -rqF -- "$pass" "$root/var" "$root/etc/mt-agent/mt-agent.conf" "$T_OUT" "$T_ERR" 2>/dev/null; then
    not_ok "the passphrase appears in no journal, log or output"
else
    ok "the passphrase appears in no journal, log or output"
fi

# --- the server's checks: replay and skew (a client of our own, python) ------------
"$CS_PY" "$MT_TOP/tests/lib/cs_replay.py" "$CS_PORT" "$CS_CA" "$CS_PASS" "$hid" >"$T_TMP/replay.out"
assert_eq "server: a fresh signed request is accepted" "$(sed -n 1p "$T_TMP/replay.out")" "200 "
assert_eq "server: a replayed nonce is refused" "$(sed -n 2p "$T_TMP/replay.out")" "401 nonce_replayed"
assert_eq "server: 400 s of skew (past) is refused" "$(sed -n 3p "$T_TMP/replay.out")" "401 clock_skew"
assert_eq "server: 400 s of skew (future) is refused" "$(sed -n 4p "$T_TMP/replay.out")" "401 clock_skew"

# --- usage ----------------------------------------------------------------------------
root4=$T_TMP/root4
mkdir -p "$root4/etc/mt-agent"
printf '[cs]\nbackend = http\n' >"$root4/etc/mt-agent/mt-agent.conf"
expect_exit 2 "no [cs] host and no --cs" "$MT_AGENT" --root "$root4" register
assert_grep "says how to give the address" "give --cs HOST\[:PORT\] or set \[cs\] host" "$T_ERR"
expect_exit 2 "unknown option" "$MT_AGENT" --root "$root" register --frob
expect_exit 2 "bad --cs port" "$MT_AGENT" --root "$root" register --cs 127.0.0.1:99999
# --cs overrides [cs] host/port
sed -i "s/^port = .*/port = 1/" "$root/etc/mt-agent/mt-agent.conf"
expect_exit 0 "--cs HOST:PORT overrides the config" "$MT_AGENT" --root "$root" heartbeat --cs "localhost:$CS_PORT"

# --- deregister ------------------------------------------------------------------------
expect_exit 0 "deregister" "$MT_AGENT" --root "$root" deregister --cs "127.0.0.1:$CS_PORT"
assert_eq "deregister removed the record" "$(sqlq "SELECT COUNT(*) FROM master_targets")" "0"
assert_eq "journal register.registered false" "$(jfield "$journal" register.registered)" "false"
expect_exit 0 "deregister again: nothing to remove, still done" "$MT_AGENT" --root "$root" deregister --cs "127.0.0.1:$CS_PORT"
assert_grep "says it was not registered" "not registered" "$T_OUT"
expect_exit 1 "heartbeat when not registered" "$MT_AGENT" --root "$root" heartbeat --cs "127.0.0.1:$CS_PORT"
assert_grep "heartbeat: says to register" "does not know master target .*run .mt-agent register" "$T_ERR"

# --- asr backend: the vendor configurator through execve -----------------------------------
root5=$T_TMP/root5
cs_root "$root5"
sed -i 's/^backend = http/backend = asr/' "$root5/etc/mt-agent/mt-agent.conf"
expect_exit 1 "asr: configurator not installed" "$MT_AGENT" --root "$root5" register
assert_grep "asr: says to run apply first" "not installed; run .mt-agent apply" "$T_ERR"
conf=$root5/usr/local/ASR/Vx/bin/UnifiedAgentConfigurator.sh
mkdir -p "$(dirname "$conf")"
printf '#!/bin/sh\necho "configurator args: $*" >%s\necho "Registering with CS $2"\nexit ${FAKE_EXIT:-0}\n' "$T_TMP/asr.args" >"$conf"
chmod 755 "$conf"
expect_exit 0 "asr: register runs the configurator" "$MT_AGENT" --root "$root5" register
assert_grep "asr: -i CS_IP -P PASSPHRASE_FILE" "^configurator args: -i 127.0.0.1 -P $root5/etc/mt-agent/passphrase$" "$T_TMP/asr.args"
assert_grep "asr: its output is in the log" "Registering with CS 127.0.0.1" "$root5/var/log/mt-agent.log"
assert_eq "asr: journal register.backend" "$(jfield "$root5/var/lib/mt-agent/state.json" register.backend)" "asr"
printf '#!/bin/sh\necho "bad passphrase" >&2\nexit 3\n' >"$conf"
expect_exit 4 "asr: a failing configurator is exit 4" "$MT_AGENT" --root "$root5" register
assert_grep "asr: the failure quotes the status and output" "exit status 3.*bad passphrase" "$T_ERR"

# an unreachable server: each wait between attempts is said on stderr (which attempt, why, the
# wait, when it gives up), not minutes of silence; -q keeps them back; the final error counts
# the same attempts
unreach=$T_TMP/unreach
cs_root "$unreach" "timeout = 4"
# a port nothing listens on (the kernel's free one)
free_port=$("$CS_PY" "$MT_TOP/tests/lib/tcp_port.py" free)
expect_exit 4 "unreachable: exit 4 within [cs] timeout" "$MT_AGENT" --root "$unreach" register --cs "127.0.0.1:$free_port"
notes=$(grep -c "configuration server 127.0.0.1:$free_port: attempt [0-9]* failed (.*); next in [0-9.]* s, giving up in [0-9]* s (\[cs\] timeout)" "$T_ERR")
attempts=$(sed -n 's/.*unreachable: .*(\([0-9]*\) attempts\{0,1\} in .*/\1/p' "$T_ERR")
assert_eq "unreachable: one note per wait (attempts - 1)" "$notes" "$(( ${attempts:-0} - 1 ))"
[ "${attempts:-0}" -ge 2 ] && ok "unreachable: it retried (${attempts} attempts)" || not_ok "unreachable: it retried (${attempts:-none} attempts)"
expect_exit 4 "unreachable, -q: exit 4" "$MT_AGENT" -q --root "$unreach" register --cs "127.0.0.1:$free_port"
if grep -q "attempt [0-9]* failed" "$T_ERR"; then not_ok "-q: no retry notes"; else ok "-q: no retry notes"; fi

cs_stop
t_done
