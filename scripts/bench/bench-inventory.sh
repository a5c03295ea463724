#!/bin/bash
# bench-inventory: `mt-agent inventory` (and `check` of the disk checks) of a
# master target's disks against the shell way of gathering the same identity:
# lsscsi once, then /lib/udev/scsi_id -g -u and blkid -p per disk (one process
# each, as an operator's script does).
#   where:    a VMware-like qemu guest (software emulation, pvscsi scsi-hd disks
#             with a wwn each); both sides run in the same guest, in the same
#             boot, timed by a small static helper (median of N runs)
#   sizes:    BENCH_DISKS (default 256: a master target during failback carries
#             the protected machines' disks; VMware allows 4 paravirtual
#             controllers of 64). With more than 64 the guest measures all of
#             them, then deletes (echo 1 > .../delete, in the guest) every disk
#             past the first 64 and measures again: both sizes in one boot.
#   baseline: lsscsi + scsi_id + blkid (shell)
#   target:   mt-agent >= 20x faster at 256 disks; its time per disk at 256 no
#             more than 1.15x its time per disk at 64
# Host disks are never touched: the disks are sparse files.
#
# VMware's 4 x 64 cannot be built in qemu: its pvscsi does not implement
# PVSCSI_CMD_CONFIG, so the guest's vmw_pvscsi falls back to 16 targets per
# adapter (max_id; one LUN each). The disks sit on adapters of 16 (16 adapters
# for 256); what grows with the number of disks is the same.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
agent=$build/mt-agent
[ -x "$agent" ] || { echo "bench-inventory: $agent missing; run make first" >&2; exit 1; }
ndisks=${BENCH_DISKS:-256}
small=64
[ "$ndisks" -gt "$small" ] || small=0
detail=${BENCH_DETAIL:-0}   # 1: also time blkid and scsi_id alone (adds ~40 s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-inv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Measured here (2 idle cores, TCG, 2026-11-25), 64 disks: baseline 6.3-8.7 s. mt-agent:
#   sequential, one open per tool, resolver walk per sysfs read:          1.48 s   5.1x
#   8 workers, one fd for SG_IO + libblkid, prefetch, direct sysfs opens:  0.69 s  12.6x
#   + libcurl/libarchive/libparted opened on demand (start 134 -> 45 ms):  0.42-0.51 s  14.2-16.6x
# What is left is guest CPU: libblkid's ~50 reads per disk (page-cache hits
# after the prefetch) and the emulated kernel; 2-16 workers measure the same
# because both vCPUs are busy. Under 50 ms is out of reach under software
# emulation (process start alone is 40-60 ms here).
# timeit N CMD...: runs CMD N times (stdout/stderr to /dev/null), prints the
# median wall time in microseconds. Static, so it needs nothing in the guest.
cat >"$tmp/timeit.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
static int cmp(const void *a, const void *b) { long x = *(const long *)a, y = *(const long *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv)
{
    int n = argc > 2 ? atoi(argv[1]) : 0, i;
    long *us;
    if (n < 1 || n > 1000) { fprintf(stderr, "usage: timeit N CMD...\n"); return 2; }
    us = calloc((size_t)n, sizeof(long));
    for (i = 0; i < n; i++) {
        struct timespec a, b;
        int st;
        pid_t p;
        clock_gettime(CLOCK_MONOTONIC, &a);
        p = fork();
        if (p == 0) {
            int fd = open("/dev/null", O_WRONLY);
            dup2(fd, 1); dup2(fd, 2);
            execvp(argv[2], argv + 2);
            _exit(127);
        }
        waitpid(p, &st, 0);
        clock_gettime(CLOCK_MONOTONIC, &b);
        us[i] = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
    }
    qsort(us, (size_t)n, sizeof(long), cmp);
    printf("%ld\n", us[n / 2]);
    return 0;
}
C
cc -O2 -static -o "$tmp/timeit" "$tmp/timeit.c"

cat >"$tmp/baseline.sh" <<'SH'
#!/bin/sh
lsscsi
for d in /sys/block/sd*; do
    n=${d##*/}
    /lib/udev/scsi_id -g -u -d /dev/$n
    blkid -p /dev/$n
done
SH
cat >"$tmp/init" <<SH
#!/bin/sh
. /lib/vm-lib.sh
vm_setup
echo 1 >/proc/sys/kernel/printk
vm_load_modules sd_mod vmw_pvscsi
ndisks() { ls /sys/block | grep -c '^sd'; }
wait_disks() { # N: until exactly N sd disks (bounded: 60 s of 0.1 s steps)
    i=0
    while [ "\$(ndisks)" -ne "\$1" ] && [ \$i -lt 600 ]; do sleep 0.1; i=\$((i + 1)); done
}
measure() { # LABEL
    echo "BENCH \${1}_disks \$(ndisks) at \$(cut -d' ' -f1 /proc/uptime)"
    mt-agent --json inventory >/tmp/inv.json 2>/dev/null
    echo "BENCH \${1}_ids_agent \$(grep -c '"scsi_id": "3' /tmp/inv.json)"
    echo "BENCH \${1}_agent_us \$(timeit 3 mt-agent --json inventory)"
    echo "BENCH \${1}_check_us \$(timeit 3 mt-agent --json check --only disk.enableuuid,disk.scsi-id-unique)"
    echo "BENCH \${1}_shell_us \$(timeit 1 sh /baseline.sh) at \$(cut -d' ' -f1 /proc/uptime)"
}
wait_disks $ndisks
echo "BENCH start_us \$(timeit 1 mt-agent --version)"
measure big
if [ "${small}" -gt 0 ]; then
    # keep the disks of the first adapters (16 targets each), delete the others
    for d in /sys/class/scsi_device/*; do
        h=\${d##*/}; h=\${h%%:*}
        [ "\$h" -ge $((small / 16)) ] && echo 1 >"\$d/device/delete"
    done
    wait_disks $small
    measure small
fi
if [ "${detail}" = 1 ]; then
    echo "BENCH blkid_us \$(timeit 1 sh -c 'for d in /dev/sd*; do blkid -p \$d; done')"
    echo "BENCH scsiid_us \$(timeit 1 sh -c 'for d in /dev/sd*; do /lib/udev/scsi_id -g -u -d \$d; done')"
fi
vm_poweroff
SH
eval "$("$top/scripts/vm/kernel.sh")"
"$top/scripts/vm/guest.sh" --out "$tmp/guest.gz" --init "$tmp/init" --agent "$agent" \
    --bin "$(command -v lsscsi):/usr/bin/lsscsi" --file "$tmp/timeit:/usr/bin/timeit" \
    --file "$tmp/baseline.sh:/baseline.sh" >/dev/null
# The guest's vmw_pvscsi driver takes 16 targets per adapter (see above).
qargs=()
for c in $(seq 0 $(((ndisks + 15) / 16 - 1))); do qargs+=(-device "pvscsi,id=pb$c"); done
for i in $(seq 0 $((ndisks - 1))); do
    truncate -s 16M "$tmp/d$i.img"
    qargs+=(-drive "if=none,id=bd$i,file=$tmp/d$i.img,format=raw,cache=unsafe")
    qargs+=(-device "scsi-hd,bus=pb$((i / 16)).0,scsi-id=$((i % 16)),drive=bd$i,vendor=VMware,product=Virtual disk,wwn=0x6000c29$(printf '%09x' $((0xabc000000 + i)))")
done
t0=$(date +%s)
mem=768
[ "$ndisks" -le 64 ] || mem=1024
"$top/scripts/vm/run-vm.sh" --kernel "$VM_KERNEL" --initrd "$tmp/guest.gz" --timeout "${BENCH_TIMEOUT:-$((120 + 3 * ndisks))}" --net none --mem $mem --smp 2 \
    -- "${qargs[@]}" >"$tmp/console" 2>&1 || true
tr -d '\r' <"$tmp/console" | sed -n 's/.*BENCH \([a-z_]*\) \([0-9]*\).*/\1=\2/p' >"$tmp/res"
get() { sed -n "s/^$1=//p" "$tmp/res"; }
st=$(get start_us) bl=$(get blkid_us) si=$(get scsiid_us)
if [ -z "$(get big_agent_us)" ] || [ -z "$(get big_shell_us)" ] || { [ "$small" -gt 0 ] && [ -z "$(get small_shell_us)" ]; }; then
    echo "bench-inventory: the guest did not report (after $(($(date +%s) - t0)) s); console tail:" >&2
    tail -n 20 "$tmp/console" >&2
    exit 1
fi
echo "guest run: $(($(date +%s) - t0)) s (qemu, software emulation: absolute times are slower than on a VM); host load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "mt-agent --version alone (process start, dynamic libraries): $((st / 1000)) ms"
[ -n "$bl" ] && echo "parts of the baseline: blkid -p per disk $((bl / 1000)) ms, scsi_id per disk $((si / 1000)) ms"
report() { # LABEL
    awk -v n="$(get "$1_disks")" -v ida="$(get "$1_ids_agent")" -v a="$(get "$1_agent_us")" \
        -v c="$(get "$1_check_us")" -v s="$(get "$1_shell_us")" 'BEGIN {
    printf "%d disks (%d with an NAA id in the inventory):\n", n, ida
    printf "  baseline (lsscsi + scsi_id + blkid per disk, shell): %9.1f ms\n", s / 1000
    printf "  mt-agent --json inventory:                           %9.1f ms  (%.2f ms per disk)\n", a / 1000, a / 1000 / n
    printf "  mt-agent --json check --only disk.*:                 %9.1f ms  (%.2f ms per disk)\n", c / 1000, c / 1000 / n
    printf "  ratio: inventory %.1fx, check %.1fx faster than the baseline (target >= 20x at 256)\n", s / a, s / c
    }'
}
report big
if [ "$small" -gt 0 ]; then
    report small
    awk -v nb="$(get big_disks)" -v ab="$(get big_agent_us)" -v cb="$(get big_check_us)" \
        -v ns="$(get small_disks)" -v as="$(get small_agent_us)" -v cs="$(get small_check_us)" 'BEGIN {
    printf "per disk, %d vs %d disks: inventory %.2fx, check %.2fx (target <= 1.15x)\n", nb, ns, (ab / nb) / (as / ns), (cb / nb) / (cs / ns)
    }'
fi
