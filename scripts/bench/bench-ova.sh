#!/bin/bash
# bench-ova: `mt-image ova` on a 400 MiB installer ISO (scripts/vm/synthetic-base-iso.sh
# padded with 400 MiB of random data, through mt-image iso) against two baselines:
# dd bs=1M + sync of the ISO (the least any packager can do: read it once through
# user space, write it once), and the shell way of making the same OVA (sha256sum the
# ISO for the manifest, then tar --format=ustar the .ovf, .mf and the ISO, then sync:
# the ISO is read twice). cp + sync is printed too: coreutils' cp copies in the
# kernel (copy_file_range), which no packager that hashes the data can.
# 3 runs each, interleaved, medians compared. Target: mt-image ova <= 1.2x dd + sync.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
image=$top/$build/mt-image
[ -x "$image" ] || { echo "bench-ova: $image is not built (make)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mt-bench-ova.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$top/scripts/vm/synthetic-base-iso.sh" --out "$work/base.iso" --pad-mb 400
"$image" -q iso --base "$work/base.iso" --out "$work/mt.iso"
rm -f "$work/base.iso"
size=$(stat -c %s "$work/mt.iso")
mkdir -p "$work/shell"
"$image" -q ova --iso "$work/mt.iso" --out "$work/ref.ova"
tar -xf "$work/ref.ova" -C "$work/shell" master-target.ovf
rm -f "$work/ref.ova"

now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f\n", e - s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
t_mt() { local s; s=$(now); "$image" -q ova --iso "$work/mt.iso" --out "$work/mt.ova"; elapsed "$s"; }
t_ddsync() { local s; s=$(now); dd if="$work/mt.iso" of="$work/dd.iso" bs=1M status=none; sync -f "$work/dd.iso"; elapsed "$s"; }
t_cpsync() { local s; s=$(now); cp "$work/mt.iso" "$work/cp.iso"; sync -f "$work/cp.iso"; elapsed "$s"; }
t_shell() {
    local s
    s=$(now)
    (cd "$work/shell" && ln -sf "$work/mt.iso" master-target.iso &&
        printf 'SHA256(master-target.ovf)= %s\nSHA256(master-target.iso)= %s\n' \
            "$(sha256sum <master-target.ovf | cut -d' ' -f1)" "$(sha256sum <master-target.iso | cut -d' ' -f1)" \
            >master-target.mf &&
        tar --format=ustar -hcf "$work/sh.ova" master-target.ovf master-target.mf master-target.iso)
    sync -f "$work/sh.ova"
    elapsed "$s"
}
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

sync
mt=() dds=() cps=() sh=()
for i in 1 2 3; do
    sync; mt+=("$(t_mt)"); sync; dds+=("$(t_ddsync)"); sync; cps+=("$(t_cpsync)"); sync; sh+=("$(t_shell)")
    rm -f "$work/mt.ova" "$work/dd.iso" "$work/cp.iso" "$work/sh.ova"
done
m=$(median "${mt[@]}") d=$(median "${dds[@]}") c=$(median "${cps[@]}") s=$(median "${sh[@]}")
printf 'ISO: %d MiB installer ISO (synthetic base + mt/); medians of 3 runs\n' $((size >> 20))
printf '  mt-image ova              %6.2f s   (runs: %s)\n' "$m" "${mt[*]}"
printf '  dd bs=1M + sync           %6.2f s   (runs: %s)\n' "$d" "${dds[*]}"
printf '  cp + sync (in-kernel)     %6.2f s   (runs: %s)\n' "$c" "${cps[*]}"
printf '  sha256sum + tar + sync    %6.2f s   (runs: %s)\n' "$s" "${sh[*]}"
printf 'ratio mt-image ova / dd + sync:              %sx (target <= 1.2x)\n' "$(ratio "$m" "$d")"
printf 'ratio mt-image ova / sha256sum + tar + sync: %sx\n' "$(ratio "$m" "$s")"
