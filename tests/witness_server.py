"""A stand-in witness on 127.0.0.1 (a real HTTP server in a thread) speaking C2SP
tlog-witness: `POST /add-checkpoint` with an old size, a consistency proof and the log's
checkpoint; it checks the log's signature and the proof the way the spec says (403, 404,
409 with text/x.tlog.size, 422), keeps the latest size it cosigned, and answers its
cosignature/v1 line. Written from the spec, with the stand-alone verifier's checks, not
the project's. `mode`: "ok", "failing" (503) or "lying" (signs with another key)."""

import base64
import hashlib
import http.server
import threading
import time

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .test_transparency_log import verify_tool


class Witness:
    def __init__(self, name, log_origin, log_keys):
        self.name, self.origin, self.log_keys = name, log_origin, log_keys
        self.key = Ed25519PrivateKey.generate()
        self.public = self.key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        self.size, self.root, self.mode, self.requests = 0, None, "ok", []
        witness = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                witness.requests.append(body)
                status, content_type, answer = witness.add_checkpoint(self.path, body)
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.end_headers()
                self.wfile.write(answer.encode())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.lock = threading.Lock()
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/witness"

    def add_checkpoint(self, path, body):
        if self.mode == "failing":
            return 503, "text/plain", "busy\n"
        if path != "/witness/add-checkpoint":
            return 404, "text/plain", "no such endpoint\n"
        head, _sep, note = body.partition("\n\n")
        lines = head.split("\n")
        if not lines[0].startswith("old "):
            return 400, "text/plain", "no old size\n"
        old, proof = int(lines[0][4:]), [base64.b64decode(line) for line in lines[1:] if line]
        if not note.startswith(self.origin + "\n"):
            return 404, "text/plain", "unknown log\n"
        try:
            size, root = verify_tool.read_checkpoint(note, self.log_keys)
        except ValueError:
            return 403, "text/plain", "no trusted signature\n"
        with self.lock:  # checking the old size and keeping the new one: one step
            if old > size:
                return 400, "text/plain", "old size past the checkpoint\n"
            if old != self.size:
                return 409, "text/x.tlog.size", f"{self.size}\n"
            if old == size and root != self.root:
                return 409, "text/x.tlog.size", f"{self.size}\n"
            if 0 < old < size and not verify_tool.verify_consistency(old, size, self.root, root, proof):
                return 422, "text/plain", "inconsistent\n"
            self.size, self.root = size, root
        body_text = note.partition("\n\n")[0] + "\n"
        timestamp = int(time.time())
        message = f"cosignature/v1\ntime {timestamp}\n{body_text}".encode()
        key = Ed25519PrivateKey.generate() if self.mode == "lying" else self.key
        key_hash = hashlib.sha256(self.name.encode() + b"\n\x04" + self.public).digest()[:4]
        stamp = base64.b64encode(key_hash + timestamp.to_bytes(8, "big") + key.sign(message)).decode()
        return 200, "text/plain", f"\u2014 {self.name} {stamp}\n"

    def close(self):
        self.server.shutdown()
        self.server.server_close()
