# tests/cs_lib.sh: a configuration server for tests, the demo and e2e (bash; source after tests/lib.sh).
#
#   cs_pki DIR         CA, server certificate (SAN IP:127.0.0.1, IP:10.0.2.2, DNS:localhost) signed by it,
#                      a second "wrong" self-signed certificate, a passphrase file (0600), and
#                      CS_CA CS_CERT CS_KEY CS_ALT_CERT CS_ALT_KEY CS_PASS CS_FPR (SHA256, colons) set
#   cs_start DIR [cs_server.py options...]
#                      start tests/cs_server.py on a free 127.0.0.1 port with DIR/cs.db; sets CS_PORT,
#                      CS_PID (tracked by t_track_pid when tests/lib.sh is loaded)
#   cs_stop            kill the server started last (by pid)
#   cs_admin METHOD PATH [JSON]   call the unsigned admin endpoints (records, requests, fault)
#   cs_admin requests [FROM]      "ENTRIES PUTS GAP_MS" of the request log from entry FROM (tests/lib/cs_admin.py)
#   cs_root ROOT ["key = value"...]  a --root tree for the agent: the captured sysfs of
#                      tests/fixtures/sysroot/capture/vmware-wwn (without product_uuid), and
#                      ROOT/etc/mt-agent/{mt-agent.conf,cs-ca.pem,passphrase} pointing at this server
#                      ([cs] backend http), extra [cs] keys appended
#
# The guest of an e2e test reaches the host's 127.0.0.1:PORT as 10.0.2.2:PORT, hence the SAN.

# The interpreter itself, once: a pyenv shim costs seconds per call on a loaded box.
CS_PY=$(python3 -c 'import sys; print(sys.executable)' 2>/dev/null || echo python3)
export CS_PY

cs_pki() {
    local d=$1
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mt-agent test CA" \
        -keyout "$d/ca.key" -out "$d/ca.pem" >/dev/null 2>&1 || return 1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$d/server.key" \
        -out "$d/server.csr" >/dev/null 2>&1 || return 1
    printf 'subjectAltName=IP:127.0.0.1,IP:10.0.2.2,DNS:localhost\nbasicConstraints=CA:FALSE\n' >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/ext.cnf" -out "$d/server.pem" >/dev/null 2>&1 || return 1
    # the impostor: same names, not signed by the CA, another fingerprint
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=localhost" \
        -addext "subjectAltName=IP:127.0.0.1,IP:10.0.2.2,DNS:localhost" \
        -keyout "$d/alt.key" -out "$d/alt.pem" >/dev/null 2>&1 || return 1
    (umask 077 && printf 'test passphrase %s\n' "$(openssl rand -hex 8)" >"$d/passphrase")
    chmod 600 "$d/passphrase"
    CS_CA=$d/ca.pem
    CS_CERT=$d/server.pem
    CS_KEY=$d/server.key
    CS_ALT_CERT=$d/alt.pem
    CS_ALT_KEY=$d/alt.key
    CS_PASS=$d/passphrase
    CS_FPR=$(openssl x509 -in "$d/server.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
    CS_ALT_FPR=$(openssl x509 -in "$d/alt.pem" -noout -fingerprint -sha256 | sed 's/^.*=//')
    export CS_CA CS_CERT CS_KEY CS_ALT_CERT CS_ALT_KEY CS_PASS CS_FPR CS_ALT_FPR
}

cs_start() {
    local d=$1 i
    shift
    rm -f "$d/port"
    "$CS_PY" "$MT_TOP/tests/cs_server.py" --cert "$CS_CERT" --key "$CS_KEY" --alt-cert "$CS_ALT_CERT" \
        --alt-key "$CS_ALT_KEY" --passphrase-file "$CS_PASS" --db "$d/cs.db" --port-file "$d/port" "$@" \
        >"$d/server.out" 2>"$d/server.err" &
    CS_PID=$!
    if command -v t_track_pid >/dev/null 2>&1; then t_track_pid "$CS_PID"; fi
    for i in $(seq 1 100); do
        [ -s "$d/port" ] && break
        kill -0 "$CS_PID" 2>/dev/null || break
        sleep 0.1
    done
    if [ ! -s "$d/port" ]; then
        echo "cs_server did not start:" >&2
        cat "$d/server.err" >&2
        return 1
    fi
    CS_PORT=$(cat "$d/port")
    CS_DB=$d/cs.db
    export CS_PORT CS_PID CS_DB
}

cs_stop() {
    [ -n "${CS_PID:-}" ] || return 0
    kill "$CS_PID" 2>/dev/null
    wait "$CS_PID" 2>/dev/null
    CS_PID=
}

cs_admin() { "$CS_PY" "$MT_TOP/tests/lib/cs_admin.py" "$CS_PORT" "$CS_CA" "$@"; }

cs_root() {
    local root=$1
    shift
    local fx=$MT_TOP/tests/fixtures/sysroot/capture/vmware-wwn/root
    mkdir -p "$root/etc/mt-agent" "$root/var/lib/mt-agent" "$root/sys/block"
    # real sysfs/procfs of a VMware-like guest (two pvscsi disks with NAA ids), so the
    # registration document carries disks; its product_uuid removed: the tests choose the host_id source
    if [ -d "$fx" ]; then
        cp -a "$fx/." "$root/"
        rm -f "$root/sys/class/dmi/id/product_uuid"
    fi
    cp "$CS_CA" "$root/etc/mt-agent/cs-ca.pem"
    cp -p "$CS_PASS" "$root/etc/mt-agent/passphrase"
    chmod 600 "$root/etc/mt-agent/passphrase"
    {
        printf '[cs]\nbackend = http\nhost = 127.0.0.1\nport = %s\nca_file = /etc/mt-agent/cs-ca.pem\n' "$CS_PORT"
        printf 'passphrase_file = /etc/mt-agent/passphrase\n'
        for kv in "$@"; do printf '%s\n' "$kv"; done
    } >"$root/etc/mt-agent/mt-agent.conf"
}
