"""A throwaway environment for the test suite and the benchmarks: the services
`devtools.devservices` provides, and everything else of its own — a fresh
database, a Redis key prefix, an object-storage bucket, signing keys and a DBOS
application version — so a run never touches the demo data or another run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("HESTAMI_ADMIN_DATABASE_URL", "HESTAMI_REDIS_URL", "HESTAMI_CERBOS_ADDRESS")


def load_services_env() -> None:
    """Use the services `make test` announced, or start them the same way."""
    if all(name in os.environ for name in SERVICES):
        return
    subprocess.run(
        [sys.executable, "-m", "devtools.devservices", "up", "--for", "test"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    for line in (ROOT / ".hestami" / "env.test").read_text().splitlines():
        if line.startswith("export "):
            name, _, value = line[len("export ") :].partition("=")
            os.environ.setdefault(name, value.strip("'\""))


def configure(label: str, run_id: str, database: str, *, rate_limit_capacity: int) -> None:
    """Point every HESTAMI_ setting of this process (and its children) at the sandbox."""
    load_services_env()
    from graph.auth.tokens import generate_jwks

    admin = make_url(os.environ["HESTAMI_ADMIN_DATABASE_URL"])
    owner = admin.set(username="hestami_owner", password=None, database=database)
    os.environ["HESTAMI_DATABASE_URL"] = owner.render_as_string(hide_password=False)
    for inherited in (
        "HESTAMI_APP_DATABASE_URL",
        "HESTAMI_DBOS_SYSTEM_DATABASE_URL",
        "HESTAMI_CRASH_PAUSE_FILE",
        "HESTAMI_WEBHOOK_CRASH_PAUSE_FILE",
    ):
        os.environ.pop(inherited, None)
    kid = f"{label}-1"
    os.environ["HESTAMI_ENVIRONMENT"] = "test"
    os.environ["HESTAMI_REDIS_PREFIX"] = f"hestami-{label}-{run_id}"
    os.environ["HESTAMI_DOCUMENT_S3_BUCKET"] = f"hestami-{label}-{run_id}"
    os.environ["HESTAMI_JWT_KEYS"] = json.dumps(generate_jwks([kid]))
    os.environ["HESTAMI_JWT_ACTIVE_KID"] = kid
    os.environ["HESTAMI_APPLICATION_VERSION"] = f"{label}-{run_id}"
    # The deadline is wall time on our own event loop: a suite sharing two cores with
    # others waits its turn for the CPU, and 1 s measured that as a PDP outage
    # (flaky SERVICE_UNAVAILABLE). A dead PDP is still refused at once.
    os.environ.setdefault("HESTAMI_CERBOS_TIMEOUT_SECONDS", "5")
    os.environ.setdefault("HESTAMI_RATE_LIMIT_CAPACITY", str(rate_limit_capacity))
    os.environ.setdefault("HESTAMI_ORG_RATE_LIMIT_CAPACITY", str(rate_limit_capacity))
