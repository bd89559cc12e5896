"""Authorizer against a real Cerbos PDP over gRPC (see conftest.py)."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from uuid import UUID

import pytest
from cerbos.engine.v1 import engine_pb2
from cerbos.response.v1 import response_pb2
from google.protobuf import json_format
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import Column, MetaData, String, Table, create_engine, insert, select

import graph.authz as authz_module
from graph.auth.principal import Principal, PrincipalKind
from graph.authz import Authorizer, ResourceRef, plan_filter, principal_to_cerbos
from graph.errors import ErrorCode, Forbidden, ServiceUnavailable

ORG_A = UUID("aaaaaaaa-0000-4000-8000-00000000000a")
ORG_B = UUID("bbbbbbbb-0000-4000-8000-00000000000b")
ORG_C = UUID("cccccccc-0000-4000-8000-00000000000c")
ORG_ROLES = ("admin", "manager", "board_member", "member", "auditor", "integration")


def uid(n: int) -> UUID:
    return UUID(f"00000000-0000-4000-8000-{n:012d}")


def user(n: int, org: UUID | None, *roles: str) -> Principal:
    return Principal(
        kind=PrincipalKind.USER,
        id=uid(n),
        active_organization_id=org,
        roles=list(roles),
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
}
ROLE_OF = {
    "admin_a": "admin",
    "manager_a": "manager",
    "board_a": "board_member",
    "member_a": "member",
    "auditor_a": "auditor",
    "integration_a": "integration",
}
ANY_ROLE = frozenset(ORG_ROLES)

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
    "association_profile": {
        "read": ANY_ROLE,
        "update": frozenset({"admin", "manager", "board_member"}),
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
        got = await authorizer.check(
            PRINCIPALS[name], "organization", org, {"create", "select"}
        )
        assert got["org"] == {"create": True, "select": True}, name
    # A service account is bound to its organization: it makes no new ones.
    got = await authorizer.check(
        PRINCIPALS["integration_a"], "organization", org, {"create", "select"}
    )
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
    target = row("association_profile", "profile-b", ORG_B)
    with pytest.raises(Forbidden) as info:
        await authorizer.require(admin_a, "association_profile", "update", target)
    assert info.value.code == ErrorCode.FORBIDDEN
    assert info.value.status == 403
    assert (
        "update" in info.value.message and "association profile" in info.value.message
    )
    # ...while the same call on A's own row passes.
    await authorizer.require(
        admin_a, "association_profile", "update", row("association_profile", "p", ORG_A)
    )


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

        async def counting(principal, resources, *args, **kwargs):  # type: ignore[no-untyped-def]
            self.calls.append(len(resources))
            return await real(principal, resources, *args, **kwargs)

        monkeypatch.setattr(authz.client, "check_resources", counting)


async def test_batch_of_50_is_one_call(
    authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = CallCounter(authorizer, monkeypatch)
    rows = [row("workflow", f"w{i}", ORG_A if i % 2 else ORG_B) for i in range(50)]
    got = await authorizer.check(PRINCIPALS["member_a"], "workflow", rows, {"read"})
    assert counter.calls == [50]
    assert [got[f"w{i}"]["read"] for i in range(50)] == [i % 2 == 1 for i in range(50)]


async def test_over_pdp_limit_is_chunked_not_per_row(
    authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The PDP refuses more than 50 resources per request by default.
    counter = CallCounter(authorizer, monkeypatch)
    rows = [row("workflow", f"w{i}", ORG_A) for i in range(120)]
    got = await authorizer.check(PRINCIPALS["member_a"], "workflow", rows, {"read"})
    assert sorted(counter.calls) == [20, 50, 50]
    assert all(d["read"] for d in got.values()) and len(got) == 120


async def test_empty_batch_makes_no_call(
    authorizer: Authorizer, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = CallCounter(authorizer, monkeypatch)
    assert await authorizer.check(PRINCIPALS["admin_a"], "workflow", [], {"read"}) == {}
    assert counter.calls == []


async def test_duplicate_ids_refused(authorizer: Authorizer) -> None:
    rows = [row("workflow", "same", ORG_A), row("workflow", "same", ORG_B)]
    with pytest.raises(ValueError):
        await authorizer.check(PRINCIPALS["admin_a"], "workflow", rows, {"read"})


# ----------------------------------------------------------------- fail closed


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


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
profiles = Table(
    "association_profiles",
    metadata,
    Column("id", String, primary_key=True),
    Column("organization_id", String, nullable=True),
)
MEMBERSHIP_MAP = {
    "organization_id": memberships.c.organization_id,
    "user_id": memberships.c.user_id,
}
PROFILE_MAP = {"organization_id": profiles.c.organization_id}


def sql(clause: object) -> str:
    return str(
        select(memberships.c.id)
        .where(clause)
        .compile(  # type: ignore[arg-type]
            compile_kwargs={"literal_binds": True}
        )
    )


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
async def test_plan_always_denied(
    authorizer: Authorizer, name: str, kind: str, action: str
) -> None:
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


@pytest.mark.parametrize(
    ("kind", "table", "attr_map", "actions"),
    [
        ("membership", memberships, MEMBERSHIP_MAP, ("read", "update", "delete")),
        ("association_profile", profiles, PROFILE_MAP, ("read", "update")),
        ("audit_event", profiles, PROFILE_MAP, ("read",)),
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
    data = _membership_rows()
    if table is profiles:
        data = [{"id": r["id"], "organization_id": r["organization_id"]} for r in data]
    engine = create_engine("sqlite://")
    metadata.create_all(engine, tables=[table])
    with engine.begin() as conn:
        conn.execute(insert(table), data)
    refs = [
        ResourceRef(str(r["id"]), {k: v for k, v in r.items() if k != "id"})
        for r in data
    ]
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
