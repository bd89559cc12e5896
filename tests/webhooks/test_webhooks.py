"""Webhooks end to end, against real HTTP receivers on loopback: events written
in the transaction of their change, delivered by durable workflows, signed per
Standard Webhooks (verified with the `standardwebhooks` library), retried with
the same id, logged per endpoint, redeliverable, never crossing organizations,
and never sent to private addresses unless allowed."""

from __future__ import annotations

import asyncio
import json
import socket
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from domains.webhooks.errors import WebhookUrlRefused
from domains.webhooks.service import sending
from graph.db import scoped_transaction
from graph.settings import Settings
from tests.associations.community import build
from tests.helpers import Api, Caller
from tests.receivables.books import levy, open_receivables, pay, raw
from tests.webhooks.receiver import receiver


async def register(api: Api, admin: Caller, url: str, types: list[str]) -> dict[str, Any]:
    return await api.call("webhookEndpoint/v1/create", {"url": url, "eventTypes": types, "description": "test receiver"}, admin)


async def log(api: Api, admin: Caller, endpoint: str, settled: bool = True) -> list[dict[str, Any]]:
    """The endpoint's delivery log; with `settled`, once nothing in it is pending."""
    deadline = time.monotonic() + 20
    while True:
        nodes = (await api.call("webhookDelivery/v1/list", {"endpointId": endpoint}, admin))["nodes"]
        if not settled or all(d["status"] != "pending" for d in nodes):
            return nodes
        assert time.monotonic() < deadline, nodes
        await asyncio.sleep(0.05)


def verify(secret: str, request: Any) -> dict[str, Any]:
    return Webhook(secret).verify(request.body, request.headers)


async def test_payment_and_levy_events_arrive_signed_once(api, platform) -> None:
    r = await open_receivables(api, 2, method="fixed", amount="100.00")
    with receiver() as recv:
        created = await register(api, r.c.admin, recv.url, ["payment.recorded", "levy.posted"])
        secret, endpoint = created["secret"], created["endpoint"]
        assert secret.startswith("whsec_") and endpoint["status"] == "active"
        assert secret not in json.dumps(await api.call("webhookEndpoint/v1/get", {"id": endpoint["id"]}, r.c.admin))

        posted = await levy(api, r, "2026-01-01")  # emitted by the levy's workflow
        payment = await pay(api, r, 0, "25.00", "2026-01-10")  # emitted by the operation
        got = await recv.wait_for(2)
        deliveries = await log(api, r.c.admin, endpoint["id"])

    by_type = {verify(secret, g)["type"]: (g, verify(secret, g)) for g in got}
    assert set(by_type) == {"levy.posted", "payment.recorded"}
    request, body = by_type["payment.recorded"]
    assert body["data"] == payment  # the same read model the API answered
    assert by_type["levy.posted"][1]["data"]["id"] == posted["id"]
    assert request.headers["webhook-id"].startswith("evt_") and request.headers["content-type"] == "application/json"
    # A tampered body, or another secret, does not verify.
    with pytest.raises(Exception, match="signature"):
        Webhook(secret).verify(request.body.replace(b"25.00", b"99.00"), request.headers)
    assert len(got) == 2  # once each
    assert sorted((d["status"], d["attempts"], d["responseStatus"]) for d in deliveries) == [("succeeded", 1, 204)] * 2
    assert {d["event"]["id"] for d in deliveries} == {g.headers["webhook-id"] for g in got}


async def test_fails_twice_then_succeeds_with_one_event_id(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    with receiver(script=[500, 503]) as recv:
        created = await register(api, r.c.admin, recv.url, ["payment.recorded"])
        await pay(api, r, 0, "10.00", "2026-01-10")
        got = await recv.wait_for(3)
        [delivery] = await log(api, r.c.admin, created["endpoint"]["id"])
        await asyncio.sleep(0.5)  # nothing more arrives
        assert len(recv.requests) == 3
    assert [g.answered for g in got] == [500, 503, 204]
    assert len({g.headers["webhook-id"] for g in got}) == 1 and len({g.body for g in got}) == 1
    for g in got:
        verify(created["secret"], g)
    assert (delivery["status"], delivery["attempts"], delivery["responseStatus"]) == ("succeeded", 3, 204)


async def test_another_organization_never_sees_an_event(api, platform) -> None:
    a = await open_receivables(api, 1, method="fixed", amount="100.00")
    b = await open_receivables(api, 1, method="fixed", amount="100.00")
    with receiver() as recv_a, receiver() as recv_b:
        mine = await register(api, a.c.admin, recv_a.url, ["payment.recorded"])
        theirs = await register(api, b.c.admin, recv_b.url, ["payment.recorded", "membership.added"])
        await pay(api, a, 0, "10.00", "2026-01-10")
        await api.add_member(a.c.admin, ["member"])
        await recv_a.wait_for(1)
        await log(api, a.c.admin, mine["endpoint"]["id"])
        await asyncio.sleep(0.3)
        assert recv_b.requests == []
    # B's admin can't read A's endpoint or its log, nor redeliver its deliveries.
    r = await api.rpc("webhookEndpoint/v1/get", {"id": mine["endpoint"]["id"]}, token=b.c.admin.token)
    assert r.status_code == 404, r.text
    r = await api.rpc("webhookDelivery/v1/list", {"endpointId": mine["endpoint"]["id"]}, token=b.c.admin.token)
    assert r.status_code == 422 and r.json()["error"]["code"] == "INVALID_REFERENCE", r.text
    [delivery] = await log(api, a.c.admin, mine["endpoint"]["id"])
    r = await api.rpc("webhookDelivery/v1/redeliver", {"id": delivery["id"]}, token=b.c.admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 404, r.text
    assert await log(api, b.c.admin, theirs["endpoint"]["id"], settled=False) == []


async def test_failed_delivery_disables_a_failing_endpoint_and_redelivers_after(api, platform, monkeypatch) -> None:
    monkeypatch.setattr(platform.settings, "webhook_disable_after_seconds", 0.0)
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    with receiver(then=500) as recv:
        created = await register(api, r.c.admin, recv.url, ["payment.recorded"])
        endpoint = created["endpoint"]["id"]
        await pay(api, r, 0, "10.00", "2026-01-10")
        [failed] = await log(api, r.c.admin, endpoint)
        assert (failed["status"], failed["attempts"], failed["lastError"]) == ("failed", 4, "HTTP 500")  # 1 + 3 retries
        assert len(recv.requests) == 4

        disabled = await api.call("webhookEndpoint/v1/get", {"id": endpoint}, r.c.admin)
        assert disabled["status"] == "disabled" and disabled["disabledReason"].startswith("Every delivery failed")
        async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
            audit = (
                await session.execute(
                    text("SELECT actor_kind, target_ids FROM audit_events WHERE operation = 'webhookEndpoint/disable'")
                )
            ).all()
        assert audit == [("workflow", [f"{endpoint}"])]
        # Disabled: nothing new is queued for it, and no redelivery.
        await pay(api, r, 0, "5.00", "2026-01-11")
        assert len(await log(api, r.c.admin, endpoint)) == 1
        refused = await api.rpc("webhookDelivery/v1/redeliver", {"id": failed["id"]}, token=r.c.admin.token, key="k1")
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "WEBHOOK_ENDPOINT_DISABLED"

        recv.then = 200
        enabled = await api.call("webhookEndpoint/v1/update", {"id": endpoint, "enabled": True}, r.c.admin)
        assert enabled["status"] == "active" and enabled["failingSince"] is None
        again = await api.call("webhookDelivery/v1/redeliver", {"id": failed["id"]}, r.c.admin)
        assert again["id"] != failed["id"] and again["event"]["id"] == failed["event"]["id"]
        got = await recv.wait_for(5)
        deliveries = await log(api, r.c.admin, endpoint)
    assert got[-1].headers["webhook-id"] == failed["event"]["id"] and got[-1].answered == 200
    verify(created["secret"], got[-1])
    assert [(d["status"], d["requestedBy"] is not None) for d in deliveries] == [("succeeded", True), ("failed", False)]


async def test_rotated_secret_overlaps_then_stops(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    with receiver() as recv:
        created = await register(api, r.c.admin, recv.url, ["payment.recorded"])
        old, endpoint = created["secret"], created["endpoint"]["id"]
        rotated = await api.call("webhookEndpoint/v1/rotateSecret", {"id": endpoint}, r.c.admin)
        new = rotated["secret"]
        assert new != old and rotated["endpoint"]["previousSecretExpiresAt"] is not None
        await pay(api, r, 0, "10.00", "2026-01-10")
        [during] = await recv.wait_for(1)
        assert len(during.headers["webhook-signature"].split(" ")) == 2
        verify(old, during), verify(new, during)

        await api.call("webhookEndpoint/v1/rotateSecret", {"id": endpoint, "overlapSeconds": 0}, r.c.admin)
        await pay(api, r, 0, "11.00", "2026-01-11")
        after = (await recv.wait_for(2))[1]
        assert len(after.headers["webhook-signature"].split(" ")) == 1
        with pytest.raises(Exception, match="signature"):
            verify(new, after)
        await log(api, r.c.admin, endpoint)


async def test_membership_and_ownership_events_are_written_with_their_change(api, platform) -> None:
    c = await build(api, 2)
    with receiver() as recv:
        await register(api, c.admin, recv.url, ["membership.added", "membership.removed", "ownership.transferred"])
        _, membership = await api.add_member(c.admin, ["member"])
        await api.call("membership/v1/remove", {"id": membership}, c.admin)
        transfer = {"unitId": c.units[0], "transferOn": "2030-01-01", "buyers": [{"partyId": c.parties[1], "interest": "1"}]}
        await api.call("ownership/v1/transfer", transfer, c.admin)
        got = await recv.wait_for(3)
    types = sorted(json.loads(g.body)["type"] for g in got)
    assert types == ["membership.added", "membership.removed", "ownership.transferred"]


async def test_an_event_that_rolls_back_is_never_sent(api, platform) -> None:
    r = await open_receivables(api, 1, method="fixed", amount="100.00")
    with receiver() as recv:
        await register(api, r.c.admin, recv.url, ["payment.recorded"])
        # A closed month refuses the payment: the effect, and its event, roll back.
        await api.call("fiscalPeriod/v1/close", {"associationId": r.c.association, "month": "2026-01-01"}, r.c.admin)
        refused = await api.rpc(
            "payment/v1/record",
            {"unitId": r.c.units[0], "receivedOn": "2026-01-10", "amount": "10.00", "method": "check"},
            token=r.c.admin.token,
            key=uuid.uuid4().hex,
        )
        assert refused.status_code == 422, refused.text
        await asyncio.sleep(0.3)
        assert recv.requests == []
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        assert await session.scalar(text("SELECT count(*) FROM webhook_events")) == 0


# --- the SSRF guard ------------------------------------------------------------------

REFUSED = [
    "https://127.0.0.1/hook",
    "https://localhost:8443/hook",
    "https://10.1.2.3/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.10/hook",
    "https://169.254.169.254/latest/meta-data",
    "https://[::1]/hook",
    "https://[fe80::1]/hook",
    "https://[fd00::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://224.0.0.1/hook",
    "http://93.184.216.34/hook",  # plain http
    "https://user:pw@93.184.216.34/hook",
    "ftp://93.184.216.34/hook",
]


@pytest.mark.parametrize("url", REFUSED)
def test_ssrf_guard_refuses_what_is_not_public(url: str) -> None:
    settings = Settings(webhook_allowed_networks=[], webhook_allow_http=False)
    with pytest.raises(WebhookUrlRefused):
        sending.check_url(url, settings)


def test_ssrf_guard_admits_public_addresses_and_allowed_networks() -> None:
    settings = Settings(webhook_allowed_networks=[], webhook_allow_http=False)
    assert sending.check_url("https://93.184.216.34/hook", settings) == ("93.184.216.34", 443)
    loopback = Settings(webhook_allowed_networks=["127.0.0.0/8"], webhook_allow_http=True)
    assert sending.check_url("http://127.0.0.1:9000/hook", loopback) == ("127.0.0.1", 9000)
    with pytest.raises(WebhookUrlRefused):
        sending.check_url("http://10.0.0.1/hook", loopback)


async def test_ssrf_guard_checks_what_a_name_resolves_to() -> None:
    """A name passes the literal checks; what it resolves to is checked too (the
    machine's own name resolves to a loopback or private address)."""
    settings = Settings(webhook_allowed_networks=[], webhook_allow_http=False)
    host = socket.gethostname()
    assert sending.check_url(f"https://{host}/hook", settings)[0] == host
    with pytest.raises(WebhookUrlRefused, match="not a public address"):
        await sending.check_resolved(f"https://{host}/hook", settings)


async def test_registering_a_private_url_is_refused(api, platform) -> None:
    admin, _ = await api.admin_of_new_org()
    for url in ("https://10.0.0.7/hook", "https://169.254.169.254/", "https://[::1]/x"):
        r = await api.rpc(
            "webhookEndpoint/v1/create",
            {"url": url, "eventTypes": ["payment.recorded"], "description": "x"},
            token=admin.token,
            key=uuid.uuid4().hex,
        )
        assert r.status_code == 422 and r.json()["error"]["code"] == "WEBHOOK_URL_REFUSED", r.text
    r = await api.rpc(
        "webhookEndpoint/v1/create",
        {"url": "https://93.184.216.34/x", "eventTypes": ["no.such"], "description": "x"},
        token=admin.token,
        key=uuid.uuid4().hex,
    )
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", r.text
