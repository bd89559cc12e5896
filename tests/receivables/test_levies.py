"""Assessment schedules and levies: previewed with exact rounding, posted once
per unit however often (or concurrently) they are started, agreeing with the GL."""

from __future__ import annotations

import asyncio
import uuid
from decimal import Decimal

from dbos import DBOS, SetWorkflowID

from domains.receivables.workflows import (
    post_levy_batch_step,
    post_levy_workflow,
)
from tests.receivables.books import check_books, levy, open_receivables, raw


async def test_preview_rounds_by_largest_remainder(api) -> None:
    r = await open_receivables(api, 3, amount="100.00")
    preview = await api.call("levy/v1/preview", {"scheduleId": r.schedule, "period": "2026-03-01"}, r.c.admin)
    assert [(ln["unitNumber"], ln["amount"]) for ln in preview["lines"]] == [("1", "33.34"), ("2", "33.33"), ("3", "33.33")]
    assert (preview["total"], preview["remainderCents"], preview["unitCount"], preview["levyId"]) == ("100.00", 1, 3, None)
    assert preview["dueDate"] == "2026-03-01"
    # Nothing was posted by the preview.
    assert (await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association}, r.c.admin))["nodes"] == []


async def test_levy_posts_each_unit_once_and_agrees_with_the_gl(api, platform) -> None:
    r = await open_receivables(api, 3, amount="100.00")
    done = await levy(api, r, "2026-03-01")
    assert (done["total"], done["unitCount"], done["remainderCents"]) == ("100.00", 3, 1)
    entries = (await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association}, r.c.admin))["nodes"]
    assert sorted((e["kind"], e["amount"], e["dueDate"]) for e in entries) == [
        ("charge", "33.33", "2026-03-01"), ("charge", "33.33", "2026-03-01"), ("charge", "33.34", "2026-03-01")
    ]  # fmt: skip
    journal = await api.call("journalEntry/v1/list", {"associationId": r.c.association, "source": "assessment"}, r.c.admin)
    [entry] = journal["nodes"]
    lines = {(ln["accountId"], ln["basis"], ln["debit"], ln["credit"]) for ln in entry["lines"]}
    assert (r.b.accounts["1200"], "accrual", "33.34", "0.00") in lines
    assert (r.b.accounts["4000"], "accrual", "0.00", "33.34") in lines
    # Again, with another key: the same levy, nothing more posted; the preview knows it.
    again = await api.call("levy/v1/post", {"scheduleId": r.schedule, "period": "2026-03-01"}, r.c.admin)
    assert again["id"] == done["id"] and again["postedUnits"] == 3
    preview = await api.call("levy/v1/preview", {"scheduleId": r.schedule, "period": "2026-03-01"}, r.c.admin)
    assert preview["levyId"] == done["id"]
    assert len((await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association}, r.c.admin))["nodes"]) == 3
    owed = await check_books(platform, r)
    assert sorted(owed.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    # The GL's own reversal refuses entries that belong to the owner ledger.
    reversal = await api.rpc(
        "journalEntry/v1/reverse", {"id": entry["id"], "entryDate": "2026-03-02"}, token=r.c.admin.token, key="rev"
    )
    assert reversal.status_code == 422 and reversal.json()["error"]["code"] == "ENTRY_NOT_REVERSIBLE"


async def test_levy_started_concurrently_posts_each_charge_once(api, platform) -> None:
    r = await open_receivables(api, 4, method="fixed", amount="250.00")
    body = {"scheduleId": r.schedule, "period": "2026-04-01"}
    responses = await asyncio.gather(
        *(api.rpc("levy/v1/post", body, token=r.c.admin.token, key=uuid.uuid4().hex) for _ in range(4))
    )
    assert [x.status_code for x in responses] == [200] * 4, [x.text for x in responses]
    [levy_id] = {x.json()["id"] for x in responses}
    workflow = responses[0].json()["workflowId"]
    assert await (await DBOS.retrieve_workflow_async(workflow)).get_result(polling_interval_sec=0.02) == 4
    # Started again under its id (a retry, a duplicate start): DBOS answers with the first run's result.
    batch = [[u, "250.00"] for u in map(str, map(raw, r.c.units))]
    with SetWorkflowID(workflow):
        again = await DBOS.start_workflow_async(post_levy_workflow, str(raw(r.c.org)), str(raw(levy_id)), [batch])
    assert await again.get_result() == 4
    # And a step re-run after a crash skips the units it finds charged.
    assert await post_levy_batch_step(str(raw(r.c.org)), str(raw(levy_id)), batch) == (0, [])
    assert (await api.call("levy/v1/get", {"id": levy_id}, r.c.admin))["postedUnits"] == 4
    charges = (await api.call("ownerLedgerEntry/v1/list", {"associationId": r.c.association, "kind": "charge"}, r.c.admin))[
        "nodes"
    ]
    assert sorted(c["unitId"] for c in charges) == sorted(r.c.units)
    levies = await api.call("levy/v1/list", {"associationId": r.c.association}, r.c.admin)
    assert [lv["id"] for lv in levies["nodes"]] == [levy_id]
    assert set((await check_books(platform, r)).values()) == {Decimal("250.00")}


async def test_bad_periods_and_schedules(api) -> None:
    r = await open_receivables(api, 2)
    token = r.c.admin.token
    for period, code in (("2025-12-01", "INVALID_PERIOD"), ("2026-03-15", "INVALID_PERIOD")):
        x = await api.rpc("levy/v1/post", {"scheduleId": r.schedule, "period": period}, token=token, key=uuid.uuid4().hex)
        assert x.status_code == 422 and x.json()["error"]["code"] == code, x.text
    await api.call("fiscalPeriod/v1/close", {"associationId": r.c.association, "month": "2026-02-01"}, r.c.admin)
    x = await api.rpc("levy/v1/post", {"scheduleId": r.schedule, "period": "2026-02-01"}, token=token, key=uuid.uuid4().hex)
    assert x.status_code == 422 and x.json()["error"]["code"] == "PERIOD_CLOSED"
    assert (await api.call("levy/v1/list", {"associationId": r.c.association}, r.c.admin))["nodes"] == []
    bad = {
        "associationId": r.c.association,
        "name": "x",
        "kind": "special",
        "frequency": "once",
        "method": "fixed",
        "amount": "10.00",
        "fundId": r.b.funds["OPER"],
        "startsOn": "2026-01-01",
        "dueDay": 1,
    }
    for extra, status, code in (
        ({"incomeAccountId": r.b.accounts["1010"]}, 422, "UNKNOWN_ACCOUNT"),
        ({"incomeAccountId": r.b.accounts["4000"], "startsOn": "2026-01-02"}, 422, "INVALID_SCHEDULE"),
        ({"incomeAccountId": r.b.accounts["4000"], "amount": "10.001"}, 400, "VALIDATION_FAILED"),
        ({"incomeAccountId": r.b.accounts["4000"], "amount": "-5.00"}, 400, "VALIDATION_FAILED"),
    ):
        x = await api.rpc("assessmentSchedule/v1/create", bad | extra, token=token, key=uuid.uuid4().hex)
        assert x.status_code == status and x.json()["error"]["code"] == code, (extra, x.text)
    # A fund with no receivable account can't be assessed.
    roof = await api.call(
        "fund/v1/create",
        {"associationId": r.c.association, "code": "ROOF", "name": "Roof", "kind": "special_assessment"},
        r.c.admin,
    )
    x = await api.rpc(
        "assessmentSchedule/v1/create",
        bad | {"incomeAccountId": r.b.accounts["4000"], "fundId": roof["id"]},
        token=token,
        key=uuid.uuid4().hex,
    )
    assert x.status_code == 422 and x.json()["error"]["code"] == "CONTROL_ACCOUNT_MISSING", x.text
    # A one-off special assessment levies once; deactivated, not at all.
    special = await api.call("assessmentSchedule/v1/create", bad | {"incomeAccountId": r.b.accounts["4000"]}, r.c.admin)
    x = await api.rpc("levy/v1/post", {"scheduleId": special["id"], "period": "2026-02-01"}, token=token, key=uuid.uuid4().hex)
    assert x.json()["error"]["code"] == "INVALID_PERIOD"
    await api.call("assessmentSchedule/v1/update", {"id": special["id"], "isActive": False}, r.c.admin)
    x = await api.rpc("levy/v1/post", {"scheduleId": special["id"], "period": "2026-01-01"}, token=token, key=uuid.uuid4().hex)
    assert x.status_code == 422 and x.json()["error"]["code"] == "SCHEDULE_INACTIVE"
