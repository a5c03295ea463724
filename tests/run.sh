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

run_scripts() { # dir kind
    for s in "$1"/*.sh; do
        [ -f "$s" ] || continue
        name=$(basename "$s" .sh)
        log=$logs/$2-$name.log
        start=$(date +%s)
        timeout 2400 bash "$s" >"$log" 2>&1
        rc=$?
        line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/^[0-9]* passed, \([0-9]*\) failed.*/\1/p')
        p=${p:-0}
        f=${f:-0}
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; echo "$name: exit status $rc" >>"$log"; fi
        if [ "$f" -gt 0 ] || [ "${VERBOSE:-0}" = 1 ]; then
            sed 's/^/    /' "$log"
        fi
        printf '%-11s %-28s %3d passed, %d failed (%ds)\n' "$2" "$name" "$p" "$f" $(( $(date +%s) - start ))
        add "$p" "$f" "$name"
    done
}

case $what in
all) run_unit; run_valgrind; run_scripts tests/integration integration; run_scripts tests/e2e e2e ;;
unit) run_unit; run_valgrind ;;
integration) run_scripts tests/integration integration ;;
e2e) run_scripts tests/e2e e2e ;;
*) echo "usage: tests/run.sh [all|unit|integration|e2e]" >&2; exit 2 ;;
esac

if [ "$failed" -gt 0 ]; then
    echo "failing:$failures (logs in $logs)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
