#!/bin/bash
# register with the asr backend SIGKILLed at moments spread over one run (30 times) while a
# stand-in UnifiedAgentConfigurator.sh (about a second) runs, re-run at once. The
# stand-in records start, done and end with pid and time, flags overlap (a lock
# it and its children hold) and starts an escapee in its own session. After each
# re-run: no process of the killed run is left, no two configurators ever ran at
# once, the journal says registered. Registering again is idempotent for the
# vendor's configurator (and there is no evidence of it on the box but the
# journal), so a configurator that completed just before the kill may run once
# more: the count is printed, not judged.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/kill.lib"
t_require python3 flock setsid
TRIALS=${KILL_TRIALS:-30}
log=$T_TMP/standin.log

newroot() {
    local r=$1 conf=$1/usr/local/ASR/Vx/bin
    rm -rf "$r"
    mkdir -p "$r/etc/mt-agent" "$r/var/lib/mt-agent" "$r/var/log" "$conf"
    echo "kill-test passphrase" >"$r/etc/mt-agent/passphrase"
    chmod 600 "$r/etc/mt-agent/passphrase"
    printf '[cs]\nbackend = asr\nhost = 127.0.0.1\npassphrase_file = /etc/mt-agent/passphrase\n' >"$r/etc/mt-agent/mt-agent.conf"
    printf '#!/bin/sh\nsleep 1\necho "registered by $$ with $2" >>"%s/registrations"\necho "Registered with CS $2"\n' "$r" >"$conf/configurator-real.sh"
    chmod 755 "$conf/configurator-real.sh"
    kill_standin_wrap "$conf/UnifiedAgentConfigurator.sh" configurator "$log" "$T_TMP/conf.lock" "$conf/configurator-real.sh"
}
registered() { python3 "$MT_TOP/tests/lib/journal.py" get "$1/var/lib/mt-agent/state.json" register.registered; }

R=$T_TMP/r
newroot "$R"
: >"$log"
kill_measure "uninterrupted register (asr)" "$log" "$MT_AGENT" --root "$R" register
span=$KILL_SPAN

converged=0 mid=0 swept=0 again=0
for i in $(seq 1 "$TRIALS"); do
    newroot "$R"
    : >"$log"
    kill_trial_kill "$i" "$TRIALS" "$span" "$T_TMP/killed.out" "$MT_AGENT" --root "$R" register
    grep -q "^start" "$log" && mid=$((mid + 1))
    "$MT_AGENT" --root "$R" register >"$T_TMP/rerun.out" 2>"$T_TMP/rerun.err"
    rc=$?
    kill_swept "$T_TMP/rerun.err" && swept=$((swept + 1))
    left=$(kill_leftovers "$log")
    overlaps=$(kill_overlaps "$log")
    n=$(wc -l <"$R/registrations" 2>/dev/null || echo 0)
    [ "$n" -gt 1 ] && again=$((again + 1))
    if [ $rc = 0 ] && [ -z "$left" ] && [ "$overlaps" = 0 ] && [ "$(registered "$R")" = true ] && [ "$n" -ge 1 ]; then
        converged=$((converged + 1))
    else
        kill_trial_failed "trial $i (killed after $KILL_MS ms): rerun exit $rc, left '$left', overlaps $overlaps, registered $(registered "$R"), configurator completed $n times" \
            "$T_TMP/rerun.err" "$log"
    fi
    kill_escapees_end "$log"
done
echo "# register (asr): converged $converged of $TRIALS; $mid kills landed after the configurator had started; $swept re-runs ended processes a killed run left; $again trials ran a completed configurator once more"
kill_verdict "register (asr)" "$TRIALS" "$converged" "$mid" $((TRIALS / 4)) "after the configurator started" "$swept"
t_done
