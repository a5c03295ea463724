#!/bin/bash
# apply SIGKILLed at moments spread over one run (30 times), re-run at once, as an operator or
# firstboot's resume would. Stand-ins for the vendor's ApplyCustomChanges.sh and
# installer (about a second each) record start and end with pid and time, flag
# any overlap (a lock they hold while they and their children live) and start an
# escapee in its own session. After each re-run: no process of the killed run is
# left (its stand-in nor its escapee), no two copies ever ran at once, the custom
# changes landed exactly once and the installer completed exactly once.
# The stand-in's change is one append to the vendor marker /etc/.appliedmtcustomchanges
# (the vendor's own changes are rewrites followed by the marker; one write makes a
# second application countable). The installer's completion is one rename of its
# prepared directory into INSTALL_DIR/Vx (its configurator inside).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
. "$MT_TOP/tests/integration/kill.lib"
t_require python3 sha256sum flock setsid tar
TRIALS=${KILL_TRIALS:-30}

src=$T_TMP/src
mkdir -p "$src"
cat >"$src/custom-real.sh" <<'S'
#!/bin/bash
R=$MT_ROOT
if [ -e "$R/etc/.appliedmtcustomchanges" ]; then echo "Custom changes are already applied on this machine."; exit 0; fi
printf 'continue? [Y|N]: '
read -r a
[ "$a" = Y ] || exit 1
sleep 1
echo "applied by $$ $(date +%s%N)" >>"$R/etc/.appliedmtcustomchanges"
echo "Custom changes applied. Reboot the machine."
S
cat >"$src/install-real.sh" <<'S'
#!/bin/bash
dir=
while [ $# -gt 0 ]; do case $1 in -d) dir=$2; shift ;; esac; shift; done
case $dir in "$MT_ROOT"/*) ;; *) echo "install: -d $dir is outside MT_ROOT"; exit 2 ;; esac
mkdir -p "$dir"
rm -rf "$dir/.Vx.tmp"
mkdir -p "$dir/.Vx.tmp/bin"
sleep 1
echo $$ >"$dir/.Vx.tmp/installed-by.$$"
printf '#!/bin/sh\necho configured\n' >"$dir/.Vx.tmp/bin/UnifiedAgentConfigurator.sh"
chmod 755 "$dir/.Vx.tmp/bin/UnifiedAgentConfigurator.sh"
if [ -e "$dir/Vx" ]; then echo "REINSTALL $$" >>"$MT_ROOT/reinstalls"; rm -rf "$dir/Vx"; fi
mv -T "$dir/.Vx.tmp" "$dir/Vx"
echo "Installed into $dir"
S
chmod 755 "$src"/*.sh
log=$T_TMP/standin.log
kill_standin_wrap "$src/ApplyCustomChanges.sh" custom "$log" "$T_TMP/custom.lock" ./custom-real.sh
kill_standin_wrap "$src/install" install "$log" "$T_TMP/install.lock" ./install-real.sh
tarball=$T_TMP/agent.tar.gz
(cd "$src" && tar -czf "$tarball" --owner=0 --group=0 ApplyCustomChanges.sh install custom-real.sh install-real.sh)
sum=$(sha256sum "$tarball" | cut -d' ' -f1)

newroot() { rm -rf "$1"; mkdir -p "$1/etc" "$1/var/lib" "$1/var/log"; }
apply() { "$MT_AGENT" --root "$1" apply --agent "$tarball" --sha256 "$sum"; }

R=$T_TMP/r0
newroot "$R"
kill_measure "uninterrupted apply" "$log" apply "$R"
span=$KILL_SPAN

converged=0 mid=0 swept=0
for i in $(seq 1 "$TRIALS"); do
    R=$T_TMP/r
    newroot "$R"
    : >"$log"
    kill_trial_kill "$i" "$TRIALS" "$span" "$T_TMP/killed.out" "$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$sum"
    grep -q "^start" "$log" && mid=$((mid + 1))
    [ -n "${KILL_DEBUG:-}" ] && { echo "# trial $i killed after $KILL_MS ms"; sed 's/^/#   /' "$log"; }
    apply "$R" >"$T_TMP/rerun.out" 2>"$T_TMP/rerun.err"
    rc=$?
    [ -n "${KILL_DEBUG:-}" ] && sed "s/^/#   rerun: /" "$T_TMP/rerun.err" "$T_TMP/rerun.out"
    kill_swept "$T_TMP/rerun.err" && swept=$((swept + 1))
    left=$(kill_leftovers "$log")
    overlaps=$(kill_overlaps "$log")
    changes=$(wc -l <"$R/etc/.appliedmtcustomchanges" 2>/dev/null || echo 0)
    installs=$(ls "$R/usr/local/ASR/Vx/" 2>/dev/null | grep -c '^installed-by\.')
    reinstalls=$(cat "$R/reinstalls" 2>/dev/null | wc -l)
    if [ $rc = 0 ] && [ -z "$left" ] && [ "$overlaps" = 0 ] && [ "$changes" = 1 ] && [ "$installs" = 1 ] &&
        [ "$reinstalls" = 0 ]; then
        converged=$((converged + 1))
    else
        kill_trial_failed "trial $i (killed after $KILL_MS ms): rerun exit $rc, left '$left', overlaps $overlaps, changes $changes, installs $installs, reinstalls $reinstalls" \
            "$T_TMP/rerun.err" "$log"
    fi
    kill_escapees_end "$log"
done
echo "# apply: converged $converged of $TRIALS; $mid kills landed after a vendor stand-in had started; $swept re-runs ended processes a killed run left"
kill_verdict apply "$TRIALS" "$converged" "$mid" $((TRIALS / 3)) "while a vendor stand-in ran or after" "$swept"
t_done
