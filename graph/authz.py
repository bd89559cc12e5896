"""Authorization through the Cerbos PDP (gRPC, plaintext on a private network).

Every decision fails closed: an unreachable or erroring PDP raises
`ServiceUnavailable`, a missing result is a deny, and a query plan that cannot
be translated to SQL raises `Forbidden` rather than guessing.

NULL attributes: `ResourceRef.attrs` entries whose value is None are *omitted*
from the request rather than sent as JSON null. Cerbos then treats them as
missing (the condition errors and does not match), which is the same outcome
`cerbos_sqlalchemy` gives a NULL column (`col = 'x'`, `col != 'x'` and
`NOT (...)` are all UNKNOWN, so the row is excluded). Policies must not compare
an attribute with `null`: the plan translator turns `x == null` into
`x IS NULL`, which admits rows that CheckResources (attribute missing) denies.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

# gRPC's fork handlers run in the child of every fork(): a subprocess spawned
# while a Cerbos call is in flight (the suite's pg_ctl, a bench's PostGraphile)
# crashed with SIGSEGV before it could exec. Nothing here uses gRPC after a fork.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import grpc
from cerbos.effect.v1 import effect_pb2
from cerbos.engine.v1 import engine_pb2
from cerbos.request.v1 import request_pb2
from cerbos.response.v1 import response_pb2
from cerbos.sdk.grpc.client import AsyncCerbosClient
from cerbos_sqlalchemy import get_query
from google.protobuf import struct_pb2
from opentelemetry import trace
from sqlalchemy import ColumnElement, Uuid, false, true

from graph.auth.principal import RELATIONS, Principal
from graph.errors import Forbidden, ServiceUnavailable
from graph.lru import LRU

__all__ = [
    "Authorizer",
    "Decisions",
    "ResourceRef",
    "plan_filter",
    "principal_to_cerbos",
    "sent_principal",
]

log = logging.getLogger(__name__)
tracer = trace.get_tracer("hestami.authz")

POLICY_VERSION = "default"
# Cerbos needs at least one role; this one appears in no policy, so a member
# removed from the active organization is left with nothing but `user`.
NO_ROLE = "none"
ACCOUNT_ROLE = "user"
# The PDP's default `server.requestLimits.maxResourcesPerRequest` (and
# maxActionsPerResource): larger batches are refused with INVALID_ARGUMENT.
MAX_RESOURCES_PER_REQUEST = 50
_RESOURCE_ATTR_PREFIX = "request.resource.attr."
_UNAVAILABLE = "Authorization service unavailable"

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ResourceRef:
    """One row to authorize: its id and the attributes the policies read."""

    id: str
    attrs: Mapping[str, Any] = field(default_factory=dict)


def principal_to_cerbos(p: Principal) -> engine_pb2.Principal:
    """Only the active organization's roles are sent: Cerbos allows if ANY role
    allows, so roles from other organizations would leak across tenants."""
    if p.active_organization_id is None:
        roles = [ACCOUNT_ROLE]
        org = ""
    else:
        roles = list(dict.fromkeys([*(p.roles or [NO_ROLE]), ACCOUNT_ROLE]))
        org = str(p.active_organization_id)
    return engine_pb2.Principal(
        id=p.cerbos_id,
        roles=roles,
        policy_version=POLICY_VERSION,
        attr={
            # Every relation is sent, empty when unknown, so a policy never meets a missing attribute.
            **_to_attrs({name: p.relations.get(name, []) if org else [] for name in RELATIONS}),
            "organization_id": struct_pb2.Value(string_value=org),
            "kind": struct_pb2.Value(string_value=p.kind.value),
        },
    )


# Principals as sent, by the state they are built from: the Struct attributes are
# built in pure Python, most of the CPU of a plan lookup that the cache answers.
_SENT: LRU[tuple[Any, ...], tuple[engine_pb2.Principal, bytes]] = LRU(4096)


def sent_principal(p: Principal) -> tuple[engine_pb2.Principal, bytes]:
    """`principal_to_cerbos(p)` and its deterministic serialization, which names it in
    cache keys. Callers must not change the message."""
    key = (p.kind, p.id, p.active_organization_id, tuple(p.roles), tuple((k, tuple(v)) for k, v in p.relations.items()))
    hit = _SENT.get(key)
    if hit is None:
        sent = principal_to_cerbos(p)
        hit = _SENT.put(key, (sent, sent.SerializeToString(deterministic=True)))
    return hit


def _jsonable(value: Any) -> Any:
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return value


def _to_attrs(attrs: Mapping[str, Any]) -> dict[str, struct_pb2.Value]:
    struct = struct_pb2.Struct()
    # None dropped on purpose: see the module docstring.
    struct.update(_jsonable(attrs))
    return dict(struct.fields)


def _chunks(items: Sequence[_T], size: int) -> list[Sequence[_T]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


PLAN_CACHE_SIZE = 4096


class Authorizer:
    """Async Cerbos client. Create once per process; `start()` inside the loop."""

    def __init__(
        self,
        address: str,
        *,
        timeout_seconds: float = 1.0,
        max_resources_per_request: int = MAX_RESOURCES_PER_REQUEST,
        plan_cache_seconds: float = 0.0,
    ) -> None:
        self.address = address
        self._timeout = timeout_seconds
        self._max_batch = max_resources_per_request
        self._client: AsyncCerbosClient | None = None
        # Query plans by (principal as sent, kind, action): policies change only when
        # the PDP reloads them, and the principal's roles and relations are part of
        # the key, so a changed membership is a new key.
        self._plan_ttl = plan_cache_seconds
        self._plans: LRU[tuple[bytes, str, str], tuple[float, response_pb2.PlanResourcesResponse]] = LRU(PLAN_CACHE_SIZE)
        # Channels replaced after a missed deadline, closed once their calls are over.
        self._retiring: dict[AsyncCerbosClient, asyncio.TimerHandle] = {}
        self._closing: set[asyncio.Future[None]] = set()

    async def start(self) -> None:
        if self._client is None:
            self._client = self._connect()

    def _connect(self) -> AsyncCerbosClient:
        # tls_verify=False gives an insecure (plaintext) channel in cerbos 0.16.
        # Short reconnect backoff: gRPC's default (1 s growing to 120 s) keeps
        # failing calls fast for minutes after a PDP restart.
        return AsyncCerbosClient(
            self.address,
            tls_verify=False,
            # No SDK timeout: it becomes a gRPC service-config deadline, and values
            # under ~2 s made every call fail at once with DEADLINE_EXCEEDED here.
            # `_call` bounds each call with asyncio instead.
            channel_options={
                "grpc.initial_reconnect_backoff_ms": 100,
                "grpc.min_reconnect_backoff_ms": 100,
                "grpc.max_reconnect_backoff_ms": 2000,
                # Its own connection: channels otherwise share gRPC's global pool,
                # and a replacement channel would reuse the stuck connection.
                "grpc.use_local_subchannel_pool": 1,
            },
        )

    def _replace(self, stale: AsyncCerbosClient) -> None:
        """A new channel in place of one that left a call unanswered (the first
        caller to notice replaces it). Calls still waiting on the old one keep it
        until their own deadlines have passed."""
        if self._client is not stale:
            return
        self._client = self._connect()
        retire = asyncio.get_running_loop().call_later(2 * self._timeout, self._retire, stale)
        self._retiring[stale] = retire

    def _retire(self, stale: AsyncCerbosClient) -> None:
        self._retiring.pop(stale, None)
        self._closing.add(task := asyncio.ensure_future(stale.close()))
        task.add_done_callback(self._closing.discard)

    async def close(self) -> None:
        client, self._client = self._client, None
        stale = list(self._retiring)
        for handle in self._retiring.values():
            handle.cancel()
        self._retiring.clear()
        for old in [*stale, *([client] if client is not None else [])]:
            await old.close()
        await asyncio.gather(*self._closing)

    @property
    def client(self) -> AsyncCerbosClient:
        if self._client is None:
            raise RuntimeError("Authorizer.start() was not called")
        return self._client

    async def ready(self) -> bool:
        """True when the PDP answers; never raises."""
        try:
            async with asyncio.timeout(self._timeout):
                await self.client.server_info()
        except (grpc.RpcError, TimeoutError, RuntimeError):
            return False
        return True

    async def _call(self, call: Callable[[AsyncCerbosClient], Awaitable[_T]]) -> _T:
        """`call(client)` within the deadline; one that misses it is asked once
        more on a new channel.

        A healthy PDP answers in about a millisecond, so a call unanswered for the
        whole deadline is more likely stuck on its connection than slow; every call
        here is a read, so asking again is harmless. A PDP that refuses the
        connection fails at once, unretried."""

        async def bounded(client: AsyncCerbosClient) -> _T:
            # The channel's service-config deadline covers the RPC itself; this
            # also bounds anything before it (name resolution, connecting).
            async with asyncio.timeout(self._timeout):
                return await call(client)

        try:
            client = self.client
            try:
                return await bounded(client)
            except TimeoutError:
                log.warning("cerbos call missed its %.1f s deadline; asking again on a new channel", self._timeout)
                self._replace(client)
                return await bounded(self.client)
        except (grpc.RpcError, TimeoutError) as exc:
            code = exc.code() if isinstance(exc, grpc.aio.AioRpcError) else "TIMEOUT"
            log.error("cerbos call failed: %s", code, exc_info=exc)
            raise ServiceUnavailable(_UNAVAILABLE) from exc

    async def check(
        self,
        principal: Principal,
        kind: str,
        resources: Sequence[ResourceRef],
        actions: set[str] | frozenset[str],
    ) -> dict[str, dict[str, bool]]:
        """Decisions `{resource id: {action: allowed}}` in one CheckResources
        call (one per `max_resources_per_request` resources, sent concurrently)."""
        if not actions:
            raise ValueError("check() needs at least one action")
        if not resources:
            return {}
        ids = [r.id for r in resources]
        if len(set(ids)) != len(ids):
            # Results are keyed by id: a duplicate would hide one decision.
            raise ValueError("check() got duplicate resource ids")
        action_list = sorted(actions)
        entries = [
            request_pb2.CheckResourcesRequest.ResourceEntry(
                actions=action_list,
                resource=engine_pb2.Resource(
                    id=r.id,
                    kind=kind,
                    policy_version=POLICY_VERSION,
                    attr=_to_attrs(r.attrs),
                ),
            )
            for r in resources
        ]
        cerbos_principal, _ = sent_principal(principal)
        with self._span("cerbos.check", principal, kind, action_list, len(entries)):
            responses = await self._call(
                lambda client: asyncio.gather(
                    *(client.check_resources(cerbos_principal, list(chunk)) for chunk in _chunks(entries, self._max_batch))
                )
            )
        # Anything the PDP did not answer for stays denied.
        decisions = {rid: dict.fromkeys(action_list, False) for rid in ids}
        for response in responses:
            for result in response.results:
                if result.validation_errors:
                    log.warning(
                        "cerbos schema validation failed for %s %s: %s",
                        kind,
                        result.resource.id,
                        [e.message for e in result.validation_errors],
                    )
                row = decisions.get(result.resource.id)
                if row is None:
                    continue
                for action in action_list:
                    row[action] = result.actions.get(action) == effect_pb2.EFFECT_ALLOW
        return decisions

    async def require(self, principal: Principal, kind: str, action: str, resource: ResourceRef) -> None:
        if not (await self.check(principal, kind, [resource], {action}))[resource.id][action]:
            raise not_allowed(kind, action)

    async def plan(self, principal: Principal, kind: str, action: str) -> response_pb2.PlanResourcesResponse:
        return (await self.plan_keyed(principal, kind, action))[1]

    async def plan_keyed(
        self, principal: Principal, kind: str, action: str
    ) -> tuple[tuple[bytes, str, str], response_pb2.PlanResourcesResponse]:
        """The plan and a key naming it: equal keys, equal plans (for caching what
        is built from it)."""
        kept = self.kept_plan(principal, kind, action)
        if kept is not None:
            return kept
        sent, serialized = sent_principal(principal)
        key = (serialized, kind, action)
        resource = engine_pb2.PlanResourcesInput.Resource(kind=kind, policy_version=POLICY_VERSION)
        with self._span("cerbos.plan", principal, kind, [action], 0):
            response: response_pb2.PlanResourcesResponse = await self._call(
                lambda client: client.plan_resources(action, sent, resource)
            )
        if response.validation_errors:
            log.warning(
                "cerbos schema validation failed for %s plan: %s",
                kind,
                [e.message for e in response.validation_errors],
            )
        elif self._plan_ttl > 0:
            self._plans.put(key, (time.monotonic() + self._plan_ttl, response))
        return key, response

    def kept_plan(
        self, principal: Principal, kind: str, action: str
    ) -> tuple[tuple[bytes, str, str], response_pb2.PlanResourcesResponse] | None:
        """`plan_keyed`'s answer when the cache holds it, without awaiting anything."""
        key = (sent_principal(principal)[1], kind, action)
        cached = self._plans.get(key)
        return (key, cached[1]) if cached is not None and cached[0] > time.monotonic() else None

    @contextmanager
    def _span(
        self,
        name: str,
        principal: Principal,
        kind: str,
        actions: list[str],
        resource_count: int,
    ) -> Iterator[trace.Span]:
        org = principal.active_organization_id
        with tracer.start_as_current_span(
            name,
            kind=trace.SpanKind.CLIENT,
            attributes={
                "organization.id": str(org) if org is not None else "",
                "user.id": str(principal.id),
                "principal.kind": principal.kind.value,
                "cerbos.kind": kind,
                "cerbos.actions": actions,
                "cerbos.resource_count": resource_count,
            },
        ) as span:
            yield span


def _in(column: Any, values: Any) -> ColumnElement[bool]:
    """CEL `x in list` for plans like `R.attr.unit_id in P.attr.owner_of`: the
    principal's ids arrive as strings, and uuid columns want UUIDs."""
    members = values if isinstance(values, list) else [values]
    if isinstance(getattr(column, "type", None), Uuid):
        members = [UUID(m) if isinstance(m, str) else m for m in members]
    return column.in_(members) if members else false()


def resource_attrs(row: Any) -> dict[str, Any]:
    """The attributes policies read about a row: its organization plus the
    model's `__cerbos_attrs__` ({attribute: column name})."""
    org = row.organization_id if hasattr(row, "organization_id") else row.id
    return {"organization_id": org} | {
        attr: getattr(row, column) for attr, column in getattr(type(row), "__cerbos_attrs__", {}).items()
    }


def resource_columns(model: Any) -> dict[str, Any]:
    """`resource_attrs` as columns, for turning a query plan into SQL."""
    return {"request.resource.id": model.id, "organization_id": model.organization_id} | {
        attr: getattr(model, column) for attr, column in getattr(model, "__cerbos_attrs__", {}).items()
    }


def plan_filter(
    plan: response_pb2.PlanResourcesResponse,
    model: Any,
    attr_map: Mapping[str, Any],
) -> ColumnElement[bool]:
    """A WHERE clause admitting exactly the rows the plan allows.

    `model` is a `Table` or a mapped class; `attr_map` maps resource attribute
    names (`"organization_id"`) or full plan variables (`"request.resource.id"`)
    to columns. Anything the translator cannot express raises `Forbidden`.
    """
    kind = plan.filter.kind
    if kind == engine_pb2.PlanResourcesFilter.KIND_ALWAYS_ALLOWED:
        return true()
    if kind == engine_pb2.PlanResourcesFilter.KIND_ALWAYS_DENIED:
        return false()
    if kind != engine_pb2.PlanResourcesFilter.KIND_CONDITIONAL:
        log.error("cerbos plan with unknown filter kind %s", kind)
        raise Forbidden("Not allowed to list these records")
    variables = {(key if key.startswith("request.") else _RESOURCE_ATTR_PREFIX + key): column for key, column in attr_map.items()}
    try:
        clause = get_query(plan, model, variables, operator_override_fns={"in": _in}).whereclause
    except (ValueError, KeyError, TypeError) as exc:
        # An operator or attribute we cannot translate: refusing beats guessing.
        log.error("cerbos plan not translatable to SQL: %s", exc)
        raise Forbidden("Not allowed to list these records") from exc
    if not isinstance(clause, ColumnElement):
        raise Forbidden("Not allowed to list these records")
    return clause


class Decisions:
    """One request's Cerbos answers, each asked for once however many fields need it.

    List filters: WHERE clauses admitting exactly the rows Cerbos would allow
    (PlanResources), so pagination counts are right: one plan per kind and action
    per request, however many lists and nested levels ask for it. RLS still
    applies underneath. Checks: a CheckResources decision for the same principal,
    resource (id and attributes) and action is reused, e.g. by sibling root
    fields reading the same row."""

    def __init__(self, authorizer: Authorizer) -> None:
        self._authorizer = authorizer
        self._plans: dict[tuple[str, str], asyncio.Future[Any]] = {}
        self._checks: dict[tuple[bytes, str, str, str, str], asyncio.Future[bool]] = {}

    async def where(self, principal: Principal, kind: str, action: str, model: Any) -> ColumnElement[bool]:
        return (await self.where_keyed(principal, kind, action, model))[0]

    async def where_keyed(self, principal: Principal, kind: str, action: str, model: Any) -> tuple[ColumnElement[bool], Any]:
        """`where`, and a key naming that clause (the same clause object for the same key)."""
        key = (kind, action)
        if key not in self._plans:
            kept = self._authorizer.kept_plan(principal, kind, action)
            if kept is not None:
                # Already answered: no task, whose loop turn would cost more than the lookup.
                self._plans[key] = asyncio.get_running_loop().create_future()
                self._plans[key].set_result(kept)
            else:
                # Shared while in flight: sibling loaders asking at once make one call.
                self._plans[key] = asyncio.ensure_future(self._authorizer.plan_keyed(principal, kind, action))
        try:
            plan_key, plan = await asyncio.shield(self._plans[key])
        except BaseException:
            self._plans.pop(key, None)
            raise
        return _filter(plan_key, plan, model), plan_key

    async def check(
        self,
        principal: Principal,
        kind: str,
        resources: Sequence[ResourceRef],
        actions: set[str] | frozenset[str],
    ) -> dict[str, dict[str, bool]]:
        """`Authorizer.check`, asking the PDP only about the pairs of resource and
        action this request has not asked about yet (or is asking about now)."""
        # Roles can change within a request (a mutation scoping to the organization it
        # created), so the principal as sent is part of the key.
        sent = sent_principal(principal)[1]
        keys = {r.id: (sent, kind, r.id, _attrs_key(r.attrs)) for r in resources}
        asked = [r for r in resources if any((*keys[r.id], a) not in self._checks for a in actions)]
        loop = asyncio.get_running_loop()
        mine = {(*keys[r.id], a): loop.create_future() for r in asked for a in actions if (*keys[r.id], a) not in self._checks}
        self._checks.update(mine)
        if asked:
            try:
                got = await self._authorizer.check(principal, kind, asked, actions)
            except BaseException as exc:
                for k, future in mine.items():
                    del self._checks[k]
                    future.set_exception(exc)
                    # Waiters re-raise it; a future no one awaited must not warn.
                    future.exception()
                raise
            for k, future in mine.items():
                future.set_result(got[k[2]][k[4]])
        return {r.id: {a: await asyncio.shield(self._checks[(*keys[r.id], a)]) for a in actions} for r in resources}

    async def require(self, principal: Principal, kind: str, action: str, resource: ResourceRef) -> None:
        if not (await self.check(principal, kind, [resource], {action}))[resource.id][action]:
            raise not_allowed(kind, action)


def not_allowed(kind: str, action: str) -> Forbidden:
    return Forbidden(f"Not allowed to {action} this {kind.replace('_', ' ')}")


def _attrs_key(attrs: Mapping[str, Any]) -> str:
    return json.dumps(_jsonable(attrs), sort_keys=True, default=str)


_FILTERS: LRU[tuple[Any, Any], ColumnElement[bool]] = LRU(PLAN_CACHE_SIZE)


def _filter(plan_key: Any, plan: response_pb2.PlanResourcesResponse, model: Any) -> ColumnElement[bool]:
    """The plan as SQL, built once per plan and model: a cached statement holding
    it (graph/executor.py) is found again by the plan's key. Policies are fixed
    while the PDP runs, so equal keys mean equal plans."""
    clause = _FILTERS.get((plan_key, model))
    if clause is None:
        clause = _FILTERS.put((plan_key, model), plan_filter(plan, model, resource_columns(model)))
    return clause
