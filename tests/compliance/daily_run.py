"""The daily compliance run in a process of its own, for the crash test:
`python -m tests.compliance.daily_run <workflow id> <scheduled at (ISO)>`.

It starts the platform as the server does (the environment the test process
set: its database, DBOS system database, and DBOS__VMID as its executor id),
starts the same workflow the 06:00 schedule starts, with the given workflow id,
prints `started`, and waits for it: the test SIGKILLs it part-way.
"""

from __future__ import annotations

import asyncio
import sys
from datetime import datetime

from dbos import DBOS, SetWorkflowID


async def main(workflow_id: str, scheduled_at: str) -> None:
    from app.discovery import load_domains
    from graph.platform import Platform
    from graph.settings import Settings

    load_domains()
    await Platform.start(Settings())
    from domains.compliance.workflows import generate_compliance_calendar_workflow

    with SetWorkflowID(workflow_id):
        handle = await DBOS.start_workflow_async(
            generate_compliance_calendar_workflow, datetime.fromisoformat(scheduled_at), None
        )
    print("started", flush=True)
    print(await handle.get_result(), flush=True)


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2]))
