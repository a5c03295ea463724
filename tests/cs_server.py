#!/usr/bin/env python3
"""cs_server.py: a configuration server speaking API v1 (mt-agent-api(7)), for tests and the demo.

Python 3 standard library only: http.server + ssl + sqlite3 + hmac.

    cs_server.py --cert C --key K --passphrase-file F --db DB [--port N] [--bind ADDR]
                 [--alt-cert C2 --alt-key K2] [--fault SPEC]... [--mitm] [--clock-offset S]
                 [--heartbeat-s N] [--port-file FILE]
    cs_server.py --db DB --dump          print the records as JSON and exit

It prints "PORT <n>" on stdout once it listens (port 0: any free port).

API v1: GET /api/v1/ping (unsigned), PUT /api/v1/master-targets/{id},
POST /api/v1/master-targets/{id}/heartbeat, DELETE /api/v1/master-targets/{id}.
Requests must carry X-MT-Date (skew <= 300 s), X-MT-Nonce (32 hex, never seen
before) and Authorization: MT1-HMAC-SHA256 <hex>; every response but ping
carries X-MT-Signature. Records and seen nonces live in sqlite.

Faults (--fault SPEC on the command line, or POST /admin/fault {"fault":..,...};
DELETE /admin/fault clears them). SPEC is NAME[:key=value...], keys count=N
(the next N requests or connections, 0 = all; default 0), retry_after=S,
delay=S:
  NNN          answer HTTP NNN (signed), e.g. 500, 408, 409; 503 and 429 with
               Retry-After: retry_after (default 1)
  slow         sleep `delay` seconds (default 5) before answering
  reset        read the request, then reset the connection (RST)
  wrong-cert   present --alt-cert (not signed by the CA) in the handshake
  bad-json     a signed 200 whose body is not JSON
  bad-sig      a wrong X-MT-Signature
  no-sig       no X-MT-Signature at all
  replay       refuse the request as a replayed nonce (401)
  skew         refuse the request for clock skew (401)
--mitm: a man in the middle with a valid certificate but without the
passphrase: it accepts every request unverified and signs with a key of its own.

Admin (unsigned, for tests and the demo): GET /admin/records, GET /admin/requests,
POST/DELETE /admin/fault.
"""
import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import socket
import sqlite3
import ssl
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SALT = b"mt-agent/v1"
ITER = 100000
SKEW = 300
ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
PATH_RE = re.compile(r"^/api/v1/master-targets/([^/]+)(/heartbeat)?$")


def derive_key(passphrase: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", passphrase, SALT, ITER, 32)


def read_passphrase(path):
    with open(path, "rb") as f:
        line = f.readline()
    return line.rstrip(b"\r\n")


def sign(key, fields):
    return hmac.new(key, "\n".join(fields).encode(), hashlib.sha256).hexdigest()


class Faults:
    """Active faults, each with a remaining count (None: forever)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.active = {}

    def add(self, name, count=0, retry_after=1, delay=5):
        with self.lock:
            self.active[name] = {"left": count if count > 0 else None,
                                 "retry_after": retry_after, "delay": delay}

    def add_spec(self, spec):
        parts = spec.split(":")
        kw = {}
        for p in parts[1:]:
            k, _, v = p.partition("=")
            kw[k] = float(v) if k == "delay" else int(v)
        self.add(parts[0], **kw)

    def take_request(self):
        """The first active request-level fault (not wrong-cert), consumed once."""
        with self.lock:
            names = [n for n in self.active if n != "wrong-cert"]
        return self.take(names)

    def clear(self):
        with self.lock:
            self.active.clear()

    def take(self, names):
        """The first active fault among names, consumed once; (name, params) or (None, None)."""
        with self.lock:
            for n in names:
                f = self.active.get(n)
                if not f:
                    continue
                if f["left"] is not None:
                    f["left"] -= 1
                    if f["left"] <= 0:
                        del self.active[n]
                return n, f
        return None, None


class Store:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()
        with self.conn() as c:
            c.execute("""CREATE TABLE IF NOT EXISTS master_targets (
                host_id TEXT PRIMARY KEY, document TEXT NOT NULL, created_at INTEGER NOT NULL,
                updated_at INTEGER NOT NULL, last_heartbeat INTEGER, registrations INTEGER NOT NULL)""")
            c.execute("CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, seen_at INTEGER NOT NULL)")

    def conn(self):
        return sqlite3.connect(self.path, timeout=10)

    def nonce_fresh(self, nonce, now):
        with self.lock, self.conn() as c:
            c.execute("DELETE FROM nonces WHERE seen_at < ?", (now - 2 * SKEW,))
            try:
                c.execute("INSERT INTO nonces VALUES (?, ?)", (nonce, now))
                return True
            except sqlite3.IntegrityError:
                return False

    def upsert(self, host_id, doc, now):
        with self.lock, self.conn() as c:
            row = c.execute("SELECT registrations FROM master_targets WHERE host_id = ?", (host_id,)).fetchone()
            if row:
                c.execute("UPDATE master_targets SET document = ?, updated_at = ?, registrations = ? "
                          "WHERE host_id = ?", (doc, now, row[0] + 1, host_id))
                return False
            c.execute("INSERT INTO master_targets VALUES (?, ?, ?, ?, NULL, 1)", (host_id, doc, now, now))
            return True

    def heartbeat(self, host_id, now):
        with self.lock, self.conn() as c:
            return c.execute("UPDATE master_targets SET last_heartbeat = ? WHERE host_id = ?",
                             (now, host_id)).rowcount > 0

    def delete(self, host_id):
        with self.lock, self.conn() as c:
            return c.execute("DELETE FROM master_targets WHERE host_id = ?", (host_id,)).rowcount > 0

    def records(self):
        with self.lock, self.conn() as c:
            rows = c.execute("SELECT host_id, document, created_at, updated_at, last_heartbeat, registrations "
                             "FROM master_targets ORDER BY host_id").fetchall()
        out = []
        for r in rows:
            try:
                doc = json.loads(r[1])
            except ValueError:
                doc = r[1]
            out.append({"host_id": r[0], "document": doc, "created_at": r[2], "updated_at": r[3],
                        "last_heartbeat": r[4], "registrations": r[5]})
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "mt-cs-test/1"

    def log_message(self, fmt, *args):
        if self.server.opts.verbose:
            sys.stderr.write("cs_server: %s %s\n" % (self.address_string(), fmt % args))

    # --- plumbing ---------------------------------------------------------
    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, obj, nonce=None, signed=True, retry_after=None, raw=None):
        body = raw if raw is not None else (b"" if obj is None else json.dumps(obj).encode())
        self.server.log_request_done(self.command, self.path, status)
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        if signed:
            sig = sign(self.server.key, [str(status), nonce or "", hashlib.sha256(body).hexdigest()])
            if self.fault == "bad-sig":
                sig = ("0" if sig[0] != "0" else "1") + sig[1:]
            if self.fault != "no-sig":
                self.send_header("X-MT-Signature", sig)
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message, nonce=None, **kw):
        self.send(status, {"error": {"code": code, "message": message}}, nonce=nonce, **kw)

    def reset(self):
        self.server.log_request_done(self.command, self.path, "reset")
        s = self.connection
        try:
            # linger 0: close() sends RST, no TLS close_notify, no HTTP answer
            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            s.close()
        except OSError:
            pass
        self.close_connection = True

    # --- auth -------------------------------------------------------------
    def authenticate(self, body):
        """None when the request is authentic, else (code, message)."""
        date = self.headers.get("X-MT-Date", "")
        nonce = self.headers.get("X-MT-Nonce", "")
        auth = self.headers.get("Authorization", "")
        if not re.fullmatch(r"[0-9a-f]{32}", nonce):
            return ("bad_nonce", "X-MT-Nonce must be 32 hex digits")
        if not re.fullmatch(r"[0-9]{1,12}", date):
            return ("bad_date", "X-MT-Date must be unix seconds")
        if self.server.opts.mitm:
            return None  # no passphrase: it cannot check anything
        now = int(time.time()) + self.server.opts.clock_offset
        if abs(now - int(date)) > SKEW:
            return ("clock_skew", "X-MT-Date is %d s away from the server's clock (at most %d)" %
                    (int(date) - now, SKEW))
        scheme, _, sig = auth.partition(" ")
        want = sign(self.server.key, [self.command, self.path, date, nonce, hashlib.sha256(body).hexdigest()])
        if scheme != "MT1-HMAC-SHA256" or not hmac.compare_digest(sig.strip().lower(), want):
            return ("bad_signature", "the request signature does not verify with the passphrase")
        if not self.server.store.nonce_fresh(nonce, now):
            return ("nonce_replayed", "this X-MT-Nonce was seen before")
        return None

    # --- dispatch ---------------------------------------------------------
    def handle_one_request(self):
        self.fault = None
        try:
            super().handle_one_request()
        except (ssl.SSLError, ConnectionError, OSError):
            self.close_connection = True

    def do_GET(self):
        self.route()

    def do_PUT(self):
        self.route()

    def do_POST(self):
        self.route()

    def do_DELETE(self):
        self.route()

    def route(self):
        body = self.body()
        if self.path.startswith("/admin/"):
            return self.admin(body)
        if not self.path.startswith("/api/v1/"):
            return self.error(404, "not_found", "no such endpoint", signed=False)
        # ping: unsigned, never subject to request faults (the TLS fault still applies)
        if self.path == "/api/v1/ping" and self.command == "GET":
            return self.send(200, {"api": 1, "time": int(time.time()) + self.server.opts.clock_offset},
                             signed=False)
        name, f = self.server.faults.take_request()
        self.fault = name
        if name == "reset":
            return self.reset()
        if name == "slow":
            time.sleep(f["delay"])
        nonce = self.headers.get("X-MT-Nonce")
        if name and name.isdigit():
            st = int(name)
            return self.error(st, "injected", "injected HTTP %d" % st, nonce,
                              retry_after=f["retry_after"] if st in (429, 503) else None)
        if name == "replay":
            return self.error(401, "nonce_replayed", "this X-MT-Nonce was seen before", nonce)
        if name == "skew":
            return self.error(401, "clock_skew", "X-MT-Date is too far from the server's clock", nonce)
        bad = self.authenticate(body)
        if bad:
            return self.error(401, bad[0], bad[1], nonce)
        if name == "bad-json":
            return self.send(200, None, nonce, raw=b'{"host_id": "x", "heartbeat_s": ')
        m = PATH_RE.match(self.path)
        if not m:
            return self.error(404, "not_found", "no such endpoint", nonce)
        host_id, hb = m.group(1), m.group(2)
        if not ID_RE.match(host_id):
            return self.error(400, "bad_host_id", "host_id must match [A-Za-z0-9._-]{1,128}", nonce)
        now = int(time.time())
        if self.command == "PUT" and not hb:
            try:
                doc = json.loads(body)
            except ValueError:
                return self.error(400, "bad_json", "the registration document is not JSON", nonce)
            if not isinstance(doc, dict) or doc.get("host_id") != host_id:
                return self.error(400, "bad_document", "the document must be an object whose host_id is the "
                                  "one in the path", nonce)
            created = self.server.store.upsert(host_id, json.dumps(doc, sort_keys=True), now)
            return self.send(201 if created else 200,
                             {"host_id": host_id, "heartbeat_s": self.server.opts.heartbeat_s}, nonce)
        if self.command == "POST" and hb:
            if not self.server.store.heartbeat(host_id, now):
                return self.error(404, "not_registered", "no master target %s" % host_id, nonce)
            return self.send(200, {"heartbeat_s": self.server.opts.heartbeat_s}, nonce)
        if self.command == "DELETE" and not hb:
            if not self.server.store.delete(host_id):
                return self.error(404, "not_registered", "no master target %s" % host_id, nonce)
            return self.send(204, None, nonce)
        return self.error(405, "method_not_allowed", "%s not allowed here" % self.command, nonce)

    def admin(self, body):
        if self.path == "/admin/records" and self.command == "GET":
            return self.send(200, self.server.store.records(), signed=False)
        if self.path == "/admin/requests" and self.command == "GET":
            with self.server.req_lock:
                reqs = list(self.server.requests)
            return self.send(200, reqs, signed=False)
        if self.path == "/admin/fault" and self.command == "POST":
            try:
                d = json.loads(body)
                self.server.faults.add(d["fault"], int(d.get("count", 0)), int(d.get("retry_after", 1)),
                                       float(d.get("delay", 5)))
            except (ValueError, KeyError, TypeError) as e:
                return self.error(400, "bad_fault", str(e), signed=False)
            return self.send(200, {"ok": True}, signed=False)
        if self.path == "/admin/fault" and self.command == "DELETE":
            self.server.faults.clear()
            return self.send(200, {"ok": True}, signed=False)
        return self.error(404, "not_found", "no such admin endpoint", signed=False)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # agents retrying fast must not find the backlog full

    def __init__(self, addr, opts):
        self.opts = opts
        self.ctx = self.make_ctx(opts.cert, opts.key)
        self.alt_ctx = self.make_ctx(opts.alt_cert, opts.alt_key) if opts.alt_cert else None
        self.faults = Faults()
        for s in opts.fault or []:
            self.faults.add_spec(s)
        self.store = Store(opts.db)
        if opts.mitm:
            self.key = secrets.token_bytes(32)
        else:
            self.key = derive_key(read_passphrase(opts.passphrase_file))
        self.requests = []
        self.req_lock = threading.Lock()
        super().__init__(addr, Handler)

    @staticmethod
    def make_ctx(cert, key):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        ctx.load_cert_chain(cert, key)
        return ctx

    def log_request_done(self, method, path, status):
        with self.req_lock:
            self.requests.append({"t": round(time.time(), 3), "method": method, "path": path, "status": status})

    def get_request(self):
        sock, addr = self.socket.accept()
        ctx = self.ctx
        if self.alt_ctx:
            name, _ = self.faults.take(["wrong-cert"])
            if name:
                ctx = self.alt_ctx
        sock.settimeout(30)
        # The handshake happens in the handler thread, on the first read.
        return ctx.wrap_socket(sock, server_side=True, do_handshake_on_connect=False), addr

    def handle_error(self, request, client_address):
        if self.opts.verbose:
            super().handle_error(request, client_address)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--cert")
    ap.add_argument("--key")
    ap.add_argument("--alt-cert")
    ap.add_argument("--alt-key")
    ap.add_argument("--passphrase-file")
    ap.add_argument("--db", required=True)
    ap.add_argument("--fault", action="append")
    ap.add_argument("--mitm", action="store_true")
    ap.add_argument("--clock-offset", type=int, default=0)
    ap.add_argument("--heartbeat-s", type=int, default=60)
    ap.add_argument("--dump", action="store_true", help="print the records as JSON and exit")
    ap.add_argument("-v", "--verbose", action="store_true")
    opts = ap.parse_args()
    if opts.dump:
        print(json.dumps(Store(opts.db).records(), indent=2, sort_keys=True))
        return 0
    if not opts.cert or not opts.key or not (opts.passphrase_file or opts.mitm):
        ap.error("--cert, --key and --passphrase-file (or --mitm) are required")
    srv = Server((opts.bind, opts.port), opts)
    port = srv.server_address[1]
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, opts.port_file)
    print("PORT %d" % port, flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
