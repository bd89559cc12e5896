"""A private Cerbos PDP for the authz tests: own ports, own config, real policies."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from graph.authz import Authorizer

ROOT = Path(__file__).resolve().parents[2]
CERBOS_BIN = ROOT / "node_modules/@cerbos/cerbos-linux-x64/cerbos-linux-x64"
POLICIES = ROOT / "cerbos" / "policies"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(http_port: int) -> bool:
    try:
        url = f"http://127.0.0.1:{http_port}/_cerbos/health"
        with urllib.request.urlopen(url, timeout=0.5) as resp:
            return resp.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture(scope="session")
def cerbos_address(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CERBOS_BIN.exists():
        pytest.skip(f"Cerbos binary missing: {CERBOS_BIN}")
    workdir = tmp_path_factory.mktemp("cerbos")
    http_port, grpc_port = _free_port(), _free_port()
    config = workdir / "cerbos.yaml"
    # schema.enforcement=reject: the tests must see what production should run.
    config.write_text(
        "server:\n"
        f'  httpListenAddr: "127.0.0.1:{http_port}"\n'
        f'  grpcListenAddr: "127.0.0.1:{grpc_port}"\n'
        "storage:\n"
        "  driver: disk\n"
        "  disk:\n"
        f'    directory: "{POLICIES}"\n'
        "    watchForChanges: false\n"
        "schema:\n"
        "  enforcement: reject\n"
        "audit:\n"
        "  enabled: false\n"
        "telemetry:\n"
        "  disabled: true\n"
    )
    log_path = workdir / "cerbos.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [str(CERBOS_BIN), "server", f"--config={config}"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 20
        while not _healthy(http_port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Cerbos did not start:\n{log_path.read_text()}")
            time.sleep(0.05)
        yield f"127.0.0.1:{grpc_port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
async def authorizer(cerbos_address: str) -> AsyncIterator[Authorizer]:
    authz = Authorizer(cerbos_address, timeout_seconds=2.0)
    await authz.start()
    yield authz
    await authz.close()
