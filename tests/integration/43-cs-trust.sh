#!/bin/bash
# Certificate trust against tests/cs_server.py with certificates made here (openssl): with
# [cs] ca_file the chain, the host name and the validity period must verify and a pin given
# too must match as well (issue 20: the pin used to switch the other checks off); a pin alone
# is enough (a wrong name is fine: the certificate itself is pinned), and an expired pinned
# certificate is accepted with a warning. A refused server gets no registration. A malformed
# --cs address or [cs] host is a usage error (exit 2), not "unreachable".
: "${MT_TOP:?set MT_TOP (tests/run.sh does)}"
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/cs_lib.sh"
t_require openssl python3

cs_pki "$T_TMP/pki" || { not_ok "cs_pki: openssl could not make the CA"; t_done; }
pki=$T_TMP/pki

# openssl ca: the only openssl command that sets arbitrary validity dates (req/x509 refuse -days <= 0)
mkdir -p "$pki/db/new"
: >"$pki/db/index.txt"
echo 1000 >"$pki/db/serial"
cat >"$pki/ca.cnf" <<CNF
[ ca ]
default_ca = this
[ this ]
database = $pki/db/index.txt
new_certs_dir = $pki/db/new
serial = $pki/db/serial
default_md = sha256
policy = anything
unique_subject = no
[ anything ]
commonName = supplied
CNF
# make NAME SAN START END [selfsign]: NAME.pem/NAME.key, signed by the test CA or by itself
make_cert() {
    local name=$1 san=$2 start=$3 end=$4 self=${5:-}
    printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\n' "$san" >"$pki/$name.ext"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$name" -keyout "$pki/$name.key" -out "$pki/$name.csr" \
        >/dev/null 2>&1 || return 1
    if [ -n "$self" ]; then
        openssl ca -batch -config "$pki/ca.cnf" -selfsign -keyfile "$pki/$name.key" -in "$pki/$name.csr" \
            -startdate "$start" -enddate "$end" -extfile "$pki/$name.ext" -out "$pki/$name.pem" >/dev/null 2>&1
    else
        openssl ca -batch -config "$pki/ca.cnf" -cert "$pki/ca.pem" -keyfile "$pki/ca.key" -in "$pki/$name.csr" \
            -startdate "$start" -enddate "$end" -extfile "$pki/$name.ext" -out "$pki/$name.pem" >/dev/null 2>&1
    fi
}
far=$(date -u -d '+2 days' +%Y%m%d%H%M%SZ)
now=$(date -u -d '-1 hour' +%Y%m%d%H%M%SZ)
make_cert wrongname "DNS:wrong.example" "$now" "$far" &&
    make_cert expired "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20200102000000Z &&
    make_cert selfexpired "IP:127.0.0.1,DNS:localhost" 20200101000000Z 20200102000000Z self ||
    { not_ok "openssl ca could not make the test certificates"; t_done; }
fpr() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/^.*=//'; }

# the oracle agrees about what each certificate is
openssl verify -CAfile "$pki/ca.pem" "$pki/wrongname.pem" >/dev/null 2>&1 &&
    ! openssl verify -CAfile "$pki/ca.pem" -verify_ip 127.0.0.1 "$pki/wrongname.pem" >/dev/null 2>&1 &&
    ok "openssl: wrongname.pem chains to the CA, not valid for 127.0.0.1" ||
    not_ok "openssl: wrongname.pem chains to the CA, not valid for 127.0.0.1"
openssl verify -CAfile "$pki/ca.pem" "$pki/expired.pem" 2>&1 | grep -q "expired" &&
    ok "openssl: expired.pem has expired" || not_ok "openssl: expired.pem has expired"
openssl x509 -in "$pki/selfexpired.pem" -noout -checkend 0 >/dev/null 2>&1 &&
    not_ok "openssl: selfexpired.pem has expired" || ok "openssl: selfexpired.pem has expired"

# one server per certificate, each with its own database
start_with() { # DIR CERT KEY -> sets port_<name>
    local d=$T_TMP/$1
    mkdir -p "$d"
    CS_CERT=$2 CS_KEY=$3 cs_start "$d" || return 1
}
good_cert=$CS_CERT good_key=$CS_KEY
start_with good "$good_cert" "$good_key" && port_good=$CS_PORT db_good=$CS_DB &&
    start_with wrongname "$pki/wrongname.pem" "$pki/wrongname.key" && port_wrong=$CS_PORT db_wrong=$CS_DB &&
    start_with expired "$pki/expired.pem" "$pki/expired.key" && port_exp=$CS_PORT db_exp=$CS_DB &&
    start_with selfexpired "$pki/selfexpired.pem" "$pki/selfexpired.key" && port_self=$CS_PORT db_self=$CS_DB ||
    { not_ok "four cs_server.py instances start"; t_done; }
ok "four cs_server.py instances listen (good, wrong name, expired, self-signed expired)"
records() { "$CS_PY" "$MT_TOP/tests/lib/cs_records.py" "$1"; }

root=$T_TMP/root
cs_root "$root"   # [cs] ca_file = the test CA
noca=$T_TMP/noca
cs_root "$noca"
sed -i '/^ca_file/d' "$noca/etc/mt-agent/mt-agent.conf"
reg() { # ROOT PORT [args...]
    local r=$1 p=$2
    shift 2
    "$MT_AGENT" --root "$r" register --cs "127.0.0.1:$p" "$@"
}

# --- CA file and pin: both must hold ---------------------------------------------------
expect_exit 0 "CA + the right pin: registered" reg "$root" "$port_good" --cs-fingerprint "$CS_FPR"
expect_exit 4 "CA + another pin, a certificate the CA signed: refused" reg "$root" "$port_good" --cs-fingerprint "$CS_ALT_FPR"
assert_grep "names the pin mismatch" "certificate mismatch: .* not the pinned" "$T_ERR"
expect_exit 4 "CA + its own pin, a certificate for another name: refused" \
    reg "$root" "$port_wrong" --cs-fingerprint "$(fpr "$pki/wrongname.pem")"
assert_grep "says the pin is not enough with a CA file" "certificate mismatch: .*the pin alone is not enough" "$T_ERR"
expect_exit 4 "CA only, a certificate for another name: refused" reg "$root" "$port_wrong"
expect_exit 4 "CA + its own pin, an expired certificate the CA signed: refused" \
    reg "$root" "$port_exp" --cs-fingerprint "$(fpr "$pki/expired.pem")"
assert_grep "names the expiry" "certificate mismatch: .*expired" "$T_ERR"
expect_exit 4 "CA only, an expired certificate: refused" reg "$root" "$port_exp"
assert_eq "no registration reached the wrong-name server" "$(records "$db_wrong")" "0"
assert_eq "no registration reached the expired server" "$(records "$db_exp")" "0"

# --- a pin alone ---------------------------------------------------------------------------
expect_exit 0 "pin alone, a certificate for another name: the pinned certificate is trusted" \
    reg "$noca" "$port_wrong" --cs-fingerprint "$(fpr "$pki/wrongname.pem")"
assert_eq "the wrong-name server has the record" "$(records "$db_wrong")" "1"
expect_exit 0 "pin alone, an expired self-signed certificate: accepted" \
    reg "$noca" "$port_self" --cs-fingerprint "$(fpr "$pki/selfexpired.pem")"
assert_grep "with a warning that says it has expired" "warning: .*pinned certificate of 127.0.0.1 .* has expired; accepted" "$T_ERR"
assert_eq "the self-signed server has the record" "$(records "$db_self")" "1"
expect_exit 0 "pin alone, a valid certificate: no warning" reg "$noca" "$port_good" --cs-fingerprint "$CS_FPR"
if grep -q "warning" "$T_ERR"; then not_ok "a valid pinned certificate: no warning"; else ok "a valid pinned certificate: no warning"; fi
expect_exit 4 "pin alone, another certificate: refused" reg "$noca" "$port_self" --cs-fingerprint "$CS_FPR"
expect_exit 4 "CA only, the expired self-signed certificate: refused" reg "$root" "$port_self"

# --- malformed addresses: usage errors -------------------------------------------------------
for bad in 'a b' 'host/x' 'user@host' 'a?b' '-host' "$(printf 'a\033[31mb')" '[::1' '[::1]x' 'h:'; do
    expect_exit 2 "--cs '$(printf '%q' "$bad")' is a usage error" "$MT_AGENT" --root "$root" register --cs "$bad"
    assert_grep "--cs '$(printf '%q' "$bad")': the message names the address" "configuration server address '|--cs " "$T_ERR"
done
expect_exit 0 "--cs localhost:PORT still works" "$MT_AGENT" --root "$root" heartbeat --cs "localhost:$port_good"
# its own root with a short [cs] timeout: the default (300 s) of retries is waiting, not testing
short=$T_TMP/short
cs_root "$short" "timeout = 3"
expect_exit 4 "--cs [::1]:PORT parses (the server listens on 127.0.0.1 only: unreachable, exit 4)" \
    "$MT_AGENT" --root "$short" heartbeat --cs "[::1]:$port_good"
assert_grep "--cs [::1]:PORT: unreachable at [::1], within [cs] timeout" \
    "configuration server \[?::1\]?:$port_good unreachable: .*deadline \[cs\] timeout 3 s" "$T_ERR"
bad=$T_TMP/badhost
cs_root "$bad"
sed -i 's/^host = .*/host = a b/' "$bad/etc/mt-agent/mt-agent.conf"
expect_exit 2 "[cs] host = 'a b' is a configuration error" "$MT_AGENT" --root "$bad" register
assert_grep "names [cs] host" "\[cs\] host 'a b': not a host name" "$T_ERR"

t_done
