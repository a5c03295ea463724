#!/bin/bash
# Every configuration-server fault ends in its documented message and exit status, in bounded
# time: unreachable, 500, 503 + Retry-After, 429, 408, 409, slow answers, connection reset,
# wrong certificate (not signed by the CA / not the pinned one), bad JSON, bad or missing
# response signature, replayed nonce, clock skew, and a man in the middle holding a valid
# CA-signed certificate but not the passphrase. Then the cs.* checks.
#
# The backoff is shrunk with the test-only MT_AGENT_TEST_BACKOFF_MS=BASE,CAP (provision/cs/cs_client.h)
# and [cs] timeout = 4 s, so each case ends in seconds; `timeout 60` bounds a runaway retry loop.
: "${MT_TOP:?set MT_TOP (tests/run.sh does)}"
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/cs_lib.sh"
t_require openssl python3 timeout

export MT_AGENT_TEST_BACKOFF_MS=50,400
DEADLINE=4

jget() { "$CS_PY" "$MT_TOP/tests/lib/journal.py" get "$1" "$2"; }
# requests the server logged for PUT since the mark (the count of /admin/requests entries)
mark() { cs_admin requests | cut -d' ' -f1; }
puts_since() { cs_admin requests "$1" | cut -d' ' -f2; }
fault() { cs_admin POST /admin/fault "$1" >/dev/null || not_ok "cs_server accepts fault $1"; }
clear_faults() { cs_admin DELETE /admin/fault >/dev/null; }

# run_case NAME WANT_EXIT REGEX VERB [ARGS...]: exit status + message, elapsed printed
run_case() {
    local name=$1 want=$2 re=$3 t0 t1
    shift 3
    t0=$(date +%s%N)
    expect_exit "$want" "$name: exit $want" timeout 60 "$MT_AGENT" --root "$root" "$@"
    t1=$(date +%s%N)
    echo "# $name: exit status $want expected, took $(( (t1 - t0) / 1000000 )) ms (deadline ${DEADLINE} s)"
    assert_grep "$name: message" "$re" "$T_ERR"
}

cs_pki "$T_TMP/pki" || { not_ok "cs_pki"; t_done; }
cs_start "$T_TMP" || { not_ok "cs_server.py starts"; t_done; }
root=$T_TMP/root
cs_root "$root" "timeout = $DEADLINE" "connect_timeout = 2"
journal=$root/var/lib/mt-agent/state.json
expect_exit 0 "baseline: register works" "$MT_AGENT" --root "$root" register

# --- unreachable: nothing listens --------------------------------------------------
free_port=$("$CS_PY" "$MT_TOP/tests/lib/free_port.py")
run_case "unreachable" 4 "configuration server 127.0.0.1:$free_port unreachable: .*\([0-9]+ attempts in" register --cs "127.0.0.1:$free_port"
grep -qE '\(1 attempt ' "$T_ERR" && not_ok "unreachable: retried until the deadline" || ok "unreachable: retried until the deadline"
assert_eq "unreachable: journal last.result" "$(jget "$journal" register.last.result)" "unreachable"

# --- 5xx / 429 / 408: retried; 409: not --------------------------------------------
fault '{"fault": "500"}'
run_case "500 until the deadline" 4 "server error: 127.0.0.1:$CS_PORT answered HTTP 500 injected.*attempts in" register
clear_faults
m=$(mark)
fault '{"fault": "500", "count": 2}'
expect_exit 0 "500 twice, then success: retried" "$MT_AGENT" --root "$root" register
assert_eq "500 twice: the server saw 3 PUTs" "$(puts_since "$m")" "3"
m=$(mark)
fault '{"fault": "503", "count": 1, "retry_after": 1}'
expect_exit 0 "503 with Retry-After: 1, then success" "$MT_AGENT" --root "$root" register
gap=$(cs_admin requests "$m" | cut -d' ' -f3)
echo "# 503 Retry-After 1: second attempt $gap ms after the first"
[ "$gap" -ge 950 ] && ok "Retry-After honoured (waited ${gap} ms >= 1 s, backoff alone is <= 400 ms)" || not_ok "Retry-After honoured (gap ${gap} ms)"
fault '{"fault": "503", "retry_after": 30}'
run_case "503 Retry-After beyond the deadline" 4 "server error: .*HTTP 503.*retry after 30 s, beyond the deadline" register
grep -q "(1 attempt in" "$T_ERR" && ok "503 Retry-After 30: gave up at once, no pointless wait" || not_ok "503 Retry-After 30: gave up at once"
clear_faults
fault '{"fault": "429", "count": 1, "retry_after": 0}'
expect_exit 0 "429 then success" "$MT_AGENT" --root "$root" register
fault '{"fault": "408", "count": 1}'
expect_exit 0 "408 then success" "$MT_AGENT" --root "$root" register
m=$(mark)
fault '{"fault": "409"}'
run_case "409 is not retried" 1 "rejected the request PUT /api/v1/master-targets/.*HTTP 409" register
assert_eq "409: exactly one PUT" "$(puts_since "$m")" "1"
clear_faults

# --- slow answers, resets ------------------------------------------------------------
fault '{"fault": "slow", "delay": 8}'
run_case "slow answer beyond the deadline" 4 "unreachable: .*(timed out|Timeout)" register
clear_faults
fault '{"fault": "reset"}'
run_case "connection reset every time" 4 "unreachable: .*attempts in" register
clear_faults
fault '{"fault": "reset", "count": 1}'
expect_exit 0 "one reset, then success" "$MT_AGENT" --root "$root" register

# --- certificates ------------------------------------------------------------------------
m=$(mark)
fault '{"fault": "wrong-cert", "count": 1}'
run_case "wrong certificate (not signed by the CA)" 4 "certificate mismatch: 127.0.0.1:$CS_PORT offered a certificate not valid for .*cs-ca.pem.*$CS_ALT_FPR" register
assert_eq "wrong certificate: nothing was sent" "$(puts_since "$m")" "0"
fault '{"fault": "wrong-cert", "count": 1}'
run_case "wrong certificate (not the pinned one)" 4 "certificate mismatch: .*offered SHA256 fingerprint $CS_ALT_FPR, not the pinned $CS_FPR" register --cs-fingerprint "$CS_FPR"

# --- responses ------------------------------------------------------------------------------
fault '{"fault": "bad-json", "count": 1}'
run_case "bad JSON" 4 "malformed response from 127.0.0.1:$CS_PORT \(HTTP 200\): body is not JSON" register
fault '{"fault": "bad-sig", "count": 1}'
run_case "bad response signature" 4 "authentication failure: the response .* has an invalid X-MT-Signature" register
fault '{"fault": "no-sig", "count": 1}'
run_case "missing response signature" 4 "authentication failure: the response .* has no X-MT-Signature" register
fault '{"fault": "replay", "count": 1}'
run_case "replayed nonce (server says so)" 4 "authentication failure: .*HTTP 401 nonce_replayed" register
fault '{"fault": "skew", "count": 1}'
run_case "clock skew (server says so)" 4 "authentication failure: .*HTTP 401 clock_skew" register
fault '{"fault": "500", "count": 100}'
run_case "heartbeat under 500" 4 "server error" heartbeat
# the journal is not locked through the retries: status answers while register is still retrying
"$MT_AGENT" --root "$root" -q register >/dev/null 2>&1 &
rp=$!
t_track_pid "$rp"
sleep 1
expect_exit 0 "status while register retries" timeout 30 "$MT_AGENT" --root "$root" status
kill -0 "$rp" 2>/dev/null && ok "register was still retrying when status had finished (no journal lock held)" ||
    not_ok "register was still retrying when status had finished (no journal lock held)"
wait "$rp"
assert_eq "the retrying register ended with exit 4" "$?" "4"
clear_faults
# --json: one document naming the failure
fault '{"fault": "bad-sig", "count": 1}'
expect_exit 4 "--json on failure" "$MT_AGENT" --root "$root" --json register
assert_eq "--json failure names it" "$(jget "$T_OUT" failure)" "authentication"
assert_eq "--json exit_status" "$(jget "$T_OUT" exit_status)" "4"
assert_eq "journal last.result after bad signature" "$(jget "$journal" register.last.result)" "authentication"
cs_stop

# --- a real clock skew: the server's clock is 1000 s ahead -----------------------------
cs_start "$T_TMP" --clock-offset 1000 || not_ok "cs_server.py --clock-offset starts"
cs_root "$root" "timeout = $DEADLINE" "connect_timeout = 2"
run_case "server clock 1000 s ahead" 4 "authentication failure: .*HTTP 401 clock_skew" register
expect_exit 1 "cs.registered fails on 1000 s of skew" "$MT_AGENT" --root "$root" check --only cs.registered
assert_grep "cs.registered names the skew" "clock is -1000 s off the server's|clock is -999 s off|clock is -1001 s off" "$T_OUT"
cs_stop

# --- the man in the middle: valid CA-signed certificate, no passphrase ---------------------
rm -f "$T_TMP/cs.db"
cs_start "$T_TMP" --mitm || not_ok "cs_server.py --mitm starts"
cs_root "$root" "timeout = $DEADLINE" "connect_timeout = 2"
reg_before=$(jget "$journal" register.registered_at)
m=$(mark)
run_case "man in the middle (valid certificate, no passphrase)" 4 "authentication failure: the response from 127.0.0.1:$CS_PORT \(HTTP 20[01]\) has an invalid X-MT-Signature.*man in the middle" register
assert_eq "MITM: the request did reach it (TLS was fine)" "$(puts_since "$m")" "1"
assert_eq "MITM: the journal did not record a new registration" "$(jget "$journal" register.registered_at)" "$reg_before"
assert_eq "MITM: journal last.result" "$(jget "$journal" register.last.result)" "authentication"
run_case "MITM: heartbeat too" 4 "authentication failure" heartbeat
cs_stop

# --- checks: cs.reachable, cs.registered ---------------------------------------------------
rm -f "$T_TMP/cs.db"
cs_start "$T_TMP" || not_ok "cs_server.py restarts"
root2=$T_TMP/root2
cs_root "$root2" "timeout = $DEADLINE" "connect_timeout = 2"
expect_exit 1 "cs.registered fails before registering" "$MT_AGENT" --root "$root2" check --only cs.registered
assert_grep "cs.registered: says to register" "FAIL cs.registered .*no registration" "$T_OUT"
expect_exit 1 "cs.reachable fails: nothing on the data port 9443" "$MT_AGENT" --root "$root2" check --only cs.reachable
assert_grep "cs.reachable names the data port" "127.0.0.1:9443 \(data port\)" "$T_OUT"
printf 'data_port = %s\n' "$CS_PORT" >>"$root2/etc/mt-agent/mt-agent.conf"
expect_exit 0 "cs.reachable passes when both ports answer" "$MT_AGENT" --root "$root2" check --only cs.reachable
expect_exit 0 "register" "$MT_AGENT" --root "$root2" register
expect_exit 0 "cs.registered passes after registering" "$MT_AGENT" --root "$root2" check --only cs.registered
assert_grep "cs.registered: live ping and skew" "PASS cs.registered .*the server answers the ping; clock skew" "$T_OUT"
cs_stop
expect_exit 1 "cs.reachable fails when the server is down" "$MT_AGENT" --root "$root2" check --only cs.reachable
assert_grep "cs.reachable: connection refused" "control port\): Connection refused" "$T_OUT"

t_done
