"""Property-based fuzzing of the RPC mirror from its own OpenAPI document (Schemathesis 4).

What it proves: for every operation in the served document, up to 5 generated
valid requests and up to 5 invalid ones (bodies, idempotency keys) sent to the live server as a
user with an active organization never get a 5xx, and every response — success
or error — matches the schema the document declares for its status code
(`not_a_server_error` + `response_schema_conformance`: an error's code is one of
the ErrorCode enum), and every refusal's code is one the operation declares
(its `x-error-codes` and those of the components it uses). auth/v1/logout gets a
fresh session per example so it cannot end the session the other operations use.

test_unstorable_text_is_a_400_not_a_500 pins what the fuzzer found first: a NUL
character (or an unpaired surrogate, which JSON's \\u escapes can carry) in any
string reached Postgres and came back as a 500; it is now a 400 VALIDATION_FAILED
through RPC and GraphQL alike, and nothing is written.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from app.discovery import load_domains
from graph import refusals
from graph.operations import REGISTRY
from tests.helpers import PASSWORD

CHECKS = [not_a_server_error, response_schema_conformance]

# Schemathesis' negative-data strategies use `random` internally; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisDeprecationWarning")


class Account:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.email = f"fuzz-{uuid.uuid4().hex[:10]}@example.org"
        with httpx.Client(base_url=base_url, timeout=30) as http:
            r = http.post("/api/v1/rpc/auth/v1/register", json={"email": self.email, "displayName": "Fuzz", "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.token = r.json()["accessToken"]
            auth = {"Authorization": f"Bearer {self.token}"}
            r = http.post(
                "/api/v1/rpc/organization/v1/create",
                json={"type": "association", "name": "Fuzz HOA"},
                headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 200, r.text
            r = http.post(
                "/api/v1/rpc/organization/v1/select",
                json={"organizationId": r.json()["id"]},
                headers=auth | {"Idempotency-Key": uuid.uuid4().hex},
            )
            assert r.status_code == 200, r.text

    def throwaway_token(self) -> str:
        with httpx.Client(base_url=self.base_url, timeout=30) as http:
            r = http.post("/api/v1/rpc/auth/v1/login", json={"email": self.email, "password": PASSWORD})
            assert r.status_code == 200, r.text
            return str(r.json()["accessToken"])


@pytest.fixture(scope="module")
def account(live_server: str) -> Account:
    return Account(live_server)


@pytest.fixture(scope="module")
def api_schema(live_server: str) -> Any:
    return schemathesis.openapi.from_url(f"{live_server}/api/v1/openapi.json", timeout=10)


load_domains()
OPERATIONS = sorted(REGISTRY)


# Schemathesis' own pytest integration (`from_fixture(...).parametrize()`) breaks on
# pytest 9 (it reads the removed `Function._nodeid`), so each operation is its own
# test driving the operation's Hypothesis strategy directly.
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize("name", OPERATIONS)
def test_rpc_conforms_and_never_5xx(name: str, mode: GenerationMode, api_schema: Any, account: Account) -> None:
    operation = api_schema[f"/api/v1/rpc/{name}"]["POST"]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=5,
        deadline=None,
        derandomize=True,  # the same examples every run: a failure here reproduces
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        token = account.throwaway_token() if name == "auth/v1/logout" else account.token
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=CHECKS, timeout=30)
        if response.status_code >= 400:
            code = response.json()["error"]["code"]
            assert code in refusals.codes(REGISTRY[name]), f"{name} answered {code}, not in its x-error-codes"

    check()


async def test_unstorable_text_is_a_400_not_a_500(api) -> None:
    caller, _ = await api.admin_of_new_org()

    async def post(path: str, payload: Any, **headers: str) -> dict[str, Any]:
        # json.dumps escapes a lone surrogate as \\udc00 (httpx's json= can't encode it).
        r = await api.client.post(
            path,
            content=json.dumps(payload).encode(),
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {caller.token}", **headers},
        )
        return {"status": r.status_code, **r.json()}

    for name in ("nul\u0000name", "lone \udc00 surrogate"):
        r = await post("/api/v1/rpc/serviceAccount/v1/create", {"name": name}, **{"Idempotency-Key": uuid.uuid4().hex})
        assert r["status"] == 400, r
        assert r["error"]["code"] == "VALIDATION_FAILED" and r["error"]["details"]["field"] == ["name"], r

        gql = await post(
            "/graphql",
            {
                "query": """mutation($input: ServiceAccountCreateInput!, $key: String!) {
                  serviceAccountCreate(input: $input, idempotencyKey: $key) {
                    serviceAccountCreated { apiKey } userErrors { code field } } }""",
                "variables": {"input": {"name": name}, "key": uuid.uuid4().hex},
            },
        )
        assert "errors" not in gql, gql
        assert gql["data"]["serviceAccountCreate"]["userErrors"] == [{"code": "VALIDATION_FAILED", "field": ["name"]}]

        gql = await post(
            "/graphql",
            {"query": "query($op: String) { auditEvents(first: 5, operation: $op) { nodes { id } } }", "variables": {"op": name}},
        )
        assert gql["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED", gql

    body = await api.gql(
        '{ auditEvents(first: 100, operation: "serviceAccount/v1/create") { nodes { id } } }', token=caller.token
    )
    assert body["data"]["auditEvents"]["nodes"] == []
