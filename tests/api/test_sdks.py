"""SDKs generated from the OpenAPI document, built and used as an integrator would.

What each test proves:
- test_redocly_lint_is_clean: `redocly lint` with its recommended rules finds no
  error and no warning in the committed openapi.json.
- test_typescript_client_round_trip: openapi-typescript generates types from the
  served document; tests/sdk/usage.ts, a small client typed by them, compiles
  with `tsc --strict` (checked with --noEmit first, as a client's CI would) and
  runs under node against the live server: register → create an organization →
  select it → create an association, its chart of accounts and a unit → read
  both back → record a payment of "125.50" (a decimal string), which the owner
  ledger books as exactly "-125.50" → a unit id that names nothing is refused
  with NOT_FOUND, read as the typed ErrorCode.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.live import ROOT

pytestmark = pytest.mark.slow

BIN = ROOT / "node_modules" / ".bin"
SDK = ROOT / "tests" / "sdk"


def _run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=180, env=env)
    assert result.returncode == 0, f"{' '.join(argv)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_redocly_lint_is_clean(tmp_path: Path) -> None:
    out = _run([str(BIN / "redocly"), "lint", str(ROOT / "openapi.json"), "--format=json"], tmp_path)
    report = json.loads(out[out.index("{") :])
    problems = [(p["ruleId"], p["severity"], p["message"]) for p in report["problems"]]
    assert problems == [], problems


def test_typescript_client_round_trip(live_server: str, tmp_path: Path) -> None:
    spec = httpx.get(f"{live_server}/api/v1/openapi.json", timeout=10).json()
    (tmp_path / "openapi.json").write_text(json.dumps(spec))
    _run([str(BIN / "openapi-typescript"), "openapi.json", "-o", "api.d.ts"], tmp_path)
    for name in ("usage.ts", "tsconfig.json"):
        shutil.copy(SDK / name, tmp_path / name)
    _run([str(BIN / "tsc"), "-p", ".", "--noEmit", "--strict"], tmp_path)
    _run([str(BIN / "tsc"), "-p", "."], tmp_path)
    out = _run(["node", "out/usage.js"], tmp_path, env={**os.environ, "HESTAMI_URL": live_server})
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    assert result["unit"].startswith("unt_") and result["unitNumber"] == "12A"
    assert result["association"].startswith("asn_") and result["associationCode"] == "TSC"
    assert result["refused"] == "NOT_FOUND"
    assert result["payment"]["amount"] == "-125.50"  # a payment reduces what the owner owes: exact, as sent
    assert result["payment"]["unitId"] == result["unit"]
