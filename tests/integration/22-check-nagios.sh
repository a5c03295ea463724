#!/bin/bash
# check --format nagios on the fixture sysroots of 20-inventory-check (captured sysfs
# and procfs, a hand-written /etc): each plugin state with its exit status (0 OK,
# 1 WARNING, 2 CRITICAL, 3 UNKNOWN), the first line's form (the Nagios plugin
# guidelines: "TEXT | 'label'=value ..."), and the same run's --json, read by python,
# as the oracle for the state, the failed ids, the counts and the detail lines.
. "$(dirname "$0")/../lib.sh" || exit 1
t_require python3
fx=$MT_TOP/tests/fixtures/sysroot

mkroot() { # NAME CAPTURE OVERLAY
    mkdir -p "$T_TMP/$1"
    cp -a "$fx/capture/$2/root/." "$T_TMP/$1/"
    cp -a "$fx/etc/$3/." "$T_TMP/$1/"
}
mkroot static vmware-wwn centos66-static
mkroot el610 vmware-wwn centos610
mkroot deb qemu-plain debian12

# checks that need state a fixture lacks (provisioned disk, payloads, a configuration
# server, an rpm database); the rest run
others=layout.partitions,layout.swap,modules.xfs,modules.reiserfs,customchanges.applied,retention.volume,cs.reachable,cs.registered,packages.required

# The first line as the plugin guidelines have it: no '|' in the text, perfdata
# 'label'=value pairs; and ours: the five counts in order.
first_line_form() { # FILE STATE
    local l
    l=$(head -n 1 "$1")
    if [[ $l =~ ^MT-AGENT\ $2\ -\ [^|]+\ \|\ pass=[0-9]+\ fail=[0-9]+\ skip=[0-9]+\ errors=[0-9]+\ warnings=[0-9]+$ ]]; then
        ok "  first line: MT-AGENT $2 - <summary> | pass= fail= skip= errors= warnings="
    else
        not_ok "  first line form ($l)"
    fi
}

# What the --json run of the same checks says: state, exit, ids and counts.
oracle() { # JSON-FILE STRICT(0|1)
    python3 "$MT_TOP/tests/lib/check_report.py" nagios "$1" "$2"
}

nagios_case() { # NAME ROOT WANT-STATE WANT-EXIT IGNORE [check args]
    local name=$1 root=$2 want=$3 code=$4 ign=$others${5:+,$5}
    shift 5
    "$MT_AGENT" --root "$T_TMP/$root" --json check --ignore "$ign" "$@" >"$T_TMP/$name.json" 2>/dev/null
    oracle "$T_TMP/$name.json" "$(case " $* " in *" --strict "*) echo 1 ;; *) echo 0 ;; esac)" >"$T_TMP/$name.want"
    IFS=$'\t' read -r ostate ocode operf oerr owarn <"$T_TMP/$name.want"
    assert_eq "$name: the --json oracle says $want" "$ostate $ocode" "$want $code"
    expect_exit "$code" "$name: check --format nagios exits $code ($want)" \
        "$MT_AGENT" --root "$T_TMP/$root" check --format nagios --ignore "$ign" "$@"
    cp "$T_OUT" "$T_TMP/$name.out"
    first_line_form "$T_TMP/$name.out" "$want"
    assert_eq "  perfdata counts equal the JSON's" "$(head -n 1 "$T_TMP/$name.out" | sed 's/.* | //')" "$operf"
    local e
    for e in ${oerr//,/ }; do
        [ "$e" = - ] && continue
        assert_grep "  the summary names the failed error $e" "^MT-AGENT [A-Z]+ - [^|]*(failed|failed \\(strict\\)): [^|;]*\\b$e\\b" "$T_TMP/$name.out"
    done
    for e in ${owarn//,/ }; do
        [ "$e" = - ] && continue
        assert_grep "  the summary names the failed warning $e" "^MT-AGENT [A-Z]+ - [^|]*\\b$e\\b[^|]* \\|" "$T_TMP/$name.out"
    done
    assert_eq "  the following lines are the failed checks' details" "$(tail -n +2 "$T_TMP/$name.out")" \
        "$(tail -n +2 "$T_TMP/$name.want")"
    [ ! -s "$T_ERR" ] && ok "  nothing on stderr" || not_ok "  nothing on stderr ($(head -n 1 "$T_ERR"))"
}

# OK: CentOS 6.6, EnableUUID, static IP, ntpd (host.resources: the capture is a small guest)
nagios_case ok static OK 0 host.resources
assert_grep "  OK says how many pass" '^MT-AGENT OK - [0-9]+ checks pass' "$T_TMP/ok.out"
assert_eq "  one line only" "$(wc -l <"$T_TMP/ok.out")" 1
# WARNING: the small guest's resources; CentOS 6.10's release (an error check warning only)
nagios_case warning-resources static WARNING 1 ""
assert_grep "  names host.resources" '^MT-AGENT WARNING - warnings: host.resources \|' "$T_TMP/warning-resources.out"
nagios_case warning-el610 el610 WARNING 1 host.resources
assert_grep "  names os.release" '^MT-AGENT WARNING - warnings: [^|]*os\.release' "$T_TMP/warning-el610.out"
# CRITICAL: Debian on plain qemu; and a warning with --strict
nagios_case critical deb CRITICAL 2 ""
nagios_case critical-strict static CRITICAL 2 "" --strict
assert_grep "  --strict names its failed warning" '^MT-AGENT CRITICAL - failed \(strict\): host.resources \|' \
    "$T_TMP/critical-strict.out"
# --format=nagios, the option anywhere among the others
expect_exit 2 "--format=nagios after --only" "$MT_AGENT" --root "$T_TMP/deb" check --only platform.vmware --format=nagios
assert_grep "  CRITICAL naming platform.vmware" '^MT-AGENT CRITICAL - failed: platform.vmware \| pass=0 fail=1 skip=0 errors=1 warnings=0$' "$T_OUT"

# UNKNOWN: the checks could not run
unknown_case() { # NAME REASON-REGEX CMD...
    local name=$1 re=$2
    shift 2
    expect_exit 3 "UNKNOWN ($name): exit 3" "$@"
    assert_eq "  one line on stdout" "$(wc -l <"$T_OUT")" 1
    assert_grep "  MT-AGENT UNKNOWN - the checks could not run: <why>, no perfdata" \
        "^MT-AGENT UNKNOWN - the checks could not run: [^|]*$re[^|]*\$" "$T_OUT"
}
unknown_case "unknown check id" 'unknown check id "no.such"' \
    "$MT_AGENT" --root "$T_TMP/static" check --format nagios --only no.such
unknown_case "bad option before --format" "unknown option '--frobnicate'" \
    "$MT_AGENT" --root "$T_TMP/static" check --frobnicate --format nagios
unknown_case "--root that does not exist" "--root $T_TMP/none: No such file" \
    "$MT_AGENT" --root "$T_TMP/none" check --format nagios
printf '[check]\nbogus = 1\n' >"$T_TMP/bad.conf"
unknown_case "a bad configuration file" "bad.conf:2" \
    "$MT_AGENT" --root "$T_TMP/static" --config "$T_TMP/bad.conf" check --format=nagios
unknown_case "a configuration file that does not exist" "nope.conf: no such configuration file" \
    "$MT_AGENT" --root "$T_TMP/static" --config "$T_TMP/nope.conf" check --format nagios
unknown_case "--json and --format nagios together" '--json' \
    "$MT_AGENT" --root "$T_TMP/static" --json check --format nagios

# without nagios the usual codes: a bad --format value is a usage error
expect_exit 2 "--format xml is a usage error (exit 2)" "$MT_AGENT" --root "$T_TMP/static" check --format xml
assert_grep "  naming the value" "--format is text\\|json\\|nagios, not 'xml'" "$T_ERR"
expect_exit 2 "a check in both --only and --ignore is a usage error (it would check nothing and say OK)" \
    "$MT_AGENT" --root "$T_TMP/static" check --only os.arch,platform.vmware --ignore os.arch
assert_grep "  naming the check" "check os.arch is named by both --only and --ignore" "$T_ERR"
unknown_case "nagios: a check in both --only and --ignore" "os.arch is named by both" \
    "$MT_AGENT" --root "$T_TMP/static" check --format nagios --only os.arch --ignore os.arch
expect_exit 2 "an unknown id in --ignore is a usage error" "$MT_AGENT" --root "$T_TMP/static" check --ignore no.such
expect_exit 0 "--format json is --json" "$MT_AGENT" --root "$T_TMP/static" check --format json --ignore "$others,host.resources"
assert_eq "  one JSON document" "$(jfield "$T_OUT" summary.fail)" 0
expect_exit 0 "--format text is the default" "$MT_AGENT" --root "$T_TMP/static" check --format text --ignore "$others,host.resources"
assert_grep "  the human summary" '^[0-9]+ passed, 0 failed' "$T_OUT"

# the NRPE command definition rootfs/ ships
cfg=$MT_TOP/rootfs/etc/nrpe.d/mt-agent.cfg
assert_grep "rootfs ships the NRPE command check_mt_agent" \
    '^command\[check_mt_agent\]=/usr/bin/sudo -n /usr/sbin/mt-agent -q check --format nagios$' "$cfg"
sudoers=$MT_TOP/rootfs/etc/sudoers.d/mt-agent-nrpe
assert_grep "sudoers lets nrpe run exactly that command" \
    '^nrpe ALL=\(root\) NOPASSWD: /usr/sbin/mt-agent -q check --format nagios$' "$sudoers"
assert_grep "  without a tty (EL6's sudoers has requiretty)" '^Defaults:nrpe !requiretty$' "$sudoers"
t_require visudo
expect_exit 0 "visudo -c accepts the sudoers fragment" visudo -c -q -f "$sudoers"
t_done
