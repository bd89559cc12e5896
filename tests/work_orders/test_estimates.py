"""Estimates across the dispatch: the association asks several vendors for an
estimate, each provider organization gets a job and answers with line items
(totals to the cent), revises until the association decides; every revision is
kept on both sides, each side only ever writes its own rows, and the decisions
travel back as events. Approving one chooses its vendor and withdraws the
other jobs; assigning that vendor goes on with the job it estimated."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Caller
from tests.work_orders.site import Site, attempt, move, open_site, until
from tests.work_orders.test_dispatch import _job, _provider, _status

LINES = [
    {"description": "Labor (hours)", "quantity": "2.5", "unitPrice": "95.00"},
    {"description": "P-trap and fittings", "quantity": "3", "unitPrice": "12.80"},
]
ESTIMATES = """query($id: ID!) { node(id: $id) { ... on WorkOrder { status vendor { name }
  estimates { id revision status total note decisionNote vendor { name }
    lines { lineNo description quantity unitPrice amount } } } } }"""
JOB_ESTIMATES = """query($id: ID!) { node(id: $id) { ... on Job { status
  estimates { id revision status total decisionNote lines { lineNo amount } } } } }"""


async def _estimates(api: Api, caller: Caller, wo: str) -> Any:
    return (await api.gql(ESTIMATES, {"id": wo}, token=caller.token))["data"]["node"]


async def _asked(api: Api, s: Site, vendors: list[str], title: str) -> dict[str, Any]:
    wo = await api.call("workOrder/v1/create", s.request(0, title=title), s.owner)
    await move(api, s.manager, wo["id"], "review")
    return await move(api, s.manager, wo["id"], "estimates_requested", vendorIds=vendors)


async def _arrived(api: Api, s: Site, wo: str, count: int) -> list[dict[str, Any]]:
    async def there() -> Any:
        node = await _estimates(api, s.manager, wo)
        return node["estimates"] if len(node["estimates"]) == count else None

    return await until(there, what=f"{count} estimates to reach the association")


async def test_estimates_are_revised_decided_and_choose_the_vendor(api) -> None:
    s = await open_site(api, units=2)
    ace, _, ace_vendor = await _provider(api, s)
    other, other_org = await api.admin_of_new_org("service_provider")
    other_vendor = await api.call(
        "vendor/v1/create", {"name": "Bolt Plumbing", "providerOrganizationId": other_org, "is1099": False}, s.admin
    )
    payee = await api.call("vendor/v1/create", {"name": "City Water", "is1099": False}, s.admin)
    wo = await _asked(api, s, [ace_vendor, other_vendor["id"], payee["id"]], "Slow drain in unit 1")
    assert wo["status"] == "estimates_requested"
    ace_job = await _job(api, ace, "Slow drain in unit 1")
    bolt_job = await _job(api, other, "Slow drain in unit 1")

    first = await api.call("job/v1/estimate", {"id": ace_job["id"], "lines": LINES, "note": "Holds 30 days"}, ace)
    assert (first["revision"], first["status"], first["total"]) == (1, "submitted", "275.90")
    assert [(line["lineNo"], line["amount"]) for line in first["lines"]] == [(1, "237.50"), (2, "38.40")]
    await _status(api, s, wo, "estimates_received")
    cheaper = [LINES[0] | {"quantity": "2"}, LINES[1]]
    second = await api.call("job/v1/estimate", {"id": ace_job["id"], "lines": cheaper}, ace)
    assert (second["revision"], second["total"]) == (2, "228.40")
    await api.call("job/v1/estimate", {"id": bolt_job["id"], "lines": [LINES[0] | {"unitPrice": "140.00"}]}, other)
    rows = await _arrived(api, s, wo["id"], 3)
    by_revision = {(e["vendor"]["name"], e["revision"]): e for e in rows}
    assert by_revision["Ace Plumbing & Drain", 1]["status"] == "SUPERSEDED"
    assert by_revision["Ace Plumbing & Drain", 1]["lines"][0] == {
        "lineNo": 1,
        "description": "Labor (hours)",
        "quantity": "2.500",
        "unitPrice": "95.00",
        "amount": "237.50",
    }
    assert (by_revision["Ace Plumbing & Drain", 2]["status"], by_revision["Ace Plumbing & Drain", 2]["total"]) == (
        "SUBMITTED",
        "228.40",
    )
    bolt = by_revision["Bolt Plumbing", 1]
    assert bolt["total"] == "350.00" and bolt["id"] != second["id"]
    # The association's copy has the provider's id: one estimate, two organizations' rows.
    assert by_revision["Ace Plumbing & Drain", 2]["id"].split("_", 1)[1] == second["id"].split("_", 1)[1]

    # Only a revision awaiting a decision is decided.
    superseded = by_revision["Ace Plumbing & Drain", 1]["id"]
    assert await attempt(api, "workOrderEstimate/v1/approve", {"id": superseded}, s.manager) == (409, "ESTIMATE_NOT_PENDING")
    declined = await api.call("workOrderEstimate/v1/decline", {"id": bolt["id"], "note": "Too dear"}, s.manager)
    assert (declined["status"], declined["decisionNote"]) == ("declined", "Too dear")
    chosen = await api.call("workOrderEstimate/v1/approve", {"id": by_revision["Ace Plumbing & Drain", 2]["id"]}, s.manager)
    assert chosen["status"] == "approved" and chosen["decidedBy"]
    node = await _estimates(api, s.manager, wo["id"])
    assert (node["status"], node["vendor"]["name"]) == ("VENDOR_CHOSEN", "Ace Plumbing & Drain")
    assert await attempt(api, "workOrderEstimate/v1/approve", {"id": chosen["id"]}, s.manager) == (409, "ESTIMATE_NOT_PENDING")

    # Each provider's copy takes the decision; the other vendor's job is withdrawn.
    async def decided(caller: Caller, job: str, revision: int, status: str) -> Any:
        body = await api.gql(JOB_ESTIMATES, {"id": job}, token=caller.token)
        node = body["data"]["node"]
        return node if node["estimates"][revision - 1]["status"] == status else None

    ace_side = await until(lambda: decided(ace, ace_job["id"], 2, "APPROVED"), what="the approval to reach the provider")
    assert [(e["revision"], e["status"], e["total"]) for e in ace_side["estimates"]] == [
        (1, "SUPERSEDED", "275.90"),
        (2, "APPROVED", "228.40"),
    ]
    bolt_side = await until(lambda: decided(other, bolt_job["id"], 1, "DECLINED"), what="the decline to reach the provider")
    assert bolt_side["estimates"][0]["decisionNote"] == "Too dear"
    await until(
        lambda: _job_status(api, other, bolt_job["id"], "canceled"),
        what="the other vendor's job to be withdrawn",
    )
    assert await attempt(api, "job/v1/estimate", {"id": ace_job["id"], "lines": LINES}, ace) == (
        409,
        "ESTIMATE_ALREADY_APPROVED",
    )
    assert await attempt(api, "job/v1/estimate", {"id": bolt_job["id"], "lines": LINES}, other) == (
        409,
        "ESTIMATE_NOT_ALLOWED",
    )

    # Assigning the chosen vendor goes on with the job it estimated: no second job.
    await move(api, s.manager, wo["id"], "assigned")
    await api.call("job/v1/accept", {"id": ace_job["id"]}, ace)
    await api.call("job/v1/schedule", {"id": ace_job["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, ace)
    await _status(api, s, wo, "scheduled")
    jobs = await api.call("job/v1/list", {}, ace)
    assert [j["title"] for j in jobs["nodes"]].count("Slow drain in unit 1") == 1
    listed = await api.call("workOrderEstimate/v1/list", {"workOrderId": wo["id"], "status": "approved"}, s.board)
    assert [(e["revision"], e["total"], len(e["lines"])) for e in listed["nodes"]] == [(2, "228.40", 2)]


async def _job_status(api: Api, caller: Caller, job: str, status: str) -> bool:
    return (await api.call("job/v1/get", {"id": job}, caller))["status"] == status


async def test_bad_estimates_are_refused_and_no_one_else_sees_them(api) -> None:
    s = await open_site(api, units=2)
    ace, _, vendor = await _provider(api, s)
    wo = await _asked(api, s, [vendor], "Cracked tile")
    job = await _job(api, ace, "Cracked tile")
    for lines in (
        [],
        [LINES[0] | {"quantity": "0"}],
        [LINES[0] | {"unitPrice": "-1.00"}],
        [LINES[0] | {"unitPrice": "1.005"}],
        [LINES[0] | {"quantity": "ten"}],
        [LINES[0] | {"description": ""}],
    ):
        assert await attempt(api, "job/v1/estimate", {"id": job["id"], "lines": lines}, ace) == (400, "VALIDATION_FAILED"), lines
    estimate = await api.call("job/v1/estimate", {"id": job["id"], "lines": LINES}, ace)
    [copy] = await _arrived(api, s, wo["id"], 1)
    # Nothing of the refused attempts was written on either side.
    assert copy["revision"] == 1 and estimate["revision"] == 1

    # The owner sees the work order, not the prices; the provider and a stranger see nothing of the association's copy.
    assert (await _estimates(api, s.owner, wo["id"]))["estimates"] == []
    stranger, _ = await api.admin_of_new_org()
    for caller in (s.owner, ace, stranger):
        assert await attempt(api, "workOrderEstimate/v1/get", {"id": copy["id"]}, caller) in (
            (404, "NOT_FOUND"),
            (403, "FORBIDDEN"),
        )
        body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": copy["id"]}, token=caller.token)
        assert body["data"]["node"] is None
    # The association sees nothing of the provider's side.
    for caller in (s.admin, s.manager, stranger):
        body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": estimate["id"]}, token=caller.token)
        assert body["data"]["node"] is None
    assert await attempt(api, "workOrderEstimate/v1/approve", {"id": copy["id"]}, s.board) == (403, "FORBIDDEN")
    assert await attempt(api, "workOrderEstimate/v1/approve", {"id": copy["id"]}, ace) == (404, "NOT_FOUND")

    # Canceling the work order withdraws the job: it takes no estimate any more.
    await move(api, s.manager, wo["id"], "canceled")
    await until(lambda: _job_status(api, ace, job["id"], "canceled"), what="the job to be withdrawn")
    assert await attempt(api, "job/v1/estimate", {"id": job["id"], "lines": LINES}, ace) == (409, "ESTIMATE_NOT_ALLOWED")
