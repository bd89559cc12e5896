"""pydantic models → Strawberry types, so GraphQL never hand-copies a type.

Output types resolve straight from ORM rows or pydantic instances (same attribute
names). Public-id fields become `ID` and are encoded by a tiny sync resolver.
Domains add relation fields to an output type with `extend(Model)`.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import inspect
import types
import typing
from typing import Any, Union, get_args, get_origin
from uuid import UUID

import strawberry
from pydantic import BaseModel
from pydantic.alias_generators import to_camel
from strawberry.scalars import JSON
from strawberry.types.base import get_object_definition
from strawberry.types.lazy_type import LazyType

from graph.docs import member_docs
from graph.ids import IdPrefix, encode
from graph.relations import Latest, ToMany, ToOne
from graph.relay import Node, load_nodes
from graph.schemas import NODES, ROW_TYPES

_OUTPUTS: dict[type[BaseModel], Any] = {}
OUTPUT_MODELS: dict[str, type[BaseModel]] = {}  # GraphQL type name → the pydantic model it shows
_INPUTS: dict[type[BaseModel], Any] = {}
_ENUMS: dict[type[enum.Enum], Any] = {}
_EXTENSIONS: dict[type[BaseModel], list[type]] = {}
_SCALARS: dict[Any, Any] = {
    str: str,
    int: int,
    float: float,
    bool: bool,
    UUID: UUID,
    dt.datetime: dt.datetime,
    dt.date: dt.date,
    dt.time: dt.time,
    decimal.Decimal: decimal.Decimal,
}


class _ToOne:
    def __init__(self, description: str, kind: str | None) -> None:
        self.description = description
        self.kind = kind


class _ToMany:
    def __init__(self, relation: ToMany | Latest, returns: Any, description: str) -> None:
        self.relation = relation
        self.returns = returns
        self.description = description


def to_one(description: str, *, kind: str | None = None) -> Any:
    """A relation field of an `extend` class, derived rather than written: field
    `x` is the row `x_id` names, read through that table's by-id loader, typed as
    the type of the rows the id's type names (the foreign key gave the id its
    type); null when `x_id` is, or, with a Cerbos `kind`, when the caller may not
    read that row. Hand-write a relation only where it adds something (a computed
    value)."""
    return _ToOne(description, kind)


def to_many(
    model: Any,
    key: str,
    returns: Any,
    description: str,
    *,
    order_by: typing.Callable[[], typing.Sequence[Any]],
    kind: str | None = None,
    where: typing.Callable[[], typing.Sequence[Any]] | None = None,
) -> Any:
    """A list relation of an `extend` class: the rows of `model` whose `key` holds
    the parent's id (see graph/relations.ToMany), typed `list[returns]` (`returns`
    may name a type of the declaring module built later)."""
    return _ToMany(ToMany(model=model, key=key, order_by=order_by, kind=kind, where=where), returns, description)


def latest(
    model: Any,
    key: str,
    returns: Any,
    description: str,
    *,
    newest_first: typing.Callable[[], typing.Sequence[Any]],
    kind: str | None = None,
) -> Any:
    """A relation of an `extend` class to one row: the newest of `model`'s rows whose
    `key` holds the parent's id (see graph/relations.Latest), typed `returns | None`."""
    return _ToMany(Latest(model=model, key=key, newest_first=newest_first, kind=kind), returns, description)


def relation_of(resolver: Any) -> Any:
    """The declared relation behind a field's resolver, if it has one."""
    return getattr(resolver, "__hestami_relation__", None)


def column_of(resolver: Any) -> str | None:
    """The model field a derived id field's resolver shows."""
    return getattr(resolver, "__hestami_column__", None)


class _RowOf(LazyType[str, str]):
    """The GraphQL type of the rows an id prefix names, looked up when the schema
    is built: a relation may point at a type built later, or at its own."""

    def resolve_type(self) -> type[Any]:
        return output_type(ROW_TYPES[NODES[self.type_name][0]])  # type: ignore[no-any-return]


def _to_one_field(model: type[BaseModel], name: str, marker: _ToOne) -> Any:
    key = f"{name}_id"
    info = model.model_fields[key]
    prefix = field_id_prefix(info.annotation, list(info.metadata))
    if prefix is None:
        raise TypeError(f"{model.__name__}.{key} is not a row's id: `{name}` can't be derived")
    relation = ToOne(key=key, target=NODES[prefix][0], kind=marker.kind)

    def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> Any:
        value = getattr(root, key)
        # The loader's future, not a coroutine: graphql-core awaits it, and a page of
        # rows then costs no coroutine per relation.
        return None if value is None else relation.loader(info.context).load(value)

    resolve.__annotations__["return"] = typing.Optional[_RowOf(prefix, __name__)]  # noqa: UP045
    resolve.__name__ = name
    resolve.__hestami_relation__ = relation  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolve, description=marker.description)


def _to_many_field(cls: type, name: str, marker: _ToMany) -> Any:
    relation = marker.relation

    def resolve(root: strawberry.Parent[Any], info: strawberry.Info) -> Any:
        return relation.loader(info.context).load(root.id)

    returns = marker.returns
    # A string names a type of the declaring module, resolved there when the schema is built.
    if isinstance(relation, Latest):
        resolve.__annotations__["return"] = f"{returns} | None" if isinstance(returns, str) else typing.Optional[returns]  # noqa: UP045
    else:
        resolve.__annotations__["return"] = f"list[{returns}]" if isinstance(returns, str) else list[returns]  # type: ignore[valid-type]
    resolve.__module__ = cls.__module__
    resolve.__name__ = name
    resolve.__hestami_relation__ = relation  # type: ignore[attr-defined]
    return strawberry.field(resolver=resolve, description=marker.description)


def extend(model: type[BaseModel]) -> typing.Callable[[type], type]:
    """Add the strawberry fields of the decorated class to `model`'s GraphQL type."""

    def register(cls: type) -> type:
        if model in _OUTPUTS:
            raise RuntimeError(f"extend({model.__name__}) after its GraphQL type was built: import order")
        for name, value in list(vars(cls).items()):
            # Replaced in place: the field keeps its position.
            if isinstance(value, _ToOne):
                setattr(cls, name, _to_one_field(model, name, value))
            elif isinstance(value, _ToMany):
                setattr(cls, name, _to_many_field(cls, name, value))
        # A strawberry type itself, so the type built from `model` inherits its fields.
        typed = cls if hasattr(cls, "__strawberry_definition__") else strawberry.type(cls)
        _EXTENSIONS.setdefault(model, []).append(typed)
        return typed

    return register


def enum_type(cls: type[enum.Enum]) -> Any:
    if cls not in _ENUMS:
        _ENUMS[cls] = strawberry.enum(cls, description=cls.__doc__)
        docs = member_docs(cls)
        for value in _ENUMS[cls].__strawberry_definition__.values:
            value.description = docs.get(value.name)
    return _ENUMS[cls]


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(get_args(annotation)) == 2:
            return args[0], True
    return annotation, False


def _id_prefix(metadata: list[Any]) -> str | None:
    return next((m for m in metadata if isinstance(m, IdPrefix)), None)


def field_id_prefix(annotation: Any, metadata: list[Any]) -> str | None:
    """The public-id prefix of a field holding an id or a list of ids, looking
    through Optional[...] and Annotated[...]."""
    found = _id_prefix(metadata)
    inner, _ = _unwrap_optional(annotation)
    if found is None and get_origin(inner) is typing.Annotated:
        found = _id_prefix(list(get_args(inner)[1:]))
    if found is None and get_origin(inner) is list:
        found = field_id_prefix(get_args(inner)[0], [])
    return found


def _gql(annotation: Any, metadata: list[Any], *, is_input: bool) -> Any:
    if get_origin(annotation) is typing.Annotated:
        base, *meta = get_args(annotation)
        return _gql(base, [*metadata, *meta], is_input=is_input)
    inner, optional = _unwrap_optional(annotation)
    if optional:
        return typing.Optional[_gql(inner, metadata, is_input=is_input)]  # noqa: UP045
    if _id_prefix(metadata):
        return strawberry.ID
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        (item,) = get_args(annotation)[:1]
        return list[_gql(item, [], is_input=is_input)]  # type: ignore[misc]
    if origin is dict or annotation is dict or annotation is Any:
        return JSON
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return enum_type(annotation)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return input_type(annotation) if is_input else output_type(annotation)
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"No GraphQL mapping for {annotation!r}")


def _id_resolver(attr: str, prefix: str, returns: Any) -> Any:
    def resolve(root: strawberry.Parent[Any]) -> Any:
        value = getattr(root, attr)
        if isinstance(value, list):
            return [encode(prefix, v) for v in value]
        return None if value is None else encode(prefix, value)

    resolve.__annotations__["return"] = returns
    resolve.__name__ = attr
    resolve.__hestami_column__ = attr  # type: ignore[attr-defined]
    return resolve


async def _resolve_reference(cls: type, info: strawberry.Info, id: strawberry.ID) -> Any:
    """Federation: a gateway fetching this entity by key goes through `node` rules."""
    return (await load_nodes(info, [id]))[0]


def _build(model: type[BaseModel], name: str, *, is_input: bool) -> Any:
    annotations: dict[str, Any] = {}
    namespace: dict[str, Any] = {}
    # An extension may resolve a model field itself (e.g. through a loader, for
    # rows that don't carry it): its field replaces the model's.
    shadowed = (
        {f.python_name for ext in _EXTENSIONS.get(model, ()) for f in get_object_definition(ext, strict=True).fields}
        if not is_input
        else set()
    )
    for field_name, info in model.model_fields.items():
        if field_name in shadowed:
            continue
        description = info.description
        gql_type = _gql(info.annotation, list(info.metadata), is_input=is_input)
        prefix = field_id_prefix(info.annotation, list(info.metadata))
        if prefix and not is_input:
            namespace[field_name] = strawberry.field(
                resolver=_id_resolver(field_name, prefix, gql_type),
                description=description,
            )
            continue
        annotations[field_name] = gql_type
        # An explicit alias names the field on every transport (`from`, a Python keyword).
        named: dict[str, Any] = {"name": info.alias} if info.alias and info.alias != to_camel(field_name) else {}
        if is_input and not info.is_required():
            default = info.get_default(call_default_factory=True)
            if isinstance(default, list | dict):
                namespace[field_name] = strawberry.field(
                    description=description,
                    default_factory=lambda d=default: type(d)(d),
                    **named,
                )
            else:
                namespace[field_name] = strawberry.field(description=description, default=default, **named)
        else:
            namespace[field_name] = strawberry.field(description=description, **named)
    bases: tuple[type, ...] = tuple(_EXTENSIONS.get(model, ())) if not is_input else ()
    orm = getattr(model, "__hestami_node__", None)
    if not is_input and orm is not None:
        bases = (*bases, Node)
        runtime = (model, orm)
        namespace["is_type_of"] = classmethod(lambda cls, obj, _info: isinstance(obj, runtime))
        namespace["resolve_reference"] = classmethod(_resolve_reference)
    namespace["__annotations__"] = annotations
    cls = type(name, bases, namespace)
    description = inspect.cleandoc(model.__doc__ or "") or None
    if is_input:
        return strawberry.input(cls, name=name, description=description)
    if orm is not None:
        return strawberry.federation.type(cls, name=name, description=description, keys=["id"])
    return strawberry.type(cls, name=name, description=description)


def output_type(model: type[BaseModel]) -> Any:
    if model not in _OUTPUTS:
        _OUTPUTS[model] = _build(model, model.__name__, is_input=False)
        OUTPUT_MODELS[model.__name__] = model
    return _OUTPUTS[model]


def input_type(model: type[BaseModel]) -> Any:
    if model not in _INPUTS:
        name = model.__name__ if model.__name__.endswith("Input") else f"{model.__name__}Input"
        _INPUTS[model] = _build(model, name, is_input=True)
    return _INPUTS[model]


def to_plain(value: Any) -> Any:
    """A strawberry input instance → plain data pydantic can validate."""
    if isinstance(value, list):
        return [to_plain(v) for v in value]
    # Before the definition check: a member of a strawberry enum reaches its
    # class's `__strawberry_definition__`, and its vars() lead back to the class.
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "__strawberry_definition__"):
        return {k: to_plain(v) for k, v in vars(value).items() if v is not strawberry.UNSET}
    if isinstance(value, enum.Enum):
        return value.value
    return value
