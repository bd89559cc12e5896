"""A process that runs one association's ACH debit workflow for a date, as the
daily schedule would, and nothing else: `autopay` (the due date's autopay file)
or `one_time` (the morning's file of owners' one-time payments). The crash test
starts it with a crash pause file and SIGKILLs it there (the schedule can't be
made to fire on demand in a server). Run as
`python -m tests.ach.autopay_child autopay|one_time ORGANIZATION ASSOCIATION YYYY-MM-DD`,
with DBOS__VMID naming the executor whose workflows a replacement server recovers."""

from __future__ import annotations

import asyncio
import sys
from datetime import date


async def main(run: str, organization_id: str, association_id: str, on: str) -> None:
    from app.discovery import load_domains
    from domains.ach.workflows import run_autopay
    from domains.owner_payments.workflows import file_association
    from graph.platform import Platform
    from graph.settings import get_settings

    load_domains()
    platform = await Platform.start(get_settings())
    start = {"autopay": run_autopay, "one_time": file_association}[run]
    try:
        print(await start(organization_id, association_id, date.fromisoformat(on)), flush=True)
    finally:
        await platform.close()


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:5]))
