"""A real HTTP server on loopback that plays IRCC's rounds feed, well or badly (draws.tests.test_feed)."""

from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FeedServer:
    """Serves `body` at /feed with an ETag (answering 304 to a matching If-None-Match).

    `mode` changes the answer: "ok", "error" (500), "truncated" (a Content-Length longer than the
    body, then the connection closes), "slow" (waits `delay` seconds before answering) or
    "trickle" (the body in ten pieces over `delay` seconds, each in time, the whole too slow).
    `hold` delays every answer, so two checks started together are in flight at the same time.
    `requests` records each request's headers.
    """

    def __init__(self, body: bytes):
        self.body = body
        self.mode = "ok"
        self.delay = 3.0
        self.hold = 0.0
        self.requests: list[dict[str, str]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 - http.server's API
                server.requests.append(dict(self.headers))
                time.sleep(server.hold)
                etag = '"' + hashlib.sha256(server.body).hexdigest()[:16] + '"'
                if server.mode == "error":
                    self.send_error(500, "Internal Server Error")
                    return
                if server.mode == "slow":
                    time.sleep(server.delay)
                if server.mode == "ok" and self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", etag)
                self.send_header("Last-Modified", "Thu, 03 Dec 2026 07:00:00 GMT")
                if server.mode == "truncated":
                    self.send_header("Content-Length", str(len(server.body)))
                    self.end_headers()
                    self.wfile.write(server.body[: len(server.body) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                try:
                    if server.mode == "trickle":  # each piece in time, the whole too slow
                        step = len(server.body) // 10 + 1
                        for start in range(0, len(server.body), step):
                            self.wfile.write(server.body[start:start + step])
                            self.wfile.flush()
                            time.sleep(server.delay / 10)
                        return
                    self.wfile.write(server.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/feed"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> FeedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
