#!/bin/bash
# bench-image: `mt-image iso` on a 400 MB CentOS-like base (scripts/vm/synthetic-base-iso.sh
# padded with 400 MiB of random data) against the same remaster done by xorriso
# (-boot_image any replay, the new isolinux.cfg and mt/ mapped in) and against cp
# of the base; 3 runs each, interleaved, medians compared.
# Targets: mt-image <= 1.0x xorriso, <= 1.5x cp.
# Note: mt-image fsyncs its output before renaming it into place (as xorriso syncs
# its output, stdio_sync); cp does not, so "cp + sync" is printed as well.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${BUILD:-build}
image=$top/$build/mt-image
[ -x "$image" ] || { echo "bench-image: $image is not built (make)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/var/tmp}/mt-bench-image.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$top/scripts/vm/synthetic-base-iso.sh" --out "$work/base.iso" --pad-mb 400
size=$(stat -c %s "$work/base.iso")
# what xorriso maps in: the same mt/ media and isolinux.cfg mt-image writes
"$image" -q iso --force-agent --base "$work/base.iso" --out "$work/ref.iso"
mkdir -p "$work/stage"
bsdtar -xf "$work/ref.iso" -C "$work/stage" mt isolinux/isolinux.cfg
rm -f "$work/ref.iso"

now() { date +%s.%N; }
elapsed() { awk -v s="$1" -v e="$(now)" 'BEGIN { printf "%.3f\n", e - s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
t_mt() { local s; s=$(now); "$image" -q iso --force-agent --base "$work/base.iso" --out "$work/mt.iso"; elapsed "$s"; }
t_xorriso() {
    local s
    rm -f "$work/x.iso"
    s=$(now)
    xorriso -indev "$work/base.iso" -outdev "$work/x.iso" -boot_image any replay \
        -map "$work/stage/mt" /mt -map "$work/stage/isolinux/isolinux.cfg" /isolinux/isolinux.cfg -commit >/dev/null 2>&1
    elapsed "$s"
}
t_cp() { local s; s=$(now); cp "$work/base.iso" "$work/cp.iso"; elapsed "$s"; }
t_cpsync() { local s; s=$(now); cp "$work/base.iso" "$work/cps.iso"; sync -f "$work/cps.iso"; elapsed "$s"; }
median() { printf '%s\n' "$@" | sort -g | sed -n 2p; }

sync
mt=() xo=() cpt=() cps=()
for i in 1 2 3; do
    # sync first (not timed): no run pays for the previous one's dirty pages
    sync; mt+=("$(t_mt)"); sync; xo+=("$(t_xorriso)"); sync; cpt+=("$(t_cp)"); sync; cps+=("$(t_cpsync)")
    rm -f "$work/mt.iso" "$work/x.iso" "$work/cp.iso" "$work/cps.iso"
done
m=$(median "${mt[@]}") x=$(median "${xo[@]}") c=$(median "${cpt[@]}") cs=$(median "${cps[@]}")
printf 'base: %d MiB synthetic CentOS-like ISO; medians of 3 runs\n' $((size >> 20))
printf '  mt-image iso      %6.2f s   (runs: %s)\n' "$m" "${mt[*]}"
printf '  xorriso remaster  %6.2f s   (runs: %s)\n' "$x" "${xo[*]}"
printf '  cp of the base    %6.2f s   (runs: %s)\n' "$c" "${cpt[*]}"
printf '  cp + sync         %6.2f s   (runs: %s)\n' "$cs" "${cps[*]}"
printf 'ratio mt-image / xorriso:   %sx (target <= 1.0x)\n' "$(ratio "$m" "$x")"
printf 'ratio mt-image / cp:        %sx (target <= 1.5x)\n' "$(ratio "$m" "$c")"
printf 'ratio mt-image / cp + sync: %sx\n' "$(ratio "$m" "$cs")"
