"""SQLAlchemy models → pydantic models: the one source for RPC, OpenAPI and GraphQL.

A column's Python type, length limit, nullability and `doc` become the pydantic
field's type, constraint and description; ids and foreign keys become typed public
ids (`org_…`). Operations add their own fields only where a model has none.
"""

from __future__ import annotations

import inspect as pyinspect
import re
from datetime import time
from decimal import Decimal, InvalidOperation
from types import GenericAlias
from typing import Annotated, Any, Optional
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, create_model
from pydantic.alias_generators import to_camel
from sqlalchemy import ARRAY, String, inspect
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.sql.schema import Column

from graph.ids import PREFIXES, id_json_schema, public_id

_ID_TYPES: dict[str, Any] = {}  # table name → pydantic public-id type
NODES: dict[str, tuple[type[DeclarativeBase], str]] = {}  # prefix → (ORM model, Cerbos kind)
ROW_TYPES: dict[type[DeclarativeBase], type[BaseModel]] = {}  # ORM model → its API model (named like it)


class ApiModel(BaseModel):
    """Base of every API model: camelCase on the wire, built from ORM rows."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        extra="forbid",
    )


def register_id(model: type[DeclarativeBase], prefix: str, kind: str) -> Any:
    """Give a table's rows a public-id prefix and their Cerbos resource kind;
    returns the pydantic id type. `node(id:)` finds rows through this."""
    id_type = public_id(prefix, model.__name__)
    NODES[prefix] = (model, kind)
    _ID_TYPES[model.__tablename__] = id_type
    return id_type


def _id_table(column: Column[Any], seen: frozenset[Column[Any]] = frozenset()) -> str | None:
    """The registered table whose row id `column` holds: its own table's for the
    primary key, else the table of whatever it references, followed through
    composite keys. `association_id` in (organization_id, association_id, fund_id)
    → funds(organization_id, association_id, id) references funds.association_id,
    which holds an association's id: that, not the fund's, is its type. Every key
    a column sits in must agree, so the answer never depends on which is read first."""
    table = column.table.name
    if column.primary_key and table in _ID_TYPES:
        return table
    found: set[str] = set()
    for fk in column.foreign_keys:
        target = fk.column
        if target in seen or target is column:  # a key back into its own table, e.g. (unit_id, related_entry_id)
            continue
        held = _id_table(target, seen | {column})
        if held is None:
            raise LookupError(f"{table}.{column.name} points at {fk.target_fullname}, which holds no registered row id yet")
        found.add(held)
    if len(found) > 1:
        raise TypeError(f"{table}.{column.name} references rows of several tables: {sorted(found)}")
    return found.pop() if found else None


# A time of day with no offset (opening hours, read in a place's own time zone).
# JSON Schema's `time` format is RFC 3339's full-time, which requires an offset,
# so such a value is declared by its shape instead.
WallClockTime = Annotated[time, WithJsonSchema({"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?$"})]


def _column_type(column: Column[Any]) -> Any:
    id_table = _id_table(column)
    if id_table is not None:
        return _ID_TYPES[id_table]
    enum_class = getattr(column.type, "enum_class", None)
    if enum_class is not None:
        return enum_class
    if isinstance(column.type, ARRAY):
        return GenericAlias(list, column.type.item_type.python_type)
    try:
        python_type = column.type.python_type
    except NotImplementedError:
        python_type = object
    if python_type in (dict, object):  # JSON / JSONB
        return dict[str, Any]
    if python_type is time and not getattr(column.type, "timezone", False):
        return WallClockTime
    return python_type


def derive(
    orm: type[DeclarativeBase],
    name: str,
    fields: list[str],
    *,
    doc: str | None = None,
    optional: tuple[str, ...] = (),
    extra: dict[str, tuple[Any, Any]] | None = None,
    examples: list[dict[str, Any]] | None = None,
    node: bool = False,
    constraints: dict[str, dict[str, Any]] | None = None,
) -> type[ApiModel]:
    """A pydantic model of `fields` of `orm`, named `name`.

    `optional` makes fields optional with default None (for patches); `extra` adds
    fields the table doesn't have, as (type, Field(...)). `node` makes its GraphQL
    type a Relay node that rows of `orm` resolve to. `constraints` adds pydantic
    Field constraints the column type can't express (ranges, patterns).
    """
    mapper = inspect(orm)
    definitions: dict[str, Any] = {}
    columns: dict[str, Column[Any]] = {}
    for field_name in fields:
        attr = mapper.attrs[field_name]
        column = columns[field_name] = attr.columns[0]
        annotation = _column_type(column)
        limits: dict[str, Any] = {}
        validators: list[Any] = []
        scale = getattr(column.type, "scale", None)
        if annotation is Decimal and scale is not None:
            # Answer with the column's scale whether the row was just written or
            # read back: 0.01 and 0.01000000 are one value, but clients diff strings.
            validators.extend(at_scale(scale))
            limits["decimal_places"] = scale
        is_enum = getattr(column.type, "enum_class", None) is not None
        if isinstance(column.type, String) and column.type.length and not _is_id(annotation) and not is_enum:
            limits["max_length"] = column.type.length
            if not column.nullable:
                limits["min_length"] = 1
        limits.update((constraints or {}).get(field_name, {}))
        description = attr.doc or column.doc
        if column.nullable or field_name in optional:
            # The limits go inside the Optional, checked before the validators: through
            # the union pydantic can't put them on a validated type (a decimal's
            # quantizer) and would only copy them into the JSON Schema, unenforced (a
            # huge number overflowed the column; 12.345 was silently rounded).
            inner = Annotated[annotation, Field(**limits), *validators] if limits or validators else annotation
            definitions[field_name] = (Optional[inner], Field(None, description=description))  # noqa: UP045
        else:
            inner = Annotated[annotation, *validators] if validators else annotation
            definitions[field_name] = (inner, Field(description=description, **limits))
    definitions.update(extra or {})
    config: dict[str, Any] = {}
    if examples:
        examples = [_concrete(example) for example in examples]
        config["json_schema_extra"] = {"examples": examples}
    model = create_model(
        name,
        __base__=ApiModel,
        __doc__=inspect_doc(doc or orm.__doc__),
        __module__=orm.__module__,
        **definitions,
    )
    # Which column each field shows, so a test can check every id's type against its keys.
    model.__hestami_columns__ = columns  # type: ignore[attr-defined]
    if node:
        model.__hestami_node__ = orm  # type: ignore[attr-defined]
    if name == orm.__name__:  # the row's own type (`Unit`), which relations to its rows show
        if orm in ROW_TYPES:
            raise ValueError(f"{name} derived twice")
        ROW_TYPES[orm] = model
    if config:
        model.model_config.update(config)  # type: ignore[typeddict-item]
        model.model_rebuild(force=True)
    for example in examples or ():
        model.model_validate(example)  # an example clients copy must be a request we accept
    return model


_PLACEHOLDER = re.compile(r"^([a-z]+)_…$")


def _concrete(value: Any) -> Any:
    """An example with each id placeholder (`asn_…`, readable in the source) made
    a well-formed id of that type, so the published example validates."""
    if isinstance(value, str) and (match := _PLACEHOLDER.match(value)) and match[1] in PREFIXES:
        return id_json_schema(match[1])["examples"][0]
    if isinstance(value, dict):
        return {k: _concrete(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_concrete(v) for v in value]
    return value


def quantizer(scale: int) -> Any:
    exponent = Decimal(1).scaleb(-scale)

    def quantize(value: Decimal) -> Decimal:
        try:
            return value.quantize(exponent)
        except InvalidOperation:
            # More digits than Decimal's context holds (28): runs before the field's
            # max_digits check, and must be a validation error, not a 500.
            raise ValueError(f"too many digits; at most {28 - scale} before the decimal point") from None

    return quantize


def fixed_point(value: Decimal) -> str:
    """A decimal as JSON carries it: its digits at its scale, never an exponent
    (str(Decimal) writes a zero at 8 places as "0E-8", 0.00000001 as "1E-8")."""
    return format(value, "f")


def at_scale(scale: int) -> tuple[Any, Any]:
    """The metadata of a decimal kept at `scale` places: quantized on the way in and
    written in fixed point on the way out, whether the row was just written or read
    back (0.01 and 0.01000000 are one value, but clients and the compiled path,
    which Postgres renders, diff strings)."""
    # A lambda, not `fixed_point` itself: an unannotated return leaves the JSON Schema
    # the decimal's own (graph/openapi.py names it), not a plain string.
    return AfterValidator(quantizer(scale)), PlainSerializer(lambda v: fixed_point(v), when_used="json")


# An amount of money at cents, as every ledger column keeps it.
Money = Annotated[Decimal, *at_scale(2)]


def inspect_doc(text: str | None) -> str | None:
    return pyinspect.cleandoc(text) if text else None


def _is_id(annotation: Any) -> bool:
    return annotation is UUID or annotation in _ID_TYPES.values()


class PageInfo(ApiModel):
    """Where a page ends and whether more follow."""

    has_next_page: bool = Field(description="True when another page follows.")
    end_cursor: str | None = Field(description="Pass as `after` to get the next page.")


def connection_model(item: type[ApiModel]) -> type[ApiModel]:
    """`<Item>Connection { edges { cursor node } nodes pageInfo }`: one page of a
    list, the same shape over RPC and GraphQL (Relay's, so clients page alike)."""
    name = item.__name__
    edge = create_model(
        f"{name}Edge",
        __base__=ApiModel,
        __doc__=f"One {name} of a page, with its cursor.",
        __module__=item.__module__,
        cursor=(str, Field(description="Opaque position of this item; pass as `after` to continue after it.")),
        node=(item, Field(description="The item.")),
    )
    return create_model(
        f"{name}Connection",
        __base__=ApiModel,
        __doc__=f"A page of {name} items.",
        __module__=item.__module__,
        edges=(list[edge], Field(description="Items with their cursors.")),
        # `item` is a class known at run time only: mypy can't take it as a type, pydantic can.
        nodes=(list[item], Field(description="The items alone.")),  # type: ignore[valid-type]
        page_info=(PageInfo, Field(description="Pagination state.")),
    )
