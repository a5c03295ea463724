"""jsondoc: judge what mt-agent printed on stdout as its one JSON document.

    python3 tests/lib/jsondoc.py FILE EXIT [VERB]

FILE holds stdout. It must be exactly one JSON document, read strictly: the
bytes decoded as UTF-8 with errors='strict' (an invalid byte fails), then
json.loads(strict=True) (a raw control character fails); nothing but white
space after it; a JSON object. Its members must follow the contract of
mt-agent-api(7) THE DOCUMENT: "verb" (VERB, or null when VERB is "-"), "ok"
(EXIT == 0), "exit_status" (EXIT), and for EXIT != 0 a non-empty "error"
string. The document must hold no DEL and no C1 control either (a terminal may
obey U+009B). Prints what is wrong and exits 1, else prints the error member
(or "") and exits 0.
"""
import json, sys

raw = open(sys.argv[1], "rb").read()
want_exit = int(sys.argv[2])
want_verb = sys.argv[3] if len(sys.argv) > 3 else None
bad = []
try:
    text = raw.decode("utf-8", errors="strict")
except UnicodeDecodeError as e:
    print("not UTF-8: %s" % e)
    sys.exit(1)
try:
    doc, end = json.JSONDecoder(strict=True).raw_decode(text.lstrip())
except ValueError as e:
    print("not one JSON document: %s; stdout was %r" % (e, raw[:300]))
    sys.exit(1)
if text.lstrip()[end:].strip():
    bad.append("more after the document: %r" % text.lstrip()[end:][:80])
if any(0x7f <= ord(c) <= 0x9f for c in text):
    bad.append("a raw DEL or C1 control in the text")
if not isinstance(doc, dict):
    print("not an object: %r" % doc)
    sys.exit(1)
if want_verb is not None:
    if doc.get("verb", "missing") != (None if want_verb == "-" else want_verb):
        bad.append("verb %r, want %r" % (doc.get("verb", "missing"), want_verb))
if doc.get("ok") is not (want_exit == 0):
    bad.append("ok %r with exit %d" % (doc.get("ok", "missing"), want_exit))
if doc.get("exit_status") != want_exit:
    bad.append("exit_status %r, want %d" % (doc.get("exit_status", "missing"), want_exit))
err = doc.get("error", "")
if want_exit != 0 and not (isinstance(err, str) and err.strip()):
    bad.append("no error message (error %r)" % (err,))
if bad:
    print("; ".join(bad))
    sys.exit(1)
print(err if isinstance(err, str) else "")
