"""An id in the input that names nothing answers alike everywhere: 422
INVALID_REFERENCE on that field, whether the row doesn't exist or belongs to
another organization (graph/references.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from app.discovery import load_domains
from graph.operations import REGISTRY
from graph.references import reference_fields
from tests.associations.community import ASSOCIATION
from tests.helpers import Api

MISSING = "asn_" + "a" * 26


def _sample(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A value valid for `schema` as far as its JSON Schema says (the model's own
    example where it has one)."""
    if "$ref" in schema:
        return _sample(defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        return _sample(next(s for s in schema["anyOf"] if s.get("type") != "null"), defs)
    if "allOf" in schema:
        return _sample(schema["allOf"][0], defs)
    if schema.get("examples"):
        # Examples write ids as `asn_…`: make them well-formed (naming nothing).
        return json.loads(json.dumps(schema["examples"][0]).replace("_\\u2026", "_" + "a" * 26))
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: _sample(sub, defs) for name, sub in schema.get("properties", {}).items() if name in schema.get("required", [])
        }
    if kind == "array":
        return [_sample(schema["items"], defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        return {"date": "2026-01-31", "date-time": "2026-01-31T00:00:00Z"}.get(
            schema.get("format", ""), "x" * schema.get("minLength", 1)
        )
    if kind == "integer":
        return schema.get("minimum", 1)
    if kind == "number":
        return "1.00"
    if kind == "boolean":
        return False
    raise AssertionError(f"no sample for {schema}")


def _taking_an_association() -> list[str]:
    load_domains()
    return sorted(
        op.name for op in REGISTRY.values() if any(wire == "associationId" for _, wire, _ in reference_fields(op.input))
    )


def test_the_reports_of_the_issue_are_among_them() -> None:
    assert {"arAging/v1/get", "delinquencyList/v1/get", "financialReport/v1/trialBalance", "unit/v1/list"} <= set(
        _taking_an_association()
    )
    assert len(_taking_an_association()) >= 30


async def test_an_association_id_naming_nothing_is_an_invalid_reference(api: Api) -> None:
    admin, _ = await api.admin_of_new_org("management_company")
    stranger, _ = await api.admin_of_new_org("management_company")
    theirs = (await api.call("association/v1/create", ASSOCIATION | {"code": "THEIRS"}, stranger))["id"]
    answers = {}
    for name in _taking_an_association():
        schema = REGISTRY[name].input.model_json_schema(by_alias=True)
        body = _sample(schema, schema.get("$defs", {}))
        for association in (MISSING, theirs):
            r = await api.rpc(name, body | {"associationId": association}, token=admin.token, key=f"{name}-{association}")
            answer = r.json()
            error = (answer.get("error") if isinstance(answer, dict) else None) or {}
            answers[name, association] = (r.status_code, error.get("code"), (error.get("details") or {}).get("field"))
    wrong = {k: v for k, v in answers.items() if v != (422, "INVALID_REFERENCE", ["associationId"])}
    assert wrong == {}, wrong


@pytest.mark.parametrize("name", ["arAging/v1/get", "delinquencyList/v1/get"])
async def test_a_report_of_an_association_that_exists_still_answers(api: Api, name: str) -> None:
    admin, _ = await api.admin_of_new_org("management_company")
    mine = (await api.call("association/v1/create", ASSOCIATION | {"code": "MINE"}, admin))["id"]
    report = await api.call(name, {"associationId": mine, "asOf": "2026-01-31"}, admin)
    assert report["associationId"] == mine and report["rows"] == []
