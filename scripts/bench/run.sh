#!/bin/sh
# make bench: every benchmark under scripts/bench/bench-*.sh, each printing a
# ratio against the baseline it names. Benchmarks are not tests.
set -eu
found=0
for b in scripts/bench/bench-*.sh; do
    [ -f "$b" ] || continue
    found=1
    echo "== $(basename "$b" .sh)"
    bash "$b"
done
[ "$found" = 1 ] || echo "no benchmarks yet"
