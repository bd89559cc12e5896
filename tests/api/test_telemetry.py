"""Every span of an authenticated request in an active organization - the HTTP
server span, the GraphQL operation, each SQL statement, each Cerbos check -
carries the caller's `organization.id` and `user.id`."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind

from graph import telemetry
from graph.ids import decode
from tests.helpers import Api

STARLETTE_SCOPE = "opentelemetry.instrumentation.starlette"


def _scope_of(span: ReadableSpan) -> tuple[object, object]:
    attrs = span.attributes or {}
    return attrs.get("organization.id"), attrs.get("user.id")


def _describe(spans: Sequence[ReadableSpan]) -> list[tuple[str, object, object]]:
    return [(s.name, *_scope_of(s)) for s in spans]


async def test_request_spans_carry_organization_and_user(api: Api, span_exporter) -> None:
    caller, org = await api.admin_of_new_org()
    org_uuid, user_uuid = str(decode(org)[1]), str(decode(caller.user_id)[1])
    expected = (org_uuid, user_uuid)

    # Start from a blank scope so nothing can be inherited from earlier requests
    # (the in-process transport runs the app in the test's own task).
    telemetry._scope.set(("", ""))
    span_exporter.clear()
    body = await api.gql("{ viewer { activeOrganization { id } } }", token=caller.token)
    assert body["data"]["viewer"]["activeOrganization"]["id"] == org, body
    r = await api.rpc(
        "serviceAccount/v1/create",
        {"name": "Telemetry"},
        token=caller.token,
        key=uuid.uuid4().hex,
    )
    assert r.status_code == 200, r.text
    spans = list(span_exporter.get_finished_spans())

    servers = [
        s
        for s in spans
        if s.kind is SpanKind.SERVER and s.instrumentation_scope is not None and s.instrumentation_scope.name == STARLETTE_SCOPE
    ]
    routes = sorted(str((s.attributes or {}).get("http.route")) for s in servers)
    assert routes == ["/api/v1/rpc/{name:path}", "/graphql"], _describe(spans)
    # Not a span per ASGI message under them: a third of the middleware's CPU for nothing.
    assert not [s for s in spans if s.name.endswith((" http send", " http receive"))], _describe(spans)
    request_traces = {s.context.trace_id for s in servers}

    operations = [s for s in spans if s.name == "graphql.operation"]
    sql = [s for s in spans if s.name.startswith("sql ")]
    cerbos = [s for s in spans if s.name == "cerbos.check"]
    assert len(operations) == 1, _describe(spans)
    assert sql, _describe(spans)
    assert cerbos, _describe(spans)
    # Both requests issued SQL; the mutation's runs inside its DBOS workflow step.
    assert {s.context.trace_id for s in sql} == request_traces

    for span in [*servers, *operations, *sql, *cerbos]:
        assert span.context.trace_id in request_traces, span.name
        assert _scope_of(span) == expected, (span.name, _scope_of(span))


async def test_spans_of_another_caller_carry_theirs(api: Api, span_exporter) -> None:
    """Two callers one after another: each request's spans name its own caller,
    not the previous one's."""
    first, first_org = await api.admin_of_new_org()
    second, second_org = await api.admin_of_new_org()
    telemetry._scope.set(("", ""))
    for caller, org in ((first, first_org), (second, second_org)):
        span_exporter.clear()
        body = await api.gql("{ viewer { activeOrganization { id } } }", token=caller.token)
        assert "errors" not in body, body
        expected = (str(decode(org)[1]), str(decode(caller.user_id)[1]))
        spans = [s for s in span_exporter.get_finished_spans() if s.name == "graphql.operation" or s.name.startswith("sql ")]
        assert spans
        assert all(_scope_of(s) == expected for s in spans), _describe(spans)
