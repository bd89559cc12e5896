"""A local SMTP sink (aiosmtpd) that keeps every message it accepts as a file.

    python -m devtools.mailsink --port 2525 --dir .hestami/mail

Each message is written to ``<dir>/<Message-ID>.eml`` (the id made safe for a
file name), whole, under a temporary name first. One file per Message-ID: a
message arriving again with an id already kept is a resend, and is logged to
``<dir>/duplicates.log`` instead of being kept twice — what a mailbox that
deduplicates by Message-ID shows its reader.

Addresses at two reserved test domains answer as a real server would refuse:
``…@bounce.invalid`` gets ``550`` (a permanent failure: a bounce), and
``…@defer.invalid`` gets ``451`` (a temporary one: try again later).

`make run` starts it (devtools/devservices.py); the tests run the same handler
in-process (`start`).
"""

from __future__ import annotations

import argparse
import os
import re
import threading
import time
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

BOUNCE_DOMAIN = "bounce.invalid"
DEFER_DOMAIN = "defer.invalid"


def file_name(message_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.@-]", "_", message_id.strip().strip("<>")) + ".eml"


@dataclass
class Sink:
    """The aiosmtpd handler: keeps one file per Message-ID under `directory`."""

    directory: Path
    transactions: int = 0
    duplicates: list[str] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: Any) -> str:
        domain = address.rsplit("@", 1)[-1].lower()
        if domain == BOUNCE_DOMAIN:
            return "550 5.1.1 No such mailbox"
        if domain == DEFER_DOMAIN:
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        message = BytesParser(policy=policy.default).parsebytes(content)
        message_id = str(message.get("Message-ID") or f"<no-id-{time.time_ns()}@sink>")
        target = self.directory / file_name(message_id)
        with self._lock:
            self.transactions += 1
            if target.exists():
                self.duplicates.append(message_id)
                self._log_duplicate(message_id, str(message.get("X-Hestami-Attempt", "")))
            else:
                partial = target.with_suffix(".partial")
                partial.write_bytes(content)
                os.replace(partial, target)
        return "250 Message accepted for delivery"

    def _log_duplicate(self, message_id: str, attempt: str) -> None:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        with open(self.directory / "duplicates.log", "a") as log:
            log.write(f"{stamp} {message_id} attempt {attempt}\n")

    def messages(self) -> list[EmailMessage]:
        """Every message kept, oldest first."""
        files = sorted(self.directory.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [BytesParser(policy=policy.default).parsebytes(p.read_bytes()) for p in files]

    def find(self, message_id: str) -> EmailMessage | None:
        path = self.directory / file_name(message_id)
        if not path.exists():
            return None
        return BytesParser(policy=policy.default).parsebytes(path.read_bytes())


def start(directory: Path, port: int = 0, host: str = "127.0.0.1") -> tuple[Controller, Sink]:
    """Serve a sink on a thread; returns the controller (`.port`, `.stop()`) and the sink."""
    directory.mkdir(parents=True, exist_ok=True)
    sink = Sink(directory)
    controller = Controller(sink, hostname=host, port=port or _free_port(host))
    controller.start()
    return controller, sink


def _free_port(host: str) -> int:
    import socket

    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devtools.mailsink", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525)
    parser.add_argument("--dir", default=".hestami/mail")
    args = parser.parse_args(argv)
    controller, _ = start(Path(args.dir), args.port, args.host)
    print(f"mail sink on {args.host}:{controller.port}, keeping messages in {args.dir}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
