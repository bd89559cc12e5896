"""An invoice's scan is a document of the library, named by id when the
invoice is entered: shown nested on the read (for whoever may read it),
refused from elsewhere, and a list of invoices with scans reads flat."""

from __future__ import annotations

import uuid

from tests.documents.attached import assert_flat, assert_refused
from tests.documents.library import file
from tests.payables.desk import enter, open_desk

READ = """query($id: ID!) {
  invoices(associationId: $id, first: 100) { nodes { invoiceNumber scanId scan { id title category } } }
}"""


async def test_the_scan_is_a_library_document_shown_on_the_invoice(api, statements) -> None:
    d = await open_desk(api)

    async def entered(n: int) -> str:
        scan = await file(api, d.admin, d.association, category="financial", title=f"Invoice {n}", visibility="board")
        await enter(api, d, number=f"SCAN-{n}", scanId=scan["id"], acknowledgePossibleDuplicate=True)
        return str(scan["id"])

    scan = await entered(0)
    (invoice,) = (await api.gql(READ, {"id": d.association}, token=d.manager.token))["data"]["invoices"]["nodes"]
    assert (invoice["scanId"], invoice["scan"]) == (scan, {"id": scan, "title": "Invoice 0", "category": "FINANCIAL"})

    async def more() -> None:
        for n in (1, 2, 3):
            await entered(n)

    data = await assert_flat(api, statements, d.manager, READ, {"id": d.association}, more)
    assert all(i["scan"]["title"] == f"Invoice {i['invoiceNumber'][5:]}" for i in data["invoices"]["nodes"])
    assert len(data["invoices"]["nodes"]) == 4


async def test_a_scan_from_elsewhere_is_refused(api) -> None:
    d = await open_desk(api)

    async def create(ids: list[str]):
        (scan,) = ids
        return await api.rpc("invoice/v1/create", d.invoice(scanId=scan), token=d.admin.token, key=uuid.uuid4().hex)

    await assert_refused(api, d.admin, d.association, create, ["scanId"])
