"""Records requests: an owner (not a tenant) asks, due in the jurisdiction's
business days; answered once with the library's documents (not another
association's, not a destroyed one) or denied; the owner reads their own;
unanswered past the deadline, the workflow escalates it once."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

import pytest

from domains.documents.service.records import add_business_days
from tests.associations.community import ASSOCIATION
from tests.documents.library import file, open_library
from tests.violations.enforcement import code


def test_business_days_skip_weekends() -> None:
    friday = date(2026, 12, 4)
    assert add_business_days(friday, 1) == date(2026, 12, 7)
    assert add_business_days(friday, 10) == date(2026, 12, 18)
    assert add_business_days(date(2026, 12, 5), 10) == date(2026, 12, 18)  # asked on a Saturday


async def test_an_owner_asks_and_the_association_answers_once(api) -> None:
    lib = await open_library(api)
    e = lib.e
    asked = {"associationId": e.association, "description": "The last two years' minutes and the current budget."}
    request = await api.call("recordsRequest/v1/submit", asked, lib.owner)
    rule = request["rulesUsed"]["rules"]["records_request_business_days"]
    assert (request["status"], rule["value"], rule["jurisdiction"]) == ("open", 10, "US-CA")
    assert "5210(b)(1)" in rule["citation"]
    assert request["dueOn"] == add_business_days(date.fromisoformat(request["submittedOn"]), 10).isoformat()
    for caller in (lib.tenant, lib.outsider):
        r = await api.rpc("recordsRequest/v1/submit", asked, token=caller.token, key=uuid.uuid4().hex)
        assert code(r) == (403, "FORBIDDEN")
    # The owner reads their own; another member doesn't see it.
    assert (await api.call("recordsRequest/v1/get", {"id": request["id"]}, lib.owner))["id"] == request["id"]
    assert code(await api.rpc("recordsRequest/v1/get", {"id": request["id"]}, token=lib.tenant.token)) == (404, "NOT_FOUND")
    listed = await api.call("recordsRequest/v1/list", {"associationId": e.association}, lib.tenant)
    assert listed["nodes"] == []
    assert code(
        await api.rpc("recordsRequest/v1/deny", {"id": request["id"], "reason": "x"}, token=lib.owner.token, key=uuid.uuid4().hex)
    ) == (403, "FORBIDDEN")

    minutes = await file(api, e.manager, e.association)
    org_doc = await file(api, e.manager, None, title="Management agreement", category="contracts")
    fulfilled = await api.call(
        "recordsRequest/v1/fulfill",
        {"id": request["id"], "documentIds": [minutes["id"], org_doc["id"]], "note": "Attached."},
        e.board,
    )
    assert (fulfilled["status"], fulfilled["documentIds"]) == ("fulfilled", [minutes["id"], org_doc["id"]])
    again = await api.rpc(
        "recordsRequest/v1/deny", {"id": request["id"], "reason": "no"}, token=e.manager.token, key=uuid.uuid4().hex
    )
    assert code(again) == (409, "RECORDS_REQUEST_CLOSED")

    second = await api.call("recordsRequest/v1/submit", asked, lib.owner)
    old = await file(api, e.manager, e.association, category="financial", recordDate="2015-03-31")
    await api.call("document/v1/destroy", {"id": old["id"]}, e.manager)
    r = await api.rpc(
        "recordsRequest/v1/fulfill", {"id": second["id"], "documentIds": [old["id"]]}, token=e.manager.token, key=uuid.uuid4().hex
    )
    assert code(r) == (409, "DOCUMENT_DESTROYED")
    denied = await api.call("recordsRequest/v1/deny", {"id": second["id"], "reason": "Asked twice in a week."}, e.manager)
    assert (denied["status"], denied["answer"]) == ("denied", "Asked twice in a week.")


async def test_another_associations_document_is_refused(api) -> None:
    lib = await open_library(api)
    e = lib.e
    request = await api.call("recordsRequest/v1/submit", {"associationId": e.association, "description": "Budget"}, lib.owner)
    theirs = await open_library(api)
    foreign = await file(api, theirs.e.manager, theirs.e.association)
    r = await api.rpc(
        "recordsRequest/v1/fulfill",
        {"id": request["id"], "documentIds": [foreign["id"]]},
        token=e.manager.token,
        key=uuid.uuid4().hex,
    )
    assert code(r) == (422, "INVALID_REFERENCE")
    second_association = await api.call(
        "association/v1/create",
        ASSOCIATION | {"code": "SEC"},
        e.admin,
    )
    here_but_elsewhere = await file(api, e.manager, second_association["id"])
    r = await api.rpc(
        "recordsRequest/v1/fulfill",
        {"id": request["id"], "documentIds": [here_but_elsewhere["id"]]},
        token=e.manager.token,
        key=uuid.uuid4().hex,
    )
    assert code(r) == (422, "DOCUMENT_ELSEWHERE")


@pytest.fixture
async def short_days(platform):
    from dbos import DBOS

    from domains.documents.service.records import WORKFLOW

    before = platform.settings.workflow_day_seconds
    platform.settings.workflow_day_seconds = 0.02
    yield
    platform.settings.workflow_day_seconds = before
    for running in await DBOS.list_workflows_async(name=WORKFLOW, status=["PENDING", "ENQUEUED"]):
        await DBOS.cancel_workflow_async(running.workflow_id)


async def test_an_unanswered_request_is_escalated_once_and_an_answered_one_never(api, short_days) -> None:
    lib = await open_library(api)
    e = lib.e
    asked = {"associationId": e.association, "description": "Minutes"}
    unanswered = await api.call("recordsRequest/v1/submit", asked, lib.owner)
    answered = await api.call("recordsRequest/v1/submit", asked, lib.owner)
    await api.call("recordsRequest/v1/deny", {"id": answered["id"], "reason": "Already sent."}, e.manager)
    deadline = asyncio.get_running_loop().time() + 30
    while (r := await api.call("recordsRequest/v1/get", {"id": unanswered["id"]}, e.manager))["escalatedOn"] is None:
        assert asyncio.get_running_loop().time() < deadline
        await asyncio.sleep(0.1)
    assert r["status"] == "open"
    await asyncio.sleep(1)
    assert (await api.call("recordsRequest/v1/get", {"id": answered["id"]}, e.manager))["escalatedOn"] is None
