"""The provider's own view: jobs from every customer filtered by customer and
state, its estimates and invoices as connections with their statuses, its
price book (lines copy a service's price, never follow it), and technicians'
schedules — a technician never on two visits at once, down to the database's
exclusion constraint."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest
from sqlalchemy.exc import IntegrityError

from domains.jobs.models import JobVisit, JobVisitStatus
from graph.db import scoped_transaction
from graph.ids import decode
from graph.platform import current_platform
from tests.payables.desk import member
from tests.work_orders.site import attempt, open_site
from tests.work_orders.test_dispatch import _assigned, _job
from tests.work_orders.test_invoices import _books, _done, _invoice, _released


def _item(name: str, price: str, **more: object) -> dict[str, object]:
    return {"name": name, "category": "plumbing", "unit": "hour", "unitPrice": price, "active": True} | more


async def test_the_price_book(api) -> None:
    s = await open_site(api, units=2)
    provider, provider_org, vendor = await _released(api, s)
    labor = await api.call("priceBookItem/v1/create", _item("Labor", "95.00"), provider)
    assert (labor["name"], labor["unitPrice"], labor["active"]) == ("Labor", "95.00", True)
    await api.call("priceBookItem/v1/create", _item("Jetting", "325.00", category="drains"), provider)
    await api.call("priceBookItem/v1/create", _item("Old trap", "12.50", unit="each", active=False), provider)
    assert await attempt(api, "priceBookItem/v1/create", _item("Labor", "99.00"), provider) == (409, "PRICE_BOOK_ITEM_NAME_TAKEN")
    for bad in (_item(" Labor", "1.00"), _item("Labor 2", "-1.00"), _item("Labor 3", "1.005"), _item("", "1.00")):
        assert await attempt(api, "priceBookItem/v1/create", bad, provider) == (400, "VALIDATION_FAILED"), bad

    names = lambda page: [i["name"] for i in page["nodes"]]  # noqa: E731
    assert names(await api.call("priceBookItem/v1/list", {}, provider)) == ["Jetting", "Labor", "Old trap"]
    assert names(await api.call("priceBookItem/v1/list", {"active": True}, provider)) == ["Jetting", "Labor"]
    assert names(await api.call("priceBookItem/v1/list", {"category": "drains"}, provider)) == ["Jetting"]
    first = await api.call("priceBookItem/v1/list", {"first": 1}, provider)
    after = await api.call("priceBookItem/v1/list", {"first": 2, "after": first["pageInfo"]["endCursor"]}, provider)
    assert names(first) + names(after) == ["Jetting", "Labor", "Old trap"]

    # An estimate line copies the price; repricing and retiring the service reach no line written.
    await _assigned(api, s, vendor, title="Leaky valve")
    job = await _job(api, provider, "Leaky valve")
    sent = await api.call(
        "job/v1/estimate", {"id": job["id"], "lines": [{"priceBookItemId": labor["id"], "quantity": "2"}]}, provider
    )
    assert [(ln["description"], ln["unitPrice"], ln["amount"], ln["priceBookItemId"]) for ln in sent["lines"]] == [
        ("Labor", "95.00", "190.00", labor["id"])
    ]
    changed = await api.call("priceBookItem/v1/update", {"id": labor["id"], "unitPrice": "110.00", "unit": "hr"}, provider)
    assert (changed["unitPrice"], changed["unit"], changed["name"]) == ("110.00", "hr", "Labor")
    await api.call("priceBookItem/v1/update", {"id": labor["id"], "active": False}, provider)
    estimates = await api.call("jobEstimate/v1/list", {"jobId": job["id"]}, provider)
    assert [ln["unitPrice"] for e in estimates["nodes"] for ln in e["lines"]] == ["95.00"]
    retired = {"id": job["id"], "lines": [{"priceBookItemId": labor["id"], "quantity": "1"}]}
    assert await attempt(api, "job/v1/estimate", retired, provider) == (422, "PRICE_BOOK_ITEM_RETIRED")
    assert await attempt(api, "priceBookItem/v1/update", {"id": labor["id"], "name": "Jetting"}, provider) == (
        409,
        "PRICE_BOOK_ITEM_NAME_TAKEN",
    )

    # Another provider's service is no service of this book; its staff see nothing of this one.
    rival, _ = await api.admin_of_new_org("service_provider")
    theirs = await api.call("priceBookItem/v1/create", _item("Labor", "70.00"), rival)
    foreign = {"id": job["id"], "lines": [{"priceBookItemId": theirs["id"], "quantity": "1"}]}
    assert await attempt(api, "job/v1/estimate", foreign, provider) == (422, "INVALID_REFERENCE")
    assert names(await api.call("priceBookItem/v1/list", {}, rival)) == ["Labor"]
    for caller in (rival, s.admin):
        assert await attempt(api, "priceBookItem/v1/get", {"id": labor["id"]}, caller) == (404, "NOT_FOUND")
        assert await attempt(api, "priceBookItem/v1/update", {"id": labor["id"], "unitPrice": "1.00"}, caller) == (
            404,
            "NOT_FOUND",
        )
    # The provider's board-less staff: an auditor reads the book, doesn't change it.
    auditor = await member(api, provider, provider_org, ["auditor"])
    assert len((await api.call("priceBookItem/v1/list", {}, auditor))["nodes"]) == 3
    assert await attempt(api, "priceBookItem/v1/create", _item("Mine", "1.00"), auditor) == (403, "FORBIDDEN")


async def test_jobs_estimates_and_invoices_across_customers(api) -> None:
    s = await open_site(api, units=2)
    await _books(api, s)
    provider, provider_org, vendor = await _released(api, s)
    other = await open_site(api, units=2)
    theirs = await api.call(
        "vendor/v1/create", {"name": "Ace", "providerOrganizationId": provider_org, "is1099": False}, other.admin
    )
    _, done = await _done(api, s, provider, vendor, "Done here")
    await _assigned(api, other, theirs["id"], title="Over there")
    there = await _job(api, provider, "Over there")
    await api.call(
        "job/v1/estimate",
        {"id": there["id"], "lines": [{"description": "Labor", "quantity": "1", "unitPrice": "80.00"}]},
        provider,
    )
    await api.call(
        "job/v1/estimate",
        {"id": there["id"], "lines": [{"description": "Labor", "quantity": "1", "unitPrice": "70.00"}]},
        provider,
    )
    await api.call("job/v1/invoice", _invoice(done, "V-1"), provider)

    customer = lambda page: {j["title"] for j in page["nodes"]}  # noqa: E731
    assert customer(await api.call("job/v1/list", {}, provider)) == {"Done here", "Over there"}
    assert customer(await api.call("job/v1/list", {"customerOrganizationId": there["customerOrganizationId"]}, provider)) == {
        "Over there"
    }
    assert customer(
        await api.call("job/v1/list", {"customerOrganizationId": done["customerOrganizationId"], "status": "work_done"}, provider)
    ) == {"Done here"}
    assert (
        customer(
            await api.call(
                "job/v1/list", {"customerOrganizationId": there["customerOrganizationId"], "status": "work_done"}, provider
            )
        )
        == set()
    )

    revisions = await api.call("jobEstimate/v1/list", {}, provider)
    assert [(e["revision"], e["status"], e["total"]) for e in revisions["nodes"]] == [
        (2, "submitted", "70.00"),
        (1, "superseded", "80.00"),
    ]
    assert [e["revision"] for e in (await api.call("jobEstimate/v1/list", {"status": "submitted"}, provider))["nodes"]] == [2]
    assert (await api.call("jobEstimate/v1/list", {"jobId": done["id"]}, provider))["nodes"] == []
    invoices = await api.call("jobInvoice/v1/list", {}, provider)
    assert [(i["invoiceNumber"], i["total"], [ln["amount"] for ln in i["lines"]]) for i in invoices["nodes"]] == [
        ("V-1", "190.00", ["190.00"])
    ]
    assert (await api.call("jobInvoice/v1/list", {"jobId": there["id"]}, provider))["nodes"] == []
    # The same through GraphQL connections.
    body = await api.gql(
        "{ jobEstimates(status: SUPERSEDED) { nodes { revision lines { amount } } } jobInvoices { nodes { invoiceNumber } } }",
        token=provider.token,
    )
    assert body["data"] == {
        "jobEstimates": {"nodes": [{"revision": 1, "lines": [{"amount": "80.00"}]}]},
        "jobInvoices": {"nodes": [{"invoiceNumber": "V-1"}]},
    }
    # Customers see none of it.
    for caller in (s.admin, other.admin):
        for name in ("jobEstimate/v1/list", "jobInvoice/v1/list", "job/v1/list"):
            r = await api.rpc(name, {}, token=caller.token)
            assert r.status_code == 403 or r.json()["nodes"] == [], (name, r.text)


async def test_a_technicians_schedule_and_the_database_refusing_a_double_booking(api) -> None:
    s = await open_site(api, units=2)
    provider, provider_org, vendor = await _released(api, s)
    sam, _ = await api.add_member(provider, ["member"])
    for title in ("Morning", "Afternoon", "Next day"):
        await _assigned(api, s, vendor, title=title)
    jobs = {t: await _job(api, provider, t) for t in ("Morning", "Afternoon", "Next day")}
    for job, at in zip(jobs.values(), ("2030-05-04T09:00:00Z", "2030-05-04T13:00:00Z", "2030-05-05T09:00:00Z"), strict=True):
        await api.call("job/v1/accept", {"id": job["id"]}, provider)
        await api.call("job/v1/schedule", {"id": job["id"], "scheduledFor": at, "technicianIds": [sam.user_id]}, provider)
    day = {"technicianId": sam.user_id, "startsFrom": "2030-05-04T00:00:00Z", "startsBefore": "2030-05-05T00:00:00Z"}
    visits = await api.call("jobVisit/v1/list", day, provider)
    assert [(v["jobId"], v["startsAt"][:16]) for v in visits["nodes"]] == [
        (jobs["Morning"]["id"], "2030-05-04T09:00"),
        (jobs["Afternoon"]["id"], "2030-05-04T13:00"),
    ]
    # A visit still going on at the window's start is in it.
    late = await api.call("jobVisit/v1/list", day | {"startsFrom": "2030-05-04T10:00:00Z"}, provider)
    assert [v["startsAt"][:16] for v in late["nodes"]] == ["2030-05-04T09:00", "2030-05-04T13:00"]

    # Past the service's check, the database itself refuses Sam twice at once.
    org, morning = decode(provider_org)[1], decode(jobs["Morning"]["id"])[1]
    starts = datetime(2030, 5, 4, 10, tzinfo=UTC)
    with pytest.raises(IntegrityError) as refused:
        async with scoped_transaction(current_platform().sessions, org, None) as session:
            session.add(
                JobVisit(
                    id=uuid.uuid4(),
                    organization_id=org,
                    job_id=morning,
                    technician_id=decode(sam.user_id)[1],
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=1),
                    status=JobVisitStatus.SCHEDULED,
                    scheduled_by=org,
                )
            )
    assert isinstance(refused.value.orig.__cause__, asyncpg.ExclusionViolationError)  # type: ignore[union-attr]
    assert "job_visits_no_double_booking" in str(refused.value)
