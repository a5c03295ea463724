"""funclen: the C functions longer than a limit, for the code-shape test.

A function is a definition at file level: a line that starts in column 0 and
is not a declaration, directive or comment, whose body opens with "{" alone at
the start of a line and closes with the "}" that starts a line at column 0.
Its length is the number of lines from its signature's first line to that
"}". (The project's style puts both braces of a function in column 0.)

    python3 tests/lib/funclen.py LIMIT FILE.c...   prints "FILE:LINE NAME LENGTH"
                                                   for each longer one, exit 0
"""
import re
import sys

NAME = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def functions(path):
    """Yield (first line, name, length) of every function definition in path."""
    lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
    i, n = 0, len(lines)
    while i < n:
        if lines[i] == "{":
            # the signature: back to the first line of the block that ends here
            start = i - 1
            while start > 0 and lines[start - 1].strip() and not lines[start - 1].startswith(
                    ("}", "#", "/*", " *", "//")) and not lines[start - 1].rstrip().endswith((";", "*/")):
                start -= 1
            sig = " ".join(lines[start:i])
            names = NAME.findall(sig)
            end = i + 1
            while end < n and lines[end] != "}" and not lines[end].startswith("};"):
                end += 1
            if names and "=" not in sig.split("(")[0]:
                yield start + 1, names[0] if names[0] not in ("static", "const") else names[-1], end - start + 1
            i = end
        i += 1


def main(argv):
    limit = int(argv[1])
    for path in argv[2:]:
        for line, name, length in functions(path):
            if length > limit:
                print("%s:%d %s %d" % (path, line, name, length))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
