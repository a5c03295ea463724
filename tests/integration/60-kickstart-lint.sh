#!/bin/bash
# The kickstart: EL6-valid (tests/kslint.py, with its table of what EL6 knows), its
# %pre run on a fixture tree (network and layout includes, linted in place), its
# %post --nochroot copying agent, overlay and payloads; kslint rejects bad samples;
# the first-boot init script runs firstboot once.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 tar awk cc

ks=$MT_TOP/kickstart/mt-target.ks
lint=$MT_TOP/tests/kslint.py

expect_exit 0 "kickstart/mt-target.ks passes the EL6 lint" python3 "$lint" "$ks"
assert_grep "lint counted its commands and sections" 'ok \([0-9]+ commands, 4 sections\)' "$T_OUT"

# --- kslint rejects what EL6 does not know -------------------------------------
# Samples are linted in one run (python starts slowly on a loaded machine); each
# must get its own message and no "ok".
# bad() runs at the end of a pipe (a subshell): the count lives in a file.
echo 0 >"$T_TMP/nbad"
bad() { # NAME EXPECTED-MESSAGE-REGEX: the sample is on stdin
    local n=$(($(cat "$T_TMP/nbad") + 1))
    echo "$n" >"$T_TMP/nbad"
    cat >"$T_TMP/bad-$n.ks"
    printf '%s\n' "$1" >"$T_TMP/bad-$n.name"
    printf '%s\n' "$2" >"$T_TMP/bad-$n.re"
}
base() { grep -v '^%include' "$ks"; echo 'part / --fstype=ext4 --size=40960'; }
{ base; echo reqpart; } | bad "reqpart (EL7)" "unknown command 'reqpart' \(EL7.2\+ only"
{ base | grep -v '^part '; echo 'autopart --type=lvm'; } | bad "autopart --type" "autopart: unknown option --type"
{ base | sed 's/^bootloader .*/bootloader --location=partition --append="inst.ks=cdrom:\/ks.cfg"/'; } |
    bad "inst.ks in the boot loader line" "inst.ks=cdrom:/ks.cfg': inst.\* options are EL7\+"
{ base | sed 's/^text$/text inst.text/'; } | bad "an inst.* argument" "inst.text"
{ base | awk '/^%end/ && !done { done = 1; next } { print }'; } | bad "a section without %end" "missing %end"
{ base; printf '%%post\necho hi\n'; } | bad "the last section not closed" "%post is not closed: missing %end"
{ base; echo 'part /home --fstype=ext4'; } | bad "part without --size" "part: needs --size"
{ base; echo 'part /home --fstype=ext4 --size=big'; } | bad "part --size not a number" "--size=big is not a size"
{ base; echo 'part /home --fstype=zfs --size=10'; } | bad "unknown --fstype" "unknown --fstype=zfs"
{ base; echo 'part home --size=10'; } | bad "bad mount point" "mount point 'home'"
{ base; echo 'network --bootproto=static --ip=10.0.0.2'; } | bad "static network without netmask" "needs --netmask"
{ base; echo 'network --bootproto=static --ip=10.0.0 --netmask=255.0.0.0'; } | bad "bad IP" "--ip=10.0.0 is not an IPv4"
{ base | sed 's/^zerombr$/zerombr\nclearpart --all --none/'; } | bad "clearpart --all --none" "exclude each other"
{ base; echo 'frobnicate --now'; } | bad "unknown command" "unknown command 'frobnicate' on EL6"
{ base | sed 's/^%packages --nobase/%packages --nocore/'; } | bad "%packages --nocore" "unknown option --nocore \(EL7"
{ base; echo 'bootloader --location=mbr'; } | bad "bootloader twice" "bootloader given twice"
{ base; echo 'url --url=http://10.0.0.1/centos'; } | bad "two install methods" "more than one install method"
{ base | grep -v '^lang '; } | bad "lang missing" "required command 'lang' is missing"
{ base | sed 's/^bootloader .*/bootloader --location=esp/'; } | bad "bootloader --location=esp" "--location=esp is not"
{ base | sed 's/^rootpw .*/rootpw --iscrypted secret/'; } | bad "rootpw --iscrypted with a plain password" "not a crypt\(3\)"
{ base | sed 's/^firewall .*/firewall --enabled --port=9443/'; } | bad "firewall --port without protocol" "want PORT:tcp"
{ base; printf '%%addon com_redhat_kdump --enable\n%%end\n'; } | bad "%addon (EL7)" "unknown section %addon \(EL7 only\)"
{ base | sed 's/^selinux .*/selinux --enforcing --disabled/'; } | bad "two selinux modes" "give one of"
nbad=$(cat "$T_TMP/nbad")
files=()
for i in $(seq 1 "$nbad"); do files+=("$T_TMP/bad-$i.ks"); done
expect_exit 1 "kslint fails on the $nbad bad samples" python3 "$lint" "${files[@]}"
for i in $(seq 1 "$nbad"); do
    grep -E -- "bad-$i\.ks:[0-9]+: " "$T_OUT" >"$T_TMP/bad-$i.msg"
    assert_grep "kslint rejects: $(cat "$T_TMP/bad-$i.name")" "$(cat "$T_TMP/bad-$i.re")" "$T_TMP/bad-$i.msg"
    if grep -q "bad-$i\.ks: ok" "$T_OUT"; then not_ok "  ... and does not pass it"; fi
done
expect_exit 2 "kslint: no file is a usage error" python3 "$lint"

# --- the %pre on a fixture tree --------------------------------------------------
section() { # FIRST-LINE-REGEX: the body of the first section whose header matches
    awk -v re="$1" '$0 ~ re && !on { on = 1; next } on && /^%end/ { exit } on { print }' "$ks"
}
section '^%pre' >"$T_TMP/pre.sh"
section '^%post --nochroot' >"$T_TMP/post-nochroot.sh"
[ -s "$T_TMP/pre.sh" ] && ok "the kickstart has a %pre" || not_ok "the kickstart has a %pre"

mkroot() { # DIR CMDLINE: an installer-like tree with two disks and the media
    local r=$1
    mkdir -p "$r/proc" "$r/tmp" "$r/sys/block/sda" "$r/sys/block/sdb" "$r/mnt/source/mt/payload/rpms" \
        "$r/mnt/sysimage/root" "$r/mnt/sysimage/usr/sbin"
    echo "$2" >"$r/proc/cmdline"
    printf 'MemTotal:        4194304 kB\n' >"$r/proc/meminfo"
    echo 1 >"$r/sys/block/sda/removable"   # a USB stick: never the OS disk
    echo 0 >"$r/sys/block/sdb/removable"
    mkdir -p "$T_TMP/overlay/etc/mt-agent"
    cp -R "$MT_TOP/rootfs/." "$T_TMP/overlay/"
    tar -cf "$r/mnt/source/mt/rootfs.tar" -C "$T_TMP/overlay" .
    echo "module rpm" >"$r/mnt/source/mt/payload/rpms/kmod-reiserfs.rpm"
    echo "tarball" >"$r/mnt/source/mt/payload/agent.tar.gz"
    printf 'agent.tar.gz\nrpms/kmod-reiserfs.rpm\n' >"$r/mnt/source/mt/payload.list"
}
stub_agent() { # DIR: an mt-agent that records its argv and prints a plan with noise
    cat >"$1/mnt/source/mt/mt-agent" <<'EOF'
#!/bin/sh
echo "$*" >"$MT_KS_ROOT/tmp/agent-argv"
d=""
while [ $# -gt 0 ]; do [ "$1" = --disk ] && d=$2; shift; done
set -- x x x "$d"
echo "# plan for $4"
echo "part / --fstype=ext4 --label=MT_ROOT --size=40960 --ondisk=$4 --asprimary"
echo "part /var/crash --fstype=ext4 --label=MT_CRASH --size=5120 --ondisk=$4 --asprimary"
echo "part swap --size=4096 --ondisk=$4 --asprimary"
echo "part /home --fstype=ext4 --label=MT_HOME --size=1024 --grow --ondisk=$4 --asprimary"
echo "bootloader --location=mbr"
EOF
    chmod 0755 "$1/mnt/source/mt/mt-agent"
}

r=$T_TMP/r1
mkroot "$r" "initrd=initrd.img ks=cdrom:/mt/ks.cfg ip=10.1.2.3 netmask=255.255.255.0 gateway=10.1.2.1 dns=10.1.2.2 hostname=mt01.example.com"
stub_agent "$r"
check "%pre runs on the fixture (static network, stub agent)" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_eq "network-include is static from the boot line" "$(cat "$r/tmp/network-include")" \
    "network --device=eth0 --bootproto=static --onboot=yes --ip=10.1.2.3 --netmask=255.255.255.0 --gateway=10.1.2.1 --nameserver=10.1.2.2 --hostname=mt01.example.com"
assert_grep "the OS disk is the first non-removable one (sdb, not the USB sda)" '^clearpart --all --initlabel --drives=sdb$' "$r/tmp/part-include"
assert_grep "ignoredisk keeps the installer off other disks" '^ignoredisk --only-use=sdb$' "$r/tmp/part-include"
assert_grep "mt-agent plan was run for the disk in kickstart format with the media's config" \
    "--root $r --config $r/tmp/mt/rootfs/etc/mt-agent/mt-agent.conf plan --disk sdb --format kickstart" "$r/tmp/agent-argv"
assert_eq "only the plan's part lines are included (4)" "$(grep -c '^part ' "$r/tmp/part-include")" 4
assert_eq "  all on the OS disk" "$(grep -c '^part .* --ondisk=sdb ' "$r/tmp/part-include")" 4
if grep -q '^bootloader\|^#' "$r/tmp/part-include"; then not_ok "the plan's other lines are dropped"; else ok "the plan's other lines are dropped"; fi
expect_exit 0 "network-include passes the lint as a fragment" python3 "$lint" --fragment "$r/tmp/network-include"
expect_exit 0 "part-include passes the lint as a fragment" python3 "$lint" --fragment "$r/tmp/part-include"
expect_exit 0 "the kickstart with both includes resolved passes the lint" python3 "$lint" \
    --include /tmp/network-include="$r/tmp/network-include" --include /tmp/part-include="$r/tmp/part-include" "$ks"

# %post --nochroot on the same tree: agent, overlay and payloads land in /mnt/sysimage
check "%post --nochroot runs on the fixture" env MT_KS_ROOT="$r" sh "$T_TMP/post-nochroot.sh"
s=$r/mnt/sysimage
[ -x "$s/usr/sbin/mt-agent" ] && ok "mt-agent installed executable" || not_ok "mt-agent installed executable"
for f in etc/mt-agent/mt-agent.conf etc/rc.d/init.d/mt-agent etc/logrotate.d/mt-agent \
    usr/lib/systemd/system/mt-agent-firstboot.service opt/mt-agent/payload/agent.tar.gz \
    opt/mt-agent/payload/rpms/kmod-reiserfs.rpm; do
    [ -f "$s/$f" ] && ok "installed /$f" || not_ok "installed /$f"
done
assert_eq "the init script keeps its mode" "$(stat -c %a "$s/etc/rc.d/init.d/mt-agent")" 755
assert_eq "/var/lib/mt-agent is 0700" "$(stat -c %a "$s/var/lib/mt-agent")" 700

# DHCP, mt.disk=, and a media whose agent cannot plan: the install stops (exit 1 for
# --erroronfail) with the agent's message, and no part-include: never a layout
# other than mt-agent's plan.
r=$T_TMP/r2
mkroot "$r" "ks=cdrom:/mt/ks.cfg mt.disk=/dev/sda"
printf '#!/bin/sh\n[ "$1" = --version ] && exit 0\necho "plan: the disk is too small (8 GiB, want 24 GiB)" >&2\nexit 1\n' \
    >"$r/mnt/source/mt/mt-agent"
chmod 0755 "$r/mnt/source/mt/mt-agent"
expect_exit 1 "%pre with an agent that cannot plan stops the install" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_eq "no ip= gives DHCP" "$(cat "$r/tmp/network-include")" "network --device=eth0 --bootproto=dhcp --onboot=yes"
assert_grep "DHCP is warned about" 'WARNING: no ip= on the boot line' "$r/tmp/mt-pre.log"
assert_grep "  the message names the disk (mt.disk= picks it) and the agent's reason" \
    'ERROR: mt-agent plan --disk sda failed: plan: the disk is too small \(8 GiB, want 24 GiB\)' "$r/tmp/mt-pre.log"
assert_grep "  and says the install stops before any disk is changed" 'install stops here; no disk was changed' "$r/tmp/mt-pre.log"
[ ! -e "$r/tmp/part-include" ] && ok "  no part-include is written (no other layout)" || not_ok "  no part-include is written (no other layout)"
if grep -q 'fstype=ext4' "$r/tmp/mt-pre.log"; then not_ok "  no hand-written layout in the log"; else ok "  no hand-written layout in the log"; fi
grep -q -- '--erroronfail' <(grep '^%pre' "$ks") && ok "%pre is --erroronfail: anaconda halts when it fails" ||
    not_ok "%pre is --erroronfail: anaconda halts when it fails"

# An agent the installer's loader cannot start (a real ELF needing a library that is
# not there, as a Debian-built agent needs libssl.so.3 on CentOS 6.6): the install
# stops with the loader's message; the plan is never asked for.
gone=$T_TMP/gone
mkdir -p "$gone"
echo 'int mt_gone(void) { return 0; }' >"$gone/gone.c"
echo 'int mt_gone(void); int main(void) { return mt_gone(); }' >"$gone/main.c"
if cc -shared -fPIC -Wl,-soname,libmtgone.so.1 -o "$gone/libmtgone.so.1" "$gone/gone.c" &&
    cc -o "$gone/unrunnable" "$gone/main.c" "$gone/libmtgone.so.1" && rm -f "$gone/libmtgone.so.1"; then
    ok "an ELF agent the loader cannot start was built"
else not_ok "an ELF agent the loader cannot start was built"; fi
r=$T_TMP/r4
mkroot "$r" "ks=cdrom:/mt/ks.cfg ip=10.1.2.3 netmask=255.255.255.0"
cp "$gone/unrunnable" "$r/mnt/source/mt/mt-agent"
expect_exit 1 "%pre with an agent that cannot run stops the install" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_grep "  the message says it cannot run and gives the loader's reason" \
    'ERROR: mt-agent cannot run in this installer: .*libmtgone\.so\.1: cannot open shared object file' "$r/tmp/mt-pre.log"
assert_grep "  and the way out (mt-image --agent)" 'rebuild it with mt-image --agent FILE' "$r/tmp/mt-pre.log"
[ ! -e "$r/tmp/part-include" ] && ok "  no part-include is written" || not_ok "  no part-include is written"
[ ! -e "$r/tmp/mt/plan.ks" ] && ok "  the plan was not asked for" || not_ok "  the plan was not asked for"

# No media at all: the same stop, naming what is missing.
r=$T_TMP/r5
mkroot "$r" "ks=cdrom:/mt/ks.cfg"
rm -rf "$r/mnt/source/mt"
expect_exit 1 "%pre without the mt/ media stops the install" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
assert_grep "  naming the media" 'ERROR: the mt-agent media \(mt/mt-agent\) was not found' "$r/tmp/mt-pre.log"
[ ! -e "$r/tmp/part-include" ] && ok "  no part-include is written" || not_ok "  no part-include is written"

# The real mt-agent on the media: the %pre includes its plan for the disk (8 GiB of
# RAM: /var/crash RAM + 1 GiB, swap = RAM by the RHEL 6 rule) and the result lints.
r=$T_TMP/r3
mkroot "$r" "ks=cdrom:/mt/ks.cfg ip=10.1.2.3 netmask=255.255.255.0"
printf 'MemTotal:        8388608 kB\n' >"$r/proc/meminfo"
mkdir -p "$r/dev" "$r/proc/self"
truncate -s 200G "$r/dev/sdb"
printf 'Filename\tType\tSize\tUsed\tPriority\n' >"$r/proc/swaps"
echo "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw" >"$r/proc/self/mountinfo"
cp "$MT_AGENT" "$r/mnt/source/mt/mt-agent"
check "%pre runs with the real mt-agent" env MT_KS_ROOT="$r" sh "$T_TMP/pre.sh"
if grep -q 'WARNING: mt-agent plan failed' "$r/tmp/mt-pre.log"; then
    not_ok "the real plan was used (not the fallback)"; sed 's/^/    # /' "$r/tmp/mt-pre.log" | tail -n 5
else ok "the real plan was used (not the fallback)"; fi
assert_grep "  / 40 GiB on sdb" '^part / --fstype=ext4 --size=40960 --ondisk=sdb ' "$r/tmp/part-include"
assert_grep "  /var/crash RAM + 1 GiB" '^part /var/crash --fstype=ext4 --size=9216 --ondisk=sdb ' "$r/tmp/part-include"
assert_grep "  swap = RAM (8 GiB)" '^part swap .*--size=8192 --ondisk=sdb ' "$r/tmp/part-include"
assert_grep "  /home grows" '^part /home --fstype=ext4 --size=1024 --grow --ondisk=sdb ' "$r/tmp/part-include"
expect_exit 0 "the kickstart with the real plan included passes the lint" python3 "$lint" \
    --include /tmp/network-include="$r/tmp/network-include" --include /tmp/part-include="$r/tmp/part-include" "$ks"

# The real mt-agent's plan on an image file: lint what it prints.
img=$T_TMP/disk.img
truncate -s 100G "$img"
if "$MT_AGENT" plan --disk "$img" --format kickstart >"$T_TMP/plan.ks" 2>"$T_TMP/plan.err"; then
    expect_exit 0 "mt-agent plan --format kickstart passes the lint" python3 "$lint" --fragment "$T_TMP/plan.ks"
else
    echo "# mt-agent plan --format kickstart not available yet ($(head -n 1 "$T_TMP/plan.err")): not linted, not counted"
fi

# --- the first-boot init script ----------------------------------------------------
init=$MT_TOP/rootfs/etc/rc.d/init.d/mt-agent
check "init script: sh -n" sh -n "$init"
assert_grep "init script: chkconfig header" '^# chkconfig: 2345 [0-9]+ [0-9]+$' "$init"
assert_grep "init script: LSB header" '^### BEGIN INIT INFO$' "$init"
assert_grep "init script: LSB Default-Start" '^# Default-Start: 2 3 4 5$' "$init"
st=$T_TMP/state
cat >"$T_TMP/fake-agent" <<EOF
#!/bin/sh
[ "\$1" = --version ] && { echo "mt-agent 0.1.0"; exit 0; }
echo "run \$*" >>"$T_TMP/fb-runs"
exit \$(cat "$T_TMP/fb-rc")
EOF
chmod 0755 "$T_TMP/fake-agent"
env_init() { env MT_AGENT_BIN="$T_TMP/fake-agent" MT_AGENT_STATE="$st" MT_AGENT_LOG="$T_TMP/mt-agent.log" \
    MT_AGENT_LOCK="$T_TMP/lock/mt-agent" sh "$init" "$@"; }
wait_gone() { local i=0; while [ -f "$st/firstboot.pid" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done; }
echo 1 >"$T_TMP/fb-rc"
expect_exit 3 "init status before the first boot: not done (3)" env_init status
check "init start (firstboot fails: network away)" env_init start
wait_gone
assert_grep "firstboot was run" '^run firstboot$' "$T_TMP/fb-runs"
assert_grep "its exit status is logged" 'mt-agent firstboot exited 1' "$T_TMP/mt-agent.log"
expect_exit 3 "a failed firstboot is not done" env_init status
echo 0 >"$T_TMP/fb-rc"
check "init start on the next boot" env_init start
wait_gone
expect_exit 0 "a successful firstboot is done" env_init status
assert_grep "status says done" 'first boot done' "$T_OUT"
check "init start once done" env_init start
assert_grep "start once done says so" 'already done' "$T_OUT"
assert_eq "firstboot ran twice in all (not after success)" "$(wc -l <"$T_TMP/fb-runs")" 2
expect_exit 2 "init script: unknown action" env_init frob

# An agent that cannot start: start says why (the loader's message) on the console
# and in the log, fails, and does not run firstboot.
env_init_bad() { env MT_AGENT_BIN="$gone/unrunnable" MT_AGENT_STATE="$T_TMP/state-bad" MT_AGENT_LOG="$T_TMP/bad.log" \
    MT_AGENT_LOCK="$T_TMP/lock/mt-agent" MT_AGENT_CONSOLE="$T_TMP/console" sh "$init" "$@"; }
expect_exit 1 "init start with an agent that cannot start fails" env_init_bad start
assert_grep "  it says so, with the loader's message" \
    'mt-agent: .*/unrunnable cannot start: .*libmtgone\.so\.1: cannot open shared object file' "$T_OUT"
assert_grep "  on the console" 'cannot start: .*libmtgone\.so\.1.*install an mt-agent built for EL6' "$T_TMP/console"
assert_grep "  and in /var/log/mt-agent.log" '^=== .* mt-agent: .*cannot start: .*libmtgone\.so\.1' "$T_TMP/bad.log"
[ ! -e "$T_TMP/state-bad/firstboot.pid" ] && ok "  firstboot was not started" || not_ok "  firstboot was not started"

# the other rootfs files
u=$MT_TOP/rootfs/usr/lib/systemd/system/mt-agent-firstboot.service
assert_grep "systemd unit runs mt-agent firstboot" '^ExecStart=/usr/sbin/mt-agent firstboot$' "$u"
assert_grep "systemd unit runs until done" '^ConditionPathExists=!/var/lib/mt-agent/firstboot.done$' "$u"
assert_grep "logrotate rotates /var/log/mt-agent.log" '^/var/log/mt-agent.log \{' "$MT_TOP/rootfs/etc/logrotate.d/mt-agent"
assert_grep "%post points kdump at /var/crash" "echo 'path /var/crash' >>/etc/kdump.conf" "$ks"
assert_grep "%post enables the first boot" '^chkconfig mt-agent on$' "$ks"

t_done
