"""The compiled read path is the same API: for generated queries over the
association tree, from one association or from the association and unit lists
(random selections, aliases, inline and named fragments, `@include`/`@skip`,
`__typename`, page sizes, orders, filters and cursors — valid and not), the JSON
and the errors are identical with compilation on and off, for staff, a board
member, an owner, a tenant, a member with no unit and another organization's admin;
and a query answered before Strawberry (graph/fastpath.py) is answered byte for
byte as compiled inside Strawberry, in as many statements.

Fields that need a resolver (a computed total, a Cerbos-masked tax id) are
generated too, so queries where the two paths mix are covered, and a check
counts statements to show that most generated queries really compiled.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from graphql import GraphQLList, GraphQLNonNull, GraphQLObjectType, build_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.associations.community import add_people, build

SCHEMA = build_schema((Path(__file__).parents[2] / "schema.graphql").read_text())
# The tree a compiled query can cover, and what it nests (the rest of the schema
# is reachable from here only through types the generator leaves out).
TREE = {
    "AssociationConnection",
    "AssociationEdge",
    "Association",
    "Unit",
    "UnitConnection",
    "UnitEdge",
    "PageInfo",
    "Ownership",
    "Resident",
    "Party",
    "ContactPoint",
    "EmergencyContact",
}
DEPTH = 5


def _named(t: Any) -> Any:
    while isinstance(t, GraphQLNonNull | GraphQLList):
        t = t.of_type
    return t


class Doc:
    """Builds one document: fragments are collected as they are drawn."""

    def __init__(self) -> None:
        self.fragments: list[str] = []
        self.counter = itertools.count()


@st.composite
def selection(draw: Any, doc: Doc, type_name: str, depth: int, cursors: dict[str, list[str]]) -> str:
    gql_type = SCHEMA.type_map[type_name]
    assert isinstance(gql_type, GraphQLObjectType)
    names = [n for n, f in gql_type.fields.items() if depth > 0 or not isinstance(_named(f.type), GraphQLObjectType)]
    names = [
        n
        for n in names
        if not isinstance(_named(gql_type.fields[n].type), GraphQLObjectType) or _named(gql_type.fields[n].type).name in TREE
    ]
    chosen = draw(st.lists(st.sampled_from([*names, "__typename"]), min_size=1, max_size=6, unique=True))
    parts = []
    for name in chosen:
        text = name
        if draw(st.integers(0, 4)) == 0:
            text = f"a{next(doc.counter)}: {name}"
        if name != "__typename":
            field = gql_type.fields[name]
            if field.args:
                text += _arguments(draw, cursors)
            target = _named(field.type)
            if isinstance(target, GraphQLObjectType):
                text += " { " + draw(selection(doc, target.name, depth - 1, cursors)) + " }"
        directive = draw(st.sampled_from(["", "", "", " @include(if: $yes)", " @skip(if: $yes)"]))
        if directive:
            # A directive goes after the alias, name and arguments, before the selection.
            head, brace, tail = text.partition(" {")
            text = head + directive + brace + tail
        parts.append(text)
    wrap = draw(st.integers(0, 5))
    body = " ".join(parts)
    if wrap == 0:
        return f"... on {type_name} {{ {body} }}"
    if wrap == 1:
        name = f"F{next(doc.counter)}"
        doc.fragments.append(f"fragment {name} on {type_name} {{ {body} }}")
        return f"...{name} __typename"
    return body


def _arguments(draw: Any, cursors: dict[str, list[str]]) -> str:
    args = [f"first: {draw(st.integers(1, 5))}"]
    order = draw(st.sampled_from(["UNIT_NUMBER", "CREATED_AT", None]))
    if order:
        args.append(f"orderBy: {order}")
    if draw(st.booleans()):
        args.append(f"descending: {str(draw(st.booleans())).lower()}")
    if draw(st.integers(0, 3)) == 0:
        args.append(
            draw(st.sampled_from(["status: ACTIVE", "status: INACTIVE", 'search: "Owner"', 'search: "2"', "unitType: CONDO"]))
        )
    choice = draw(st.integers(0, 4))
    if choice == 0:
        args.append(f'after: "{draw(st.sampled_from(cursors[order or "UNIT_NUMBER"]))}"')
    elif choice == 1:
        args.append(f'after: "{draw(st.sampled_from(["garbage", *cursors["CREATED_AT"]]))}"')
    return "(" + ", ".join(args) + ")"


@st.composite
def query(draw: Any, cursors: dict[str, list[str]]) -> str:
    doc = Doc()
    root = draw(st.sampled_from(["association(id: $id)", "alias: association(id: $id)", "associations", "units"]))
    if root == "associations":
        status = draw(st.sampled_from(["", ", status: ACTIVE", ", status: DISSOLVED"]))
        root += f"(first: {draw(st.integers(1, 3))}{status})"
    elif root == "units":
        arguments = _arguments(draw, cursors)
        if draw(st.booleans()):
            arguments = arguments[:-1] + ", associationId: $id)"
        root += arguments
    type_name = {"associations": "AssociationConnection", "units": "UnitConnection"}.get(root.split("(")[0], "Association")
    body = draw(selection(doc, type_name, DEPTH, cursors))
    # `$yes` is always used somewhere, or the document is invalid before it runs.
    body += " yes: __typename @skip(if: $yes)"
    declared = "$id: ID!, " if "$id" in root else ""
    return f"query Q({declared}$yes: Boolean!) {{ " + root + " { " + body + " } } " + " ".join(doc.fragments)


@pytest.fixture(scope="module")
async def world(app) -> Any:
    import httpx

    from tests.helpers import Api

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        api = Api(client)
        c = await add_people(api, await build(api, 4))
        c.board, _ = await api.add_member(c.admin, ["board_member"])
        await api.select(c.board, c.org)
        c.stranger, _ = await api.admin_of_new_org()
        master = await api.call("association/v1/create", {**_association_fields(), "code": "MST"}, c.admin)
        await api.call("association/v1/update", {"id": c.association, "masterAssociationId": master["id"]}, c.admin)
        c.master = master["id"]
        # An ended ownership (history), and emergency contacts.
        await api.call(
            "unit/v1/update",
            {"id": c.units[0], "emergencyContacts": [{"name": "Kim", "relationship": "sister", "phone": "+14155550111"}]},
            c.admin,
        )
        cursors = {}
        for order in ("UNIT_NUMBER", "CREATED_AT"):
            body = await api.gql(
                f"query($id: ID!) {{ association(id: $id) {{ units(first: 10, orderBy: {order}) {{ edges {{ cursor }} }} }} }}",
                {"id": c.association},
                token=c.admin.token,
            )
            cursors[order] = [e["cursor"] for e in body["data"]["association"]["units"]["edges"]]
        c.cursors = cursors
        yield c, client


def _association_fields() -> dict[str, Any]:
    from tests.associations.community import ASSOCIATION

    return dict(ASSOCIATION)


def _strategy() -> Any:
    # Cursors are known only once the world exists: draw an index into them instead.
    return st.data()


# Each path as (compiled_reads, fast_reads). Compiled inside Strawberry first: it
# validates the document, which the fast path answers only once Strawberry has.
PATHS = {"compiled": (True, False), "fast": (True, True), "resolvers": (False, False)}


@given(data=_strategy(), yes=st.booleans())
@settings(max_examples=80, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
async def test_compiled_and_resolved_answers_are_identical(platform, world, statements, fast_answers, data, yes) -> None:
    c, client = world
    document = data.draw(query(c.cursors))
    variables = {"id": c.association, "yes": yes}
    root = next(r for r in ("associations(", "units(", "association(") if r in document)
    for caller in (c.admin, c.board, c.owner, c.tenant, c.nobody, c.stranger):
        answers, sent = await _answers(platform, client, statements, caller, document, variables)
        if caller is c.admin:
            # Only the compiled path has Postgres build JSON.
            COMPILED.append((root, any("json_build_object" in statement for statement in sent["compiled"])))
            FAST.append((root, fast_answers[-2]))
        assert answers["compiled"].json() == answers["resolvers"].json(), document


async def _post(client: Any, document: str, variables: dict[str, Any], headers: dict[str, str]) -> Any:
    return await client.post("/graphql", json={"query": document, "variables": variables}, headers=headers)


async def _answers(platform, client, statements, caller, document, variables) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """The response and the statements of each path; the fast path's checked equal
    to Strawberry's compiled one byte for byte, in as many statements."""
    answers, sent = {}, {}
    for path, (compiled, fast) in PATHS.items():
        platform.settings.compiled_reads, platform.settings.fast_reads = compiled, fast
        statements.clear()
        try:
            answers[path] = await _post(client, document, variables, caller.headers)
        finally:
            platform.settings.compiled_reads = platform.settings.fast_reads = True
        sent[path] = list(statements)
    fast, compiled = answers["fast"], answers["compiled"]
    assert (fast.status_code, fast.headers.items(), fast.content) == (
        compiled.status_code,
        compiled.headers.items(),
        compiled.content,
    ), document
    assert len(sent["fast"]) == len(sent["compiled"]), (document, sent)
    return answers, sent


COMPILED: list[tuple[str, bool]] = []
FAST: list[tuple[str, bool]] = []


async def test_most_generated_queries_compiled() -> None:
    """Runs after the property (file order): for each root field, the comparison
    above was mostly of compiled answers, not of the resolvers with themselves."""
    assert len(COMPILED) >= 60 and sum(c for _, c in COMPILED) / len(COMPILED) > 0.5, COMPILED
    # Fields needing a resolver (an association's tax id, share totals) often send a
    # root down the resolvers; each root still compiled many times.
    for root in ("associations(", "units(", "association("):
        assert sum(c for r, c in COMPILED if r == root) >= 5, (root, COMPILED)
        # Answered before Strawberry (graph/fastpath.py), not only compiled inside it.
        assert sum(f for r, f in FAST if r == root) >= 5, (root, FAST)


NESTED = """query($id: ID!) { association(id: $id) { code masterAssociation { code } units(first: 3, orderBy: CREATED_AT) {
  edges { cursor node { unitNumber emergencyContacts { name } ownershipHistory { startsOn party { name } }
  currentOwners { party { contactPoints { value } } } residents { kind } } } pageInfo { hasNextPage endCursor } } } }"""


async def test_a_nested_page_compiles_to_one_statement(platform, world, statements) -> None:
    """Not a fallback in disguise: the generated queries' shape costs one statement
    after the scope (which reads the roles in the same round trip)."""
    from tests.helpers import Api

    c, client = world
    api = Api(client)
    for caller in (c.admin, c.owner, c.stranger):
        statements.clear()
        body = await api.gql(NESTED, {"id": c.association}, token=caller.token)
        assert len(statements) == 2, statements
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    statements.clear()
    # A field that needs its resolver (a computed total) sends the whole root field down the resolvers.
    body = await api.gql(
        "query($id: ID!) { association(id: $id) { code shareTotals { unitCount } } }", {"id": c.association}, token=c.admin.token
    )
    assert body["data"]["association"]["shareTotals"]["unitCount"] == 4 and len(statements) > 2


SMALL = "query Small($id: ID!) { association(id: $id) { id code legalName } }"


async def test_small_query_answered_before_strawberry_as_strawberry_would(platform, world, statements, fast_answers) -> None:
    """The bench's small query, by callers who may and may not see the association:
    answered by graph/fastpath.py, with the normal path's data or null and error
    (Cerbos' filter for the owner and tenant, RLS for another organization's admin)
    and its statements (the scope with the roles, then one)."""
    from tests.helpers import Api

    c, client = world
    # Of the organization, but neither the owner's nor the tenant's association nor its master.
    other = await Api(client).call("association/v1/create", {**_association_fields(), "code": "OTR"}, c.admin)
    cases = [
        (c.admin, c.association, "MGV"),
        (c.owner, c.association, "MGV"),
        (c.owner, c.master, "MST"),
        (c.admin, other["id"], "OTR"),
        (c.owner, other["id"], None),
        (c.tenant, other["id"], None),
        (c.stranger, c.association, None),
        (SimpleNamespace(headers={}), c.association, None),  # anonymous: UNAUTHENTICATED
    ]
    for caller, association, code in cases:
        answers, sent = await _answers(platform, client, statements, caller, SMALL, {"id": association})
        assert fast_answers[-2:] == [True, False], fast_answers  # the fast run answered; the resolvers' did not try
        body = answers["fast"].json()
        if code is None:
            refusal = "UNAUTHENTICATED" if not caller.headers else "NOT_FOUND"
            assert body["data"] is None and body["errors"][0]["extensions"]["code"] == refusal, body  # a non-null root
        else:
            assert body["data"]["association"]["code"] == code, body
        assert len(sent["fast"]) == (2 if caller.headers else 0), sent["fast"]


async def test_a_small_read_with_kept_roles_goes_to_the_driver_traced_and_scoped(
    platform, world, statements, span_exporter
) -> None:
    """Once the caller's roles are kept, the fast path reads its one row on the pooled
    connection's asyncpg driver (graph.db.driver_read): the scope, then the statement,
    each with its SQL span, and the scope still decides what is visible."""
    from graph.db import DRIVER_SCOPE_SQL, driver_statement_listeners

    c, client = world
    by_driver: list[str] = []
    driver_statement_listeners.append(lambda _, statement, __: by_driver.append(statement))
    try:
        for caller, code in ((c.admin, "MGV"), (c.stranger, None)):
            await _post(client, SMALL, {"id": c.association}, caller.headers)  # the roles are kept
            statements.clear()
            by_driver.clear()
            span_exporter.clear()
            body = (await _post(client, SMALL, {"id": c.association}, caller.headers)).json()
            assert by_driver == statements and statements[0] == DRIVER_SCOPE_SQL and len(statements) == 2, statements
            sql_spans = [s.attributes["db.statement"] for s in span_exporter.get_finished_spans() if s.name.startswith("sql ")]
            assert sql_spans == statements, sql_spans
            if code is None:
                assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "NOT_FOUND", body
            else:
                assert body["data"]["association"]["code"] == code, body
    finally:
        driver_statement_listeners.pop()


async def test_the_driver_transaction_is_read_only_scoped_and_ends_with_the_read(platform) -> None:
    """graph.db.driver_read opens and scopes its transaction in one message, with the
    ids as literals: only a UUID gets into that text, the transaction refuses
    writes, and nothing of its scope is left on the pooled connection."""
    from uuid import uuid4

    import asyncpg

    from graph.db import create_engine, driver_read

    # One pooled connection, so each read below meets what the one before left.
    engine = create_engine(platform.settings.app_url(), platform.settings, pool_size=1)
    org, user = uuid4(), uuid4()
    seen = (
        "SELECT concat_ws(' ', "
        + ", ".join(f"current_setting('{name}')" for name in ("transaction_read_only", "app.org_id", "app.user_id"))
        + ")"
    )
    try:
        assert await driver_read(engine, org, user, seen, []) == f"on {org} {user}"
        async with engine.connect() as connection:
            left = await connection.exec_driver_sql(
                "SELECT current_setting('app.org_id', true), current_setting('transaction_read_only')"
            )
            assert tuple(left.one()) in ((None, "off"), ("", "off"))  # unscoped, and in a transaction of its own
        with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
            await driver_read(engine, org, user, "CREATE TABLE driver_read_probe (id int)", [])
        with pytest.raises(ValueError):
            await driver_read(engine, "x', true); SELECT ('", user, seen, [])  # type: ignore[arg-type]
    finally:
        await engine.dispose()


async def test_bad_tokens_refused_alike_on_the_fast_path(platform, world, fast_answers) -> None:
    """An invalid or expired token is refused before either path runs: the same 401."""
    c, client = world
    claims = platform.tokens.verify_access(c.admin.token)
    expired = platform.tokens.issue_access(claims.subject, claims.session_id, "user", now=int(time.time()) - 86_400)
    variables = {"id": c.association}
    assert (await _post(client, SMALL, variables, c.admin.headers)).status_code == 200
    fast_answers.clear()
    for token in ("not-a-token", expired):
        refusals = []
        for fast in (True, False):
            platform.settings.fast_reads = fast
            try:
                r = await _post(client, SMALL, variables, {"Authorization": f"Bearer {token}"})
            finally:
                platform.settings.fast_reads = True
            body = r.json()
            for error in body["errors"]:
                error["extensions"].pop("traceId")
            refusals.append((r.status_code, body))
        assert refusals[0] == refusals[1] and refusals[0][0] == 401, refusals
        assert refusals[0][1]["errors"][0]["extensions"]["code"] == "TOKEN_INVALID", refusals
    assert fast_answers == []


async def test_unexpected_error_on_the_fast_path_falls_through_to_strawberry(platform, world, fast_answers, monkeypatch) -> None:
    """Anything but an AppError on the fast path (a dropped connection, a bug) is left
    to Strawberry, on a fresh transaction: it answers, or masks the error, as always."""
    import graph.fastpath

    c, client = world
    expected = await _post(client, SMALL, {"id": c.association}, c.admin.headers)

    async def broken(*_: Any) -> Any:
        raise RuntimeError("connection reset")

    monkeypatch.setattr(graph.fastpath, "answer", broken)
    fast_answers.clear()
    answered = await _post(client, SMALL, {"id": c.association}, c.admin.headers)
    assert (answered.status_code, answered.content) == (expected.status_code, expected.content)
    assert fast_answers == [False]


@pytest.mark.parametrize("accept", ["text/event-stream", 'multipart/mixed;subscriptionSpec="1.0"'])
async def test_stream_accept_headers_change_nothing(platform, world, fast_answers, accept) -> None:
    """The GraphQL view enables no HTTP stream transport, so a client asking for one
    gets plain JSON on both paths. (Enabling SSE or multipart makes Strawberry answer
    such requests differently: the fast path must then leave them to it.)"""
    c, client = world
    headers = {**c.admin.headers, "Accept": accept}
    assert (await _post(client, SMALL, {"id": c.association}, c.admin.headers)).status_code == 200  # validated
    fast_answers.clear()
    answers = []
    for fast in (True, False):
        platform.settings.fast_reads = fast
        try:
            answers.append(await _post(client, SMALL, {"id": c.association}, headers))
        finally:
            platform.settings.fast_reads = True
    assert (answers[0].status_code, answers[0].content) == (answers[1].status_code, answers[1].content)
    assert fast_answers == [True, False]
