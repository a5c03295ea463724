"""cs_admin: the test configuration server's unsigned admin endpoints
(tests/cs_server.py: /admin/records, /admin/requests, /admin/fault), over
HTTPS verified against the test CA.

    python3 tests/lib/cs_admin.py PORT CA_FILE METHOD PATH [JSON]
        prints the answer's body; exit 0 for HTTP < 300, 1 otherwise
    python3 tests/lib/cs_admin.py PORT CA_FILE requests [FROM]
        the request log from entry FROM (default 0): prints
        "ENTRIES PUTS GAP_MS", ENTRIES the number of entries from FROM on,
        PUTS how many of them are PUT, GAP_MS the milliseconds between the
        first two PUTs (-1 when there are not exactly two)
"""
import http.client
import json
import ssl
import sys


def call(port, ca, method, path, body=None):
    ctx = ssl.create_default_context(cafile=ca)
    c = http.client.HTTPSConnection("127.0.0.1", int(port), context=ctx, timeout=10)
    c.request(method, path, body=body, headers={"Content-Type": "application/json"})
    r = c.getresponse()
    return r.status, r.read().decode()


def requests_summary(port, ca, start):
    status, body = call(port, ca, "GET", "/admin/requests")
    if status >= 300:
        raise SystemExit("cs_admin: GET /admin/requests: HTTP %d" % status)
    log = json.loads(body)[start:]
    puts = [x for x in log if x["method"] == "PUT"]
    gap = int((puts[1]["t"] - puts[0]["t"]) * 1000) if len(puts) == 2 else -1
    return "%d %d %d" % (len(log), len(puts), gap)


def main(argv):
    if len(argv) >= 4 and argv[3] == "requests":
        print(requests_summary(argv[1], argv[2], int(argv[4]) if len(argv) > 4 else 0))
        return 0
    if len(argv) < 5:
        sys.stderr.write("usage: cs_admin.py PORT CA METHOD PATH [JSON] | PORT CA requests [FROM]\n")
        return 2
    status, body = call(argv[1], argv[2], argv[3], argv[4], argv[5] if len(argv) > 5 else None)
    sys.stdout.write(body)
    return 0 if status < 300 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
