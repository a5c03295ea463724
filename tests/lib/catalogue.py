"""catalogue: the readiness-check catalogue as the binary states it, held against
what mt-agent(8) (CHECKS) and README.md (the troubleshooting table) tell the operator.

    python3 tests/lib/catalogue.py LIST.txt CHECK.json MAN.txt README.md HELP.txt

LIST.txt: `mt-agent check --list` (id, severity, title); CHECK.json: `mt-agent --json
check` on roots where checks fail (several documents, one per line or concatenated);
MAN.txt: mt-agent(8) rendered by groff on one long line per paragraph; HELP.txt:
`mt-agent --help` (its "verbs:" list). Prints one line
per judgement, "ok<TAB>what" or "not ok<TAB>what: why"; the caller counts them.

What a remediation commits to, taken from the binary's own text by rule, never
listed here: each `mt-agent VERB [SUBVERB] [--option]` it names (VERB one of --help's;
`mt-agent check`, a pointer to run a check again, is not a remedy), each KEY=VALUE
setting (BOOTPROTO=none), each `[section] key` of the configuration and each
`yum|chkconfig|service|swapon|vmkfstools WORD` command. Every one must appear in the
check's mt-agent(8) entry; the mt-agent commands and the settings also in each README
table row that names the check (the README is shorter: it need not carry the rest).
"""
import json, re, sys

lst, chk, man, readme, helptext = sys.argv[1:6]
verbs = set(re.findall(r"^  ([a-z]+)  ", open(helptext).read().split("\nverbs:\n", 1)[1], re.M)) - {"check"}


def say(good, what, why=""):
    print("ok\t" + what if good else "not ok\t%s: %s" % (what, why))


# -- the binary: ids and severities, remediations --
cat = []
for line in open(lst):
    f = line.split()
    if len(f) >= 2:
        cat.append((f[0], f[1]))
rems = {}
dec = json.JSONDecoder()
text = open(chk).read()
i = 0
while i < len(text):
    while i < len(text) and text[i].isspace():
        i += 1
    if i >= len(text):
        break
    doc, i = dec.raw_decode(text, i)
    for c in doc["checks"]:
        if c.get("remediation"):
            rems.setdefault(c["id"], set()).add(c["remediation"])

# -- mt-agent(8) CHECKS: "id (severity)" then its paragraph --
mantext = open(man).read()
sec = mantext.split("\nCHECKS\n", 1)[1].split("\nEXIT STATUS\n", 1)[0]
entries, cur = {}, None
for line in sec.splitlines():
    m = re.match(r"^\s+([a-z]+\.[a-z.-]+) \((error|warning|info)\)\s*$", line)
    if m:
        cur = m.group(1)
        entries[cur] = [m.group(2), ""]
    elif cur:
        entries[cur][1] += " " + line.strip()

# -- README's troubleshooting table: rows naming a check id in `...` --
rows = {}
for line in open(readme):
    if line.startswith("|") and line.count("|") >= 4:
        cells = [x.strip() for x in line.strip().strip("|").split("|")]
        for cid in re.findall(r"`([a-z]+\.[a-z.-]+)`", cells[1] if len(cells) > 1 else ""):
            rows.setdefault(cid, []).append(cells[-1].replace("`", ""))

# -- ids and severities, both ways --
ids = [c for c, _ in cat]
say(len(verbs) >= 8, "mt-agent --help lists %d verbs" % len(verbs), "too few")
say(len(cat) >= 10, "check --list gives the catalogue (%d checks)" % len(cat), "too few")
for cid, sev in cat:
    if cid not in entries:
        say(False, "mt-agent(8) CHECKS has %s" % cid, "missing")
        continue
    say(entries[cid][0] == sev, "mt-agent(8): %s is %s" % (cid, sev), "the page says %s" % entries[cid][0])
for cid in entries:
    if cid not in ids:
        say(False, "mt-agent(8) entry %s is in the catalogue" % cid, "check --list has no such check")
say(list(entries) == ids, "mt-agent(8) lists the checks in the catalogue's order", "%s" % list(entries))
for cid, cells in rows.items():
    say(cid in ids, "README table's %s is in the catalogue" % cid, "check --list has no such check")


# -- remediations --
def norm(s):
    for dash in "\u2010\u2011\u2212":
        s = s.replace(dash, "-")
    return re.sub(r"\s+", " ", s)


def commitments(rem):
    found = []
    for m in re.finditer(r"mt-agent ([a-z]+)((?: (?:install|list))?)((?: --[a-z-]+)*)", rem):
        if m.group(1) not in verbs:
            continue
        found.append(("cmd", "mt-agent " + m.group(1) + m.group(2)))
        for opt in m.group(3).split():
            found.append(("cmd", opt))
    for m in re.finditer(r"\b([A-Z][A-Z0-9_]+=[A-Za-z0-9_]+)", rem):
        found.append(("set", m.group(1)))
    for m in re.finditer(r"\[([a-z]+)\] ([a-z_]+)", rem):
        found.append(("conf", m.group(2)))
    for m in re.finditer(r"\b(yum install|chkconfig \w+|service \w+|swapon -a|vmkfstools -J)", rem):
        found.append(("shell", m.group(1)))
    return found


say(len(rems) >= 16, "remediations seen for %d checks (none for: %s)" % (len(rems), ", ".join(c for c in ids if c not in rems) or "-"), "too few failed")
for cid in ids:
    for rem in sorted(rems.get(cid, ())):
        body = norm(entries.get(cid, ["", ""])[1])
        for kind, tok in commitments(rem):
            say(tok in body, "mt-agent(8) %s says %s, as its remediation does" % (cid, tok),
                "the remediation says '%s'" % rem[:160])
            if kind in ("cmd", "set"):
                for row in rows.get(cid, []):
                    say(tok in row, "README table (%s) says %s, as the remediation does" % (cid, tok),
                        "the row says '%s'" % row)
