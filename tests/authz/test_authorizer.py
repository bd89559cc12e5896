"""Authorizer against a real Cerbos PDP over gRPC (see conftest.py)."""

from __future__ import annotations

import asyncio
import random
import socket
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import pytest
from cerbos.engine.v1 import engine_pb2
from cerbos.response.v1 import response_pb2
from google.protobuf import json_format
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Column, ColumnElement, MetaData, String, Table, create_engine, insert, select
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

import domains.associations.service.access  # noqa: F401  (registers owner_of, resident_of, party_ids, association_ids)
import graph.authz as authz_module
from domains.associations.models import (
    AccountingBasis,
    Association,
    AssociationKind,
    AssociationStatus,
    DeliveryPreference,
    Ownership,
    Party,
    PartyKind,
    Unit,
    UnitStatus,
    UnitType,
)
from domains.organizations.models import Organization, OrganizationType
from graph.auth.principal import RELATIONS, Principal, PrincipalKind
from graph.authz import (
    Authorizer,
    Decisions,
    ResourceRef,
    plan_filter,
    principal_to_cerbos,
    resource_attrs,
    resource_columns,
    sent_principal,
)
from graph.errors import ErrorCode, Forbidden, ServiceUnavailable

ORG_A = UUID("aaaaaaaa-0000-4000-8000-00000000000a")
ORG_B = UUID("bbbbbbbb-0000-4000-8000-00000000000b")
ORG_C = UUID("cccccccc-0000-4000-8000-00000000000c")
ORG_ROLES = ("admin", "manager", "board_member", "member", "auditor", "integration")
# Units and parties of org A: owner_a owns and lives in UNIT_1 (party 1),
# tenant_a rents UNIT_2 (party 2); UNIT_3 is nobody's here.
UNIT_1 = UUID("aaaaaaaa-0b17-4000-8000-000000000001")
UNIT_2 = UUID("aaaaaaaa-0b17-4000-8000-000000000002")
UNIT_3 = UUID("aaaaaaaa-0b17-4000-8000-000000000003")
PARTY_1 = UUID("aaaaaaaa-9a27-4000-8000-000000000001")
PARTY_2 = UUID("aaaaaaaa-9a27-4000-8000-000000000002")
PARTY_3 = UUID("aaaaaaaa-9a27-4000-8000-000000000003")
# UNIT_1 and UNIT_2 are in association 1; association 2 is nobody's here.
ASSOCIATION_1 = UUID("aaaaaaaa-a550-4000-8000-000000000001")
ASSOCIATION_2 = UUID("aaaaaaaa-a550-4000-8000-000000000002")


def uid(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def user(n: int, org: UUID | None, *roles: str, **relations: list[UUID]) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uid(n),
        active_organization_id=org,
        roles=list(roles),
        relations={name: [str(v) for v in ids] for name, ids in relations.items()},
    )


def service_account(n: int, org: UUID, *roles: str) -> Principal:
    return Principal(
        kind=PrincipalKind.SERVICE_ACCOUNT,
        id=uid(n),
        active_organization_id=org,
        roles=list(roles),
    )


PRINCIPALS: dict[str, Principal] = {
    "admin_a": user(1, ORG_A, "admin"),
    "manager_a": user(2, ORG_A, "manager"),
    "board_a": user(3, ORG_A, "board_member"),
    "member_a": user(4, ORG_A, "member"),
    "auditor_a": user(5, ORG_A, "auditor"),
    "integration_a": service_account(6, ORG_A, "integration"),
    "admin_b": user(7, ORG_B, "admin"),
    "removed_a": user(8, ORG_A),
    "no_org": user(9, None),
    "owner_a": user(
        10,
        ORG_A,
        "member",
        owner_of=[UNIT_1],
        resident_of=[UNIT_1],
        party_ids=[PARTY_1],
        association_ids=[ASSOCIATION_1],
    ),
    "tenant_a": user(
        11,
        ORG_A,
        "member",
        owner_of=[],
        resident_of=[UNIT_2],
        party_ids=[PARTY_2],
        association_ids=[ASSOCIATION_1],
    ),
}
ROLE_OF = {
    "admin_a": "admin",
    "manager_a": "manager",
    "board_a": "board_member",
    "member_a": "member",
    "auditor_a": "auditor",
    "integration_a": "integration",
    "owner_a": "member",
    "tenant_a": "member",
}
ANY_ROLE = frozenset(ORG_ROLES)
STAFF = ANY_ROLE - {"member"}
WRITERS = frozenset({"admin", "manager", "integration"})

# kind -> action -> organization roles allowed on a row of their own organization.
SPEC: dict[str, dict[str, frozenset[str]]] = {
    "organization": {
        "read": ANY_ROLE,
        "update": frozenset({"admin"}),
        "link_manager": frozenset({"admin"}),
    },
    "membership": {
        "create": frozenset({"admin"}),
        "update": frozenset({"admin"}),
        "delete": frozenset({"admin"}),
        "read": ANY_ROLE,
    },
    "service_account": {
        "create": frozenset({"admin"}),
        "revoke": frozenset({"admin"}),
        "read": frozenset({"admin", "auditor"}),
    },
    "workflow": {"read": ANY_ROLE},
    "audit_event": {"read": frozenset({"admin", "auditor"})},
    # Rows here carry no association id: an owner or tenant reads none of them.
    "association": {
        "read": STAFF,
        "list": ANY_ROLE,
        "create": frozenset({"admin", "manager"}),
        "update": frozenset({"admin", "manager", "board_member"}),
        "read_tax_id": STAFF,
    },
    # Rows here carry no unit or party: an owner's or tenant's relations reach
    # none of them (see the plan tests below for rows they do reach).
    "unit": {
        "read": STAFF,
        "list": ANY_ROLE,
        "create": WRITERS,
        "update": WRITERS,
        "import": WRITERS,
    },
    "party": {
        "read": STAFF,
        "list": ANY_ROLE,
        "create": WRITERS,
        "link_user": WRITERS,
        "update": WRITERS,
    },
    "ownership": {
        "read": STAFF,
        "list": ANY_ROLE,
        "create": WRITERS,
        "update": WRITERS,
        "transfer": WRITERS,
    },
    "resident": {
        "read": STAFF,
        "list": ANY_ROLE,
        "create": WRITERS,
        "update": WRITERS,
    },
}


def row(kind: str, rid: str, org: UUID | None, **extra: object) -> ResourceRef:
    attrs: dict[str, object] = {"organization_id": org, **extra}
    if kind == "membership":
        attrs.setdefault("user_id", uid(99))
    return ResourceRef(id=rid, attrs=attrs)


# --------------------------------------------------------------------- mapping


def test_principal_mapping() -> None:
    no_org = principal_to_cerbos(user(9, None, "admin"))
    assert list(no_org.roles) == ["user"]
    assert no_org.attr["organization_id"].string_value == ""
    assert no_org.id == f"user:{uid(9)}"

    removed = principal_to_cerbos(user(8, ORG_A))
    assert list(removed.roles) == ["none", "user"]
    assert removed.attr["organization_id"].string_value == str(ORG_A)

    sa = principal_to_cerbos(service_account(6, ORG_A, "integration"))
    assert list(sa.roles) == ["integration", "user"]
    assert sa.attr["kind"].string_value == "service_account"
    assert sa.id == f"service_account:{uid(6)}"


def test_the_principal_as_sent_is_kept_per_state() -> None:
    """`sent_principal` keeps the built message, keyed by everything it is built from:
    a change of roles, relations or organization is sent anew, never the old one."""
    p = user(7, ORG_A, "manager")
    first, first_bytes = sent_principal(p)
    assert sent_principal(user(7, ORG_A, "manager"))[0] is first
    assert first_bytes == principal_to_cerbos(p).SerializeToString(deterministic=True)
    p.roles = ["owner"]
    assert list(sent_principal(p)[0].roles) == ["owner", "user"]
    p.relations = {"owner_of": [str(UNIT_1)]}
    assert [v.string_value for v in sent_principal(p)[0].attr["owner_of"].list_value.values] == [str(UNIT_1)]
    p.active_organization_id = ORG_B
    assert sent_principal(p)[0].attr["organization_id"].string_value == str(ORG_B)
    assert sent_principal(user(7, ORG_A, "manager"))[1] == first_bytes


def _relations(p: Principal) -> dict[str, list[str]]:
    attr = principal_to_cerbos(p).attr
    return {name: [v.string_value for v in attr[name].list_value.values] for name in RELATIONS}


def test_relations_mapping() -> None:
    # The associations domain's relations; others register theirs (committee_of) when loaded.
    core = {"owner_of", "resident_of", "party_ids", "association_ids"}
    assert core <= set(RELATIONS)
    # Every relation is always sent: empty when unknown, never missing.
    assert _relations(PRINCIPALS["member_a"]) == {name: [] for name in RELATIONS}
    owner = _relations(PRINCIPALS["owner_a"])
    assert {name: owner[name] for name in core} == {
        "owner_of": [str(UNIT_1)],
        "resident_of": [str(UNIT_1)],
        "party_ids": [str(PARTY_1)],
        "association_ids": [str(ASSOCIATION_1)],
    }
    assert all(owner[name] == [] for name in set(RELATIONS) - core)
    # Without an active organization, relations (which belong to one) are not sent.
    stale = user(10, None, "member", owner_of=[UNIT_1], party_ids=[PARTY_1])
    assert _relations(stale) == {name: [] for name in RELATIONS}


# ----------------------------------------------------------- decisions via PDP


@pytest.mark.parametrize("kind", sorted(SPEC))
@pytest.mark.parametrize("name", sorted(PRINCIPALS))
async def test_role_matrix(authorizer: Authorizer, kind: str, name: str) -> None:
    """Every principal against a row of org A and of org B, all actions, one call."""
    principal = PRINCIPALS[name]
    actions = SPEC[kind]
    rows = [row(kind, "in-a", ORG_A), row(kind, "in-b", ORG_B)]
    got = await authorizer.check(principal, kind, rows, set(actions))
    role = ROLE_OF.get(name)
    for action, allowed_roles in actions.items():
        assert got["in-a"][action] is (role in allowed_roles), (name, kind, action)
        # Nobody here has a role in B except admin_b, and B's admin never acts in A.
        expect_b = name == "admin_b" and "admin" in allowed_roles
        assert got["in-b"][action] is expect_b, (name, kind, action)


async def test_organization_create_and_select(authorizer: Authorizer) -> None:
    org = [row("organization", "org", ORG_B)]
    for name in ("no_org", "removed_a", "member_a", "admin_b"):
        got = await authorizer.check(PRINCIPALS[name], "organization", org, {"create", "select"})
        assert got["org"] == {"create": True, "select": True}, name
    # A service account is bound to its organization: it makes no new ones.
    got = await authorizer.check(PRINCIPALS["integration_a"], "organization", org, {"create", "select"})
    assert got["org"] == {"create": False, "select": False}


async def test_member_reads_own_membership_only_in_active_org(
    authorizer: Authorizer,
) -> None:
    me = PRINCIPALS["member_a"]
    rows = [
        row("membership", "mine", ORG_A, user_id=me.id),
        row("membership", "mine-in-b", ORG_B, user_id=me.id),
    ]
    got = await authorizer.check(me, "membership", rows, {"read", "update"})
    assert got == {
        "mine": {"read": True, "update": False},
        "mine-in-b": {"read": False, "update": False},
    }


async def test_admin_of_a_denied_on_b(authorizer: Authorizer) -> None:
    admin_a = PRINCIPALS["admin_a"]
    target = row("association", "association-b", ORG_B)
    with pytest.raises(Forbidden) as info:
        await authorizer.require(admin_a, "association", "update", target)
    assert info.value.code == ErrorCode.FORBIDDEN
    assert info.value.status == 403
    assert info.value.message == "Not allowed to update this association"
    # ...while the same call on A's own row passes.
    await authorizer.require(admin_a, "association", "update", row("association", "a", ORG_A))
    # A kind's underscores read as words in the message.
    with pytest.raises(Forbidden) as info:
        await authorizer.require(admin_a, "service_account", "revoke", row("service_account", "sa", ORG_B))
    assert info.value.message == "Not allowed to revoke this service account"


async def test_owner_and_tenant_reach_their_own_rows_only(
    authorizer: Authorizer,
) -> None:
    owner, tenant = PRINCIPALS["owner_a"], PRINCIPALS["tenant_a"]
    units = [
        row("unit", "u1", ORG_A, unit_id=UNIT_1),
        row("unit", "u2", ORG_A, unit_id=UNIT_2),
        row("unit", "u3", ORG_A, unit_id=UNIT_3),
        # B's row carrying A's unit id: the organization check still applies.
        row("unit", "u1-in-b", ORG_B, unit_id=UNIT_1),
    ]
    got = await authorizer.check(owner, "unit", units, {"read", "update"})
    assert {rid for rid, d in got.items() if d["read"]} == {"u1"}
    assert not any(d["update"] for d in got.values())
    got = await authorizer.check(tenant, "unit", units, {"read"})
    assert {rid for rid, d in got.items() if d["read"]} == {"u2"}

    ownerships = [
        row("ownership", "mine", ORG_A, unit_id=UNIT_1, party_id=PARTY_1),
        row("ownership", "co-owner", ORG_A, unit_id=UNIT_1, party_id=PARTY_3),
        row("ownership", "landlord", ORG_A, unit_id=UNIT_2, party_id=PARTY_3),
    ]
    got = await authorizer.check(owner, "ownership", ownerships, {"read"})
    assert {rid for rid, d in got.items() if d["read"]} == {"mine", "co-owner"}
    got = await authorizer.check(tenant, "ownership", ownerships, {"read"})
    assert not any(d["read"] for d in got.values())

    residents = [
        row("resident", "owner-home", ORG_A, unit_id=UNIT_1, party_id=PARTY_1),
        row("resident", "household", ORG_A, unit_id=UNIT_1, party_id=PARTY_3),
        row("resident", "tenancy", ORG_A, unit_id=UNIT_2, party_id=PARTY_2),
        row("resident", "roommate", ORG_A, unit_id=UNIT_2, party_id=PARTY_3),
    ]
    got = await authorizer.check(owner, "resident", residents, {"read"})
    assert {rid for rid, d in got.items() if d["read"]} == {"owner-home", "household"}
    got = await authorizer.check(tenant, "resident", residents, {"read"})
    assert {rid for rid, d in got.items() if d["read"]} == {"tenancy"}

    associations_ = [
        row("association", "theirs", ORG_A, association_id=ASSOCIATION_1),
        row("association", "other", ORG_A, association_id=ASSOCIATION_2),
        row("association", "theirs-in-b", ORG_B, association_id=ASSOCIATION_1),
    ]
    for p in (owner, tenant):
        got = await authorizer.check(p, "association", associations_, {"read", "read_tax_id", "update"})
        assert got == {
            "theirs": {"read": True, "read_tax_id": False, "update": False},
            "other": {"read": False, "read_tax_id": False, "update": False},
            "theirs-in-b": {"read": False, "read_tax_id": False, "update": False},
        }

    parties = [
        row("party", "p1", ORG_A, party_id=PARTY_1),
        row("party", "p3", ORG_A, party_id=PARTY_3),
    ]
    got = await authorizer.check(owner, "party", parties, {"read", "update", "link_user"})
    assert got == {
        "p1": {"read": True, "update": True, "link_user": False},
        "p3": {"read": False, "update": False, "link_user": False},
    }


async def test_schema_rejects_malformed_attributes(authorizer: Authorizer) -> None:
    admin = PRINCIPALS["admin_a"]
    rows = [
        row("workflow", "ok", ORG_A),
        ResourceRef("missing-org", {}),
        ResourceRef("null-org", {"organization_id": None}),
        ResourceRef("typo", {"organization_id": ORG_A, "orgnaization": "x"}),
    ]
    got = await authorizer.check(admin, "workflow", rows, {"read"})
    assert {rid: d["read"] for rid, d in got.items()} == {
        "ok": True,
        "missing-org": False,
        "null-org": False,
        "typo": False,
    }


# ------------------------------------------------------------------- batching


class CallCounter:
    def __init__(self, authz: Authorizer, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls: list[int] = []
        real = authz.client.check_resources

        async def counting(principal, resources, *args, **kwargs):
            self.calls.append(len(resources))
            return await real(principal, resources, *args, **kwargs)

        monkeypatch.setattr(authz.client, "check_resources", counting)


async def test_batch_of_50_is_one_call(authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = CallCounter(authorizer, monkeypatch)
    rows = [row("workflow", f"w{i}", ORG_A if i % 2 else ORG_B) for i in range(50)]
    got = await authorizer.check(PRINCIPALS["member_a"], "workflow", rows, {"read"})
    assert counter.calls == [50]
    assert [got[f"w{i}"]["read"] for i in range(50)] == [i % 2 == 1 for i in range(50)]


async def test_over_pdp_limit_is_chunked_not_per_row(authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The PDP refuses more than 50 resources per request by default.
    counter = CallCounter(authorizer, monkeypatch)
    rows = [row("workflow", f"w{i}", ORG_A) for i in range(120)]
    got = await authorizer.check(PRINCIPALS["member_a"], "workflow", rows, {"read"})
    assert sorted(counter.calls) == [20, 50, 50]
    assert all(d["read"] for d in got.values()) and len(got) == 120


async def test_empty_batch_makes_no_call(authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch) -> None:
    counter = CallCounter(authorizer, monkeypatch)
    assert await authorizer.check(PRINCIPALS["admin_a"], "workflow", [], {"read"}) == {}
    assert counter.calls == []


async def test_duplicate_ids_refused(authorizer: Authorizer) -> None:
    rows = [row("workflow", "same", ORG_A), row("workflow", "same", ORG_B)]
    with pytest.raises(ValueError):
        await authorizer.check(PRINCIPALS["admin_a"], "workflow", rows, {"read"})


async def test_request_decisions_ask_each_pair_once(authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch) -> None:
    """One request's identical checks cost one PDP call, including sibling fields
    asking at the same moment; a new attribute, action or set of roles is asked anew."""
    counter = CallCounter(authorizer, monkeypatch)
    decisions = Decisions(authorizer)
    member = PRINCIPALS["member_a"]
    mine, theirs = row("workflow", "w1", ORG_A), row("workflow", "w2", ORG_B)
    first, second = await asyncio.gather(
        decisions.check(member, "workflow", [mine, theirs], {"read"}),
        decisions.check(member, "workflow", [theirs, mine], {"read"}),
    )
    assert first == second == {"w1": {"read": True}, "w2": {"read": False}}
    assert counter.calls == [2]
    await decisions.require(member, "workflow", "read", mine)
    with pytest.raises(Forbidden):
        await decisions.require(member, "workflow", "read", theirs)
    assert counter.calls == [2]
    # The same id with other attributes is another resource to Cerbos.
    moved = row("workflow", "w2", ORG_A)
    assert await decisions.check(member, "workflow", [moved], {"read"}) == {"w2": {"read": True}}
    await decisions.check(member, "workflow", [mine], {"read", "cancel"})
    admin = PRINCIPALS["admin_a"]
    await decisions.check(admin, "workflow", [mine], {"read"})
    assert counter.calls == [2, 1, 1, 1]
    # A fresh request asks again: nothing outlives the request.
    await Decisions(authorizer).check(member, "workflow", [mine], {"read"})
    assert counter.calls == [2, 1, 1, 1, 1]


async def test_request_decisions_do_not_keep_a_failure(monkeypatch: pytest.MonkeyPatch, closed_port: int) -> None:
    down = Authorizer(f"127.0.0.1:{closed_port}", timeout_seconds=0.3)
    await down.start()
    counter = CallCounter(down, monkeypatch)
    decisions = Decisions(down)
    target = row("workflow", "w1", ORG_A)
    try:
        for _ in range(2):
            with pytest.raises(ServiceUnavailable):
                await decisions.check(PRINCIPALS["member_a"], "workflow", [target], {"read"})
        assert counter.calls == [1, 1]
    finally:
        await down.close()


# ----------------------------------------------------------------- fail closed


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class StallingProxy:
    """A TCP relay to the PDP whose connections can be made to go silent: bytes
    sent on them are swallowed, as on a half-open connection, while connections
    opened afterwards relay normally."""

    def __init__(self, target: str) -> None:
        host, port = target.rsplit(":", 1)
        self._target = (host, int(port))
        self._silent: set[asyncio.StreamWriter] = set()
        self._open: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self.connections = 0

    async def __aenter__(self) -> StallingProxy:
        self._server = await asyncio.start_server(self._relay, "127.0.0.1", 0)
        self.address = f"127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._server.close()
        for writer in self._open:
            writer.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def silence(self) -> None:
        self._silent |= self._open

    async def _relay(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        self.connections += 1
        server_r, server_w = await asyncio.open_connection(*self._target)
        self._open.add(client_w)

        async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while data := await reader.read(65536):
                if client_w not in self._silent:
                    writer.write(data)
                    await writer.drain()

        for task in (asyncio.create_task(pipe(client_r, server_w)), asyncio.create_task(pipe(server_r, client_w))):
            self._tasks.add(task)


async def test_a_call_left_unanswered_is_asked_again_on_a_new_channel(
    cerbos_address: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A connection that stops answering (half-open, a stuck stream) costs one
    deadline, not a 503: the call is asked again on a new channel."""
    async with StallingProxy(cerbos_address) as proxy:
        authz = Authorizer(proxy.address, timeout_seconds=0.5)
        await authz.start()
        try:
            admin = PRINCIPALS["admin_a"]
            await authz.plan(admin, "workflow", "read")
            assert proxy.connections == 1
            proxy.silence()
            target = row("workflow", "w", ORG_A)
            assert await authz.check(admin, "workflow", [target], {"read"}) == {"w": {"read": True}}
            assert proxy.connections == 2
            assert caplog.text.count("missed its 0.5 s deadline; asking again on a new channel") == 1
            # Later calls use the new channel straight away.
            await authz.plan(admin, "workflow", "list")
            assert caplog.text.count("missed its") == 1
        finally:
            await authz.close()


async def test_pdp_down_is_service_unavailable(closed_port: int) -> None:
    authz = Authorizer(f"127.0.0.1:{closed_port}", timeout_seconds=0.5)
    await authz.start()
    try:
        assert await authz.ready() is False
        admin = PRINCIPALS["admin_a"]
        target = row("workflow", "w", ORG_A)
        for attempt in (
            authz.check(admin, "workflow", [target], {"read"}),
            authz.require(admin, "workflow", "read", target),
            authz.plan(admin, "workflow", "read"),
        ):
            with pytest.raises(ServiceUnavailable) as info:
                await attempt
            assert info.value.status == 503
            assert info.value.code == ErrorCode.SERVICE_UNAVAILABLE
            assert info.value.message == "Authorization service unavailable"
    finally:
        await authz.close()


async def test_ready(authorizer: Authorizer) -> None:
    assert await authorizer.ready() is True


# ---------------------------------------------------------------------- spans


@pytest.fixture
def spans(monkeypatch: pytest.MonkeyPatch) -> Iterator[InMemorySpanExporter]:
    # A private provider: the global one may only be set once per process.
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    monkeypatch.setattr(authz_module, "tracer", provider.get_tracer("hestami.authz"))
    yield exporter
    provider.shutdown()


async def test_spans(authorizer: Authorizer, spans: InMemorySpanExporter) -> None:
    admin = PRINCIPALS["admin_a"]
    rows = [row("membership", f"m{i}", ORG_A) for i in range(3)]
    await authorizer.check(admin, "membership", rows, {"read", "update"})
    await authorizer.plan(admin, "membership", "read")
    check, plan = spans.get_finished_spans()
    assert check.name == "cerbos.check" and plan.name == "cerbos.plan"
    assert check.attributes is not None and plan.attributes is not None
    assert check.attributes["organization.id"] == str(ORG_A)
    assert check.attributes["user.id"] == str(admin.id)
    assert check.attributes["cerbos.kind"] == "membership"
    assert tuple(check.attributes["cerbos.actions"]) == ("read", "update")  # type: ignore[arg-type]
    assert check.attributes["cerbos.resource_count"] == 3
    assert tuple(plan.attributes["cerbos.actions"]) == ("read",)  # type: ignore[arg-type]


# ---------------------------------------------------------------- plan filters

metadata = MetaData()
memberships = Table(
    "memberships",
    metadata,
    Column("id", String, primary_key=True),
    Column("organization_id", String, nullable=True),
    # NOT NULL on purpose: the resource schema requires user_id, and schema
    # requirements are not part of a plan (see test_plan_matches_check).
    Column("user_id", String, nullable=False),
)
associations = Table(
    "associations",
    metadata,
    Column("id", String, primary_key=True),
    Column("organization_id", String, nullable=True),
    Column("association_id", String, nullable=True),
)
# One table standing in for units, ownerships, residents and parties: the
# attributes those policies read, each nullable.
related = Table(
    "related",
    metadata,
    Column("id", String, primary_key=True),
    Column("organization_id", String, nullable=True),
    Column("unit_id", String, nullable=True),
    Column("party_id", String, nullable=True),
)
MEMBERSHIP_MAP = {
    "organization_id": memberships.c.organization_id,
    "user_id": memberships.c.user_id,
}
ASSOCIATION_MAP = {"organization_id": associations.c.organization_id}
ASSOCIATION_ROW_MAP = ASSOCIATION_MAP | {"association_id": associations.c.association_id}
UNIT_MAP = {
    "organization_id": related.c.organization_id,
    "unit_id": related.c.unit_id,
}
PARTY_MAP = {
    "organization_id": related.c.organization_id,
    "party_id": related.c.party_id,
}
UNIT_PARTY_MAP = UNIT_MAP | PARTY_MAP


def sql(clause: ColumnElement[bool]) -> str:
    return str(select(memberships.c.id).where(clause).compile(compile_kwargs={"literal_binds": True}))


async def test_plan_always_allowed(authorizer: Authorizer) -> None:
    plan = await authorizer.plan(PRINCIPALS["no_org"], "organization", "create")
    assert plan.filter.kind == engine_pb2.PlanResourcesFilter.KIND_ALWAYS_ALLOWED
    assert sql(plan_filter(plan, memberships, MEMBERSHIP_MAP)).endswith("WHERE true")


@pytest.mark.parametrize(
    ("name", "kind", "action"),
    [
        ("member_a", "membership", "update"),  # role lacks the action
        ("removed_a", "workflow", "read"),  # no organization role at all
        ("no_org", "audit_event", "read"),  # account-level principal
        ("integration_a", "organization", "create"),
    ],
)
async def test_plan_always_denied(authorizer: Authorizer, name: str, kind: str, action: str) -> None:
    plan = await authorizer.plan(PRINCIPALS[name], kind, action)
    assert plan.filter.kind == engine_pb2.PlanResourcesFilter.KIND_ALWAYS_DENIED
    assert sql(plan_filter(plan, memberships, MEMBERSHIP_MAP)).endswith("WHERE false")


async def test_plan_conditional_same_org(authorizer: Authorizer) -> None:
    plan = await authorizer.plan(PRINCIPALS["admin_a"], "membership", "update")
    assert plan.filter.kind == engine_pb2.PlanResourcesFilter.KIND_CONDITIONAL
    text = sql(plan_filter(plan, memberships, MEMBERSHIP_MAP))
    assert text.endswith(f"WHERE memberships.organization_id = '{ORG_A}'")


async def test_plan_conditional_with_self(authorizer: Authorizer) -> None:
    plan = await authorizer.plan(PRINCIPALS["member_a"], "membership", "read")
    text = sql(plan_filter(plan, memberships, MEMBERSHIP_MAP))
    assert f"memberships.organization_id = '{ORG_A}'" in text
    # The principal-side prefix cut folds to a constant: an index can serve it.
    assert f"memberships.user_id = '{uid(4)}'" in text and " OR " in text


def _conditional(condition: dict[str, object]) -> response_pb2.PlanResourcesResponse:
    plan = response_pb2.PlanResourcesResponse()
    plan.filter.kind = engine_pb2.PlanResourcesFilter.KIND_CONDITIONAL
    json_format.ParseDict(condition, plan.filter.condition)
    return plan


def test_unknown_operator_fails_closed() -> None:
    plan = _conditional(
        {
            "expression": {
                "operator": "frobnicate",
                "operands": [
                    {"variable": "request.resource.attr.organization_id"},
                    {"value": str(ORG_A)},
                ],
            }
        }
    )
    with pytest.raises(Forbidden):
        plan_filter(plan, memberships, MEMBERSHIP_MAP)


def test_unmapped_attribute_fails_closed() -> None:
    plan = _conditional(
        {
            "expression": {
                "operator": "eq",
                "operands": [
                    {"variable": "request.resource.attr.secret_flag"},
                    {"value": True},
                ],
            }
        }
    )
    with pytest.raises(Forbidden):
        plan_filter(plan, memberships, MEMBERSHIP_MAP)


def test_unspecified_filter_kind_fails_closed() -> None:
    with pytest.raises(Forbidden):
        plan_filter(response_pb2.PlanResourcesResponse(), memberships, MEMBERSHIP_MAP)


# ------------------------------------------------- property: plan == check


def _membership_rows() -> list[dict[str, str | None]]:
    rnd = random.Random(20240601)
    orgs = [str(ORG_A), str(ORG_B), str(ORG_C), None]
    users = [str(uid(n)) for n in (1, 4, 6, 7, 8, 99)]
    return [
        {
            "id": f"m{i}",
            "organization_id": rnd.choice(orgs),
            "user_id": rnd.choice(users),
        }
        for i in range(48)
    ]


def _related_rows() -> list[dict[str, str | None]]:
    rnd = random.Random(20261101)
    orgs = [str(ORG_A), str(ORG_B), None]
    units = [str(UNIT_1), str(UNIT_2), str(UNIT_3), None]
    parties = [str(PARTY_1), str(PARTY_2), str(PARTY_3), None]
    return [
        {
            "id": f"r{i}",
            "organization_id": rnd.choice(orgs),
            "unit_id": rnd.choice(units),
            "party_id": rnd.choice(parties),
        }
        for i in range(48)
    ]


@pytest.mark.parametrize(
    ("kind", "table", "attr_map", "actions"),
    [
        ("membership", memberships, MEMBERSHIP_MAP, ("read", "update", "delete")),
        ("association", associations, ASSOCIATION_ROW_MAP, ("read", "create", "update", "read_tax_id")),
        ("audit_event", associations, ASSOCIATION_MAP, ("read",)),
        ("unit", related, UNIT_MAP, ("read", "list", "update")),
        ("party", related, PARTY_MAP, ("read", "update", "link_user")),
        ("ownership", related, UNIT_PARTY_MAP, ("read", "transfer")),
        ("resident", related, UNIT_PARTY_MAP, ("read", "update")),
    ],
)
async def test_plan_matches_check(
    authorizer: Authorizer,
    kind: str,
    table: Table,
    attr_map: dict[str, object],
    actions: tuple[str, ...],
) -> None:
    """Rows the SQL filter admits == rows CheckResources allows, per principal
    and action, including rows whose organization_id is NULL."""
    data = _related_rows() if table is related else _membership_rows()
    if table is associations:
        ids = [str(ASSOCIATION_1), str(ASSOCIATION_2), None]
        data = [
            {"id": r["id"], "organization_id": r["organization_id"], "association_id": ids[i % 3]} for i, r in enumerate(data)
        ]
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[table])
    with engine.begin() as conn:
        conn.execute(insert(table), data)
    # Each row as the app would send it: the kind's attributes only (the
    # schemas refuse others), a NULL column as a missing attribute.
    names = {name: getattr(column, "name", name) for name, column in attr_map.items()}
    refs = [ResourceRef(str(r["id"]), {name: r[col] for name, col in names.items()}) for r in data]
    sizes: set[int] = set()
    try:
        for name, principal in PRINCIPALS.items():
            decisions = await authorizer.check(principal, kind, refs, set(actions))
            for action in actions:
                plan = await authorizer.plan(principal, kind, action)
                clause = plan_filter(plan, table, attr_map)
                with engine.connect() as conn:
                    admitted = set(conn.scalars(select(table.c.id).where(clause)))
                allowed = {rid for rid, d in decisions.items() if d[action]}
                assert admitted == allowed, (kind, name, action)
                sizes.add(len(allowed))
        # Guard against a vacuous pass: empty, partial and (for some) wider sets.
        assert 0 in sizes and len(sizes) >= 2
    finally:
        engine.dispose()


# ------------------------------------- plan on the real models, in Postgres


def _association(org: UUID) -> Association:
    return Association(
        id=uuid4(),
        organization_id=org,
        code="T",
        legal_name="HOA",
        kind=AssociationKind.HOA,
        status=AssociationStatus.ACTIVE,
        region="CA",
        country="US",
        fiscal_year_start_month=1,
        accounting_basis=AccountingBasis.CASH,
    )


def _unit(unit_id: UUID, association: Association) -> Unit:
    return Unit(
        id=unit_id,
        organization_id=association.organization_id,
        association_id=association.id,
        unit_number=str(unit_id)[:8],
        unit_type=UnitType.CONDO,
        status=UnitStatus.ACTIVE,
        street="1 Main St",
        city="Springfield",
        region="CA",
        postal_code="90000",
        country="US",
        voting_weight=Decimal("0.1"),
        assessment_share=Decimal("0.1"),
    )


def _party(org: UUID) -> Party:
    return Party(
        id=uuid4(),
        organization_id=org,
        kind=PartyKind.PERSON,
        name="P",
        delivery_preference=DeliveryPreference.POSTAL,
    )


def _ownership(unit: Unit, party: Party) -> Ownership:
    return Ownership(
        id=uuid4(),
        organization_id=unit.organization_id,
        unit_id=unit.id,
        party_id=party.id,
        interest=Decimal("0.5"),
        starts_on=date(2020, 1, 1),
        is_primary=False,
    )


async def _visible(authorizer: Authorizer, session: AsyncSession, principal: Principal, kind: str, model: Any) -> set[UUID]:
    """Ids the plan's SQL filter admits, checked against CheckResources on
    the same rows (with the attributes the app sends for them)."""
    plan = await authorizer.plan(principal, kind, "read")
    clause = plan_filter(plan, model, resource_columns(model))
    admitted = set((await session.scalars(select(model.id).where(clause))).all())
    rows = (await session.scalars(select(model))).all()
    refs = [ResourceRef(str(r.id), resource_attrs(r)) for r in rows]
    decisions = await authorizer.check(principal, kind, refs, {"read"})
    assert admitted == {UUID(rid) for rid, d in decisions.items() if d["read"]}
    return admitted


async def test_owner_of_plan_admits_exactly_their_unit(
    authorizer: Authorizer,
    settings,
    database,
) -> None:
    """owner_of=[X] becomes a filter on `units` (the mapped model, through
    `resource_columns`) admitting unit X and nothing else — one id folds to
    `=`, several take the `in` override — and likewise X's ownerships.
    Run as the owner role, which bypasses RLS, so the filter alone decides;
    everything is rolled back."""
    org_a, org_b = uuid4(), uuid4()
    engine = create_async_engine(settings.database_url.get_secret_value())
    try:
        async with engine.connect() as conn:
            tx = await conn.begin()
            session = AsyncSession(bind=conn)
            session.add_all(
                [
                    Organization(id=org_a, type=OrganizationType.ASSOCIATION, name="A"),
                    Organization(id=org_b, type=OrganizationType.ASSOCIATION, name="B"),
                ]
            )
            await session.flush()
            in_a, in_b, other_a = _association(org_a), _association(org_b), _association(org_a)
            other_a.code = "U"
            session.add_all([in_a, in_b, other_a])
            await session.flush()
            x, y, z = _unit(uuid4(), in_a), _unit(uuid4(), in_a), _unit(uuid4(), in_b)
            mine, other = _party(org_a), _party(org_a)
            session.add_all([x, y, z, mine, other])
            await session.flush()
            own_x, co_own_x, own_y = _ownership(x, mine), _ownership(x, other), _ownership(y, other)
            session.add_all([own_x, co_own_x, own_y])
            await session.flush()

            async def units(p: Principal) -> set[UUID]:
                return await _visible(authorizer, session, p, "unit", Unit)

            async def ownerships(p: Principal) -> set[UUID]:
                return await _visible(authorizer, session, p, "ownership", Ownership)

            owner = user(20, org_a, "member", owner_of=[x.id], resident_of=[], party_ids=[mine.id])
            assert await units(owner) == {x.id}
            assert await ownerships(owner) == {own_x.id, co_own_x.id}
            # Several ids take the `in` path; B's unit stays out (organization check).
            assert await units(user(20, org_a, "member", owner_of=[x.id, z.id])) == {x.id}
            tenant = user(21, org_a, "member", owner_of=[], resident_of=[y.id])
            assert await units(tenant) == {y.id}
            assert await ownerships(tenant) == set()
            nobody = user(22, org_a, "member", owner_of=[], resident_of=[], party_ids=[])
            assert await units(nobody) == set()
            # association_ids=[A] becomes `id IN (...)` on associations, B's row out.
            resident = user(24, org_a, "member", association_ids=[in_a.id, in_b.id])
            assert await _visible(authorizer, session, resident, "association", Association) == {in_a.id}
            assert await _visible(authorizer, session, nobody, "association", Association) == set()
            manager = user(23, org_a, "manager")
            assert await _visible(authorizer, session, manager, "association", Association) == {in_a.id, other_a.id}
            assert await units(manager) == {x.id, y.id}
            assert await ownerships(manager) == {own_x.id, co_own_x.id, own_y.id}
            await session.close()
            await tx.rollback()
    finally:
        await engine.dispose()
