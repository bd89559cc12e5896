"""`python -m devtools.devservices up --for test` is idempotent and reuses the running PDP."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from devtools import devservices

ROOT = Path(__file__).resolve().parent.parent


def _devservices(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "devtools.devservices", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def _up(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return _devservices(env, "up", "--for", "test")


def _env_file_vars(path: Path) -> dict[str, str]:
    out = {}
    for line in path.read_text().splitlines():
        assert line.startswith("export "), line
        name, _, value = line[len("export ") :].partition("=")
        out[name] = value
    return out


def test_up_twice_reuses_cerbos_and_writes_env() -> None:
    if not os.access(devservices.CERBOS_BIN, os.X_OK):
        pytest.skip(f"{devservices.CERBOS_BIN} missing: run `make node_modules`")
    paths = devservices.default_paths()
    # We want *our* test PDP to be started/reused, so drop an externally given
    # address; the Postgres/Redis URLs (e.g. from `. .hestami/env.test`) pass through.
    env = {k: v for k, v in os.environ.items() if k != "HESTAMI_CERBOS_ADDRESS"}

    first = _up(env)
    assert first.returncode == 0, first.stderr
    pid_file = paths.pidfile("cerbos-test")
    pid1 = pid_file.read_text().strip()

    started = time.monotonic()
    second = _up(env)
    elapsed = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert pid_file.read_text().strip() == pid1, "second `up` restarted Cerbos"
    assert devservices.pid_alive(int(pid1))
    assert "starting" not in second.stderr, second.stderr
    assert elapsed < 5, f"reuse took {elapsed:.1f}s"

    # stdout and the env file carry the same lines.
    env_file = paths.envfile("test")
    assert second.stdout == env_file.read_text()
    values = _env_file_vars(env_file)
    assert values["HESTAMI_ADMIN_DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert values["HESTAMI_REDIS_URL"].startswith("redis://")
    ports = devservices.configured_ports(paths.cerbos_config("test"))
    assert ports is not None
    http, grpc = ports
    assert values["HESTAMI_CERBOS_ADDRESS"] == f"127.0.0.1:{grpc}"
    assert devservices.cerbos_healthy(http)
    assert values["HESTAMI_DOCUMENT_S3_ENDPOINT"].startswith("http")


def test_a_second_checkout_runs_its_own_pdp_and_down_stops_it(tmp_path: Path) -> None:
    """Two checkouts' suites side by side: the second state directory starts a PDP
    on other free ports instead of refusing, and `down --for test` stops it."""
    if not os.access(devservices.CERBOS_BIN, os.X_OK):
        pytest.skip(f"{devservices.CERBOS_BIN} missing: run `make node_modules`")
    env = {k: v for k, v in os.environ.items() if k != "HESTAMI_CERBOS_ADDRESS"}
    ours = _up(env)
    assert ours.returncode == 0, ours.stderr
    other_env = {**env, "HESTAMI_STATE_DIR": str(tmp_path)}
    other = _up(other_env)
    assert other.returncode == 0, other.stderr
    other_paths = devservices.Paths(state=tmp_path)
    ports = devservices.configured_ports(other_paths.cerbos_config("test"))
    assert ports is not None
    assert ports != devservices.configured_ports(devservices.default_paths().cerbos_config("test"))
    assert devservices.cerbos_healthy(ports[0])
    pid = int(other_paths.pidfile("cerbos-test").read_text())

    down = _devservices(other_env, "down", "--for", "test")
    assert down.returncode == 0, down.stderr
    assert not devservices.pid_alive(pid)
    assert not devservices.port_open("127.0.0.1", ports[0])


def test_run_mode_passes_given_services_through(tmp_path: Path) -> None:
    """Every service given in the environment: nothing starts, all five variables are written."""
    given = {
        "HESTAMI_DATABASE_URL": "postgresql+asyncpg://hestami_owner@db.example:5432/hestami",
        "HESTAMI_ADMIN_DATABASE_URL": "postgresql+asyncpg://postgres@db.example:5432/postgres",
        "HESTAMI_REDIS_URL": "redis://cache.example:6379/0",
        "HESTAMI_CERBOS_ADDRESS": "pdp.example:3593",
        "HESTAMI_DOCUMENT_S3_ENDPOINT": "https://s3.example",
    }
    env = {**os.environ, **given, "HESTAMI_STATE_DIR": str(tmp_path)}
    proc = _devservices(env, "up", "--for", "run")
    assert proc.returncode == 0, proc.stderr
    assert _env_file_vars(tmp_path / "env.run") == given
    assert not list(tmp_path.glob("*.pid"))
