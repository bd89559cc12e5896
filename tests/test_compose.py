"""docker-compose.yml validates offline and declares the production-like stack."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_FILE = ROOT / "docker-compose.yml"
SERVICES = {"postgres", "redis", "cerbos", "otel-collector", "app"}


def _compose_command() -> list[str]:
    docker = shutil.which("docker")
    if docker:
        probe = subprocess.run([docker, "compose", "version"], capture_output=True, text=True)
        if probe.returncode == 0:
            return [docker, "compose", "-f", str(COMPOSE_FILE)]
    legacy = shutil.which("docker-compose")
    if legacy:
        return [legacy, "-f", str(COMPOSE_FILE)]
    pytest.skip("neither `docker compose` nor `docker-compose` is available to validate the file")


def test_compose_file_validates() -> None:
    cmd = _compose_command()
    proc = subprocess.run([*cmd, "config", "-q"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr or proc.stdout


def test_compose_declares_the_stack() -> None:
    doc = yaml.safe_load(COMPOSE_FILE.read_text())
    services = doc["services"]
    assert set(services) >= SERVICES
    app = services["app"]
    env = app["environment"]
    assert env["HESTAMI_CERBOS_ADDRESS"] == "cerbos:3593"
    assert env["HESTAMI_OTLP_ENDPOINT"] == "http://otel-collector:4318"
    for dep in ("postgres", "redis", "cerbos"):
        assert app["depends_on"][dep]["condition"] == "service_healthy"
    for name in ("postgres", "redis", "cerbos", "app"):
        assert "healthcheck" in services[name], name
