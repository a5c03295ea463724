#!/bin/sh
# Runs the test suites and ends with one line "N passed, N failed".
#   tests/run.sh [all|unit|integration|e2e]
# Unit tests are the cmocka binaries in $BUILD/tests; integration and e2e tests
# are scripts under tests/integration and tests/e2e that end with their own
# "N passed, N failed" line (tests/lib.sh). A binary or script that crashes or
# exits non-zero without counting a failure counts as one failure.
set -u
BUILD=${BUILD:-build}
what=${1:-all}
top=$(pwd)
MT_TOP=$top
MT_BUILD=$top/$BUILD
MT_AGENT=$MT_BUILD/mt-agent
MT_IMAGE=$MT_BUILD/mt-image
export MT_TOP MT_BUILD MT_AGENT MT_IMAGE
if [ "${SANITIZE:-0}" = 1 ]; then
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99:suppressions=$top/tests/asan.supp}
    LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$top/tests/lsan.supp:print_suppressions=0}
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:exitcode=99}
    export ASAN_OPTIONS LSAN_OPTIONS UBSAN_OPTIONS
fi
logs=$MT_BUILD/test-logs
mkdir -p "$logs"

passed=0
failed=0
failures=""

add() { # passed failed name
    passed=$((passed + $1))
    failed=$((failed + $2))
    if [ "$2" -gt 0 ]; then failures="$failures $3"; fi
}

run_unit() {
    for t in "$MT_BUILD"/tests/test_*; do
        [ -x "$t" ] || continue
        name=$(basename "$t")
        log=$logs/$name.log
        timeout 600 "$t" >"$log" 2>&1
        rc=$?
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        p=${p:-0}
        f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        if [ "$f" -gt 0 ]; then
            cat "$log"
        fi
        printf 'unit %-28s %3d passed, %d failed\n' "$name" "$p" "$f"
        add "$p" "$f" "$name"
    done
}

# SANITIZE=1: the tests built without sanitizers for valgrind (Makefile VG_TESTS).
# valgrind missing or a binary missing is a failure, not a skip.
run_valgrind() {
    [ "${SANITIZE:-0}" = 1 ] || return 0
    for name in test_journal test_config; do
        t=$MT_BUILD/valgrind/$name
        log=$logs/valgrind-$name.log
        if ! command -v valgrind >/dev/null 2>&1 || [ ! -x "$t" ]; then
            echo "valgrind or $t missing (make tests SANITIZE=1; scripts/install-deps.sh)" >"$log"
            rc=1
        else
            timeout 1200 valgrind -q --error-exitcode=98 --leak-check=full --errors-for-leak-kinds=definite \
                "$t" >"$log" 2>&1
            rc=$?
        fi
        p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
        p=${p:-0}
        f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
        if [ "$f" -gt 0 ]; then cat "$log"; fi
        printf 'valgrind %-24s %3d passed, %d failed\n' "$name" "$p" "$f"
        add "$p" "$f" "valgrind-$name"
    done
}

# run_scripts DIR KIND JOBS: every DIR/*.sh, up to JOBS at once (each has its own
# $T_TMP, loop devices found free and detached by name, ports picked free, roots
# under $T_TMP). A script whose header has the line "# mt-test: alone" runs with
# nothing else (it names a device another script could take). Scripts start
# alone-first, then longest-first by their last run's seconds ($logs/KIND-NAME.sec),
# and are reported in name order, each as soon as it and all before it ended.
run_scripts() { # dir kind jobs
    _dir=$1 _kind=$2 _jobs=$3 _names="" _started="" _n=""
    for s in "$_dir"/*.sh; do
        [ -f "$s" ] || continue
        _n=$(basename "$s" .sh)
        _names="$_names $_n"
        rm -f "$logs/$_kind-$_n.rc"
    done
    _pending=$_names
    for _n in $(script_order "$_dir" "$_kind" $_names); do
        if is_alone "$_dir/$_n.sh"; then
            pool_wait "$_kind" 1    # until nothing runs
            script_start "$_dir" "$_kind" "$_n"
            pool_wait "$_kind" 1
        else
            pool_wait "$_kind" "$_jobs"
            script_start "$_dir" "$_kind" "$_n"
        fi
    done
    pool_wait "$_kind" 1
    wait
}

is_alone() { grep -q '^# mt-test: alone' "$1"; }

# script_order DIR KIND NAME...: alone ones first, then by last run's seconds, longest first
script_order() {
    _od=$1 _ok=$2
    shift 2
    for _on in "$@"; do
        _sec=$(cat "$logs/$_ok-$_on.sec" 2>/dev/null) || _sec=0
        case $_sec in '' | *[!0-9]*) _sec=0 ;; esac
        if is_alone "$_od/$_on.sh"; then _alone=0; else _alone=1; fi
        printf '%s %s %s\n' "$_alone" "$_sec" "$_on"
    done | sort -s -k1,1n -k2,2nr | cut -d' ' -f3
}

# script_start DIR KIND NAME: runs it in the background; its end writes KIND-NAME.rc ("RC SECONDS")
script_start() {
    _started="$_started $3"
    (
        log=$logs/$2-$3.log
        start=$(date +%s)
        timeout 2400 bash "$1/$3.sh" >"$log" 2>&1 &
        echo $! >"$logs/$2-$3.pid"
        wait $!
        rc=$?
        rm -f "$logs/$2-$3.pid"
        sec=$(( $(date +%s) - start ))
        echo "$sec" >"$logs/$2-$3.sec"
        echo "$rc $sec" >"$logs/$2-$3.rc.tmp"
        mv "$logs/$2-$3.rc.tmp" "$logs/$2-$3.rc"
    ) &
}

# run.sh interrupted: end the scripts it started (their timeout, by pid, passes SIGTERM on;
# each script's EXIT trap detaches its loop devices and ends its servers)
stop_started() {
    for _w in $_started; do
        [ -f "$logs/$_kind-$_w.pid" ] && kill "$(cat "$logs/$_kind-$_w.pid")" 2>/dev/null
    done
}
trap 'stop_started; exit 130' INT TERM

# pool_wait KIND MAX: report what is ready; return when fewer than MAX started scripts run (polls every 0.2 s)
pool_wait() {
    while :; do
        report_ready
        _running=0
        for _w in $_started; do [ -f "$logs/$1-$_w.rc" ] || _running=$((_running + 1)); done
        [ "$_running" -lt "$2" ] && return 0
        sleep 0.2
    done
}

# report_ready: print, in name order, the scripts of $_kind that ended with nothing unreported before them
report_ready() {
    while [ -n "$_pending" ]; do
        set -- $_pending
        [ -f "$logs/$_kind-$1.rc" ] || return 0
        _rn=$1
        shift
        _pending=$*
        report_one "$_kind" "$_rn"
    done
}

report_one() { # kind name
    log=$logs/$1-$2.log
    read -r rc sec <"$logs/$1-$2.rc"
    line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
    f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
    p=${p:-0}
    f=${f:-0}
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$2: exit status $rc" >>"$log"; fi
    if [ "$f" -gt 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
        sed 's/^/    /' "$log"
    fi
    printf '%-11s %-28s %3d passed, %d failed (%ds)\n' "$1" "$2" "$p" "$f" "$sec"
    add "$p" "$f" "$2"
}

# MT_TEST_JOBS: integration scripts at once (default: 2 per CPU; most of their time is waiting);
# e2e scripts (qemu TCG, CPU-bound) run one at a time
jobs=${MT_TEST_JOBS:-$(( $(nproc 2>/dev/null || echo 1) * 2 ))}
case $jobs in '' | *[!0-9]* | 0) echo "MT_TEST_JOBS='$jobs': not a positive number" >&2; exit 2 ;; esac

case $what in
all) run_unit; run_valgrind; run_scripts tests/integration integration "$jobs"; run_scripts tests/e2e e2e 1 ;;
unit) run_unit; run_valgrind ;;
integration) run_scripts tests/integration integration "$jobs" ;;
e2e) run_scripts tests/e2e e2e 1 ;;
*) echo "usage: tests/run.sh [all|unit|integration|e2e]" >&2; exit 2 ;;
esac

if [ "$failed" -gt 0 ]; then
    echo "failing:$failures (logs in $logs)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
