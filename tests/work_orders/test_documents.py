"""A work order's photos and documents are the library's, named by id: shown
nested on the read, refused from elsewhere, and a list of work orders with
photos reads flat."""

from __future__ import annotations

import uuid

from tests.documents.attached import assert_flat, assert_refused
from tests.documents.library import file
from tests.work_orders.site import open_site

READ = "{ workOrders(first: 100) { nodes { title documentIds documents { id title } } } }"


async def test_photos_are_library_documents_shown_on_the_work_order(api, statements) -> None:
    s = await open_site(api)

    async def opened(n: int) -> list[str]:
        photos = [
            await file(api, s.manager, s.association, category="photos", title=f"Leak {n}.{i}", visibility="board")
            for i in range(2)
        ]
        ids = [p["id"] for p in photos]
        await api.call("workOrder/v1/create", s.request(0, title=f"Leak {n}", documentIds=ids), s.manager)
        return ids

    ids = await opened(0)
    (order,) = (await api.gql(READ, token=s.manager.token))["data"]["workOrders"]["nodes"]
    assert [(d["id"], d["title"]) for d in order["documents"]] == [(ids[0], "Leak 0.0"), (ids[1], "Leak 0.1")]

    async def more() -> None:
        for n in (1, 2, 3):
            await opened(n)

    data = await assert_flat(api, statements, s.manager, READ, {}, more)
    assert [len(o["documents"]) for o in data["workOrders"]["nodes"]] == [2, 2, 2, 2]


async def test_photos_from_elsewhere_are_refused(api) -> None:
    s = await open_site(api)

    async def create(ids: list[str]):
        return await api.rpc("workOrder/v1/create", s.request(0, documentIds=ids), token=s.manager.token, key=uuid.uuid4().hex)

    await assert_refused(api, s.admin, s.association, create, ["documentIds", "0"])
