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
- test_error_codes_are_machine_readable_per_operation: see its docstring.
- test_absent_answers_are_not_found_over_rpc_and_null_in_graphql: see its docstring.
- test_generated_client_round_trip: openapi-python-client generates a client from
  that document without warnings, `mypy --strict` finds no issue in the generated
  package, and the generated code (not our test helpers)
  registers, creates an organization with an Idempotency-Key, selects it and reads
  it back from organization/v1/list against the live server; a retry of the create
  with the same key through the generated client returns the same organization;
  then creates an association, installs its chart, creates a unit, reads both
  back, and records a payment with a decimal string, which comes back exact; a
  refusal parses as the ErrorEnvelope with its ErrorCode.
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
from graph import refusals
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
            # (RATE_LIMITED's retryAfterSeconds is a float of seconds, not a decimal.)
            if node.get("type") == "number" and name != "ErrorDetails":
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
        assert all("$ref" in p for p in item["post"].get("parameters", [])), "parameters are components"
        assert set(item["post"]["responses"]) == {"200", "4XX", "5XX"}
        assert all("$ref" in r for status, r in item["post"]["responses"].items() if status != "200")
        # The success is the object itself, never null: generators type it non-null.
        assert set(item["post"]["responses"]["200"]["content"]["application/json"]["schema"]) == {"$ref"}
    assert spec["info"]["license"]["name"]
    # The same refs per operation, not copies: the 92 operations of 2026-11-25 took 8,944 bytes each
    # in the old layout (823 KB), and today's registry in that layout takes 8,976; this one about half.
    committed = (ROOT / "openapi.json").read_bytes()
    assert len(committed) / len(spec["paths"]) < 4_700, len(committed) / len(spec["paths"])
    # Every enum value is described, in the order of its values (openapi-generator's x-enum-descriptions).
    enums = {name: s for name, s in schemas.items() if "enum" in s}
    assert len(enums) > 60
    for name, schema in enums.items():
        assert len(schema["x-enum-descriptions"]) == len(schema["enum"]) and all(schema["x-enum-descriptions"]), name


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
        assert "example" not in media, f"{path}: the input schema's examples serve, once"
    assert checked > 36, checked


def _brought(spec: dict[str, Any], op: dict[str, Any]) -> set[str]:
    """The codes the components an operation uses bring: its error responses,
    its parameters (Idempotency-Key) and its security scheme (bearer)."""
    found: set[str] = set()
    for ref in [*op["responses"].values(), *op.get("parameters", [])]:
        found.update(_resolve(spec, ref).get("x-error-codes", []))
    for requirement in op.get("security", spec["security"]):
        for scheme in requirement:
            found.update(spec["components"]["securitySchemes"][scheme].get("x-error-codes", []))
    return found


# Codes an operation's description names as what a later call meets, not what it answers.
NAMED_FOR_OTHERS = {
    "fiscalPeriod/v1/close": {"PERIOD_CLOSED"},  # postings into the closed month
    "vendor/v1/placeHold": {"VENDOR_ON_HOLD"},  # paying the held vendor
    "insuranceCertificate/v1/create": {"VENDOR_INSURANCE_EXPIRED"},  # paying without coverage
}
CODE_IN_PROSE = re.compile(r"\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b")


def test_error_codes_are_machine_readable_per_operation(spec: dict[str, Any]) -> None:
    """Each operation's refusals are data: its `x-error-codes` plus those of the
    components it uses are exactly the codes graph/refusals.py finds in its
    handler and declaration, each one a value of the ErrorCode enum, which gives
    every code's description and HTTP status; `details` is a typed schema. Every
    code a handler's description promises is declared (the prose and the data
    agree), and the codes the issue named are where a client looks for them."""
    load_domains()
    catalog = spec["components"]["schemas"]["ErrorCode"]
    codes = catalog["enum"]
    assert len(codes) > 100 and len(set(codes)) == len(codes)
    assert len(catalog["x-enum-descriptions"]) == len(codes) and all(catalog["x-enum-descriptions"])
    status = dict(zip(codes, catalog["x-error-statuses"], strict=True))
    assert all(400 <= s < 600 for s in status.values())
    envelope = spec["components"]["schemas"]["ErrorEnvelope"]["properties"]["error"]["properties"]
    assert envelope["code"] == {"$ref": "#/components/schemas/ErrorCode"}
    assert {"$ref": "#/components/schemas/ErrorDetails"} in envelope["details"]["anyOf"]
    assert {"field", "problems"} <= set(spec["components"]["schemas"]["ErrorDetails"]["properties"])
    for name, response in spec["components"]["responses"].items():
        first = "4" if name == "ClientError" else "5"
        assert all(str(status[c]).startswith(first) for c in response["x-error-codes"]), name

    declared: dict[str, set[str]] = {}
    for path, item in spec["paths"].items():
        op, name = item["post"], path.removeprefix("/api/v1/rpc/")
        assert op["x-error-codes"] == sorted(set(op["x-error-codes"])), path
        assert not set(op["x-error-codes"]) & _brought(spec, op), f"{path}: a component already lists it"
        declared[name] = set(op["x-error-codes"]) | _brought(spec, op)
        assert declared[name] <= set(codes), (path, declared[name] - set(codes))
        assert declared[name] == refusals.codes(REGISTRY[name]), path
        promised = set(CODE_IN_PROSE.findall(op["description"])) & set(codes)
        assert promised - NAMED_FOR_OTHERS.get(name, set()) <= declared[name], (path, promised - declared[name])

    assert {"PERIOD_CLOSED", "UNKNOWN_CHARGE", "ALLOCATION_TOO_LARGE"} <= declared["payment/v1/record"]
    assert {"INVOICE_NOT_PENDING", "SAME_APPROVER", "NOT_FOUND"} <= declared["invoice/v1/approve"]
    assert "VENDOR_ON_HOLD" in declared["vendorPayment/v1/create"]
    assert {"ALREADY_VOTED", "WRONG_DECISION_MODE", "NOT_COMMITTEE_MEMBER"} <= declared["arcRequest/v1/vote"]
    assert "CASH_NOT_RECONCILED" in declared["fiscalPeriod/v1/close"]  # a check banking registers with accounting
    assert {"REFRESH_TOKEN_REUSED", "TOKEN_INVALID"} <= declared["auth/v1/refresh"]
    # Public, yet a token sent along is checked: its refusals are the operation's own.
    assert {"INVALID_CREDENTIALS", "TOKEN_INVALID", "FORBIDDEN"} <= declared["auth/v1/login"]
    assert not {"IDEMPOTENCY_KEY_REQUIRED", "ORGANIZATION_NOT_SELECTED"} & declared["auth/v1/login"]
    assert {"NOT_FOUND"} <= declared["workflow/v1/get"] & declared["lateFeeRule/v1/get"]
    assert "IDEMPOTENCY_KEY_REUSED" in declared["unit/v1/create"] and "IDEMPOTENCY_KEY_REUSED" not in declared["unit/v1/get"]


async def test_absent_answers_are_not_found_over_rpc_and_null_in_graphql(api) -> None:
    """The two nullable reads: over RPC (whose 200 is never null in the document)
    an absent result is 404 NOT_FOUND; GraphQL keeps its nullable field and
    answers null for the same question."""
    caller, _ = await api.admin_of_new_org()
    association = await api.call(
        "association/v1/create",
        {
            "code": "NUL",
            "legalName": "Nullable Commons",
            "kind": "hoa",
            "status": "active",
            "region": "CA",
            "country": "US",
            "fiscalYearStartMonth": 1,
            "accountingBasis": "accrual",
        },
        caller,
    )
    r = await api.rpc("lateFeeRule/v1/get", {"associationId": association["id"]}, token=caller.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND", r.text
    gql = await api.gql("query($a: ID!) { lateFeeRule(associationId: $a) { id } }", {"a": association["id"]}, token=caller.token)
    assert gql["data"] == {"lateFeeRule": None} and "errors" not in gql, gql

    r = await api.rpc("workflow/v1/get", {"id": "op-unknown"}, token=caller.token)
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND", r.text
    gql = await api.gql('{ workflow(id: "op-unknown") { id } }', token=caller.token)
    assert gql["data"] == {"workflow": None} and "errors" not in gql, gql


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
        assert op.get("security", spec["security"]) == expected_security, path

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
                # 409 IDEMPOTENCY_KEY_IN_FLIGHT, 429 RATE_LIMITED and 503 SERVICE_UNAVAILABLE send it.
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
    # The generated package type-checks as strictly as our own code (no config of ours applies in tmp).
    mypy = Path(sys.executable).parent / "mypy"
    checked = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", "--cache-dir", str(tmp / ".mypy_cache"), package],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert checked.returncode == 0 and "Success: no issues found" in checked.stdout, checked.stdout + checked.stderr
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
        read_association = (
            await api("association", "association_get_v1").asyncio_detailed(
                client=client, body=models.AssociationGetInput(id=association.id)
            )
        ).parsed
        assert isinstance(read_association, models.Association) and read_association.code == "GEN"
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
        assert missing_key.parsed.error.code == models.ErrorCode.IDEMPOTENCY_KEY_INVALID
    finally:
        sys.path.remove(str(tmp_path))
        for name in [m for m in sys.modules if m == package or m.startswith(package + ".")]:
            del sys.modules[name]


def test_committed_document_matches_the_served_one(spec: dict[str, Any]) -> None:
    """openapi.json in the repository is what `hestami export-openapi` writes today."""
    assert json.loads((ROOT / "openapi.json").read_text()) == spec
