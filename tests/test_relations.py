"""To-one relation fields are derived from the typed id (`to_one`), not hand-written."""

from __future__ import annotations

import ast
from pathlib import Path

from app.schema import build_schema

ROOT = Path(__file__).resolve().parent.parent


def _plain_lookup(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """A resolver that does nothing but `….by_id(M).load(root.x_id)` (perhaps
    after a None check): what `to_one` derives."""
    returns = [n for n in ast.walk(function) if isinstance(n, ast.Return) and n.value is not None]
    for node in returns:
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Attribute)
            and call.func.attr == "load"
            and isinstance(call.func.value, ast.Call)
            and isinstance(call.func.value.func, ast.Attribute)
            and call.func.value.func.attr == "by_id"
            and len(call.args) == 1
            and isinstance(call.args[0], ast.Attribute)
            and isinstance(call.args[0].value, ast.Name)
            and call.args[0].value.id == "root"
        ):
            return True
    return False


def test_no_hand_written_to_one_relation() -> None:
    files = sorted(ROOT.glob("domains/*/types.py"))
    assert files
    offenders = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"
        for path in files
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and _plain_lookup(node)
    ]
    assert offenders == [], "declare these with `name = to_one(description)`"


def test_a_derived_relation_has_the_type_of_the_row_it_names(settings) -> None:  # type: ignore[no-untyped-def]
    types = build_schema(settings)._schema.type_map
    for owner, field, target in [
        ("Unit", "association", "Association"),
        ("Ownership", "unit", "Unit"),
        ("Association", "masterAssociation", "Association"),
        ("Membership", "user", "User"),
        ("OwnerLedgerAllocation", "chargeEntry", "OwnerLedgerEntry"),
    ]:
        assert str(types[owner].fields[field].type) == target, (owner, field)
