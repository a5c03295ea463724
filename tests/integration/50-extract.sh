#!/bin/bash
# Secure extraction: tarballs crafted at test time (absolute paths, "..", links
# leaving the staging directory, writing through a link, devices, FIFOs, set-id
# bits, a huge entry, a truncated gzip) are each refused naming the entry, and
# nothing outside the staging directory changes (find listings compared); a good
# tarball extracts exactly as bsdtar lists it; digests are checked.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 bsdtar sha256sum

tars=$T_TMP/tars
outside=$T_TMP/outside
staging=$T_TMP/staging
mkdir -p "$outside" "$staging"
echo secret >"$outside/secret"
python3 "$MT_TOP/tests/fixtures/payload/mktar.py" "$tars" "$outside" || { not_ok "build tarballs"; t_done; }

listing() { (cd "$T_TMP" && find . -path ./.out -prune -o -path ./.err -prune -o -printf '%p %y %s %m\n' | sort); }

# a good tarball: extracted as bsdtar lists it, same bytes, hash verified
good=$tars/good.tar.gz
sum=$(sha256sum "$good" | cut -d' ' -f1)
expect_exit 0 "good tarball extracts" "$MT_AGENT" --json apply --agent "$good" --sha256 "$sum" --extract-only --staging "$staging"
dir=$(jfield "$T_OUT" staging)
assert_eq "json reports the digest" "$(jfield "$T_OUT" sha256)" "$sum"
want=$(bsdtar -tf "$good" | sed 's#^\./##; s#/$##' | grep -v '^$' |
    awk -F/ '{ p = $1; print p; for (i = 2; i <= NF; i++) { p = p "/" $i; print p } }' | sort -u)
got=$(cd "$dir" && find . -mindepth 1 | sed 's#^\./##' | sort)
assert_eq "staging holds exactly what bsdtar lists" "$got" "$want"
mkdir -p "$T_TMP/ref" && bsdtar -xf "$good" -C "$T_TMP/ref"
if diff -r --no-dereference "$T_TMP/ref" "$dir" >/dev/null; then ok "contents equal bsdtar's extraction"; else not_ok "contents equal bsdtar's extraction"; fi
assert_eq "symlink kept as a link" "$(readlink "$dir/lib/libx.so")" "libx.so.1"
assert_eq "hard link shares the inode" "$(stat -c %i "$dir/docs/README")" "$(stat -c %i "$dir/docs/README.hard")"
assert_eq "modes kept" "$(stat -c %a "$dir/bin/tool")" 755
rm -rf "$dir" "$T_TMP/ref"

# each malicious tarball: refused, entry named, nothing written anywhere
while IFS=$'\t' read -r tar entry why; do
    [ -n "$tar" ] || continue
    before=$(listing)
    sum=$(sha256sum "$tars/$tar" | cut -d' ' -f1)
    expect_exit 1 "$tar: refused" "$MT_AGENT" apply --agent "$tars/$tar" --sha256 "$sum" --extract-only --staging "$staging"
    if [ "$entry" != - ]; then
        if grep -qF "entry '$entry'" "$T_ERR"; then ok "$tar: names the entry"; else not_ok "$tar: names the entry '$entry'"; sed 's/^/    # /' "$T_ERR"; fi
    fi
    assert_grep "$tar: says why" "$why" "$T_ERR"
    after=$(listing)
    if [ "$before" = "$after" ]; then ok "$tar: nothing outside staging changed, staging removed"; else
        not_ok "$tar: tree changed"; diff <(echo "$before") <(echo "$after") | sed 's/^/    # /'
    fi
done <"$tars/expect.txt"
[ ! -e "$outside/pwned" ] && ok "no pwned file outside" || not_ok "no pwned file outside"
assert_eq "outside/secret intact" "$(cat "$outside/secret")" secret

# digests: mismatch names the file and both digests, nothing left behind
bad=0000000000000000000000000000000000000000000000000000000000000000
sum=$(sha256sum "$good" | cut -d' ' -f1)
expect_exit 1 "digest mismatch fails" "$MT_AGENT" apply --agent "$good" --sha256 "$bad" --extract-only --staging "$staging"
assert_grep "mismatch names file and both digests" "good.tar.gz: SHA-256 mismatch: expected $bad, got $sum" "$T_ERR"
assert_eq "mismatch leaves no staging" "$(ls -A "$staging")" ""
expect_exit 2 "no digest to check against" "$MT_AGENT" apply --agent "$good" --extract-only --staging "$staging"
assert_grep "says how to give one" "give --sha256 HEX or a manifest" "$T_ERR"
expect_exit 2 "--sha256 that is not a digest" "$MT_AGENT" apply --agent "$good" --sha256 xyz --extract-only --staging "$staging"

# manifest: SHA256SUMS beside the tarball, sha256sum format; bad lines named file:line
(cd "$tars" && sha256sum good.tar.gz fifo.tar.gz >SHA256SUMS)
expect_exit 0 "SHA256SUMS beside the tarball is used" "$MT_AGENT" apply --agent "$good" --extract-only --staging "$staging"
assert_grep "names the manifest line" "verified against .*SHA256SUMS:1" "$T_OUT"
rm -rf "$staging"/staging.*
printf '# payloads\n%s  fifo.tar.gz\n%s good.tar.gz\n' "$sum" "$sum" >"$T_TMP/bad.sums"
expect_exit 2 "malformed manifest line" "$MT_AGENT" apply --agent "$good" --manifest "$T_TMP/bad.sums" --extract-only --staging "$staging"
assert_grep "names file:line" "bad.sums:3: the digest must be followed by two spaces" "$T_ERR"
printf '%s  fifo.tar.gz\n' "$sum" >"$T_TMP/other.sums"
expect_exit 2 "tarball not in the manifest" "$MT_AGENT" apply --agent "$good" --manifest "$T_TMP/other.sums" --extract-only --staging "$staging"
assert_grep "says it has no line" "other.sums: has no line for good.tar.gz" "$T_ERR"
assert_eq "staging parent empty at the end" "$(ls -A "$staging")" ""
t_done
