"""A stand-in WebSub hub on 127.0.0.1 (a real HTTP server in a thread) that records the
pings it accepts. `mode` says how it answers: "ok" (204), "failing" (503), "refusing"
(404) or "hanging" (holds the request until released or the client goes away; a ping
counts as accepted only when the hub answered it)."""

import http.server
import socket
import threading
import urllib.parse


class Hub:
    def __init__(self):
        self.received, self.mode = [], "ok"
        self.arrived = 0  # requests that reached the hub, answered or not
        self.release = threading.Event()
        hub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                hub.arrived += 1
                if hub.mode == "hanging":
                    hub.release.wait(60)
                    if _closed(self.connection):
                        return  # the client went away while the hub held it: nothing accepted
                if hub.mode in ("ok", "hanging"):
                    hub.received.append(urllib.parse.parse_qs(body))  # before answering: no race
                    self.send_response(204)
                elif hub.mode == "failing":
                    self.send_response(503)
                else:
                    self.send_response(404)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def topics(self):
        return [item["hub.url"][0] for item in self.received]

    def stop(self):
        self.release.set()
        self.server.shutdown()


def _closed(connection) -> bool:
    try:
        return connection.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False  # still open, nothing more to read
    except OSError:
        return True


class Purger:
    """A stand-in for Varnish's purge endpoint: records each PURGE's headers (names in
    lower case), answering 200 ("ok") or 503 ("failing")."""

    def __init__(self):
        self.purges, self.mode = [], "ok"
        purger = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_PURGE(self):  # noqa: N802 - http.server's name
                purger.purges.append({name.lower(): value for name, value in self.headers.items()})
                self.send_response(200 if purger.mode == "ok" else 503)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
