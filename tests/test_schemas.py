"""Public ids derived from the models carry the type of the row they name.

A column that sits in several composite keys (association_id is in most of an
association's keys) must still be shown with the prefix of the table its own
name and key designate, in both transports."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy import inspect
from sqlalchemy.sql.schema import Column

from app.discovery import load_domains
from graph.db import Base
from graph.gqltypes import field_id_prefix
from graph.ids import IdPrefix
from graph.operations import REGISTRY
from graph.schemas import NODES, ApiModel, at_scale


def _models(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [m for arg in get_args(annotation) for m in _models(arg)]


def api_models() -> list[type[BaseModel]]:
    """Every pydantic model an operation takes or returns, nested ones included."""
    load_domains()
    return api_models_of(*(m for op in REGISTRY.values() for m in (op.input, op.output)))


def api_models_of(*models: type[BaseModel]) -> list[type[BaseModel]]:
    """These models and every model nested in them."""
    seen: list[type[BaseModel]] = []
    todo = list(models)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.append(model)
        todo.extend(m for info in model.model_fields.values() for m in _models(info.annotation))
    return seen


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def designated_table(column: Column[Any]) -> str:
    """The table whose row a column names: its own for the primary key; else the
    table whose `id` one of its keys references; else (a column that only sits in
    composite keys as a scope, e.g. association_id in (…, association_id, fund_id)
    → funds) the table its name says, association_id → Association."""
    if column.primary_key:
        return column.table.name
    direct = {fk.column.table.name for fk in column.foreign_keys if fk.column.primary_key}
    assert len(direct) <= 1, (column, direct)
    if direct:
        return direct.pop()
    by_name = {_snake(m.class_.__name__) + "_id": m.class_.__tablename__ for m in Base.registry.mappers}
    return by_name[column.name]


def test_every_id_column_has_the_prefix_of_the_table_it_names() -> None:
    models = api_models()
    prefix_of = {model.__tablename__: prefix for prefix, (model, _kind) in NODES.items()}
    checked, wrong = 0, []
    for model in models:
        columns = getattr(model, "__hestami_columns__", {})
        schema = model.model_json_schema(by_alias=False, mode="serialization")
        for name, info in model.model_fields.items():
            prefix = field_id_prefix(info.annotation, list(info.metadata))
            if prefix is None or name not in columns:
                continue
            column = columns[name]
            expected = prefix_of[designated_table(column)]
            # GraphQL encodes with `prefix`; OpenAPI shows (and the RPC validates) the pattern.
            prop = schema["properties"][name]
            patterns = {p["pattern"] for p in [prop, *prop.get("anyOf", [])] if "pattern" in p}
            checked += 1
            if prefix != expected or patterns != {f"^{expected}_[a-z2-7]{{26}}$"}:
                wrong.append(f"{model.__name__}.{name} ({column}): {prefix}, {patterns}; should be {expected}")
    assert wrong == [], "\n".join(wrong)
    assert checked > 100, checked


def test_a_column_in_several_composite_keys_takes_the_type_its_own_key_names() -> None:
    """association_id sits in (…, association_id, fund_id) → funds, (…, association_id,
    levy_id) → levies and more: whichever the set yields first, it is an association's id."""
    load_domains()
    from domains.receivables.models import OwnerLedgerEntry
    from graph.schemas import _column_type

    column = inspect(OwnerLedgerEntry).columns["association_id"]
    assert len(column.foreign_keys) > 1
    assert field_id_prefix(_column_type(column), []) == "asn"


def declared_prefix(annotation: Any, metadata: list[Any]) -> str | None:
    """The prefix a field's type declares anywhere inside it (Optional, list,
    Annotated), found without the code under test."""
    found: str | None = next((m for m in metadata if isinstance(m, IdPrefix)), None)
    if found is None and get_origin(annotation) is Annotated:
        return declared_prefix(get_args(annotation)[0], list(annotation.__metadata__))
    for arg in get_args(annotation) if found is None else ():
        found = found or declared_prefix(arg, [])
    return found


def _unwrap(annotation: Any) -> Any:
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if get_origin(annotation) in (Union, UnionType) and len(args) == 1 else annotation


def test_graphql_encodes_every_id_field_with_its_prefix() -> None:
    """Every output id field, lists of ids included, leaves GraphQL as `<prefix>_…`,
    as it leaves RPC — not as a bare UUID."""
    from types import SimpleNamespace
    from uuid import uuid4

    from graph.gqltypes import output_type
    from graph.ids import encode

    outputs = {m for op in REGISTRY.values() for m in api_models_of(op.output)}
    checked, wrong = 0, []
    for model in outputs:
        fields = {f.python_name: f for f in output_type(model).__strawberry_definition__.fields}
        for name, info in model.model_fields.items():
            prefix = declared_prefix(info.annotation, list(info.metadata))
            resolver = fields[name].base_resolver
            if prefix is None or (resolver is not None and resolver.wrapped_func.__name__ != name):
                continue  # not an id, or resolved by a relation field of its own
            value = uuid4()
            many = get_origin(_unwrap(info.annotation)) is list
            root = SimpleNamespace(**{name: [value] if many else value})
            # A field without a resolver of its own answers the attribute as it is.
            got = resolver.wrapped_func(root) if resolver is not None else getattr(root, name)
            checked += 1
            if got != ([encode(prefix, value)] if many else encode(prefix, value)):
                wrong.append(f"{model.__name__}.{name}: {got}")
    assert wrong == [], wrong
    assert checked > 100, checked


def _leaves(annotation: Any) -> list[Any]:
    args = get_args(annotation)
    if get_origin(annotation) is Annotated:
        return _leaves(args[0])
    return [leaf for arg in args for leaf in _leaves(arg)] if args else [annotation]


def test_an_oversized_decimal_is_a_validation_error_everywhere() -> None:
    """More digits than Decimal's context holds must be refused as bad input (422),
    not fail in quantizing to the column's scale (a 500, found by schemathesis)."""
    checked = 0
    for model in api_models():
        for name, info in model.model_fields.items():
            if Decimal in _leaves(info.annotation):
                # Other fields are missing, so it is refused either way: what matters is
                # that nothing else (decimal.InvalidOperation) escapes.
                with pytest.raises(ValidationError):
                    model.model_validate({info.alias or name: "-360164377851250081464161849363"})
                checked += 1
    assert checked > 20


def test_decimals_travel_in_fixed_point_in_both_transports() -> None:
    """str(Decimal) writes a zero at 8 places as "0E-8" and 0.00000001 as "1E-8";
    the compiled path (Postgres) writes "0.00000000", and clients diff strings.
    GraphQL's Decimal scalar: tests/governance/test_meetings.py (an empty room)."""

    class Weights(ApiModel):
        present: Annotated[Decimal, *at_scale(8)]
        shares: list[Annotated[Decimal, *at_scale(8)]]

    weights = Weights(present=Decimal(0), shares=[Decimal("1E-8"), Decimal("1E+3")])
    expected = {"present": "0.00000000", "shares": ["0.00000001", "1000.00000000"]}
    assert weights.model_dump(mode="json") == expected
    assert json.loads(weights.model_dump_json()) == expected
