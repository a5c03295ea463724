#!/bin/bash
# bench-extract: hash (SHA-256) + secure extraction of a 200 MB agent-like tarball by
# `mt-agent apply --extract-only`, against the baseline `tar -xzf` of the same file
# (GNU tar, which hashes nothing and pipes through an external gzip on another core).
# Prints both wall-clock times (best of N) with their CPU time (user+sys, children
# included: tar's gzip), the ratios and the target (<= 1.10 on wall clock). On a
# loaded machine the wall clock is noisy; the CPU ratio is the steadier one.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
agent=${MT_AGENT:-$top/${BUILD:-build}/mt-agent}
runs=${BENCH_RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/var/tmp}/bench-extract.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Like a Unified Agent tarball: a few hundred files, binaries (random: incompressible)
# and text (compressible), about 200 MB compressed.
python3 - "$work/src" <<'PY'
import os, random, sys
root = sys.argv[1]
rnd = random.Random(42)
words = [b"config", b"agent", b"replication", b"volume", b"target", b"recovery", b"=", b"\n", b"/usr/local/ASR"]
for i in range(300):
    d = os.path.join(root, "dir%02d" % (i % 20))
    os.makedirs(d, exist_ok=True)
    if i % 3 == 0:   # text: compresses well
        data = b" ".join(rnd.choice(words) for _ in range(300000))
    else:            # binary: does not
        data = os.urandom(rnd.randint(700, 1100) * 1024)
    with open(os.path.join(d, "f%03d" % i), "wb") as f:
        f.write(data)
PY
tar -C "$work/src" -cf - . | gzip -1 >"$work/agent.tar.gz"
rm -rf "$work/src"
size=$(stat -c %s "$work/agent.tar.gz")
sum=$(sha256sum "$work/agent.tar.gz" | cut -d' ' -f1)
mkdir -p "$work/stage" "$work/tar"

TIMEFORMAT='%R %U %S'
timed() { # CMD...: prints "wall_ms cpu_ms"
    local t
    t=$( { time "$@" >/dev/null 2>&1; } 2>&1 )
    echo "$t" | awk '{ printf "%d %d\n", $1 * 1000, ($2 + $3) * 1000 }'
}
best_ours=0 best_tar=0 cpu_ours=0 cpu_tar=0
for i in $(seq 1 "$runs"); do
    sync
    read -r w c < <(timed "$agent" -q apply --agent "$work/agent.tar.gz" --sha256 "$sum" --extract-only --staging "$work/stage")
    ours_tree=$(cd "$work"/stage/staging.* && find . -type f -printf '%s\n' | awk '{ n++; b += $1 } END { print n, b }')
    rm -rf "$work"/stage/*
    if [ "$best_ours" = 0 ] || [ "$w" -lt "$best_ours" ]; then best_ours=$w cpu_ours=$c; fi
    sync
    read -r w c < <(timed tar -xzf "$work/agent.tar.gz" -C "$work/tar")
    tar_tree=$(cd "$work/tar" && find . -type f -printf '%s\n' | awk '{ n++; b += $1 } END { print n, b }')
    [ "$ours_tree" = "$tar_tree" ] || { echo "bench-extract: trees differ (files bytes): ours $ours_tree, tar $tar_tree" >&2; exit 1; }
    rm -rf "$work"/tar/*
    if [ "$best_tar" = 0 ] || [ "$w" -lt "$best_tar" ]; then best_tar=$w cpu_tar=$c; fi
done
ratio=$(awk -v a="$best_ours" -v b="$best_tar" 'BEGIN { printf "%.2f", a / b }')
cratio=$(awk -v a="$cpu_ours" -v b="$cpu_tar" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
echo "extracted: $ours_tree (files bytes), the same as tar's"
echo "tarball: $((size / 1000000)) MB gzip, best of $runs, load average $(cut -d' ' -f1 /proc/loadavg) on $(nproc) CPUs"
echo "baseline tar -xzf:                         ${best_tar} ms wall, ${cpu_tar} ms CPU"
echo "mt-agent apply --extract-only (+SHA-256):  ${best_ours} ms wall, ${cpu_ours} ms CPU"
echo "ratio: ${ratio}x wall (target <= 1.10x), ${cratio}x CPU"
