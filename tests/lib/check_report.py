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


def main(argv):
    if len(argv) != 3 or argv[1] not in ("tsv", "summary"):
        sys.stderr.write("usage: check_report.py tsv|summary FILE\n")
        return 2
    try:
        with open(argv[2]) as f:
            d = json.load(f)
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
