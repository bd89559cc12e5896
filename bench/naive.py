"""The naive baseline of `bench.nested`: the API's field shape for the nested
association query, with resolvers that each run their own query per parent.

Everything but the relation resolvers is the API's: the same root resolver
(`association/v1/get` through `graph.pipeline.run`: scope, roles, Cerbos check),
the same request context (one RLS-scoped read transaction per request, whose lock
makes the per-parent queries sequential), the same Cerbos list filters, the same
guards and extensions, served by the same `GraphQLEndpoint` (authentication, rate
limit). Only the dataloaders are gone: `units` costs one query, then every unit
one query for its owners and one for its residents, every ownership and residency
one for its party, every party one for its contact points — the N+1 pattern.
"""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal
from typing import Any, cast

import strawberry
from sqlalchemy import select

from domains.associations.models import (
    ContactPoint,
    ContactPointKind,
    Ownership,
    Party,
    PartyKind,
    Resident,
    ResidentKind,
    Unit,
    UnitStatus,
    UnitType,
)
from domains.associations.schemas import UnitFilter
from domains.associations.service import units as unit_service
from domains.associations.service.access import current
from graph.errors import AppError
from graph.gqltypes import enum_type
from graph.graphql_fields import graphql_error
from graph.ids import encode
from graph.operations import REGISTRY
from graph.pages import connection, page_statement
from graph.pipeline import run
from graph.settings import Settings


def _id(prefix: str) -> Any:
    def resolve(root: strawberry.Parent[Any]) -> strawberry.ID:
        return strawberry.ID(encode(prefix, root.id))

    return strawberry.field(resolver=resolve)


async def _visible(ctx: Any, kind: str, model: Any) -> Any:
    """`ctx.visible`, one PlanResources per kind per request: a hundred sibling
    resolvers asking at once would otherwise each send one (the context's plan memo
    is filled only after the first answer arrives), which is not what is measured here."""
    lock = ctx.__dict__.setdefault("_bench_plan_lock", asyncio.Lock())
    async with lock:
        return await ctx.visible(kind, "read", model)


async def _party(info: strawberry.Info, party_id: Any) -> NaiveParty | None:
    # The ORM row stands for the Strawberry type, as every resolver here returns it.
    rows = await info.context.scalars(select(Party).where(Party.id == party_id))
    return cast("NaiveParty | None", rows[0] if rows else None)


@strawberry.type(name="ContactPoint")
class NaiveContactPoint:
    id: strawberry.ID = _id("cpt")
    kind: enum_type(ContactPointKind)  # type: ignore[valid-type]
    value: str
    label: str | None
    is_primary: bool


@strawberry.type(name="Party")
class NaiveParty:
    id: strawberry.ID = _id("pty")
    kind: enum_type(PartyKind)  # type: ignore[valid-type]
    name: str

    @strawberry.field
    async def contact_points(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[NaiveContactPoint]:
        return list(
            await info.context.scalars(
                select(ContactPoint).where(ContactPoint.party_id == root.id).order_by(ContactPoint.created_at, ContactPoint.id)
            )
        )


@strawberry.type(name="Ownership")
class NaiveOwnership:
    id: strawberry.ID = _id("own")
    interest: Decimal
    starts_on: date
    ends_on: date | None
    is_primary: bool

    @strawberry.field
    async def party(self, root: strawberry.Parent[Any], info: strawberry.Info) -> NaiveParty | None:
        return await _party(info, root.party_id)


@strawberry.type(name="Resident")
class NaiveResident:
    id: strawberry.ID = _id("res")
    kind: enum_type(ResidentKind)  # type: ignore[valid-type]
    moved_in_on: date
    moved_out_on: date | None

    @strawberry.field
    async def party(self, root: strawberry.Parent[Any], info: strawberry.Info) -> NaiveParty | None:
        return await _party(info, root.party_id)


@strawberry.type(name="Unit")
class NaiveUnit:
    id: strawberry.ID = _id("unt")
    unit_number: str
    building: str | None
    unit_type: enum_type(UnitType)  # type: ignore[valid-type]
    status: enum_type(UnitStatus)  # type: ignore[valid-type]
    street: str
    square_feet: int | None
    voting_weight: Decimal
    assessment_share: Decimal

    @strawberry.field
    async def current_owners(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[NaiveOwnership]:
        ctx = info.context
        visible = await _visible(ctx, "ownership", Ownership)
        return list(
            await ctx.scalars(
                select(Ownership)
                .where(Ownership.unit_id == root.id, current(Ownership.starts_on, Ownership.ends_on), visible)
                .order_by(Ownership.is_primary.desc(), Ownership.starts_on, Ownership.id)
            )
        )

    @strawberry.field
    async def residents(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[NaiveResident]:
        ctx = info.context
        visible = await _visible(ctx, "resident", Resident)
        return list(
            await ctx.scalars(
                select(Resident)
                .where(Resident.unit_id == root.id, current(Resident.moved_in_on, Resident.moved_out_on), visible)
                .order_by(Resident.moved_in_on, Resident.id)
            )
        )


@strawberry.type(name="PageInfo")
class NaivePageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type(name="UnitEdge")
class NaiveUnitEdge:
    cursor: str
    node: NaiveUnit


@strawberry.type(name="UnitConnection")
class NaiveUnitConnection:
    edges: list[NaiveUnitEdge]
    nodes: list[NaiveUnit]
    page_info: NaivePageInfo


@strawberry.type(name="Association")
class NaiveAssociation:
    id: strawberry.ID = _id("asn")
    code: str
    legal_name: str

    @strawberry.field
    async def units(self, root: strawberry.Parent[Any], info: strawberry.Info, first: int = 20) -> NaiveUnitConnection:
        ctx = info.context
        data = UnitFilter(first=first)
        visible = await _visible(ctx, "unit", Unit)
        where = [*unit_service.filters(data, visible), Unit.association_id == root.id]
        page = unit_service.page_of(data)
        return connection(await ctx.scalars(page_statement(Unit, page, where)), page)  # type: ignore[return-value]


@strawberry.type(name="Query")
class NaiveQuery:
    @strawberry.field
    async def association(self, info: strawberry.Info, id: strawberry.ID) -> NaiveAssociation:
        """The API's own root: `association/v1/get` through `run` (roles, Cerbos check)."""
        try:
            outcome = await run(REGISTRY["association/v1/get"], info.context, {"id": id}, None)
        except AppError as err:
            raise graphql_error(err) from None
        return outcome.output  # type: ignore[return-value]


def build_naive_schema(settings: Settings) -> strawberry.Schema:
    """With the API's extensions (operation span + read-transaction release, guards,
    error masking), so that only the resolvers differ."""
    from graph.limits import guard_extensions
    from graph.schema import MaskUnexpectedErrors, OperationSpan

    return strawberry.Schema(
        query=NaiveQuery,
        extensions=[OperationSpan, *guard_extensions(settings), MaskUnexpectedErrors],
    )
