"""A stand-in LibreTranslate-compatible service on 127.0.0.1 (a real HTTP server in a
thread): `POST /translate` with a JSON body, answering per `mode`:

- "ok": {"translatedText": ["<target>: <text>", …]}, quote marks kept;
- "html": the text wrapped in <b>…</b>; "garbage": not JSON; "count": one string too few;
- "long": each text repeated fifty times; "lost": every ⟦n⟧ mark dropped;
- "error": HTTP 500; "slow": answers after `delay` seconds.

Each request's JSON body is kept in `received`."""

import http.server
import json
import threading
import time


class TranslatorStub:
    def __init__(self):
        self.received, self.mode, self.delay = [], "ok", 3.0
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stub.received.append({"path": self.path, **body})
                if stub.mode == "slow":
                    time.sleep(stub.delay)
                if stub.mode == "error":
                    self.send_response(500)
                    self.end_headers()
                    return
                texts = [f"{body['target']}: {text}" for text in body["q"]]
                if stub.mode == "html":
                    texts = [f"<b>{text}</b>" for text in texts]
                elif stub.mode == "count":
                    texts = texts[:-1]
                elif stub.mode == "long":
                    texts = [text * 50 for text in texts]
                elif stub.mode == "lost":
                    texts = [text.replace("⟦", "").replace("⟧", "") for text in texts]
                payload = (
                    b"<html>not json" if stub.mode == "garbage" else json.dumps({"translatedText": texts}).encode()
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
