#!/bin/bash
# Packaging: make install into a DESTDIR and run the installed binary from there;
# man pages without groff warnings; bash completion of verbs, options and check ids.
. "${MT_TOP:?run it through tests/run.sh, or set MT_TOP to the source tree}/tests/lib.sh" || exit 1
t_require groff bash

dest=$T_TMP/dest
check "make install DESTDIR=... PREFIX=/usr" make -C "$MT_TOP" -s install DESTDIR="$dest" PREFIX=/usr BUILD="${MT_BUILD#$MT_TOP/}"
for f in usr/sbin/mt-agent usr/bin/mt-image etc/mt-agent/mt-agent.conf usr/share/man/man8/mt-agent.8 \
    usr/share/man/man1/mt-image.1 etc/bash_completion.d/mt-agent; do
    if [ -f "$dest/$f" ]; then ok "installed /$f"; else not_ok "installed /$f"; fi
done
assert_eq "mt-agent is executable (0755)" "$(stat -c %a "$dest/usr/sbin/mt-agent")" 755
assert_eq "/var/lib/mt-agent is 0700" "$(stat -c %a "$dest/var/lib/mt-agent")" 700
[ -f "$dest/etc/nrpe.d/mt-agent.cfg" ] && ok "installed /etc/nrpe.d/mt-agent.cfg" || not_ok "installed /etc/nrpe.d/mt-agent.cfg"
assert_eq "/etc/sudoers.d/mt-agent-nrpe is 0440 (sudo's mode)" "$(stat -c %a "$dest/etc/sudoers.d/mt-agent-nrpe")" 440

# the installed binary runs from the DESTDIR, on the installed configuration
expect_exit 0 "installed mt-agent --version" "$dest/usr/sbin/mt-agent" --version
expect_exit 0 "installed mt-agent reads the installed config" \
    "$dest/usr/sbin/mt-agent" --root "$dest" --json status
jfield "$T_OUT" '' >/dev/null && ok "its status is JSON" || not_ok "its status is JSON"
# status only reads the journal (no lock, nothing created: issue 14)
[ ! -e "$dest/var/lib/mt-agent/state.json.lock" ] && [ ! -e "$dest/var/lib/mt-agent/state.json" ] &&
    ok "status created no journal or lock under the DESTDIR" || not_ok "status created no journal or lock under the DESTDIR"
expect_exit 0 "installed mt-image --version" "$dest/usr/bin/mt-image" --version

# man pages: no groff warning
for m in "$MT_TOP/agent/mt-agent.8" "$MT_TOP/image/mt-image.1"; do
    w=$(groff -man -ww -z "$m" 2>&1)
    assert_eq "groff -man -ww -z $(basename "$m") prints nothing" "$w" ""
done
# every verb and every global option of the binary is in mt-agent(8)
man_text=$(groff -man -Tutf8 "$MT_TOP/agent/mt-agent.8" 2>/dev/null | sed 's/.\x08//g')
for v in $("$MT_AGENT" --help | sed -n 's/^  \([a-z]*\)  .*/\1/p'); do
    echo "$man_text" | grep -qw -- "$v" && ok "mt-agent(8) documents verb $v" || not_ok "mt-agent(8) documents verb $v"
done
for o in $("$MT_AGENT" --help | grep -o -- '--[a-z-]*' | sort -u); do
    echo "$man_text" | grep -q -- "$o" && ok "mt-agent(8) documents $o" || not_ok "mt-agent(8) documents $o"
done
for c in 0 1 2 3 4; do
    echo "$man_text" | grep -qE "^ +$c +" && ok "mt-agent(8) documents exit status $c" ||
        not_ok "mt-agent(8) documents exit status $c"
done

# bash completion
complete_words() { # words... : prints the completions of the last word
    bash -c '. "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _mt_agent; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$MT_TOP/rootfs/etc/bash_completion.d/mt-agent" "$@"
}
assert_eq "completes a verb" "$(complete_words mt-agent firstb)" "firstboot"
assert_eq "completes a verb after global options" "$(complete_words mt-agent --root /x --json pro)" "provision"
assert_eq "completes a verb's option" "$(complete_words mt-agent provision --w)" "--wipe"
assert_eq "completes a check id" "$(complete_words mt-agent check --only disk.e)" "disk.enableuuid"
assert_eq "completes the second check id of a list" "$(complete_words mt-agent check --ignore os.release,cs.reg)" "os.release,cs.registered"
assert_eq "completes --format values" "$(complete_words mt-agent plan --format k)" "kickstart"
assert_eq "completes check --format nagios" "$(complete_words mt-agent check --format n)" "nagios"

t_done
