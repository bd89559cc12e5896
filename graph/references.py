"""References in an operation's input are resolved in one place, before its handler.

An input field typed with a row's public id (`associationId: asn_…`) names a row
the handler will use or filter by. If it names nothing visible in this
organization — no such row, or another organization's, hidden by RLS — every
operation answers alike: 422 INVALID_REFERENCE on that field, rather than one
report answering an empty page and another an error.

Checked here: the input's top-level id fields other than `id` (an operation's
own subject: absent, it is NOT_FOUND) that name tenant rows, and each id of a
top-level list of them (the error names its position: `["accountIds", "2"]`). In a
mutation, a row whose model names an action (`__reference_action__`: a document
attached to a record must be one the caller may `read`) must allow the caller it
too, or it is INVALID_REFERENCE as well: naming a row one may not read reveals
nothing about it. Organizations and
users are not tenant rows — selecting, joining or linking one crosses
organizations by design, and their handlers say what may be named.
"""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel
from sqlalchemy import literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from graph.authz import ResourceRef, resource_attrs
from graph.errors import InvalidReference, NotFound
from graph.gqltypes import field_id_prefix
from graph.schemas import NODES

if TYPE_CHECKING:
    from graph.auth.principal import Principal
    from graph.authz import Decisions


@cache
def reference_fields(model: type[BaseModel]) -> tuple[tuple[str, str, Any], ...]:
    """(attribute, wire name, ORM model) of each field of `model` naming a tenant row."""
    found = []
    for name, info in model.model_fields.items():
        prefix = field_id_prefix(info.annotation, list(info.metadata))
        if name == "id" or prefix not in NODES:
            continue
        orm = NODES[prefix][0]
        if "organization_id" in orm.__table__.columns:
            found.append((name, info.alias or name, orm))
    return tuple(found)


async def resolve_references(
    session: AsyncSession,
    data: BaseModel,
    target: Any = None,
    pinned: Any = None,
    decisions: Decisions | None = None,
    principal: Principal | None = None,
) -> Any:
    """Load every row `data` references, in one statement under the session's RLS
    scope, or raise INVALID_REFERENCE naming the first field that names nothing.
    The rows stay in the session (`info`, as its identity map holds them only
    weakly), so a handler's `session.get` of one costs no query.

    For an operation with a `target` model, returns the row `data.id` names: the
    one the pipeline authorized (`pinned`), or — in a mutation's own transaction —
    read in the same statement (NOT_FOUND if it went away since).

    With `decisions` and `principal` (a mutation's), the rows whose model names
    an action are checked for it: one CheckResources per kind and action."""
    named: list[tuple[list[str], Any, Any]] = []
    for attr, wire, orm in reference_fields(type(data)):
        value = getattr(data, attr)
        if isinstance(value, list):  # a list of ids: each one, named by its position
            named += [([wire, str(i)], orm, v) for i, v in enumerate(value)]
        elif value is not None:
            named.append(([wire], orm, value))
    wanted = [(orm, value) for _, orm, value in named]
    if target is not None and pinned is None:
        wanted.append((target, data.id))  # type: ignore[attr-defined]
    if not wanted:
        return pinned
    rows = dict.fromkeys(wanted)
    entities = [aliased(orm) for orm, _ in rows]
    # One row, each entity outer-joined to it by id (None where nothing matched). The
    # leading constant keeps the ORM from dropping the row when a lone entity is None.
    anchor = select(literal(1).label("one")).subquery()
    stmt = select(anchor.c.one, *entities).select_from(anchor)
    for entity, (_, value) in zip(entities, rows, strict=True):
        stmt = stmt.outerjoin(entity, entity.id == value)
    found = dict(zip(rows, (await session.execute(stmt)).one()[1:], strict=True))
    for path, orm, value in named:
        if found[orm, value] is None:
            raise InvalidReference(f"`{path[0]}` names no {orm.__name__.lower()} in this organization.", field=path)
    if decisions is not None and principal is not None:
        await _authorize(decisions, principal, [(path, orm, found[orm, value]) for path, orm, value in named])
    session.info.setdefault("references", []).extend(found.values())
    if pinned is None and target is not None:
        pinned = found[target, data.id]  # type: ignore[attr-defined]
        if pinned is None:
            raise NotFound(f"No {target.__name__.lower()} with this id is visible to you.", field=["id"])
    return pinned


async def _authorize(decisions: Decisions, principal: Principal, named: list[tuple[list[str], Any, Any]]) -> None:
    kinds = dict(NODES.values())
    asked: dict[tuple[str, str], dict[str, Any]] = defaultdict(dict)
    for _, orm, row in named:
        action = getattr(orm, "__reference_action__", None)
        if action is not None:
            asked[kinds[orm], action][str(row.id)] = row
    allowed: dict[tuple[str, str], dict[str, dict[str, bool]]] = {}
    for (kind, action), rows in asked.items():
        refs = [ResourceRef(id=i, attrs=resource_attrs(r)) for i, r in rows.items()]
        allowed[kind, action] = await decisions.check(principal, kind, refs, {action})
    for path, orm, row in named:
        action = getattr(orm, "__reference_action__", None)
        if action is not None and not allowed[kinds[orm], action][str(row.id)][action]:
            raise InvalidReference(f"`{path[0]}` names no {orm.__name__.lower()} you may {action}.", field=path)
