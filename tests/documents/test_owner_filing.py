"""Owners and tenants file their own documents: an owner the plans of their
architectural request (and photos), a tenant a work order's photos, into their
association's library and for the board only. Staff, the board, the
architectural committee (plans) and the filer read them; another owner does
not. What they may not file is refused with its own code, and a record
attaches only documents its author may read."""

from __future__ import annotations

import uuid

from graph.ids import decode
from tests.arc_requests.test_arc_requests import FENCE, _owner, _seat
from tests.documents.library import PDF, PNG, file, upload
from tests.violations.enforcement import code, open_enforcement
from tests.work_orders.site import open_site

PLANS = {"category": "plans", "title": "Fence plans", "visibility": "board"}


async def test_an_owner_files_the_plans_of_their_request_and_who_reads_them(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner = await _owner(api, e, 0)
    neighbour = await _owner(api, e, 1)
    committee = await _seat(api, e)
    plans = await file(api, owner, e.association, **PLANS)
    assert plans["createdBy"] == str(decode(owner.user_id)[1])
    await upload(api, owner, plans["id"], PDF)
    submitted = await api.call("arcRequest/v1/submit", {"unitId": e.units[0], **FENCE, "documentIds": [plans["id"]]}, owner)
    assert submitted["documentIds"] == [plans["id"]]
    for reader, reads in ((owner, True), (e.manager, True), (e.board, True), (committee, True), (neighbour, False)):
        r = await api.rpc("document/v1/get", {"id": plans["id"]}, token=reader.token)
        assert (r.status_code == 200) == reads, r.text
        listed = await api.call("document/v1/list", {"associationId": e.association}, reader)
        assert (plans["id"] in {n["id"] for n in listed["nodes"]}) == reads
    link = await api.call("document/v1/download", {"id": plans["id"]}, committee)
    assert link["version"]["number"] == 1


async def test_an_owner_files_only_plans_and_photos_for_the_board(api) -> None:
    e = await open_enforcement(api, "CA")
    owner = await _owner(api, e, 0)

    async def create(**fields: str):
        body = {"associationId": e.association} | PLANS | fields
        return await api.rpc("document/v1/create", body, token=owner.token, key=uuid.uuid4().hex)

    assert code(await create(category="governing_documents")) == (403, "DOCUMENT_CATEGORY_NOT_ALLOWED")
    for visibility in ("public", "owners", "residents"):
        assert code(await create(visibility=visibility)) == (403, "DOCUMENT_VISIBILITY_NOT_ALLOWED")
    # The organization's own library is not theirs to file into.
    r = await api.rpc("document/v1/create", {"associationId": None} | PLANS, token=owner.token, key=uuid.uuid4().hex)
    assert code(r) == (403, "FORBIDDEN")
    # The board files anything but staff-only documents: that too has its code.
    r = await api.rpc(
        "document/v1/create",
        {"associationId": e.association, "category": "financial", "title": "x", "visibility": "staff"},
        token=e.board.token,
        key=uuid.uuid4().hex,
    )
    assert code(r) == (403, "DOCUMENT_VISIBILITY_NOT_ALLOWED")
    assert code(await create(category="photos")) == (200, None)


async def test_a_record_attaches_only_documents_its_author_may_read(api) -> None:
    e = await open_enforcement(api, "CA", units=2)
    owner = await _owner(api, e, 0)
    neighbour = await _owner(api, e, 1)
    theirs = await file(api, neighbour, e.association, **PLANS)
    staff_only = await file(api, e.manager, e.association, category="plans", title="Survey", visibility="staff")
    for ids in ([theirs["id"]], [staff_only["id"]]):
        body = {"unitId": e.units[0], **FENCE, "documentIds": ids}
        r = await api.rpc("arcRequest/v1/submit", body, token=owner.token, key=uuid.uuid4().hex)
        assert code(r) == (422, "INVALID_REFERENCE"), r.text
        assert r.json()["error"]["details"]["field"] == ["documentIds", "0"]
    # Staff read them all, so they attach them for the owner.
    body = {"unitId": e.units[0], **FENCE, "documentIds": [theirs["id"], staff_only["id"]]}
    assert (await api.call("arcRequest/v1/submit", body, e.manager))["documentIds"] == body["documentIds"]


async def test_a_tenant_files_a_work_orders_photo(api) -> None:
    s = await open_site(api)
    photo = await file(api, s.tenant, s.association, category="photos", title="Leak", visibility="board")
    await upload(api, s.tenant, photo["id"], PNG, mediaType="image/png", filename="leak.png")
    order = await api.call("workOrder/v1/create", s.request(1, documentIds=[photo["id"]]), s.tenant)
    assert order["documentIds"] == [photo["id"]]
    for reader, reads in ((s.tenant, True), (s.manager, True), (s.board, True), (s.owner, False)):
        r = await api.rpc("document/v1/get", {"id": photo["id"]}, token=reader.token)
        assert (r.status_code == 200) == reads, (reader, r.text)
    r = await api.rpc(
        "document/v1/create",
        {"associationId": s.association} | PLANS,
        token=s.tenant.token,
        key=uuid.uuid4().hex,
    )
    assert code(r) == (403, "DOCUMENT_CATEGORY_NOT_ALLOWED")
