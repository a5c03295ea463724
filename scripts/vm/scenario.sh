# scripts/vm/scenario.sh: the master-target scenarios' harness (sourced, bash).
#
# Used by tests/e2e/7*-*.sh and scripts/demo.sh. A scenario is: sparse disk
# images (the OS disk and a retention disk on pvscsi, each with or without a
# VMware wwn), a payload disk (virtio-blk, ext4 made with mkfs.ext4 -d: the
# module RPMs, the Unified Agent tarball and the manifest, as on the install
# media), the API v1 test server on 127.0.0.1, and a guest whose /init runs
# `mt-agent firstboot` and prints what the host then reads between markers.
#
#   . scripts/vm/scenario.sh
#   sc_init DIR                         work directory (images, logs)
#   sc_cs_start                         CA, certificate, passphrase, server (SC_CS_PORT)
#   sc_payload DIR                      payload directory (fake vendor tarball, module RPMs, SHA256SUMS)
#   sc_guest OUT STEPS_FILE [IGNORE]    guest initramfs; STEPS_FILE is shell run after firstboot
#   sc_boot NAME INITRD [run-vm args]   boots, serial log in $SC_DIR/NAME.log; returns qemu's status
#   sc_run NAME STEPS_FILE [run-vm args]  sc_guest + sc_boot; SC_LOG, SC_OS, SC_RET
#   sc_section LOG NAME                 the lines between "=== NAME begin" and "=== NAME end"
#   sc_cs_records                       the server's records (JSON) on stdout
#   sc_cs_stop
SC_TOP=${SC_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SC_AGENT=${MT_AGENT:-$SC_TOP/build/mt-agent}
SC_UUID=${SC_UUID:-564d4a1b-2c3d-4e5f-8a9b-0c1d2e3f4a5b}
SC_IGNORE_DEFAULT=os.release,packages.required
SC_CS_PID="" SC_DATA_PID=""

# chronyd for the guest (a master target keeps time: the configuration server
# rejects skewed requests, and time.sync checks a daemon runs). Debian's chrony
# package is fetched with apt-get download and unpacked in the VM cache; nothing
# is installed on this machine.
sc_chronyd() {
    local cache=${MT_VM_CACHE:-/var/cache/mt-agent-vm} dl
    if [ ! -x "$cache/chrony/usr/sbin/chronyd" ]; then
        dl=$(mktemp -d "$cache/chrony-dl.XXXXXX")
        chmod 755 "$dl"
        (cd "$dl" && apt-get download -qq chrony >/dev/null 2>&1) || { rm -rf "$dl"; return 1; }
        rm -rf "$cache/chrony.tmp"
        dpkg-deb -x "$dl"/chrony_*.deb "$cache/chrony.tmp" && rm -rf "$dl" || return 1
        rm -rf "$cache/chrony"
        mv "$cache/chrony.tmp" "$cache/chrony"
    fi
    SC_CHRONYD=$cache/chrony/usr/sbin/chronyd
}

sc_init() {
    SC_DIR=$1
    mkdir -p "$SC_DIR"
    # The full Debian kernel: its reiserfs.ko goes into the kmod-reiserfs package.
    eval "$("$SC_TOP/scripts/vm/kernel.sh" --flavour amd64)" || return 1
    SC_KERNEL=$VM_KERNEL
    SC_KVER=$VM_KVER
    SC_MODDIR=$VM_MODDIR
    sc_chronyd || { echo "scenario: cannot fetch chrony (apt-get download chrony)" >&2; return 1; }
}

# The API v1 test server with a CA and a certificate for 127.0.0.1 and 10.0.2.2
# (the host as the guest sees it), made now.
# sc_wait_file FILE TENTHS: wait until FILE is non-empty, at most TENTHS x 0.1 s.
sc_wait_file() {
    local i
    for i in $(seq 1 "$2"); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

sc_cs_start() {
    local d=$SC_DIR/cs i
    mkdir -p "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=mt-test-ca" \
        -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null || return 1
    openssl req -newkey rsa:2048 -nodes -subj "/CN=mt-test-cs" -keyout "$d/cs.key" -out "$d/cs.csr" \
        2>/dev/null || return 1
    printf 'subjectAltName=IP:127.0.0.1,IP:10.0.2.2,DNS:localhost\n' >"$d/san.ext"
    openssl x509 -req -in "$d/cs.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/san.ext" -out "$d/cs.pem" 2>/dev/null || return 1
    printf 'mt-test-passphrase-%s\n' "$RANDOM$RANDOM" >"$d/passphrase"
    chmod 0600 "$d/passphrase"
    rm -f "$d/port"
    python3 "$SC_TOP/tests/cs_server.py" --cert "$d/cs.pem" --key "$d/cs.key" \
        --passphrase-file "$d/passphrase" --db "$d/cs.sqlite" --port 0 --port-file "$d/port" \
        >"$d/server.log" 2>&1 &
    SC_CS_PID=$!
    type t_track_pid >/dev/null 2>&1 && t_track_pid "$SC_CS_PID"
    sc_wait_file "$d/port" 100 || { echo "scenario: the test server did not start:" >&2; cat "$d/server.log" >&2; return 1; }
    SC_CS_PORT=$(cat "$d/port")
    # The data port (9443 on a real configuration server): here a listener that
    # accepts and closes, so that cs.reachable sees it open.
    rm -f "$d/dataport"
    python3 -c '
import socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
while True:
    c, _ = s.accept()
    c.close()
' "$d/dataport" >/dev/null 2>&1 &
    SC_DATA_PID=$!
    type t_track_pid >/dev/null 2>&1 && t_track_pid "$SC_DATA_PID"
    sc_wait_file "$d/dataport" 50 || { echo "scenario: the data-port listener did not start" >&2; return 1; }
    SC_DATA_PORT=$(cat "$d/dataport")
}

sc_cs_records() {
    python3 "$SC_TOP/tests/cs_server.py" --db "$SC_DIR/cs/cs.sqlite" --dump
}

sc_cs_stop() {
    local p
    for p in $SC_CS_PID $SC_DATA_PID; do
        kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    SC_CS_PID="" SC_DATA_PID=""
}

# A payload directory as the install media carries it: the Unified Agent tarball
# (the test VM's stand-ins for ApplyCustomChanges.sh and the installer, from
# scripts/vm/payload), the module RPMs and SHA256SUMS; then the payload disk.
SC_AGENT_TARBALL=MT-UnifiedAgent-RHEL6-64.tar.gz
sc_payload() {
    local out=$1 d
    mkdir -p "$out"
    d=$(mktemp -d "$SC_DIR/ua.XXXXXX")
    cp "$SC_TOP/scripts/vm/payload/ApplyCustomChanges.sh" "$SC_TOP/scripts/vm/payload/install" "$d/"
    chmod 644 "$d/ApplyCustomChanges.sh" # as the vendor ships it: apply must chmod 755 it
    chmod 755 "$d/install"
    tar -czf "$out/$SC_AGENT_TARBALL" --owner=0 --group=0 -C "$d" ApplyCustomChanges.sh install || return 1
    rm -rf "$d"
    # kmod-reiserfs with the guest kernel's real reiserfs.ko, reiserfs-utils, xfsprogs
    sh "$SC_TOP/tests/fixtures/payload/mkrpms.sh" "$out" "$SC_KVER" \
        "$SC_MODDIR/kernel/fs/reiserfs/reiserfs.ko" >/dev/null || return 1
    rm -rf "$out/bad"
    (cd "$out" && sha256sum -- *.tar.gz $(ls *.rpm 2>/dev/null) >SHA256SUMS) || return 1
    rm -f "$SC_DIR/payload.img"
    truncate -s 64M "$SC_DIR/payload.img"
    mkfs.ext4 -q -F -L MT_PAYLOAD -d "$out" "$SC_DIR/payload.img" || return 1
}

# The guest: mt-agent with a configuration naming sda as the OS disk, sdb as
# the retention disk, the payload disk, and the test server.
sc_guest() {
    local out=$1 steps=$2 ignore=${3:-$SC_IGNORE_DEFAULT} g=$SC_DIR/guest
    mkdir -p "$g/etc/mt-agent" "$g/var/lib/mt-agent" "$g/opt/mt-agent/payload" "$g/mnt/retention" \
        "$g/etc/rpm" "$g/var/lib/rpm"
    # rpm where EL keeps its database (Debian's rpm defaults to ~/.rpmdb)
    echo '%_dbpath /var/lib/rpm' >"$g/etc/rpm/macros"
    # The guest's NIC is configured statically (vm_net_up), as a master target must be
    mkdir -p "$g/etc/sysconfig/network-scripts"
    printf 'DEVICE=eth0\nBOOTPROTO=static\nIPADDR=10.0.2.15\nNETMASK=255.255.255.0\nGATEWAY=10.0.2.2\nONBOOT=yes\n' \
        >"$g/etc/sysconfig/network-scripts/ifcfg-eth0"
    printf 'root:x:0:0:root:/root:/bin/sh\n' >"$g/etc/passwd"
    printf 'root:x:0:\n' >"$g/etc/group"
    printf 'server 10.0.2.2 iburst\ndriftfile /var/lib/chrony/drift\n' >"$g/etc/chrony.conf"
    # chronyd enabled at boot the SysV way, as on CentOS 6; the guest's /init runs rc3.d
    mkdir -p "$g/etc/rc.d/init.d" "$g/etc/rc.d/rc3.d"
    printf '#!/bin/sh\n# chkconfig: 2345 58 74\n[ "$1" = start ] || exit 0\nmkdir -p /var/lib/chrony /run/chrony\nexec /usr/sbin/chronyd -u root -f /etc/chrony.conf\n' \
        >"$g/etc/rc.d/init.d/chronyd"
    chmod 755 "$g/etc/rc.d/init.d/chronyd"
    ln -sf ../init.d/chronyd "$g/etc/rc.d/rc3.d/S58chronyd"
    cp "$SC_DIR/cs/ca.pem" "$g/etc/mt-agent/ca.pem"
    install -m 0600 "$SC_DIR/cs/passphrase" "$g/etc/mt-agent/passphrase"
    cat >"$g/etc/mt-agent/mt-agent.conf" <<EOF
[cs]
backend = http
host = 10.0.2.2
port = $SC_CS_PORT
data_port = $SC_DATA_PORT
ca_file = /etc/mt-agent/ca.pem
passphrase_file = /etc/mt-agent/passphrase
timeout = 60

[layout]
disk = @OS_DISK@
retention_disk = @RET_DISK@

[payload]
dir = /opt/mt-agent/payload
agent_tarball = $SC_AGENT_TARBALL
script_timeout = 120

[check]
min_cpus = 1
min_ram_mib = 256
min_os_disk_gib = 20
min_retention_gib = 1
EOF
    cat >"$g/init" <<EOF
#!/bin/sh
. /lib/vm-lib.sh
echo # the first line carries the firmware's terminal escapes
vm_setup
vm_load_modules crc32c_generic ext4 scsi_mod sd_mod sg vmw_pvscsi virtio_pci virtio_blk virtio_net xfs
# Disks are probed asynchronously: wait (bounded) for both SCSI disks and the payload disk.
i=0
while [ \$i -lt 300 ]; do
    set -- /dev/sd?
    [ \$# -ge 2 ] && [ -e "\$2" ] && [ -e /dev/vda ] && break
    sleep 0.1
    i=\$((i + 1))
done
# Their names follow probe order, so tell them by size: the OS disk is the big one.
os="" ret=""
for d in /sys/block/sd?; do
    if [ "\$(cat \$d/size)" -gt 33554432 ]; then os=\${d##*/}; else ret=\${d##*/}; fi
done
sed -i "s/@OS_DISK@/\$os/; s/@RET_DISK@/\$ret/" /etc/mt-agent/mt-agent.conf
echo "=== disks begin"; echo "os=\$os ret=\$ret"; echo "=== disks end"
vm_net_up eth0
for s in /etc/rc.d/rc3.d/S*; do "\$s" start || echo "scenario: \$s start failed"; done
mount -o ro /dev/vda /opt/mt-agent/payload || echo "scenario: cannot mount the payload disk"
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
echo "=== firstboot begin"
mt-agent firstboot --no-reboot --ignore $ignore
echo "=== firstboot end rc=\$?"
# What the installed system's boot does with the fstab provision wrote.
swapon -a || echo "scenario: swapon -a failed"
echo "=== fstab begin"; cat /etc/fstab; echo "=== fstab end"
echo "=== swaps begin"; cat /proc/swaps; echo "=== swaps end"
mt-agent --json check --ignore $ignore >/tmp/check.json
echo "check rc=\$?"
echo "=== check begin"; cat /tmp/check.json; echo; echo "=== check end"
echo "=== journal begin"; cat /var/lib/mt-agent/state.json; echo; echo "=== journal end"
echo "=== log begin"; cat /var/log/mt-agent.log; echo "=== log end"
. /scenario-steps.sh
vm_poweroff
EOF
    "$SC_TOP/scripts/vm/guest.sh" --out "$out" --init "$g/init" --agent "$SC_AGENT" \
        --dir "$g/etc:/etc" --dir "$g/var:/var" --dir "$g/opt:/opt" --dir "$g/mnt:/mnt" \
        --file "$steps:/scenario-steps.sh" \
        --bin /usr/bin/rpm:/usr/bin/rpm --bin "$SC_CHRONYD:/usr/sbin/chronyd" --dir /usr/lib/rpm:/usr/lib/rpm --modules "virtio_blk crc32c_generic ext4" \
        --kver "$SC_KVER" --moddir "$SC_MODDIR"
}

# sc_boot NAME INITRD [run-vm.sh args...]: the OS disk and retention disk are the caller's --disk args.
sc_boot() {
    local name=$1 initrd=$2
    shift 2
    "$SC_TOP/scripts/vm/run-vm.sh" --kernel "$SC_KERNEL" --initrd "$initrd" --timeout "${SC_TIMEOUT:-300}" \
        --mem 1024 --uuid "$SC_UUID" --append "console=ttyS0 panic=-1 quiet" "$@" \
        -- -drive "file=$SC_DIR/payload.img,format=raw,if=virtio,readonly=on" >"$SC_DIR/$name.log" 2>&1
}

# A steps file for sc_run: what the guest's own udev scsi_id prints for each disk.
SC_STEP_IDS='echo "=== ids begin"
for d in /dev/sd?; do echo "$(basename $d) $(/lib/udev/scsi_id -g -u -d $d)"; done
echo "=== ids end"'

# sc_run NAME STEPS_FILE [run-vm.sh args]: guest initramfs, boot (timed); the
# serial log is SC_LOG, the guest's names of the two disks SC_OS and SC_RET.
sc_run() {
    local name=$1 steps=$2 t0
    shift 2
    sc_guest "$SC_DIR/$name.gz" "$steps" || return 1
    t0=$(date +%s)
    sc_boot "$name" "$SC_DIR/$name.gz" "$@"
    echo "# $name: $(($(date +%s) - t0)) s"
    SC_LOG=$SC_DIR/$name.log
    sc_disks "$SC_LOG"
}

# sc_disks LOG: sets SC_OS and SC_RET to the names the guest gave the two disks.
sc_disks() {
    local line
    line=$(sc_section "$1" disks)
    SC_OS=$(echo "$line" | sed -n 's/.*os=\([a-z]*\).*/\1/p')
    SC_RET=$(echo "$line" | sed -n 's/.*ret=\([a-z]*\).*/\1/p')
}

sc_section() {
    sed -n "/^=== $2 begin/,/^=== $2 end/p" "$1" | sed '1d;$d' | tr -d '\r'
}

# sc_keep_logs NAME: when the test failed, keep the guest's serial logs in
# $MT_BUILD/test-logs/NAME for the developer (the work directory is removed).
sc_keep_logs() {
    [ "${t_fail:-0}" -gt 0 ] || return 0
    mkdir -p "${MT_BUILD:-$SC_TOP/build}/test-logs/$1"
    cp "$SC_DIR"/*.log "${MT_BUILD:-$SC_TOP/build}/test-logs/$1/" 2>/dev/null
    echo "# serial logs kept in ${MT_BUILD:-$SC_TOP/build}/test-logs/$1"
}
