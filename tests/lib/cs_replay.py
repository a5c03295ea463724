"""cs_replay: a client of our own for the configuration server's request
checks (tests/cs_server.py, API v1 signing): sends four signed heartbeats and
prints how each was answered.

    python3 tests/lib/cs_replay.py PORT CA PASSFILE HOST_ID

PORT: the server on 127.0.0.1 (HTTPS, verified against the CA file CA);
PASSFILE: the enrolment passphrase (first line); HOST_ID: a registered host.
The requests: a fresh one, the same nonce again, one dated 400 s in the past,
one 400 s in the future. Output: one line each, "STATUS CODE" (CODE the
error.code of a 401 answer, else empty). Exit 0; 1 when the server cannot be
reached (a traceback).
"""
import hashlib, hmac, http.client, json, ssl, sys, time
port, ca, passfile, hid = sys.argv[1:5]
key = hashlib.pbkdf2_hmac("sha256", open(passfile, "rb").readline().rstrip(b"\r\n"), b"mt-agent/v1", 100000, 32)
def call(date, nonce):
    path = "/api/v1/master-targets/%s/heartbeat" % hid
    sig = hmac.new(key, "\n".join(["POST", path, str(date), nonce, hashlib.sha256(b"").hexdigest()]).encode(),
                   hashlib.sha256).hexdigest()
    c = http.client.HTTPSConnection("127.0.0.1", int(port), context=ssl.create_default_context(cafile=ca))
    c.request("POST", path, body=b"", headers={"X-MT-Date": str(date), "X-MT-Nonce": nonce,
              "Authorization": "MT1-HMAC-SHA256 " + sig})
    r = c.getresponse()
    body = r.read()
    code = json.loads(body)["error"]["code"] if r.status == 401 else ""
    print(r.status, code)
now = int(time.time())
call(now, "ab" * 16)
call(now, "ab" * 16)           # the same nonce again
call(now - 400, "cd" * 16)     # 400 s in the past
call(now + 400, "ef" * 16)     # 400 s in the future
