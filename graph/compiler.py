"""The compiled read path: a GraphQL selection → one SQL statement building the JSON.

Web and mobile clients read nested pages (an association, its units, their
owners and residents…). Resolving such a page field by field in Python costs
4–5 µs per field, which dominated every profile; Postgres builds the same JSON
in a fraction of that. So a selection made only of model columns and declared
relations (graph/relations.py) is compiled into one statement of correlated
subqueries with `json_build_object`/`json_agg`, run in the request's RLS-scoped
read transaction, and its answer is taken as the field's complete value.

Planning (`plan`) walks the selection as graphql-core collected it — fragments,
aliases, variables, `@include`/`@skip` already applied — and gives up
(`NotCompilable`) on anything else: a hand-written resolver, an abstract type, a
JSON column, arguments that don't validate. The caller then falls back to the
resolvers, which give the same answer and the same errors. Building (`build`)
turns the plan into SQL once Cerbos' query plans for every kind it reads are in
(fetched together); every level a kind appears at gets its filter, so a row is
shown exactly when the resolvers would show it.

Values are rendered as GraphQL serializes them: public ids by the SQL function
`public_id` (migration 0018, the same base32 as graph/ids.py), timestamps by
`iso_timestamp` (Python's isoformat), decimals as text at the column's scale,
enums by member name, cursors as graph/pages.py encodes them.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
)
from graphql.execution.values import get_argument_values
from pydantic import BaseModel
from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    FromClause,
    Integer,
    Numeric,
    Select,
    String,
    Text,
    bindparam,
    case,
    cast,
    func,
    literal_column,
    select,
    text,
    tuple_,
)
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.sql import coercions, roles
from sqlalchemy.sql.util import ClauseAdapter

from graph.errors import AppError
from graph.gqltypes import OUTPUT_MODELS, column_of, field_id_prefix, relation_of, to_plain
from graph.pages import Page, decode_cursor
from graph.pipeline import validate_input
from graph.relations import Latest, Paged, ToMany, ToOne
from graph.schemas import ROW_TYPES

ROOT_ID = "hestami_root_id"


class NotCompilable(Exception):
    """The selection needs a resolver somewhere: run it on the resolver path."""


@functools.cache
def _table_of(model: type[BaseModel]) -> Any:
    """The ORM model whose rows `model` shows (`derive(Orm, "Orm", …)`), if any.
    Asked only while serving, when every domain has derived its types."""
    return next((orm for orm, shown in ROW_TYPES.items() if shown is model), None)


def _adapter(alias: FromClause) -> Any:
    """Rewrites a clause written against a model (ORM attributes included) to read
    `alias` instead: every level reads its own alias of a table, so a table met
    twice on a path (an association's master association) never correlates wrongly."""
    adapter = ClauseAdapter(alias)

    def adapt(clause: Any) -> Any:
        element = coercions.expect(roles.ColumnsClauseRole, clause)
        replaced = adapter.replace(element)
        return replaced if replaced is not None else adapter.traverse(element)

    return adapt


def _sql_text(value: str) -> Any:
    return literal_column("'" + value.replace("'", "''") + "'")


# ---------------------------------------------------------------------------
# Plans: what to read, decided from the selection alone.
# ---------------------------------------------------------------------------


@dataclass
class Column:
    name: str
    render: Any  # (column) → SQL value as GraphQL shows it


@dataclass
class Typename:
    name: str


@dataclass
class Relation:
    spec: ToOne | ToMany | Latest
    target: ObjectPlan


@dataclass
class Page_:
    spec: Paged
    page: Page
    after: list[Any] | None
    data: Any
    entries: list[tuple[str, Typename | Nodes | Edges | PageInfo]]  # the connection's own selection


@dataclass
class ObjectPlan:
    orm: Any
    entries: list[tuple[str, Any]] = field(default_factory=list)


# A connection's parts: its `nodes`, its `edges` (each a cursor and a node), its `pageInfo`.


@dataclass
class Nodes:
    item: ObjectPlan


@dataclass(frozen=True)
class Cursor:
    pass


@dataclass
class Edges:
    entries: list[tuple[str, Typename | Cursor | ObjectPlan]]  # an ObjectPlan is the edge's node


@dataclass(frozen=True)
class HasNextPage:
    pass


@dataclass(frozen=True)
class EndCursor:
    pass


@dataclass
class PageInfo:
    entries: list[tuple[str, Typename | HasNextPage | EndCursor]]


_PAGE_INFO: dict[str, HasNextPage | EndCursor] = {"hasNextPage": HasNextPage(), "endCursor": EndCursor()}


@dataclass
class Plan:
    """A root field's plan (a row, or a page of rows), its cache key and the (kind,
    model) pairs whose Cerbos filters it needs."""

    root: ObjectPlan | Page_
    kinds: set[tuple[str, Any]]
    key: tuple[Any, ...]
    # The field's arguments, validated once here as the operation's input.
    data: BaseModel


def _unwrap(gql_type: GraphQLOutputType) -> tuple[GraphQLOutputType, bool]:
    """(inner type, is a list), through non-null wrappers."""
    if isinstance(gql_type, GraphQLNonNull):
        gql_type = gql_type.of_type
    if isinstance(gql_type, GraphQLList):
        inner = gql_type.of_type
        return (inner.of_type if isinstance(inner, GraphQLNonNull) else inner), True
    return gql_type, False


def _renderer(model: type[BaseModel], name: str, column: Any) -> Any:
    info = model.model_fields[name]
    prefix = field_id_prefix(info.annotation, list(info.metadata))
    sql_type = column.type
    if prefix is not None:
        if getattr(sql_type, "item_type", None) is not None:
            raise NotCompilable(f"{model.__name__}.{name} is a list of ids")
        return lambda col: func.public_id(_sql_text(prefix), col)
    if isinstance(sql_type, Enum) and sql_type.enum_class is not None:
        members: list[enum.Enum] = list(sql_type.enum_class)
        return lambda col: case(*((col == _sql_text(str(m.value)), _sql_text(m.name)) for m in members))
    if isinstance(sql_type, DateTime):
        return lambda col: func.iso_timestamp(col)
    if isinstance(sql_type, Numeric) and sql_type.asdecimal:
        return lambda col: cast(col, Text)
    if isinstance(sql_type, String | Text | Boolean | Integer | Date):
        return lambda col: col
    raise NotCompilable(f"{model.__name__}.{name}: no SQL rendering for {sql_type!r}")


class Planner:
    """Walks one root field's selection with the executor's own field collection."""

    def __init__(self, executor: Any) -> None:
        self.executor = executor
        self.kinds: set[tuple[str, Any]] = set()

    def _fields(self, gql_type: GraphQLObjectType, details: Any) -> Iterator[tuple[str, Any, Any]]:
        grouped = self.executor.collect_subfields(gql_type, details)[0]
        for response_name, field_details in grouped.items():
            yield response_name, field_details, field_details[0].node.name.value

    def object(self, gql_type: GraphQLOutputType, details: Any) -> ObjectPlan:
        if not isinstance(gql_type, GraphQLObjectType) or gql_type.name not in OUTPUT_MODELS:
            raise NotCompilable(f"{gql_type} is not a row type")
        model = OUTPUT_MODELS[gql_type.name]
        orm = _table_of(model)
        columns = getattr(model, "__hestami_columns__", None)
        if orm is None or columns is None:
            raise NotCompilable(f"{gql_type.name} is not a table's row")
        plan = ObjectPlan(orm=orm)
        for response_name, field_details, name in self._fields(gql_type, details):
            if name == "__typename":
                plan.entries.append((response_name, Typename(gql_type.name)))
                continue
            field_def = gql_type.fields[name]
            strawberry_field = field_def.extensions["strawberry-definition"]
            resolver = strawberry_field.base_resolver.wrapped_func if strawberry_field.base_resolver else None
            python_name = column_of(resolver) if resolver is not None else strawberry_field.python_name
            if python_name is not None:
                column = columns.get(python_name)
                if column is None or column.table is not orm.__table__:
                    raise NotCompilable(f"{gql_type.name}.{name} is not a column")
                plan.entries.append((response_name, Column(column.key, _renderer(model, python_name, column))))
                continue
            plan.entries.append((response_name, self._relation(field_def, field_details, relation_of(resolver), resolver)))
        return plan

    def _relation(self, field_def: Any, details: Any, spec: Any, resolver: Any) -> Any:
        target, _ = _unwrap(field_def.type)
        if isinstance(spec, ToOne):
            if spec.kind is not None:
                self.kinds.add((spec.kind, spec.target))
            return Relation(spec, self.object(target, details))
        if isinstance(spec, ToMany | Latest):
            if spec.kind is not None:
                self.kinds.add((spec.kind, spec.model))
            return Relation(spec, self.object(target, details))
        if isinstance(spec, Paged):
            return self.page(spec, self.arguments(field_def, details, resolver.__hestami_arguments__), target, details)
        raise NotCompilable(f"{field_def} has a hand-written resolver")

    def arguments(self, field_def: Any, details: Any, model: type[BaseModel]) -> Any:
        """The field's arguments as `model`, validated as its resolver would."""
        try:
            raw = get_argument_values(
                field_def, details[0].node, self.executor.variable_values, details[0].fragment_variable_values
            )
            return validate_input(model, {k: to_plain(v) for k, v in raw.items()})
        except AppError as err:  # the resolver path reports it, at the same path
            raise NotCompilable(str(err)) from None

    def page(self, spec: Paged, data: Any, connection: Any, details: Any) -> Page_:
        try:
            page = spec.page(data)
            model = spec.model
            after = decode_cursor(page.after, [getattr(model, page.sort), model.id]) if page.after else None
        except AppError as err:  # the resolver path reports it, at the same path
            raise NotCompilable(str(err)) from None
        self.kinds.add((spec.kind, model))
        entries: list[tuple[str, Typename | Nodes | Edges | PageInfo]] = []
        for response_name, field_details, name in self._fields(connection, details):
            part_type, _ = _unwrap(connection.fields[name].type) if name != "__typename" else (connection, False)
            if name == "__typename":
                entries.append((response_name, Typename(connection.name)))
            elif name == "nodes":
                entries.append((response_name, Nodes(self.object(part_type, field_details))))
            elif name == "edges":
                edges: list[tuple[str, Typename | Cursor | ObjectPlan]] = []
                for edge_response, edge_details, edge_name in self._fields(part_type, field_details):  # type: ignore[arg-type]
                    if edge_name == "__typename":
                        edges.append((edge_response, Typename(part_type.name)))  # type: ignore[union-attr]
                    elif edge_name == "cursor":
                        edges.append((edge_response, Cursor()))
                    else:
                        item, _ = _unwrap(part_type.fields[edge_name].type)  # type: ignore[union-attr]
                        edges.append((edge_response, self.object(item, edge_details)))
                entries.append((response_name, Edges(edges)))
            elif name == "pageInfo":
                info: list[tuple[str, Typename | HasNextPage | EndCursor]] = []
                for info_response, _d, info_name in self._fields(part_type, field_details):  # type: ignore[arg-type]
                    if info_name == "__typename":
                        info.append((info_response, Typename(part_type.name)))  # type: ignore[union-attr]
                    elif info_name in _PAGE_INFO:
                        info.append((info_response, _PAGE_INFO[info_name]))
                    else:
                        raise NotCompilable(f"PageInfo.{info_name}")
                entries.append((response_name, PageInfo(info)))
            else:
                raise NotCompilable(f"{connection}.{name}")
        return Page_(spec, page, after, data, entries)


# ---------------------------------------------------------------------------
# SQL: the plan made into correlated subqueries, with Cerbos' filters in.
# ---------------------------------------------------------------------------


class Builder:
    def __init__(self, filters: dict[tuple[str, Any], ColumnElement[bool]]) -> None:
        self.filters = filters

    def _visible(self, kind: str | None, orm: Any, alias: FromClause) -> list[ColumnElement[bool]]:
        if kind is None:
            return []
        return [_adapter(alias)(self.filters[(kind, orm)])]

    def object(self, plan: ObjectPlan, row: FromClause) -> ColumnElement[Any]:
        values: list[Any] = []
        for response_name, entry in plan.entries:
            values += [_sql_text(response_name), self._value(entry, row)]
        if len(values) > 100:  # json_build_object takes at most 100 arguments
            raise NotCompilable("more than 50 fields in one object")
        return func.json_build_object(*values)

    def _value(self, entry: Any, row: FromClause) -> Any:
        if isinstance(entry, Column):
            return entry.render(row.c[entry.name])
        if isinstance(entry, Typename):
            return _sql_text(entry.name)
        if isinstance(entry, Relation):
            return self._relation(entry, row)
        return self._page(entry, row)

    def _relation(self, entry: Relation, row: FromClause) -> Any:
        spec = entry.spec
        if isinstance(spec, ToOne):
            target = spec.target.__table__.alias()
            where = [target.c.id == row.c[spec.key], *self._visible(spec.kind, spec.target, target)]
            return select(self.object(entry.target, target)).where(*where).scalar_subquery()
        target = spec.model.__table__.alias()
        adapt = _adapter(target)
        where = [
            target.c[spec.key] == row.c.id,
            *(adapt(c) for c in (spec.clauses() if isinstance(spec, ToMany) else ())),
            *self._visible(spec.kind, spec.model, target),
        ]
        order = [adapt(o) for o in spec.order()]
        if isinstance(spec, Latest):
            return select(self.object(entry.target, target)).where(*where).order_by(*order).limit(1).scalar_subquery()
        items = func.json_agg(aggregate_order_by(self.object(entry.target, target), *order))
        return select(func.coalesce(items, literal_column("'[]'::json"))).where(*where).scalar_subquery()

    def _page(self, entry: Page_, row: FromClause | None) -> Any:
        """The connection's JSON, of the rows under `row` (all rows at the root)."""
        spec, page = entry.spec, entry.page
        target = spec.model.__table__.alias()
        adapt = _adapter(target)
        visible = self.filters[(spec.kind, spec.model)]
        where = [adapt(c) for c in spec.filters(entry.data, visible)]
        if row is not None:
            assert spec.key is not None, "a nested page names its parent's key"
            where.append(target.c[spec.key] == row.c.id)
        sort, key = target.c[getattr(spec.model, page.sort).key], target.c.id
        if entry.after is not None:
            seen = tuple_(*entry.after)
            where.append(tuple_(sort, key) < seen if page.descending else tuple_(sort, key) > seen)
        order = [sort.desc(), key.desc()] if page.descending else [sort.asc(), key.asc()]
        numbered = (
            select(target, func.row_number().over(order_by=order).label("hestami_position"))
            .where(*where)
            .order_by(*order)
            .limit(page.first + 1)
        )
        rows = numbered.correlate(row).lateral() if row is not None else numbered.subquery()
        position = rows.c.hestami_position
        kept = position <= page.first
        cursor = _cursor(_cursor_text(rows.c[sort.key]), cast(rows.c.id, Text))
        values: list[Any] = []
        for response_name, part in entry.entries:
            values += [_sql_text(response_name), self._page_part(part, rows, position, kept, cursor, page)]
        # One group even over no rows, and even when nothing selected aggregates.
        return select(func.json_build_object(*values)).select_from(rows).group_by(text("()")).scalar_subquery()

    def _page_part(self, part: Any, rows: FromClause, position: Any, kept: Any, cursor: Any, page: Page) -> Any:
        if isinstance(part, Typename):
            return _sql_text(part.name)
        if isinstance(part, Cursor):
            return cursor
        if isinstance(part, ObjectPlan):  # an edge's node
            return self.object(part, rows)
        if isinstance(part, HasNextPage):
            return func.count() > page.first
        if isinstance(part, EndCursor):
            return func.array_agg(aggregate_order_by(cursor, position.desc())).filter(kept)[1]
        if isinstance(part, Nodes):
            return _agg(self.object(part.item, rows), position, kept)
        children = [(name, self._page_part(child, rows, position, kept, cursor, page)) for name, child in part.entries]
        built = func.json_build_object(*(x for name, value in children for x in (_sql_text(name), value)))
        return _agg(built, position, kept) if isinstance(part, Edges) else built

    def root(self, plan: ObjectPlan | Page_, kind: str) -> Select[Any]:
        """The statement for the row whose id is bound as `ROOT_ID`, or for a page of rows."""
        if isinstance(plan, Page_):
            return select(cast(self._page(plan, None), Text))
        target = plan.orm.__table__.alias()
        where = [target.c.id == bindparam(ROOT_ID, type_=target.c.id.type), *self._visible(kind, plan.orm, target)]
        return select(cast(self.object(plan, target), Text)).where(*where)


def plan_key(plan: Any) -> Any:
    """What decides a plan's SQL, hashable: the statement is cached on it (with the
    Cerbos filters' keys), so a repeated query skips building SQL altogether."""
    if isinstance(plan, ObjectPlan):
        return (plan.orm, tuple((name, plan_key(entry)) for name, entry in plan.entries))
    if isinstance(plan, Column):
        return ("c", plan.name)
    if isinstance(plan, Typename):
        return ("t", plan.name)
    if isinstance(plan, Relation):
        return ("r", plan.spec, plan_key(plan.target))
    if isinstance(plan, Page_):
        parts = tuple((name, plan_key(part)) for name, part in plan.entries)
        return ("p", plan.spec, plan.page, tuple(plan.after or ()), plan.data.model_dump_json(), parts)
    if isinstance(plan, Nodes):
        return ("n", plan_key(plan.item))
    if isinstance(plan, Edges | PageInfo):
        return (type(plan).__name__, tuple((name, plan_key(part)) for name, part in plan.entries))
    if isinstance(plan, Cursor | HasNextPage | EndCursor):
        return type(plan).__name__
    raise TypeError(plan)


def _agg(value: Any, position: Any, kept: Any) -> Any:
    items = func.json_agg(aggregate_order_by(value, position)).filter(kept)
    return func.coalesce(items, literal_column("'[]'::json"))


def _cursor_text(value: Any) -> Any:
    """A sort value as graph/pages.py writes it into a cursor: isoformat for
    timestamps and dates, str() otherwise."""
    if isinstance(value.type, DateTime):
        return func.iso_timestamp(value)
    return cast(value, Text)


def _cursor(*parts: Any) -> Any:
    """base64url (unpadded) of the JSON list of `parts`, as graph/pages.py encodes."""
    raw = func.encode(func.convert_to(cast(func.json_build_array(*parts), Text), _sql_text("UTF8")), _sql_text("base64"))
    return func.rtrim(func.translate(func.replace(raw, literal_column("E'\\n'"), _sql_text("")), "+/", "-_"), "=")


def compile_root(executor: Any, field_def: Any, details: Sequence[Any], op: Any) -> Plan:
    """Plan a root field whose answer is one row of its return type, or (an
    operation declaring `compiles=Paged(...)`) a page of rows; NotCompilable when
    any part of the selection needs a resolver."""
    planner = Planner(executor)
    target, _ = _unwrap(field_def.type)
    data = planner.arguments(field_def, details, op.input)
    root: ObjectPlan | Page_
    if isinstance(op.compiles, Paged):
        root = planner.page(op.compiles, data, target, details)
    else:
        root = planner.object(target, details)
        planner.kinds.add((op.kind, root.orm))
    return Plan(root=root, kinds=planner.kinds, key=plan_key(root), data=data)


__all__ = ["ROOT_ID", "Builder", "NotCompilable", "Plan", "compile_root"]
