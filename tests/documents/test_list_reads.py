"""The library reads flat: the same number of statements for 2 and for 20
documents, each with its versions, and for 2 and 20 records requests."""

from __future__ import annotations

from typing import Any

from tests.documents.library import PDF, file, open_library, upload

DOCUMENTS = """query($id: ID!) {
  documents(associationId: $id, first: 100) {
    nodes { title visibility retainUntil versions { number sha256 size } }
  }
}"""
REQUESTS = """query($id: ID!) {
  recordsRequests(associationId: $id, first: 100) { nodes { status dueOn documentIds } }
}"""


async def _count(api, query: str, field: str, association: str, caller, statements) -> tuple[int, list[Any]]:
    statements.clear()
    body = await api.gql(query, {"id": association}, token=caller.token)
    assert "errors" not in body, body
    return len(statements), body["data"][field]["nodes"]


async def test_the_library_costs_the_same_for_2_and_20_documents(api, statements) -> None:
    lib = await open_library(api)
    e = lib.e

    async def more(n: int) -> None:
        for i in range(n):
            document = await file(api, e.manager, e.association, title=f"Minutes {i}")
            await upload(api, e.manager, document["id"], PDF)

    await more(2)
    n2, two = await _count(api, DOCUMENTS, "documents", e.association, lib.owner, statements)
    await more(18)
    n20, twenty = await _count(api, DOCUMENTS, "documents", e.association, lib.owner, statements)
    assert (len(two), len(twenty)) == (2, 20)
    assert all([v["number"] for v in d["versions"]] == [1] for d in twenty)
    assert n2 == n20, statements


async def test_records_requests_cost_the_same_for_2_and_20(api, statements) -> None:
    lib = await open_library(api)
    e = lib.e
    asked = {"associationId": e.association, "description": "Minutes"}
    for _ in range(2):
        await api.call("recordsRequest/v1/submit", asked, lib.owner)
    n2, two = await _count(api, REQUESTS, "recordsRequests", e.association, e.manager, statements)
    for _ in range(18):
        await api.call("recordsRequest/v1/submit", asked, lib.owner)
    n20, twenty = await _count(api, REQUESTS, "recordsRequests", e.association, e.manager, statements)
    assert (len(two), len(twenty)) == (2, 20)
    assert n2 == n20, statements
