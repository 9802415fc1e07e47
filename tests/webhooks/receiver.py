"""A real HTTP receiver on 127.0.0.1, in a thread: it records every request when it arrives
(`requests`) and again once it has answered (`answered`), checks each signature with the
secret it is given, and answers as a test tells it to (status codes in turn, a delay, a body,
a redirect)."""

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from lodestar.webhooks.signing import verify_signature


@dataclass
class Request:
    path: str
    headers: dict
    body: bytes
    verified: bool | None

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Answers `statuses` in turn (the last one then for ever); `delay` seconds before each."""

    statuses: list[int] = field(default_factory=lambda: [200])
    delay: float = 0.0
    answer: bytes = b'{"ok": true}'
    secret: str | None = None
    location: str = ""
    requests: list[Request] = field(default_factory=list)
    answered: list[Request] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hooks/lodestar"

    def next_status(self) -> int:
        return self.statuses.pop(0) if len(self.statuses) > 1 else self.statuses[0]

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k.lower(): v for k, v in self.headers.items()}
                verified = None
                if receiver.secret is not None:
                    verified = verify_signature(
                        receiver.secret, headers.get("lodestar-signature", ""), body
                    )
                request = Request(self.path, headers, body, verified)
                receiver.requests.append(request)
                time.sleep(receiver.delay)
                status = receiver.next_status()
                try:
                    self.send_response(status)
                    if receiver.location:
                        self.send_header("Location", receiver.location)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(receiver.answer)))
                    self.end_headers()
                    self.wfile.write(receiver.answer)
                except OSError:  # the client gave up (a timeout, a killed worker)
                    pass
                receiver.answered.append(request)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
