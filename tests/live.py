"""Run the real server (`hestami serve`) as a subprocess, for tests that need a
real socket, real concurrency or a real process to kill.

The child inherits this process's environment: tests/conftest.py has already
put the test database, Redis prefix, JWT keys and Cerbos address there, so the
child shares the database, DBOS system database and session store with the
in-process `platform` (a token issued in-process works against the child).

    with live_server({"HESTAMI_SOMETHING": "1"}) as server:
        httpx.get(server.url + "/readyz")
        server.kill()        # SIGKILL, for crash tests

Each server logs to its own temporary file; a server that is not ready within
the timeout fails with that log in the message. Logs are deleted when the
server stops cleanly, unless HESTAMI_KEEP_LIVE_LOGS is set.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv" / "bin" / "python").exists() else sys.executable


# How long a server may take to answer /readyz. Importing the app alone took
# 16–24 s on the shared 2-core machines at a load average of 17 (December 2026),
# so 30 s failed the live-server tests for no fault of the code under test.
READY_TIMEOUT = float(os.environ.get("HESTAMI_LIVE_READY_TIMEOUT", "120"))


class ServerFailed(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveServer:
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path
    _log_file: object = field(repr=False, default=None)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return "<no log>"

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        last = "no answer yet"
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise ServerFailed(f"server exited with {self.process.returncode} before it was ready; log:\n{self.log()}")
                try:
                    r = client.get(self.url + "/readyz")
                    if r.status_code == 200:
                        return
                    last = f"{r.status_code} {r.text}"
                except httpx.HTTPError as exc:
                    last = repr(exc)
                time.sleep(0.1)
        self.stop()
        raise ServerFailed(f"server not ready after {timeout:.0f}s ({last}); log:\n{self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no flushing — a crash."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self._close_log()

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM (uvicorn's graceful shutdown), then SIGKILL if it hangs."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._close_log()

    def cleanup(self) -> None:
        """Stop (if still running) and delete the log, unless HESTAMI_KEEP_LIVE_LOGS is set."""
        self.stop()
        if not os.environ.get("HESTAMI_KEEP_LIVE_LOGS"):
            self.log_path.unlink(missing_ok=True)

    def _close_log(self) -> None:
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None


def start_server(
    extra_env: Mapping[str, str] | None = None,
    *,
    executor_id: str | None = None,
    port: int | None = None,
    timeout: float = READY_TIMEOUT,
) -> LiveServer:
    """Start `python -m devtools.cli serve` and wait for /readyz to answer 200.

    `executor_id` becomes the child's DBOS executor id (DBOS__VMID). Each server
    gets a fresh one unless told otherwise: at launch DBOS recovers the PENDING
    workflows of its own executor id, so a server must not share one with the test
    process (it would re-run workflows still running here). A crash test passes the
    same id to the server it kills and to the one that replaces it.
    """
    port = port or free_port()
    env = {**os.environ, "DBOS__VMID": executor_id or f"live-{uuid.uuid4().hex[:12]}", **(extra_env or {})}
    env.setdefault("PYTHONUNBUFFERED", "1")
    fd, name = tempfile.mkstemp(prefix=f"hestami-live-{port}-", suffix=".log")
    os.close(fd)
    log_path = Path(name)
    log_file = log_path.open("wb")
    process = subprocess.Popen(
        [PYTHON, "-m", "devtools.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log_file,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
    )
    server = LiveServer(process, port, log_path, log_file)
    server.wait_ready(timeout)
    return server


@contextmanager
def live_server(
    extra_env: Mapping[str, str] | None = None, *, executor_id: str | None = None, timeout: float = READY_TIMEOUT
) -> Iterator[LiveServer]:
    server = start_server(extra_env, executor_id=executor_id, timeout=timeout)
    try:
        yield server
    finally:
        server.cleanup()


async def cli(env: Mapping[str, str], *args: str) -> str:
    """Run `hestami *args` (python -m devtools.cli) as a process of its own with `env`
    over the test's environment; its output, which must end in success."""
    proc = await asyncio.create_subprocess_exec(
        PYTHON,
        "-m",
        "devtools.cli",
        *args,
        env={**os.environ, **env},
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    text = out.decode(errors="replace")
    assert proc.returncode == 0, text
    return text
