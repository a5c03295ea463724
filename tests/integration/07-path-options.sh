#!/bin/bash
# An operator's path option that names a missing path, a file where a directory
# is wanted (or the reverse), a FIFO or a device: a usage error (exit 2) naming
# the option and the path, before anything runs (agent/cli/opttab.h OPT_FILE /
# OPT_DIR), for every such option of mt-agent and mt-image.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
A=$MT_AGENT
I=$MT_IMAGE
R=$T_TMP/root
mkdir -p "$R" "$T_TMP/dir"
echo x >"$T_TMP/file"
mkfifo "$T_TMP/fifo"

# case PROG VERB... -- OPTION KIND: KIND file|dir
path_case() {
    local kind=${*: -1} opt=${*: -2:1} wrong what
    local cmd=("${@:1:$(($# - 3))}")
    [ "$kind" = dir ] && wrong=$T_TMP/file || wrong=$T_TMP/dir
    for what in missing wrong fifo dev; do
        local p
        case $what in
        missing) p=$T_TMP/no-such-$RANDOM ;;
        wrong) p=$wrong ;;
        fifo) p=$T_TMP/fifo ;;
        dev) p=/dev/null ;;
        esac
        expect_exit 2 "${cmd[*]##*/} $opt ($what)" timeout 30 "${cmd[@]}" "$opt" "$p"
        if grep -qF -- "$opt $p" "$T_ERR"; then ok "${cmd[*]##*/} $opt ($what): names the option and the path"; else
            not_ok "${cmd[*]##*/} $opt ($what): the message does not name '$opt $p'"
            sed 's/^/    # /' "$T_ERR" | head -n 3
        fi
    done
    # the right kind gets past the check (whatever the verb then says)
    local right=$T_TMP/file
    [ "$kind" = dir ] && right=$T_TMP/dir
    timeout 30 "${cmd[@]}" "$opt" "$right" >"$T_OUT" 2>"$T_ERR"
    # (the table's own words; the verb may refuse the content later: an empty ISO)
    if grep -qE -- "$opt $right: (is |No such)" "$T_ERR"; then not_ok "${cmd[*]##*/} $opt: a $kind is refused"; else
        ok "${cmd[*]##*/} $opt: a $kind passes the check"
    fi
}

path_case "$A" --root "$R" apply -- --agent file
path_case "$A" --root "$R" apply -- --manifest file
path_case "$A" --root "$R" modules install -- --from dir
path_case "$A" --root "$R" modules install -- --manifest file
path_case "$A" --root "$R" provision --no-act --disk "$T_TMP/none.img" -- --target-root dir
for v in register heartbeat deregister; do
    path_case "$A" --root "$R" $v --cs 127.0.0.1:1 -- --passphrase-file file
done
for v in iso pxe; do
    path_case "$I" $v -- --base file
    path_case "$I" $v -- --ks file
    path_case "$I" $v -- --agent file
    path_case "$I" $v -- --rootpw-file file
    path_case "$I" $v -- --hosts file
    path_case "$I" $v -- --payload dir
    path_case "$I" $v -- --rootfs dir
done
path_case "$I" pxe -- --syslinux-dir dir
path_case "$I" ova --out "$T_TMP/o.ova" -- --iso file
path_case "$I" ova --out "$T_TMP/o.ova" -- --sign file
path_case "$I" ova --out "$T_TMP/o.ova" -- --cert file
# the case: the message is about --from, not a manifest inside it
"$A" --root "$R" modules install --from /missing >"$T_OUT" 2>"$T_ERR"
grep -q 'SHA256SUMS' "$T_ERR" && not_ok "modules --from /missing still speaks of SHA256SUMS" ||
    ok "modules --from /missing: no word of a manifest inside it"
t_done
