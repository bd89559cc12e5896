"""`make run` on a fresh database, as a new user runs it: `hestami db bootstrap`,
`migrate` and `seed` as processes of their own (not the test's, whose domains are
loaded and whose DBOS is launched: a seed that works only there once broke
`make run`), then the seeded work's workflows waiting for the server."""

from __future__ import annotations

import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from devtools.database_setup import drop_databases
from graph.db import libpq_url
from tests import live

pytestmark = pytest.mark.slow


async def test_bootstrap_migrate_and_seed_a_fresh_database(settings) -> None:

    name = f"hestami_run_{uuid.uuid4().hex[:10]}"
    url = make_url(settings.database_url.get_secret_value()).set(database=name)
    env = {
        "HESTAMI_DATABASE_URL": url.render_as_string(hide_password=False),
        "HESTAMI_APPLICATION_VERSION": f"make-run-{uuid.uuid4().hex[:8]}",
    }
    try:
        await live.cli(env, "db", "bootstrap")
        await live.cli(env, "migrate")
        seeded = await live.cli(env, "seed", "--associations", "1", "--units", "15")
        assert "GraphiQL" in seeded and "Traceback" not in seeded, seeded
        assert "Workflows of the seeded work:" in seeded, seeded
        # Left pending in the seed's own DBOS database, for the server to resume.
        dbos = await asyncpg.connect(libpq_url(url.set(database=f"{name}_dbos").render_as_string(hide_password=False)))
        try:
            pending = await dbos.fetchval(
                "SELECT count(*) FROM dbos.workflow_status WHERE name = 'run_work_order_workflow' AND status = 'PENDING'"
            )
        finally:
            await dbos.close()
        assert pending > 0
    finally:
        await drop_databases(settings, name)
