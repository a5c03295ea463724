"""jsonpath: print fields of a JSON document by a small path syntax, so a test
script reads one field in one call and evaluates no code of its own.

    python3 tests/lib/jsonpath.py [--lines] FILE PATH...   FILE '-' is standard input

Each PATH's value is printed, the values of several PATHs on one line separated
by a space (like print(a, b)), or each on its own line with --lines; a PATH
that selects several elements (* or a filter) prints one element per line.

PATH: segments separated by '.' (a '.' inside [...] belongs to the filter, and
'\.' is a '.' inside a key: extra_config.disk\.EnableUUID):
    name        the key of an object; missing is an error (exit 1)
    name?       the same, but a missing key prints an empty string
    3, -1       the element of an array by index (negative from the end)
    *           every element of an array (or every value of an object)
    [k=v]       the elements of an array whose field k prints as v
    [k!=v]      ... whose field k does not print as v (or is missing)
    [k]         ... whose field k is present and not false/null/empty/0
    [!k]        ... whose field k is missing or false/null/empty/0
A PATH may end with one function after '|', applied to the whole selection:
    |len        number of elements (array, object, string; or selected)
    |keys       the sorted keys of an object, joined by ','
    |has:K,L    true when the object has the keys K and L; on an array (or a
                selection): when it is not empty and every element has them
    |contains:T true when the string (or one string of the array) contains T
    |sum        the sum of the selected numbers
    |type       array, object, string, number, boolean or null
An empty PATH ('') is the whole document.

Printing: strings as they are, true/false/null as in JSON, numbers as
decimals, arrays and objects as compact JSON.

Exit: 0 printed; 1 a key or index missing, a filter on a non-array, or the
file is not JSON (the message on stderr names the file and the path);
2 usage.
"""
import json
import sys

MISSING = object()


class PathError(Exception):
    pass


def split_path(path):
    """'a.b[k=v.w].c' -> ['a', 'b', '[k=v.w]', 'c']"""
    segs, cur, depth, escaped = [], "", 0, False
    for ch in path:
        if escaped:
            cur += ch
            escaped = False
            continue
        if ch == "\\" and depth == 0:
            escaped = True
            continue
        if ch == "[":
            if depth == 0 and cur:
                segs.append(cur)
                cur = ""
            depth += 1
        elif ch == "]":
            depth -= 1
        if ch == "." and depth == 0:
            if cur:
                segs.append(cur)
            cur = ""
            continue
        cur += ch
        if ch == "]" and depth == 0:
            segs.append(cur)
            cur = ""
    if cur:
        segs.append(cur)
    return segs


def render(v):
    if v is MISSING:
        return ""
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, str):
        return v
    if isinstance(v, (int, float)):
        return str(v)
    return json.dumps(v, separators=(",", ":"))


def truthy(v):
    return v is not MISSING and v not in (None, False, "", 0, [], {})


def match(elem, flt):
    body = flt[1:-1]
    if not isinstance(elem, dict):
        return False
    if "!=" in body:
        k, v = body.split("!=", 1)
        return k not in elem or render(elem[k]) != v
    if "=" in body:
        k, v = body.split("=", 1)
        return k in elem and render(elem[k]) == v
    if body.startswith("!"):
        return not truthy(elem.get(body[1:], MISSING))
    return truthy(elem.get(body, MISSING))


def step(v, seg, where):
    """One segment on one value: returns (values, is_many)."""
    if seg == "*":
        if isinstance(v, list):
            return list(v), True
        if isinstance(v, dict):
            return list(v.values()), True
        raise PathError("%s: * on a %s" % (where, type(v).__name__))
    if seg.startswith("["):
        if not isinstance(v, list):
            raise PathError("%s: filter %s on a %s" % (where, seg, type(v).__name__))
        return [e for e in v if match(e, seg)], True
    optional = seg.endswith("?")
    key = seg[:-1] if optional else seg
    if v is MISSING:
        return MISSING, False
    if isinstance(v, list):
        try:
            return v[int(key)], False
        except (ValueError, IndexError):
            if optional:
                return MISSING, False
            raise PathError("%s: no index %s in an array of %d" % (where, key, len(v)))
    if isinstance(v, dict) and key in v:
        return v[key], False
    if optional:
        return MISSING, False
    raise PathError("%s: no key '%s'" % (where, key))


def select(doc, path):
    """Returns (value, is_many): is_many when a * or filter selected a list."""
    vals, many = [doc], False
    done = []
    for seg in split_path(path):
        where = ".".join(done) or "(top)"
        nxt = []
        for v in vals:
            r, m = step(v, seg, where)
            if m:
                nxt.extend(r)
            else:
                nxt.append(r)
        many = many or seg == "*" or seg.startswith("[")
        vals = nxt
        done.append(seg)
    return (vals if many else vals[0]), many


def apply_func(v, many, func):
    name, _, arg = func.partition(":")
    if name == "len":
        return len(v)
    if name == "keys":
        return ",".join(sorted(v))
    if name == "has":
        keys = arg.split(",")
        if isinstance(v, dict):
            return all(k in v for k in keys)
        return bool(v) and all(isinstance(x, dict) and all(k in x for k in keys) for x in v)
    if name == "contains":
        if isinstance(v, str):
            return arg in v
        return any(isinstance(x, str) and arg in x for x in v)
    if name == "sum":
        return sum(v)
    if name == "type":
        for t, n in ((bool, "boolean"), (list, "array"), (dict, "object"), (str, "string"),
                     ((int, float), "number")):
            if isinstance(v, t):
                return n
        return "null"
    raise PathError("unknown function |%s" % func)


def evaluate(doc, expr):
    path, bar, func = expr.partition("|")
    v, many = select(doc, path)
    if bar:
        return render(apply_func(v, many, func))
    if many:
        return "\n".join(render(x) for x in v)
    return render(v)


def main(argv):
    sep = " "
    if len(argv) > 1 and argv[1] == "--lines":
        sep = "\n"
        argv = argv[:1] + argv[2:]
    if len(argv) < 3:
        sys.stderr.write("usage: jsonpath.py [--lines] FILE|- PATH...\n")
        return 2
    name = argv[1]
    try:
        if name == "-":
            doc = json.load(sys.stdin)
        else:
            with open(name) as f:
                doc = json.load(f)
    except (OSError, ValueError) as e:
        sys.stderr.write("jsonpath: %s: not a JSON document: %s\n" % (name, e))
        return 1
    out = []
    for expr in argv[2:]:
        try:
            out.append(evaluate(doc, expr))
        except (PathError, TypeError) as e:
            sys.stderr.write("jsonpath: %s: %s: %s\n" % (name, expr, e))
            return 1
    print(sep.join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
