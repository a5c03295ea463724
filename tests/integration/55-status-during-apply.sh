#!/bin/bash
# status and check answer while apply runs a vendor script that takes 10 s: they
# read the journal without the writers' lock (the atomic rename makes that safe).
# The oracle is the stand-in's own record: status returned while the script had
# started and not yet ended, and status showed the step "started". The time
# status took is printed (on an idle machine it is a few milliseconds).
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require python3 sha256sum tar
src=$T_TMP/src
mkdir -p "$src"
cat >"$src/ApplyCustomChanges.sh" <<'S'
#!/bin/bash
R=$MT_ROOT
read -r a
echo "start $(date +%s%N)" >>"$R/standin.log"
sleep 10
touch "$R/etc/.appliedmtcustomchanges"
echo "end $(date +%s%N)" >>"$R/standin.log"
S
printf '#!/bin/sh\nexit 0\n' >"$src/install"
chmod 755 "$src"/*
tarball=$T_TMP/agent.tar.gz
(cd "$src" && tar -czf "$tarball" --owner=0 --group=0 ApplyCustomChanges.sh install)
sum=$(sha256sum "$tarball" | cut -d' ' -f1)
R=$T_TMP/r
mkdir -p "$R/etc" "$R/var/lib" "$R/var/log"

"$MT_AGENT" --root "$R" apply --agent "$tarball" --sha256 "$sum" >"$T_TMP/apply.out" 2>&1 &
apid=$!
t_track_pid "$apid"
for i in $(seq 1 100); do grep -q '^start' "$R/standin.log" 2>/dev/null && break; sleep 0.1; done
grep -q '^start' "$R/standin.log" 2>/dev/null && ok "the 10 s vendor stand-in started" || not_ok "the 10 s vendor stand-in started"
# status, then check, at once; judged afterwards (python is slow on a loaded machine)
t0=$(date +%s%3N)
"$MT_AGENT" --root "$R" --json status >"$T_TMP/status.json" 2>"$T_TMP/status.err"
st_rc=$?
t1=$(date +%s%3N)
st_ended=$(grep -c '^end' "$R/standin.log")
"$MT_AGENT" --root "$R" --json check --only customchanges.applied >"$T_TMP/check.json" 2>"$T_TMP/check.err"
t2=$(date +%s%3N)
ck_ended=$(grep -c '^end' "$R/standin.log")
echo "# while the vendor script ran: status answered in $((t1 - t0)) ms, check in $((t2 - t1)) ms"
assert_eq "status exits 0 while apply holds the lock" "$st_rc" 0
assert_eq "status returned before the script ended (it did not wait for the lock)" "$st_ended" 0
assert_eq "status shows the step started, not finished" "$(jfield "$T_TMP/status.json" "apply.runs.$sum.custom_changes.status" "apply.runs.$sum.custom_changes|has:finished_at")" "started false"
assert_eq "check returned before the script ended" "$ck_ended" 0
assert_eq "check judges the effects: not applied yet" "$(jfield "$T_TMP/check.json" checks.0.status)" fail
wait "$apid"
assert_eq "apply completes" "$?" 0
assert_eq "the script ran to its end once" "$(grep -c '^end' "$R/standin.log")" 1
t_done
