"""check_report: reads the report of `mt-agent --json check` (API v1: summary,
checks[] of id, severity, status, title, detail, remediation).

    python3 tests/lib/check_report.py tsv FILE
        one line per check: id, status, severity, detail, remediation,
        tab-separated (tabs inside detail/remediation become spaces), so a
        script reads the report with awk instead of starting python per field
    python3 tests/lib/check_report.py summary FILE
        prints "ok" when the summary has exactly the keys pass, fail, skip,
        errors, warnings and each equals its count over checks[] (errors and
        warnings: failed checks of that severity), and every check has exactly
        the six keys; otherwise names the first difference on stderr
    python3 tests/lib/check_report.py nagios FILE STRICT
        what the Nagios form of the same checks must say (STRICT 1: a failed
        warning is critical, as --strict): a first line "STATE<TAB>EXIT<TAB>
        pass=N fail=N skip=N errors=N warnings=N<TAB>error ids<TAB>warning
        ids" (ids comma-separated, '-' for none; STATE CRITICAL 2 on a failed
        error (or warning when strict), WARNING 1 on a failed warning, else
        OK 0), then one line per failed check: "ID (SEVERITY): DETAIL[; fix:
        REMEDIATION]" with '|' written '/' (Nagios reserves it)
    python3 tests/lib/check_report.py list FILE
        one line per check: "ID STATUS DETAIL" (space-separated, the detail
        as it is), to grep a guest's report
    python3 tests/lib/check_report.py no-failures FILE ID...
        "summary {...}", a line "FAIL ID: DETAIL" per failed check, then
        "STATUS ID STATUS" for each ID named (None when absent); exit 1 when
        summary.fail is not 0 or a check failed
    python3 tests/lib/check_report.py enableuuid FILE BAD NAME...
        disk.enableuuid and disk.scsi-id-unique of a guest's report:
        "enableuuid STATUS SEVERITY named=N1,N2" (the NAMEs its detail names,
        as "NAME " or "NAME:"), "remedy ok" when the remediation says
        disk.EnableUUID and to power the VM off (else the remediation), and
        "unique STATUS". BAD is the disk expected without an NAA (the caller
        compares named= with it)

Exit 0 (tsv printed; summary consistent); 1 the report is not JSON, lacks a
field, or (summary) a count or a key set differs; 2 usage.
"""
import json
import sys

KEYS = {"id", "severity", "status", "title", "detail", "remediation"}
SUMMARY = {"pass", "fail", "skip", "errors", "warnings"}


def tsv(d):
    for x in d["checks"]:
        print("\t".join([x["id"], x["status"], x["severity"], x["detail"].replace("\t", " "),
                         x["remediation"].replace("\t", " ")]))
    return 0


def summary(d):
    s, c = d["summary"], d["checks"]
    if set(s) != SUMMARY:
        return "summary keys %s, want %s" % (sorted(s), sorted(SUMMARY))
    want = {
        "pass": sum(x["status"] == "pass" for x in c),
        "fail": sum(x["status"] == "fail" for x in c),
        "skip": sum(x["status"] == "skip" for x in c),
        "warnings": sum(x["status"] == "fail" and x["severity"] == "warning" for x in c),
        "errors": sum(x["status"] == "fail" and x["severity"] == "error" for x in c),
    }
    for k in sorted(want):
        if s[k] != want[k]:
            return "summary.%s is %r, the checks count %d" % (k, s[k], want[k])
    for x in c:
        if set(x) != KEYS:
            return "check %s has keys %s, want %s" % (x.get("id"), sorted(x), sorted(KEYS))
    print("ok")
    return 0


def nagios(d, strict):
    fails = [c for c in d["checks"] if c["status"] == "fail"]
    err = [c["id"] for c in fails if c["severity"] == "error"]
    warn = [c["id"] for c in fails if c["severity"] == "warning"]
    state, code = ("CRITICAL", 2) if err or (strict and warn) else ("WARNING", 1) if warn else ("OK", 0)

    def n(s):
        return sum(1 for c in d["checks"] if c["status"] == s)
    print("\t".join([state, str(code), "pass=%d fail=%d skip=%d errors=%d warnings=%d" % (
        n("pass"), n("fail"), n("skip"), len(err), len(warn)), ",".join(err) or "-", ",".join(warn) or "-"]))
    for c in fails:
        line = "%s (%s): %s" % (c["id"], c["severity"], c["detail"].replace("|", "/"))
        if c["remediation"]:
            line += "; fix: " + c["remediation"].replace("|", "/")
        print(line)
    return 0


def check_list(d):
    for c in d["checks"]:
        print(c["id"], c["status"], c.get("detail", ""))
    return 0


def no_failures(d, ids):
    s = d["summary"]
    bad = [c["id"] + ": " + c.get("detail", "") for c in d["checks"] if c["status"] == "fail"]
    print("summary", s)
    for b in bad:
        print("FAIL", b)
    status = dict((c["id"], c["status"]) for c in d["checks"])
    for must in ids:
        print("STATUS", must, status.get(must))
    if s["fail"] != 0 or bad:
        return "%d checks failed (summary.fail %s)" % (len(bad), s["fail"])
    return 0


def enableuuid(d, names):
    c = dict((x["id"], x) for x in d["checks"])
    e = c["disk.enableuuid"]
    named = [n for n in names if (n + " ") in e["detail"] or (n + ":") in e["detail"]]
    print("enableuuid %s %s named=%s" % (e["status"], e["severity"], ",".join(named)))
    print("remedy %s" % ("ok" if "disk.EnableUUID" in e["remediation"] and "power the VM off" in e["remediation"]
                         else e["remediation"]))
    print("unique %s" % c["disk.scsi-id-unique"]["status"])
    return 0


def main(argv):
    want = {"tsv": 3, "summary": 3, "nagios": 4, "list": 3}
    lists = {"enableuuid": 4, "no-failures": 3}
    if len(argv) < 2 or (want.get(argv[1]) != len(argv) and not len(argv) >= lists.get(argv[1], 99)):
        sys.stderr.write("usage: check_report.py tsv|summary|list FILE | nagios FILE STRICT | no-failures FILE ID... | enableuuid FILE BAD NAME...\n")
        return 2
    try:
        with open(argv[2]) as f:
            d = json.load(f)
        if argv[1] == "nagios":
            r = nagios(d, argv[3] == "1")
        elif argv[1] == "no-failures":
            r = no_failures(d, argv[3:])
        elif argv[1] == "list":
            r = check_list(d)
        elif argv[1] == "enableuuid":
            r = enableuuid(d, argv[4:])
        else:
            r = (tsv if argv[1] == "tsv" else summary)(d)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        sys.stderr.write("check_report: %s: %s: %r\n" % (argv[2], type(e).__name__, e))
        return 1
    if r:
        sys.stderr.write("check_report: %s: %s\n" % (argv[2], r))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
