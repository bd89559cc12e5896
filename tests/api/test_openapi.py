"""The OpenAPI document as served by the real server, and a client generated from it.

What each test proves:
- test_document_is_what_sdk_generators_expect: the tidying graph/openapi.py does for
  generators holds everywhere (see the test's docstring).
- test_served_document_is_valid_and_complete: GET /api/v1/openapi.json validates as
  OpenAPI 3.1 (openapi-spec-validator); it has exactly one POST path per registered
  operation, each `/api/v1/rpc/<resource>/v<n>/<action>`, with a unique operationId,
  tags, summary and description; the bearer scheme on every operation except
  auth/v1/register, login and refresh; a required `Idempotency-Key` header on every
  idempotent operation and on no other; every 4xx/5xx response is the ErrorEnvelope.
- test_generated_client_round_trip: openapi-python-client generates a client from
  that document without warnings, and the generated code (not our test helpers)
  registers, creates an organization with an Idempotency-Key, selects it and reads
  it back from organization/v1/list against the live server; a retry of the create
  with the same key through the generated client returns the same organization;
  then creates an association, installs its chart, creates a unit and reads it
  back, and records a payment with a decimal string, which comes back exact.
"""

from __future__ import annotations

import datetime
import importlib
import json
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from openapi_spec_validator import validate

from app.discovery import load_domains
from graph.operations import REGISTRY
from tests.helpers import PASSWORD
from tests.live import ROOT

PATH = re.compile(r"^/api/v1/rpc/([a-z][a-zA-Z0-9]*)/v([1-9][0-9]*)/([a-z][a-zA-Z0-9]*)$")
PUBLIC = {"auth/v1/register", "auth/v1/login", "auth/v1/refresh"}
ENVELOPE = "#/components/schemas/ErrorEnvelope"


@pytest.fixture(scope="module")
def spec(live_server: str) -> dict[str, Any]:
    r = httpx.get(f"{live_server}/api/v1/openapi.json", timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    return r.json()


def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        where: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            where = where[part]
        node = where
    return node


def _nodes(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _nodes(value)
    elif isinstance(node, list):
        for value in node:
            yield from _nodes(value)


def test_document_is_what_sdk_generators_expect(spec: dict[str, Any]) -> None:
    """What outside generators tripped over: no `default: null` (strict TypeScript
    reads it as required), no pydantic-only keywords, no property titles (wrapper
    classes), decimals as one named string schema, ids as one named schema per
    type, and error responses and the Idempotency-Key parameter defined once."""
    schemas = spec["components"]["schemas"]
    for name, schema in schemas.items():
        for node in _nodes(schema):
            assert node.get("default", 0) is not None, (name, node)
            assert not {"decimal_places", "max_digits", "gt", "ge", "lt", "le"} & set(node), (name, node)
            assert "x-hestami-decimal" not in node, (name, node)
            if node.get("type") == "number":
                raise AssertionError(f"{name}: a decimal travels as a string, not a JSON number: {node}")
        for field in schema.get("properties", {}).values():
            assert "title" not in field, (name, field)
    assert schemas["Decimal"]["type"] == "string"
    amount = schemas["InvoiceLineInput"]["properties"]["amount"]
    assert amount["$ref"] == "#/components/schemas/Decimal" and "> 0" in amount["description"]
    assert schemas["AssociationId"]["pattern"] == "^asn_[a-z2-7]{26}$"
    assert schemas["Unit"]["properties"]["associationId"]["$ref"] == "#/components/schemas/AssociationId"
    id_like = [n for n in _nodes(schemas) if str(n.get("pattern", "")).endswith("_[a-z2-7]{26}$")]
    assert len(id_like) == sum(name.endswith("Id") for name in schemas if name != "ErrorEnvelope"), "ids are defined once"
    for item in spec["paths"].values():
        assert all("$ref" in p for p in item["post"]["parameters"]), "parameters are components"
        assert all("$ref" in r for status, r in item["post"]["responses"].items() if status != "200")
    assert spec["info"]["license"]["name"]


def test_every_example_validates_against_its_schema(spec: dict[str, Any]) -> None:
    """Examples are copied into requests by people and agents: each one, in the
    schemas and in the operations, is a value its own schema accepts."""
    from jsonschema import Draft202012Validator

    def check(ref: str, example: Any, where: str) -> None:
        validator = Draft202012Validator({"$ref": ref, "components": spec["components"]})
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, (where, example, errors)

    checked = 0
    for name, schema in spec["components"]["schemas"].items():
        for example in schema.get("examples", []):
            check(f"#/components/schemas/{name}", example, name)
            checked += 1
    for path, item in spec["paths"].items():
        media = item["post"]["requestBody"]["content"]["application/json"]
        if "example" in media:
            check(media["schema"]["$ref"], media["example"], path)
            checked += 1
    assert checked > 36, checked


def test_served_document_is_valid_and_complete(spec: dict[str, Any]) -> None:
    validate(spec)
    load_domains()
    assert spec["openapi"].startswith("3.1")
    assert spec["components"]["securitySchemes"]["bearer"] == spec["components"]["securitySchemes"]["bearer"] | {
        "type": "http",
        "scheme": "bearer",
    }
    assert "ErrorEnvelope" in spec["components"]["schemas"]
    assert set(spec["paths"]) == {op.path for op in REGISTRY.values()}

    operation_ids: list[str] = []
    for path, item in spec["paths"].items():
        assert PATH.match(path), path
        assert list(item) == ["post"], (path, list(item))
        op = item["post"]
        name = path.removeprefix("/api/v1/rpc/")
        operation_ids.append(op["operationId"])
        assert op["tags"] and op["summary"].strip() and op["description"].strip(), path
        assert op["tags"] == [PATH.match(path).group(1)]  # type: ignore[union-attr]

        expected_security: list[Any] = [] if name in PUBLIC else [{"bearer": []}]
        assert op["security"] == expected_security, path

        parameters = [_resolve(spec, p) for p in op.get("parameters", [])]
        key_params = [p for p in parameters if p["in"] == "header" and p["name"].lower() == "idempotency-key"]
        if REGISTRY[name].idempotent:
            assert len(key_params) == 1 and key_params[0]["required"] is True, path
            assert key_params[0]["schema"]["maxLength"] == 255
        else:
            assert key_params == [], path

        assert op["requestBody"]["required"] is True, path
        assert "200" in op["responses"]
        for status, response in op["responses"].items():
            if status[0] in "45":
                response = _resolve(spec, response)
                assert response["content"]["application/json"]["schema"] == {"$ref": ENVELOPE}, (path, status)
                if status in ("409", "429", "503"):
                    assert "Retry-After" in response["headers"], (path, status)
    assert len(operation_ids) == len(set(operation_ids)), "operationIds are unique"
    # Every mutating operation is idempotent except the auth ones, which mint sessions.
    assert {op.name for op in REGISTRY.values() if op.mutates and not op.idempotent} <= PUBLIC | {"auth/v1/logout"}


def _generate(spec: dict[str, Any], tmp: Path) -> str:
    """Generate a client package from `spec` into `tmp`; return its import name."""
    spec_file = tmp / "openapi.json"
    spec_file.write_text(json.dumps(spec))
    config = tmp / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no ruff formatting pass: it isn't installed
    package = f"hestami_client_{uuid.uuid4().hex[:8]}"
    generator = Path(sys.executable).parent / "openapi-python-client"
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(spec_file),
            "--output-path",
            str(tmp / package),
            "--meta",
            "none",
            "--config",
            str(config),
            "--fail-on-warning",
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Warning" not in result.stdout, result.stdout
    return package


async def test_generated_client_round_trip(spec: dict[str, Any], live_server: str, tmp_path: Path) -> None:
    package = _generate(spec, tmp_path)
    sys.path.insert(0, str(tmp_path))
    try:
        pkg = importlib.import_module(package)
        register = importlib.import_module(f"{package}.api.auth.auth_register_v1")
        create = importlib.import_module(f"{package}.api.organization.organization_create_v1")
        select = importlib.import_module(f"{package}.api.organization.organization_select_v1")
        listing = importlib.import_module(f"{package}.api.organization.organization_list_v1")
        models = importlib.import_module(f"{package}.models")

        anonymous = pkg.Client(base_url=live_server, raise_on_unexpected_status=True)
        email = f"generated-{uuid.uuid4().hex[:10]}@example.org"
        reg = await register.asyncio_detailed(
            client=anonymous,
            body=models.AuthRegisterInput(email=email, display_name="Generated Client", password=PASSWORD),
        )
        assert reg.status_code == 200, reg.content
        session = reg.parsed
        assert isinstance(session, models.AuthSession)
        assert session.user.email == email

        client = pkg.AuthenticatedClient(base_url=live_server, token=session.access_token, raise_on_unexpected_status=True)
        key = f"gen-{uuid.uuid4().hex}"
        body = models.OrganizationCreateInput(type_=models.OrganizationType.ASSOCIATION, name="Generated HOA")
        created = await create.asyncio_detailed(client=client, body=body, idempotency_key=key)
        assert created.status_code == 200, created.content
        org = created.parsed
        assert isinstance(org, models.Organization)
        assert org.name == "Generated HOA" and org.type_ == models.OrganizationType.ASSOCIATION
        assert org.id.startswith("org_")

        again = await create.asyncio_detailed(client=client, body=body, idempotency_key=key)
        assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
        assert again.parsed.id == org.id

        selected = await select.asyncio_detailed(
            client=client, body=models.OrganizationSelectInput(organization_id=org.id), idempotency_key=f"sel-{uuid.uuid4().hex}"
        )
        assert selected.status_code == 200, selected.content
        assert isinstance(selected.parsed, models.Membership)
        assert selected.parsed.organization_id == org.id
        assert "admin" in selected.parsed.roles

        listed = await listing.asyncio_detailed(client=client, body=models.OrganizationListInput())
        assert listed.status_code == 200, listed.content
        assert isinstance(listed.parsed, models.MembershipList)
        assert [m.organization_id for m in listed.parsed.items] == [org.id]

        # The books: an association, its chart, a unit read back, and money as a decimal string.
        def api(resource: str, action: str) -> Any:
            return importlib.import_module(f"{package}.api.{resource}.{action}")

        def key_() -> str:
            return f"gen-{uuid.uuid4().hex}"

        association = (
            await api("association", "association_create_v1").asyncio_detailed(
                client=client,
                body=models.AssociationCreateInput(
                    code="GEN",
                    legal_name="Generated HOA, Inc.",
                    kind=models.AssociationKind.HOA,
                    status=models.AssociationStatus.ACTIVE,
                    region="CA",
                    country="US",
                    fiscal_year_start_month=1,
                    accounting_basis=models.AccountingBasis.ACCRUAL,
                ),
                idempotency_key=key_(),
            )
        ).parsed
        assert isinstance(association, models.Association) and association.id.startswith("asn_")
        installed = await api("chart_of_accounts", "chart_of_accounts_install_v1").asyncio_detailed(
            client=client, body=models.ChartInstallInput(association_id=association.id), idempotency_key=key_()
        )
        assert installed.status_code == 200, installed.content
        unit = (
            await api("unit", "unit_create_v1").asyncio_detailed(
                client=client,
                body=models.UnitCreateInput(
                    association_id=association.id,
                    unit_number="7",
                    unit_type=models.UnitType.CONDO,
                    status=models.UnitStatus.ACTIVE,
                    street="7 Generated Way",
                    city="Sacramento",
                    region="CA",
                    postal_code="95814",
                    country="US",
                    voting_weight="1",
                    assessment_share="0.0125",
                ),
                idempotency_key=key_(),
            )
        ).parsed
        read = (await api("unit", "unit_get_v1").asyncio_detailed(client=client, body=models.UnitGetInput(id=unit.id))).parsed
        assert (
            read.id == unit.id and read.association_id == association.id and read.assessment_share == "0.01250000"
        )  # the column's scale, exact
        payment = await api("payment", "payment_record_v1").asyncio_detailed(
            client=client,
            body=models.PaymentRecordInput(
                unit_id=unit.id, received_on=datetime.date(2026, 3, 1), amount="125.50", method=models.PaymentMethod.CHECK
            ),
            idempotency_key=key_(),
        )
        assert payment.status_code == 200, payment.content
        assert payment.parsed.amount == "-125.50" and payment.parsed.memo  # the server's default memo

        # An error comes back as the generated ErrorEnvelope model.
        missing_key = await create.asyncio_detailed(client=client, body=body, idempotency_key="has space")
        assert missing_key.status_code == 400
        assert isinstance(missing_key.parsed, models.ErrorEnvelope)
        assert missing_key.parsed.error.code == "IDEMPOTENCY_KEY_INVALID"
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def test_committed_document_matches_the_served_one(spec: dict[str, Any]) -> None:
    """openapi.json in the repository is what `hestami export-openapi` writes today."""
    assert json.loads((ROOT / "openapi.json").read_text()) == spec
