"""What every record that attaches documents by reference shares, checked the
same way for each: a document of another association's library is refused
(DOCUMENT_ELSEWHERE), a destroyed one (DOCUMENT_DESTROYED), and another
organization's id names nothing here (INVALID_REFERENCE); a list of records,
each with its documents nested, reads in as many statements for many records
as for a few."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import httpx

from tests.associations.community import ASSOCIATION
from tests.documents.library import file
from tests.helpers import Api, Caller
from tests.violations.enforcement import code

Attach = Callable[[list[str]], Awaitable[httpx.Response]]


async def assert_refused(
    api: Api, admin: Caller, association: str, attach: Attach, field: list[str], other_library: str = "DOCUMENT_ELSEWHERE"
) -> None:
    """`attach(ids)` makes the record naming documents `ids`; `field` is where a refusal points;
    `other_library` the code for another association's document (INVALID_REFERENCE for an owner, who can't read it)."""
    elsewhere = await api.call("association/v1/create", ASSOCIATION | {"code": f"D{uuid.uuid4().hex[:6].upper()}"}, admin)
    theirs = await file(api, admin, elsewhere["id"], category="photos", title="Next door")
    old = await file(api, admin, association, category="financial", title="2015 statement", recordDate="2015-03-31")
    await api.call("document/v1/destroy", {"id": old["id"]}, admin)
    stranger, _ = await api.admin_of_new_org()
    abroad = await api.call("association/v1/create", ASSOCIATION | {"code": "ABROAD"}, stranger)
    foreign = await file(api, stranger, abroad["id"], category="photos", title="Another company's")
    for ids, expected in (
        ([theirs["id"]], (422, other_library)),
        ([old["id"]], (409, "DOCUMENT_DESTROYED")),
        ([foreign["id"]], (422, "INVALID_REFERENCE")),
    ):
        r = await attach(ids)
        assert code(r) == expected, r.text
        assert r.json()["error"]["details"]["field"] == field, r.text


async def assert_flat(
    api: Api, statements: list[Any], caller: Caller, query: str, variables: dict[str, Any], add: Callable[[], Awaitable[Any]]
) -> Any:
    """`query` (a list with documents nested) costs the same statements before
    and after `add()` makes more records with documents; returns the answer after."""

    async def count() -> tuple[int, Any]:
        statements.clear()
        body = await api.gql(query, variables, token=caller.token)
        assert "errors" not in body, body
        return len(statements), body["data"]

    before, _ = await count()
    await add()
    after, data = await count()
    assert before == after, statements
    return data
