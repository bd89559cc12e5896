"""The suite's SMTP server: the local sink (devtools/mailsink.py) on a loopback
port, started once when tests/conftest.py is imported so that every Settings —
in-process, and a child server's, which inherits the environment — sends to it.
Tests read what it kept (`SINK.find(message_id)`, `SINK.messages()`)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from devtools import mailsink

DIRECTORY = Path(tempfile.mkdtemp(prefix="hestami-mail-"))
CONTROLLER, SINK = mailsink.start(DIRECTORY)
os.environ["HESTAMI_SMTP_HOST"] = "127.0.0.1"
os.environ["HESTAMI_SMTP_PORT"] = str(CONTROLLER.port)
# A temporary failure is tried again within a second, not an hour.
os.environ["HESTAMI_MESSAGE_RETRY_SECONDS"] = "[0.1, 0.2, 0.3]"
