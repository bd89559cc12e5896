"""The public-id scenario's books: a year-end close, a recurring entry, interest
on delinquent assessments, the 1099-NEC report and the board's package — each
through its own operations, as its domain's tests call them."""

from __future__ import annotations

import asyncio

from tests.helpers import Api, Caller
from tests.payables.desk import Desk
from tests.receivables.books import Receivables


async def exercise_books(api: Api, r: Receivables, d: Desk) -> None:
    """Recorded answers carrying the books' ids. The year closed is the desk's
    2025, which nothing in the scenario posts to, so later postings stay open."""
    c, admin = r.c, r.c.admin
    # A monthly accrual on the desk's books: January and February posted, March skipped.
    template = {
        "associationId": d.association,
        "memo": "Management fee accrual",
        "dayOfMonth": 28,
        "startsOn": "2026-01-10",
        "endsOn": "2026-03-31",
        "autoReverse": True,
        "lines": [d.b.line("5100", debit="125.00"), d.b.line("1010", credit="125.00")],
    }
    made = await api.call("recurringEntry/v1/create", template, d.admin)
    await api.call("recurringEntry/v1/postDue", {"associationId": d.association, "asOf": "2026-02-28"}, d.admin)
    await api.call("recurringEntry/v1/skip", {"id": made["id"], "period": "2026-03-01", "reason": "Billed directly"}, d.admin)
    await api.call("recurringEntry/v1/occurrences", {"recurringEntryId": made["id"]}, d.admin)
    close = {"associationId": d.association, "fiscalYear": 2025, "closeOpenMonths": True}
    await api.call("fiscalYear/v1/close", close, d.admin)
    # Interest at California's statutory limit on the association's unpaid January.
    await api.call("interestPolicy/v1/set", {"associationId": c.association, "annualRate": "12.00", "graceDays": 30}, admin)
    run = await api.call("interestPolicy/v1/accrue", {"associationId": c.association, "month": "2026-02-01"}, admin)
    assert run["accruals"], run
    # The desk's 1099-NEC year: its vendor's payments, one voided.
    year = {"associationId": d.association, "taxYear": 2026}
    assert (await api.call("form1099Report/v1/get", year, d.admin))["rows"]
    await api.call("form1099Report/v1/csv", year, d.admin)
    # January's board package, generated to the end before the crawl reads it.
    await api.call("boardPackageSettings/v1/set", {"associationId": c.association, "generateOnClose": False}, admin)
    asked = await api.call("boardPackage/v1/generate", {"associationId": c.association, "month": "2026-01-01"}, admin)
    await _package_ready(api, asked["id"], admin)


async def _package_ready(api: Api, package: str, caller: Caller) -> None:
    """Wait for the package's workflow (reads not recorded: the crawl reads it anyway)."""
    for _ in range(1200):
        got = (await api.rpc("boardPackage/v1/get", {"id": package}, token=caller.token)).json()
        assert got["status"] != "failed", got
        if got["status"] == "ready":
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the board package was never ready")
