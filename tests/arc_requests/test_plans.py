"""A request's plans and photos are documents of the library, named by id: the
owner submits with those filed for them (and adds more when replying), they
show nested on the read, are refused from elsewhere, and a list of requests
with plans reads flat."""

from __future__ import annotations

import uuid

from tests.arc_requests.test_arc_requests import FENCE, _owner
from tests.documents.attached import assert_flat, assert_refused
from tests.documents.library import file
from tests.violations.enforcement import open_enforcement

READ = """query($id: ID!) {
  arcRequests(associationId: $id, first: 100) { nodes { documentIds documents { id title category } } }
}"""


async def test_plans_are_library_documents_shown_on_the_request(api, statements) -> None:
    e = await open_enforcement(api, "CA", units=3)
    owner = await _owner(api, e, 0)

    async def plans(unit: int) -> list[str]:
        filed = [
            await file(api, e.manager, e.association, category=c, title=f"Unit {unit} {c}", visibility="owners")
            for c in ("plans", "photos")
        ]
        return [d["id"] for d in filed]

    ids = await plans(0)
    submitted = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE, "documentIds": ids}, owner)
    assert submitted["documentIds"] == ids
    (mine,) = (await api.gql(READ, {"id": e.association}, token=owner.token))["data"]["arcRequests"]["nodes"]
    assert [(d["id"], d["category"]) for d in mine["documents"]] == [(ids[0], "PLANS"), (ids[1], "PHOTOS")]

    async def more() -> None:
        for unit in (1, 2):
            body = {"unitId": e.units[unit], **FENCE, "documentIds": await plans(unit)}
            await api.call("arcRequest/v1/submit", body, e.manager)

    data = await assert_flat(api, statements, e.manager, READ, {"id": e.association}, more)
    assert [len(r["documents"]) for r in data["arcRequests"]["nodes"]] == [2, 2, 2]


async def test_plans_from_elsewhere_are_refused(api) -> None:
    e = await open_enforcement(api, "CA")
    owner = await _owner(api, e, 0)

    async def submit(ids: list[str]):
        body = {"unitId": e.units[0], **FENCE, "documentIds": ids}
        return await api.rpc("arcRequest/v1/submit", body, token=owner.token, key=uuid.uuid4().hex)

    await assert_refused(api, e.admin, e.association, submit, ["documentIds", "0"], "INVALID_REFERENCE")
    # A reply's are checked alike.
    request = (await submit([])).json()["id"]
    await api.call("arcRequest/v1/requestInfo", {"id": request, "missing": "A site plan."}, e.manager)

    async def reply(ids: list[str]):
        body = {"id": request, "text": "Attached.", "documentIds": ids}
        return await api.rpc("arcRequest/v1/reply", body, token=owner.token, key=uuid.uuid4().hex)

    await assert_refused(api, e.admin, e.association, reply, ["documentIds", "0"], "INVALID_REFERENCE")
