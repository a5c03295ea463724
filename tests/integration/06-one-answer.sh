#!/bin/bash
# One answer per run, in the form asked for (agent/answer.h, mt-agent-api(7) THE
# DOCUMENT, mt-agent(8) OUTPUT):
#  - with --json (or a verb's --format json) exactly one JSON document on stdout,
#    for every verb, on success and on failure, also for a usage error (exit 2),
#    an unknown verb, a bad global option, --root or --config that fail; a failure
#    document has verb, ok:false, exit_status and an error message;
#  - check --format nagios speaks the plugin protocol whatever fails: one line
#    "MT-AGENT UNKNOWN - ..." and exit 3;
#  - what the operator typed, and what sysfs says about a disk, reaches neither
#    the terminal raw (escaped) nor a JSON document as invalid UTF-8.
# Oracle for the documents: tests/lib/jsondoc.py (python's strict UTF-8 decoder
# and json.loads(strict=True)).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3
A=$MT_AGENT
doc() { python3 "$MT_TOP/tests/lib/jsondoc.py" "$@"; }
R=$T_TMP/empty
mkdir -p "$R"

# judge_doc NAME EXIT VERB CMD...: CMD exits EXIT and prints the one document.
judge_doc() {
    local name=$1 want=$2 verb=$3 rc why
    shift 3
    "$@" >"$T_OUT" 2>"$T_ERR"
    rc=$?
    if [ "$rc" -ne "$want" ]; then
        not_ok "$name: exit $rc, want $want"
        sed 's/^/    # /' "$T_ERR" | head -n 5
        return
    fi
    if why=$(doc "$T_OUT" "$rc" "$verb"); then ok "$name: one document (exit $rc)"; else
        not_ok "$name: $why"
    fi
}

# --- 1. every verb, --json: a bad option, --help, a failure ----------------------
verbs=$("$A" --help | sed -n '/^verbs:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
n=$(echo "$verbs" | wc -w)
[ "$n" -ge 12 ] && ok "--help lists the verbs ($n)" || not_ok "--help lists $n verbs"
for v in $verbs; do
    sub=""
    [ "$v" = modules ] && sub=install
    judge_doc "--json $v --no-such-option" 2 "$v" "$A" --json --root "$R" $v $sub --no-such-option
    grep -q -- '--no-such-option' "$T_OUT" && ok "$v: the error names the option" ||
        not_ok "$v: the error does not name the option"
    judge_doc "--json $v --help" 0 "$v" "$A" --json $v --help
    { [ "$(jfield "$T_OUT" 'help?|contains:options')" = true ] || [ "$(jfield "$T_OUT" 'help?|contains:usage')" = true ]; } &&
        ok "$v --help: the help text is the document's help member" || not_ok "$v --help: no help member"
    judge_doc "--json $v unexpected-word" 2 "$v" "$A" --json --root "$R" $v $sub unexpected-word
done

# a failure of each verb (exit as each one's convention, never 0)
fail_case() { # EXIT VERB ARGS...
    local want=$1 v=$2
    shift 2
    judge_doc "--json $v $* fails" "$want" "$v" timeout 120 "$A" --json --root "$R" "$v" "$@"
}
fail_case 1 check
fail_case 1 plan --disk /nonexistent-disk
fail_case 1 provision --disk /nonexistent-disk --ram-mib 4096
fail_case 1 retention --disk /nonexistent-disk
fail_case 2 modules install --from "$T_TMP/no-such-dir"
fail_case 2 apply --agent "$T_TMP/no-such-tarball.tar.gz"
fail_case 2 register --cs 'a b'
fail_case 2 heartbeat --cs 'a b'
fail_case 2 deregister --cs 'a b'
fail_case 1 firstboot
mkfifo "$T_TMP/fifo"
mkdir -p "$T_TMP/jroot/var/lib/mt-agent"
mkfifo "$T_TMP/jroot/var/lib/mt-agent/state.json"
judge_doc "--json status with a FIFO journal fails" 1 status timeout 60 "$A" --json --root "$T_TMP/jroot" status
judge_doc "--json inventory on an empty root" 0 inventory "$A" --json --root "$R" inventory
judge_doc "--json check --list" 0 check "$A" --json check --list
judge_doc "--json status on an empty root" 0 status "$A" --json --root "$R" status

# plan --disk /nonexistent named the disk in the error (it had none)
"$A" --json plan --disk /nonexistent-disk >"$T_OUT" 2>/dev/null
grep -q '"error": ".*nonexistent-disk' "$T_OUT" && ok "plan's failure document names the disk" ||
    not_ok "plan's failure document names the disk"

# --format json (check, plan) is the same contract as --json
judge_doc "check --format json --bogus" 2 check "$A" --root "$R" check --format json --bogus
judge_doc "check --format=json --only nope" 2 check "$A" --root "$R" check --format=json --only nope
judge_doc "plan --format json --bogus" 2 plan "$A" plan --format json --bogus
judge_doc "plan --format json, a missing disk" 1 plan "$A" plan --format json --disk /nonexistent-disk
judge_doc "check --form json (abbreviated) --bogus" 2 check "$A" --root "$R" check --form json --bogus

# before the verb: the run's form is known from argv already
judge_doc "--json, no verb" 2 - "$A" --json
judge_doc "--json, an unknown verb" 2 frobnicate "$A" --json frobnicate
judge_doc "--json --bogus-global check" 2 check "$A" --json --bogus-global check
judge_doc "--bogus-global --json check (after the bad option)" 2 check "$A" --bogus-global --json check
judge_doc "-j with a missing --root value" 2 - "$A" -j --root
judge_doc "--json --root /nonexistent status" 2 status "$A" --json --root /nonexistent-root status
judge_doc "--json --config (missing) status" 2 status "$A" --json --config "$T_TMP/none.conf" status
printf '[layout]\nroot_mib = many\n' >"$T_TMP/bad.conf"
judge_doc "--json --config (bad value) plan" 2 plan "$A" --json --config "$T_TMP/bad.conf" plan --disk x
judge_doc "-jv --version" 0 - "$A" -jv --version
judge_doc "--js --help (abbreviated)" 0 - "$A" --js --help
judge_doc "--json check --format text: a conflict" 2 check "$A" --json --root "$R" check --format text

# --- 2. check --format nagios: the plugin protocol whatever fails ----------------
nagios_unknown() { # NAME CMD...
    local name=$1 rc lines
    shift
    "$@" >"$T_OUT" 2>"$T_ERR"
    rc=$?
    lines=$(wc -l <"$T_OUT")
    if [ "$rc" -eq 3 ] && [ "$lines" -eq 1 ] && grep -q '^MT-AGENT UNKNOWN - ' "$T_OUT"; then
        ok "nagios: $name: UNKNOWN, exit 3"
    else
        not_ok "nagios: $name: exit $rc, $lines lines: $(head -c 200 "$T_OUT")"
    fi
}
nagios_unknown "a bad global option before the verb" "$A" --bogus check --format nagios
nagios_unknown "an empty --root (not this host's root)" "$A" --root "" check --format nagios
nagios_unknown "--root a file" "$A" --root "$T_TMP/bad.conf" check --format nagios
nagios_unknown "--config missing" "$A" --config "$T_TMP/none.conf" check --format nagios
nagios_unknown "--config a directory" "$A" --config "$T_TMP" check --format nagios
nagios_unknown "--config with a bad value" "$A" --config "$T_TMP/bad.conf" check --format nagios
nagios_unknown "--root missing" "$A" --root /nonexistent-root check --format nagios
nagios_unknown "a bad --only id" "$A" --root "$R" check --format nagios --only no.such.check
nagios_unknown "a bad option after --format" "$A" check --format nagios --bogus
nagios_unknown "a bad option before --format" "$A" check --bogus --format=nagios
nagios_unknown "an unexpected word" "$A" check --format nagios extra
nagios_unknown "--json with --format nagios" "$A" --json check --format nagios
nagios_unknown "--form nagios (abbreviated), bad --ignore" "$A" check --form nagios --ignore nope
printf '[check]\nignore = no.such.check\n' >"$T_TMP/badignore.conf"
nagios_unknown "[check] ignore names no check" "$A" --config "$T_TMP/badignore.conf" --root "$R" check --format nagios
grep -q 'badignore.conf' "$T_OUT" && ok "nagios: the UNKNOWN line names the configuration file" ||
    not_ok "nagios: the UNKNOWN line names the configuration file"
# (the protocol's line is for the monitoring system; the man page's exit 3 is
# "refused for safety" elsewhere: only check --format nagios answers 3 for usage)
expect_exit 2 "nagios is only check's: plan --format nagios is a usage error" "$A" plan --format nagios

# --- 3. the operator's words and sysfs strings, escaped ---------------------------
# no ESC (0x1b), no CSI (U+009B as UTF-8, or 0x9b alone), no DEL on stdout or stderr
raw_free() { # NAME FILE
    if LC_ALL=C grep -q $'\x1b\|\x7f\|\xc2\x9b\|\x9b' "$2"; then not_ok "$1: a raw control byte"; else ok "$1"; fi
}
esc=$'\e[31m'
"$A" check --"$esc" >"$T_OUT" 2>"$T_ERR"
raw_free "a verb's unknown option with ESC: stderr escaped" "$T_ERR"
grep -q '\\x1b\[31m' "$T_ERR" && ok "the option is shown as \\x1b[31m" || not_ok "the option is shown escaped"
"$A" --"$esc" check >"$T_OUT" 2>"$T_ERR"
raw_free "a global unknown option with ESC: stderr escaped" "$T_ERR"
"$A" "$esc"frob >"$T_OUT" 2>"$T_ERR"
raw_free "an unknown verb with ESC: stderr escaped" "$T_ERR"
"$A" check --only "$esc" >"$T_OUT" 2>"$T_ERR"
raw_free "a bad --only value with ESC: stderr escaped" "$T_ERR"
"$A" plan --format $'\xc2\x9b2J' >"$T_OUT" 2>"$T_ERR"
raw_free "a bad --format value with CSI (C1): stderr escaped" "$T_ERR"
"$A" plan --ram-mib $'\x7f\xff' --disk x >"$T_OUT" 2>"$T_ERR"
raw_free "a bad number with DEL and 0xff: stderr escaped" "$T_ERR"
judge_doc "--json with ESC and 0xff in the option" 2 check "$A" --json check --$'\e\xff'
raw_free "--json with ESC in the option: stdout" "$T_OUT"
"$A" --json check --format nagios --$'\e' >"$T_OUT" 2>"$T_ERR"
raw_free "nagios UNKNOWN with ESC: stdout" "$T_OUT"
raw_free "nagios UNKNOWN with ESC: stderr" "$T_ERR"

# a disk whose sysfs vendor/model/serial hold bytes that are not UTF-8, DEL and C1
fx=$MT_TOP/tests/fixtures/sysroot/capture/vmware-wwn/root
B=$T_TMP/badbytes
mkdir -p "$B"
cp -a "$fx/." "$B/"
n=0
while IFS= read -r -d '' m; do
    d=$(dirname "$m")
    printf 'VMw\xffare\x7f\n' >"$d/vendor"
    printf 'Virtual \xc2\x9b2J disk \xfe\xc3\n' >"$m"
    n=$((n + 1))
done < <(find "$B/sys" -name model -print0)
[ "$n" -ge 1 ] && ok "fixture: $n disk models rewritten with bad bytes" || not_ok "fixture: no model files found"
judge_doc "--json inventory of a disk with 0xff/DEL/C1 in vendor and model" 0 inventory "$A" --json --root "$B" inventory
raw_free "inventory --json: no raw DEL or C1" "$T_OUT"
# every model read back (UTF-8) holds U+FFFD (EF BF BD) and U+009B (C2 9B)
jfield --lines "$T_OUT" 'disks.*.model?' >"$T_TMP/models"
n_models=$(grep -c . "$T_TMP/models")
n_both=$(LC_ALL=C grep "$(printf '\357\277\275')" "$T_TMP/models" | LC_ALL=C grep -c "$(printf '\302\233')")
[ "$n_models" -ge 1 ] && [ "$n_both" = "$n_models" ] &&
    ok "inventory --json: invalid bytes read back as U+FFFD, the C1 control as itself" ||
    not_ok "inventory --json: the model does not read back as documented ($(grep -m1 model "$T_OUT"))"
judge_doc "check --format json on the same disk" 1 check "$A" --root "$B" check --format json
"$A" --root "$B" inventory >"$T_OUT" 2>"$T_ERR"
raw_free "inventory (text): the model escaped on stdout" "$T_OUT"
raw_free "inventory (text): stderr" "$T_ERR"
t_done
