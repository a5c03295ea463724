# tests/lib.sh: sourced by integration and e2e scripts (bash).
#
#   . "$MT_TOP/tests/lib.sh"
#   expect_exit 2 "unknown verb is a usage error" "$MT_AGENT" frobnicate
#   grep -q "unknown verb" "$T_ERR" && ok "names the verb" || not_ok "names the verb"
#   t_done          # prints "N passed, N failed" and exits 1 when anything failed
#
# Every test gets a private $T_TMP (removed at exit). Loop devices are attached
# with t_loop_attach IMAGE (prints the device) and detached at exit, by name:
# only the ones this test attached. Host disks are never named.
set -u
MT_TOP=${MT_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
MT_BUILD=${MT_BUILD:-$MT_TOP/build}
MT_AGENT=${MT_AGENT:-$MT_BUILD/mt-agent}
MT_IMAGE=${MT_IMAGE:-$MT_BUILD/mt-image}
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/mt-test.XXXXXX")
T_OUT=$T_TMP/.out
T_ERR=$T_TMP/.err
t_pass=0
t_fail=0
_t_loops=""
_t_pids=""
_t_mounts=""

ok() { t_pass=$((t_pass + 1)); echo "ok - $*"; }
not_ok() { t_fail=$((t_fail + 1)); echo "not ok - $*"; }

# check NAME CMD...: passes when CMD exits 0.
check() {
    local name=$1
    shift
    if "$@" >"$T_OUT" 2>"$T_ERR"; then ok "$name"; else
        not_ok "$name (exit $?: $*)"
        sed 's/^/    # /' "$T_ERR" | head -n 20
    fi
}

# expect_exit CODE NAME CMD...: passes when CMD exits with CODE; output in $T_OUT/$T_ERR.
expect_exit() {
    local want=$1 name=$2 rc
    shift 2
    "$@" >"$T_OUT" 2>"$T_ERR"
    rc=$?
    if [ "$rc" -eq "$want" ]; then ok "$name"; else
        not_ok "$name (exit $rc, want $want: $*)"
        sed 's/^/    # /' "$T_ERR" | head -n 20
    fi
}

# assert_grep NAME PATTERN FILE: passes when FILE has a line matching PATTERN (grep -E).
assert_grep() {
    if grep -qE -- "$2" "$3"; then ok "$1"; else
        not_ok "$1 (no /$2/ in $(basename "$3"))"
        sed 's/^/    # /' "$3" | head -n 20
    fi
}

# jfield FILE|- PATH...: fields of a JSON document, one call (path syntax: tests/lib/jsonpath.py).
jfield() { python3 "$MT_TOP/tests/lib/jsonpath.py" "$@"; }

# assert_eq NAME GOT WANT
assert_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', want '$3')"; fi
}

# Attach IMAGE to a free loop device (with partition scanning); prints the device.
t_loop_attach() {
    local dev
    dev=$(losetup --find --show --partscan "$1") || return 1
    _t_loops="$dev $_t_loops"
    echo "$dev"
}

t_loop_detach() {
    local d=$1 rest=""
    losetup -d "$d" 2>/dev/null
    for x in $_t_loops; do [ "$x" = "$d" ] || rest="$rest $x"; done
    _t_loops=$rest
}

# Remember a background process of this test (killed by pid at exit).
t_track_pid() { _t_pids="$1 $_t_pids"; }
# Remember a mount point of this test (unmounted at exit).
t_track_mount() { _t_mounts="$1 $_t_mounts"; }

t_cleanup() {
    for p in $_t_pids; do kill "$p" 2>/dev/null; done
    for m in $_t_mounts; do umount "$m" 2>/dev/null; done
    for d in $_t_loops; do losetup -d "$d" 2>/dev/null; done
    rm -rf "$T_TMP"
}
trap t_cleanup EXIT

# Skips are not passes: a test that cannot run says so and counts as failed,
# unless the caller explicitly marks the run as lacking the facility.
t_require() {
    for c in "$@"; do
        command -v "$c" >/dev/null 2>&1 || { not_ok "required tool '$c' is missing (scripts/install-deps.sh)"; t_done; }
    done
}

t_done() {
    echo "$t_pass passed, $t_fail failed"
    [ "$t_fail" -eq 0 ] && exit 0
    exit 1
}
