"""Cross-organization dispatch: assigning a work order to a vendor that is a
service-provider organization puts a job in that organization, written by the
dispatch workflow as the platform; the provider's answers move the work order
on through events. Neither side reads the other's rows through any operation,
`node` or nested field, and a third organization sees neither."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Caller
from tests.work_orders.site import Site, attempt, move, open_site, until

JOB_FIELDS = "id customerName title site contact priority status scheduledFor"


async def _provider(api: Api, s: Site) -> tuple[Caller, str, str]:
    """A service-provider organization with its admin, on file as a vendor of the site's organization."""
    provider, org = await api.admin_of_new_org("service_provider")
    vendor = await api.call(
        "vendor/v1/create", {"name": "Ace Plumbing & Drain", "providerOrganizationId": org, "is1099": False}, s.admin
    )
    return provider, org, vendor["id"]


async def _assigned(api: Api, s: Site, vendor: str, **request: Any) -> dict[str, Any]:
    wo = await api.call("workOrder/v1/create", s.request(0, description="Drips under the sink", **request), s.owner)
    await move(api, s.manager, wo["id"], "review")
    await move(api, s.manager, wo["id"], "vendor_chosen", vendorId=vendor)
    return await move(api, s.manager, wo["id"], "assigned")


async def _job(api: Api, provider: Caller, title: str) -> dict[str, Any]:
    async def arrived() -> Any:
        page = await api.call("job/v1/list", {}, provider)
        return next((j for j in page["nodes"] if j["title"] == title), None)

    return await until(arrived, what="the job to arrive in the provider's organization")


async def _status(api: Api, s: Site, wo: dict[str, Any], status: str) -> None:
    async def there() -> bool:
        return (await api.call("workOrder/v1/get", {"id": wo["id"]}, s.manager))["status"] == status

    await until(there, what=f"the work order to be {status}")


async def test_the_provider_answers_and_the_work_order_follows(api) -> None:
    s = await open_site(api, units=2)
    provider, provider_org, vendor = await _provider(api, s)
    wo = await _assigned(api, s, vendor, title="Leak under the kitchen sink", priority="urgent")
    job = await _job(api, provider, "Leak under the kitchen sink")
    assert job["organizationId"] == provider_org and job["status"] == "received" and job["priority"] == "urgent"
    assert job["customerName"].startswith("Maple Grove") and "Maple Grove Ln" in job["site"] and wo["id"] in job["contact"]
    assert job["description"] == "Drips under the sink"
    # What the provider may not do: skip ahead, or cancel (the customer's move).
    assert await attempt(api, "job/v1/start", {"id": job["id"]}, provider) == (409, "ILLEGAL_JOB_TRANSITION")
    await api.call("job/v1/accept", {"id": job["id"]}, provider)
    await api.call("job/v1/schedule", {"id": job["id"], "scheduledFor": "2030-05-04T09:00:00Z", "note": "Tech: Sam"}, provider)
    await _status(api, s, wo, "scheduled")
    await api.call("job/v1/start", {"id": job["id"]}, provider)
    await _status(api, s, wo, "in_progress")
    done = await api.call("job/v1/complete", {"id": job["id"], "note": "Replaced the trap"}, provider)
    assert done["status"] == "work_done"
    await _status(api, s, wo, "work_done")
    await move(api, s.manager, wo["id"], "completed")
    detail = await api.gql(
        """query($id: ID!) { node(id: $id) { ... on WorkOrder { transitions { toStatus actorKind note }
           dispatches { status scheduledFor providerNote providerOrganizationId vendor { name } } } } }""",
        {"id": wo["id"]},
        token=s.manager.token,
    )
    node = detail["data"]["node"]
    assert [(t["toStatus"], t["actorKind"]) for t in node["transitions"]][-4:] == [
        ("SCHEDULED", "WORKFLOW"),
        ("IN_PROGRESS", "WORKFLOW"),
        ("WORK_DONE", "WORKFLOW"),
        ("COMPLETED", "USER"),
    ]
    [dispatch] = node["dispatches"]
    assert (dispatch["status"], dispatch["providerNote"], dispatch["providerOrganizationId"]) == (
        "WORK_DONE",
        "Replaced the trap",
        provider_org,
    )
    assert dispatch["scheduledFor"].startswith("2030-05-04T09:00") and dispatch["vendor"]["name"] == "Ace Plumbing & Drain"
    # The owner sees the work order move, not the dispatch record.
    mine = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on WorkOrder { status dispatches { id } } } }",
        {"id": wo["id"]},
        token=s.owner.token,
    )
    assert mine["data"]["node"] == {"status": "COMPLETED", "dispatches": []}


async def test_a_decline_sends_the_work_order_back_to_review_and_a_cancel_withdraws_the_job(api) -> None:
    s = await open_site(api, units=2)
    provider, _, vendor = await _provider(api, s)
    declined = await _assigned(api, s, vendor, title="Fence repair")
    job = await _job(api, provider, "Fence repair")
    await api.call("job/v1/decline", {"id": job["id"], "note": "Not our trade"}, provider)
    await _status(api, s, declined, "review")
    withdrawn = await _assigned(api, s, vendor, title="Gate hinge")
    job = await _job(api, provider, "Gate hinge")
    await move(api, s.manager, withdrawn["id"], "canceled", note="Owner fixed it")

    async def canceled() -> bool:
        return (await api.call("job/v1/get", {"id": job["id"]}, provider))["status"] == "canceled"

    await until(canceled, what="the job to be withdrawn")
    assert await attempt(api, "job/v1/accept", {"id": job["id"]}, provider) == (409, "ILLEGAL_JOB_TRANSITION")


async def test_neither_side_reads_the_others_rows(api) -> None:
    s = await open_site(api, units=2)
    provider, _, vendor = await _provider(api, s)
    wo = await _assigned(api, s, vendor, title="Roof leak")
    job = await _job(api, provider, "Roof leak")
    # A second customer of the same provider.
    other = await open_site(api, units=2)
    other_vendor = await api.call(
        "vendor/v1/create", {"name": "Ace", "providerOrganizationId": job["organizationId"], "is1099": False}, other.admin
    )
    await _assigned(api, other, other_vendor["id"], title="Boiler noise")
    await _job(api, provider, "Boiler noise")
    stranger, _ = await api.admin_of_new_org()

    # The provider: nothing of the association, through lists, gets, node and nested fields.
    for name, body in (
        ("workOrder/v1/list", {}),
        ("unit/v1/list", {}),
        ("association/v1/list", {}),
        ("party/v1/list", {}),
        ("workOrderCategory/v1/list", {"associationId": s.association}),
    ):
        r = await api.rpc(name, body, token=provider.token)
        assert r.status_code in (200, 422), (name, r.text)
        if r.status_code == 200:
            assert r.json()["nodes"] == [], (name, r.text)
    assert await attempt(api, "workOrder/v1/get", {"id": wo["id"]}, provider) == (404, "NOT_FOUND")
    for hidden in (wo["id"], s.association, s.c.units[0], s.c.parties[0]):
        body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": hidden}, token=provider.token)
        assert body["data"]["node"] is None, hidden
    r = await attempt(
        api, "workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "x", "visibility": "internal"}, provider
    )
    assert r == (422, "INVALID_REFERENCE")
    # The association (and the other customer, and a stranger): no job of the provider's.
    for caller in (s.admin, s.manager, other.admin, stranger):
        assert await attempt(api, "job/v1/get", {"id": job["id"]}, caller) == (404, "NOT_FOUND")
        body = await api.gql("query($id: ID!) { node(id: $id) { id } }", {"id": job["id"]}, token=caller.token)
        assert body["data"]["node"] is None
        r = await api.rpc("job/v1/list", {}, token=caller.token)
        assert r.status_code == 403 or r.json()["nodes"] == [], r.text
    assert await attempt(api, "job/v1/accept", {"id": job["id"]}, s.admin) == (404, "NOT_FOUND")
    # The provider sees both customers' jobs; each customer only its own dispatch.
    titles = {j["title"] for j in (await api.call("job/v1/list", {}, provider))["nodes"]}
    assert titles == {"Roof leak", "Boiler noise"}
    theirs = await api.call("workOrder/v1/list", {}, other.admin)
    assert wo["id"] not in {n["id"] for n in theirs["nodes"]}
