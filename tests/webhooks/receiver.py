"""A real HTTP receiver for webhook tests: a threaded server on loopback that
records every request and answers with the statuses it is told to."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    answered: int


@dataclass
class Receiver:
    url: str
    # Statuses to answer, in order; once used up, `then` for every request.
    script: list[int] = field(default_factory=list)
    then: int = 204
    requests: list[Received] = field(default_factory=list)

    async def wait_for(self, count: int, timeout: float = 20.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.requests) < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"received {len(self.requests)} of {count} requests in {timeout}s")
            await asyncio.sleep(0.05)
        return list(self.requests)


@contextmanager
def receiver(script: list[int] | None = None, then: int = 204) -> Iterator[Receiver]:
    state: dict[str, Any] = {}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            recv: Receiver = state["receiver"]
            with lock:
                status = recv.script.pop(0) if recv.script else recv.then
                recv.requests.append(Received({k.lower(): v for k, v in self.headers.items()}, body, status))
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recv = Receiver(f"http://127.0.0.1:{server.server_address[1]}/hook", list(script or []), then)
    state["receiver"] = recv
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recv
    finally:
        server.shutdown()
        server.server_close()
