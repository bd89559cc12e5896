"""The provider's lists with everything on a job — its moves, estimates,
invoices and their lines, visits — cost the same number of statements for 2
jobs as for 20, on both read paths."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

from domains.jobs.models import JobStatus
from domains.jobs.service import estimates, invoices, jobs, visits
from graph.db import scoped_transaction
from graph.ids import decode
from graph.platform import current_platform

QUERY = """{ jobs(first: 50) { nodes { title status transitions { toStatus }
    estimates { revision total lines { amount } } invoices { invoiceNumber status lines { amount priceBookItemId } }
    visits { technicianId status } } }
  jobInvoices(first: 50) { nodes { invoiceNumber lines { description amount } } } }"""


def _line(description: str, price: str) -> SimpleNamespace:
    return SimpleNamespace(description=description, quantity=Decimal("1"), unit_price=Decimal(price), price_book_item_id=None)


async def _finished_job(org: uuid.UUID, technician: uuid.UUID, n: int) -> None:
    """A job as the dispatch, the provider's answers and its invoice write it (through the services)."""
    job_id = uuid.uuid4()
    values = {
        "customer_organization_id": org,
        "customer_name": "Nested HOA",
        "customer_workflow_id": f"nowhere-{job_id}",
        "title": f"Job {n:02}",
        "site": "1 Main St",
        "contact": "Nested HOA",
        "priority": "routine",
    }
    async with scoped_transaction(current_platform().sessions, org, None) as session:
        await jobs.receive(session, org, job_id, values)
        job = await jobs.lock(session, job_id)
        assert job is not None
        await estimates.submit(session, job, [_line("Labor", "80.00")], None, technician)
        starts = datetime(2031, 1, 1, tzinfo=UTC) + timedelta(hours=3 * n)
        await visits.book(session, job, [technician], starts, starts + timedelta(hours=1), None, technician)
        job.status = JobStatus.WORK_DONE
        data = SimpleNamespace(
            invoice_number=f"N-{n:02}",
            invoice_date=date(2031, 1, 2),
            due_date=date(2031, 2, 1),
            note=None,
            lines=[_line("Labor", "80.00"), _line("Parts", "12.50")],
        )
        await invoices.submit(session, job, data, technician)


async def test_statement_count_is_flat_from_2_to_20_jobs(api, statements, read_path) -> None:
    provider, org_id = await api.admin_of_new_org("service_provider")
    org, technician = decode(org_id)[1], decode(provider.user_id)[1]
    counts = {}
    made = 0
    for total in (2, 20):
        while made < total:
            await _finished_job(org, technician, made)
            made += 1
        statements.clear()
        body = await api.gql(QUERY, token=provider.token)
        nodes = body["data"]["jobs"]["nodes"]
        assert len(nodes) == total, body
        assert all(
            [(i["status"], [ln["amount"] for ln in i["lines"]]) for i in n["invoices"]] == [("SUBMITTED", ["80.00", "12.50"])]
            and [e["lines"] for e in n["estimates"]] == [[{"amount": "80.00"}]]
            and len(n["visits"]) == 1
            for n in nodes
        ), nodes
        assert len(body["data"]["jobInvoices"]["nodes"]) == total
        counts[total] = len(statements)
    assert counts[2] == counts[20], counts
