#!/bin/sh
# make demo: the richest real flow available so far, on a built-in default.
# (It grows into the end-to-end master-target demo as the issues land.)
set -eu
BUILD=${BUILD:-build}
agent=$BUILD/mt-agent
root=$(mktemp -d /tmp/mt-demo.XXXXXX)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/etc/mt-agent"
cp rootfs/etc/mt-agent/mt-agent.conf "$root/etc/mt-agent/"

echo "== mt-agent --version"
"$agent" --version
echo "== mt-agent --help"
"$agent" --help
echo "== mt-agent --root $root status --json (a new box: an empty journal)"
"$agent" --root "$root" --json status
