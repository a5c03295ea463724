#!/bin/bash
# bench-provision: `mt-agent provision` wall time on a 100 GiB sparse image
# (6 GiB RAM plan) against the bare commands it stands for, run on the same
# partitions of an identical image: sfdisk writing the same table, then
# mkfs.ext4 / mkswap with the same options on loop devices bound to each
# partition (losetup -o --sizelimit). Median of 5 runs each.
# Target: overhead under 10% (ratio < 1.10). Not a test: prints, never fails on speed.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
agent=${MT_AGENT:-$top/${BUILD:-build}/mt-agent}
work=$(mktemp -d "${TMPDIR:-/tmp}/mt-bench-provision.XXXXXX")
root=$work/root
loops=""
mounts=""
cleanup() {
    local m busy=0
    for l in $loops; do losetup -d "$l" 2>/dev/null || true; done
    for m in $mounts; do umount "$m" 2>/dev/null || busy=1; done
    # never remove a tree that still has the host's /dev bound into it
    if [ $busy = 0 ]; then rm -rf "$work"; else echo "bench-provision: left $work (a mount is busy)" >&2; fi
}
trap cleanup EXIT
mkdir -p "$root/var/lib" "$root/img"
# the agent's --root sees the host's /dev, /sys, /proc (read-only binds) and its own journal
for d in dev sys proc; do
    mkdir -p "$root/$d"
    mount --bind "/$d" "$root/$d"
    mounts="$root/$d $mounts"
    mount -o remount,bind,ro "$root/$d"
done
img=$root/img/disk.img
N=${BENCH_RUNS:-5}
ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# the plan, for the bare commands (parsed from plan --format json, MiB)
truncate -s 100G "$img"
parts=$("$agent" --root "$root" plan --disk "$root/img/disk.img" --ram-mib 6144 --format json |
    python3 -c 'import json,sys
for p in json.load(sys.stdin)["partitions"]:
    print(p["start_mib"], p["size_mib"], p["fstype"], p["label"], "83" if p["fstype"] != "swap" else "82", "*" if p["boot"] else "-")')

bare() {
    local start size fs label type boot l table="label: dos"$'\n'
    rm -f "$img"; truncate -s 100G "$img"
    while read -r start size fs label type boot; do
        table="$table$((start * 2048)),$((size * 2048)),$type$(if [ "$boot" = "*" ]; then echo ",*"; fi)"$'\n'
    done <<<"$parts"
    printf '%s' "$table" | sfdisk -q "$img"
    while read -r start size fs label type boot; do
        l=$(losetup -f --show -o $((start * 1048576)) --sizelimit $((size * 1048576)) "$img")
        loops="$l $loops"
        if [ "$fs" = swap ]; then mkswap -L "$label" "$l" >/dev/null
        else mkfs.ext4 -F -L "$label" -E lazy_itable_init=1 "$l" >/dev/null 2>&1; fi
        losetup -d "$l"; loops=${loops#"$l "}
    done <<<"$parts"
}

agent_run() {
    rm -f "$img" "$root/var/lib/mt-agent/state.json"; truncate -s 100G "$img"
    "$agent" --root "$root" provision --disk "$root/img/disk.img" --ram-mib 6144 >/dev/null
}

b=""; a=""
for i in $(seq 1 "$N"); do # interleaved, so both see the same machine load
    t=$(ms); bare; b="$b $(( $(ms) - t ))"
    t=$(ms); agent_run; a="$a $(( $(ms) - t ))"
done
bm=$(echo $b | tr ' ' '\n' | median)
am=$(echo $a | tr ' ' '\n' | median)
echo "baseline (sfdisk + mkfs.ext4 x3 + mkswap on loop devices, 100 GiB image): median $bm ms  [runs:$b]"
echo "mt-agent provision (same image, same plan):                          median $am ms  [runs:$a]"
awk -v a="$am" -v b="$bm" 'BEGIN { r = a / b; printf "ratio provision/baseline: %.3f (overhead %+.1f%%); target < 1.10 %s\n", r, (r - 1) * 100, r < 1.10 ? "(met)" : "(NOT met)" }'

# The blank test's probing (issue 13: every signature at every offset, every
# table's partitions, the usual starts, the first and last MiB): sigscan_disk()
# alone (scripts/bench/sigscan_time.c, linked with the agent's library) on the
# blank image and on a loop device over it, against the real provision.
# Target: at most 10% of provision's time.
build=${BUILD:-build}
case $build in /*) ;; *) build=$top/$build ;; esac
# shellcheck disable=SC2046
cc -std=gnu99 -O2 -Wall -Wextra -Werror -I"$top/provision/core" -I"$top/provision/disk" -o "$work/sigscan_time" "$top/scripts/bench/sigscan_time.c" \
    "$build/libprovision.a" "$build/libmtcore.a" $(pkg-config --libs blkid)
rm -f "$img"; truncate -s 100G "$img"
read -r fus fn < <("$work/sigscan_time" "$img" 21)
l=$(losetup -f --show -r "$img"); loops="$l $loops"
read -r bus bn < <("$work/sigscan_time" "$l" 21)
losetup -d "$l"; loops=${loops#"$l "}
echo "sigscan_disk on the blank 100 GiB image: median $((fus / 1000)).$(printf %03d $((fus % 1000))) ms ($fn findings); on a loop device over it: $((bus / 1000)).$(printf %03d $((bus % 1000))) ms ($bn findings)"
awk -v f="$fus" -v b="$bus" -v a="$am" 'BEGIN { m = (f > b ? f : b) / 1000; r = m / a; printf "ratio probing/provision (the slower of the two): %.4f; target <= 0.10 %s\n", r, r <= 0.10 ? "(met)" : "(NOT met)" }'
