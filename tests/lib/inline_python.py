"""inline_python: lists the places where a shell script runs a Python program
written inside it: a here-document or here-string fed to the interpreter, or
the program read from standard input ('python3 - ARGS <<EOF', 'python3
<<EOF', '"$CS_PY" - <<EOF', 'python3 -c "$(cat <<EOF'). Oracles belong in
tests/lib/*.py, each with its docstring, called in one line from bash.

    python3 tests/lib/inline_python.py FILE...

An interpreter is a word python, python3, python3.N, or a variable whose name
holds PY ("$CS_PY", ${PY}). 'python3 -c CODE' one-liners and 'python3
SCRIPT ARGS <<EOF' (data on the standard input of a script) are not listed.
Output: "FILE:LINE: TEXT" per place. Exit 0 when none, 1 when some, 2 usage
or a FILE cannot be read.
"""
import re
import sys

INTERP = r'(?:python[0-9.]*|"?\$\{?\w*PY\w*\}?"?)'
OPTS = r'(?:\s+-[A-Zb-z]+)*'  # -u, -B, -E ... (not -c: that is below)
PATTERNS = [
    re.compile(r'(?:^|[\s;|&(`])' + INTERP + OPTS + r'\s+-(?:\s|$)'),       # program on stdin
    re.compile(r'(?:^|[\s;|&(`])' + INTERP + OPTS + r'\s*<<'),             # here-doc/-string
    re.compile(r'(?:^|[\s;|&(`])' + INTERP + OPTS + r'\s+-c\s+["\']?\$\(\s*cat\s*<<'),
    re.compile(r'\|\s*' + INTERP + OPTS + r'\s*(?:$|[|)&;])'),             # program from a pipe
]


def scan(path):
    hits = []
    with open(path, errors="replace") as f:
        for n, line in enumerate(f, 1):
            code = line.split(" #", 1)[0] if not line.lstrip().startswith("#") else ""
            if any(p.search(code) for p in PATTERNS):
                hits.append("%s:%d: %s" % (path, n, line.strip()))
    return hits


def main(argv):
    if len(argv) < 2:
        sys.stderr.write("usage: inline_python.py FILE...\n")
        return 2
    hits = []
    try:
        for path in argv[1:]:
            hits += scan(path)
    except OSError as e:
        sys.stderr.write("inline_python: %s\n" % e)
        return 2
    for h in hits:
        print(h)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
