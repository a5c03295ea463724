"""firstboot_report: does `mt-agent --json firstboot`'s one document say what is
wanted? Every step, in order, with its status, and the state.

    python3 tests/lib/firstboot_report.py REPORT.json state=S STEP=STATUS...
exits 0 when the document has exactly these steps with these statuses and
this state; else prints what it has and exits 1.
"""
import json
import sys


def main(argv):
    doc = json.load(open(argv[1]))
    want = dict(a.split("=", 1) for a in argv[2:])
    state = want.pop("state", None)
    steps = {s["step"]: s["status"] for s in doc["steps"]}
    print(doc["state"], steps)
    return 0 if (state is None or doc["state"] == state) and steps == want else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
