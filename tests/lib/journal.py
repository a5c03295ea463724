"""journal: read or change fields of the agent's state journal (state.json)
in a test, so the script evaluates no code of its own.

    python3 tests/lib/journal.py get FILE A.B.C
        the field's value: strings as they are, true/false/null and objects
        as JSON; a missing field (or file) prints an empty line
    python3 tests/lib/journal.py state FILE SECTION
        "STATE N": SECTION's state and how many file systems its "formatted"
        records ("None 0" when the section is missing)
    python3 tests/lib/journal.py set FILE A.B VALUE
        sets the string field A.B (the objects on the way must exist) and
        writes the file back
"""
import json
import sys


def field(doc, path):
    for k in path.split("."):
        doc = doc.get(k) if isinstance(doc, dict) else None
    return doc


def render(v):
    if v is None:
        return ""
    if isinstance(v, (dict, list, bool)):
        return json.dumps(v)
    return str(v)


def main(argv):
    if len(argv) < 4 or argv[1] not in ("get", "state", "set"):
        sys.stderr.write("usage: journal.py get FILE PATH | state FILE SECTION | set FILE PATH VALUE\n")
        return 2
    verb, name, path = argv[1:4]
    if verb == "get":
        try:
            with open(name) as f:
                doc = json.load(f)
        except (OSError, ValueError):
            doc = {}
        print(render(field(doc, path)))
        return 0
    with open(name) as f:
        doc = json.load(f)
    if verb == "state":
        s = doc.get(path, {})
        print(s.get("state"), len(s.get("formatted", {})))
        return 0
    if len(argv) < 5:
        sys.stderr.write("usage: journal.py set FILE PATH VALUE\n")
        return 2
    keys = path.split(".")
    target = doc
    for k in keys[:-1]:
        target = target[k]
    target[keys[-1]] = argv[4]
    with open(name, "w") as f:
        json.dump(doc, f)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
