"""Technicians on a provider's jobs: scheduling a job books the members of the
provider's organization who go; a technician is never on two visits at once;
rescheduling and the customer's withdrawal cancel the bookings; the schedule is
the provider's alone."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api, Caller
from tests.work_orders.site import attempt, move, open_site, until
from tests.work_orders.test_dispatch import _assigned, _job, _provider, _status

NINE = "2030-05-04T09:00:00Z"
VISITS = "query($id: ID!) { node(id: $id) { ... on Job { visits { technicianId startsAt endsAt status note } } } }"


async def _visits(api: Api, caller: Caller, **filters: Any) -> list[tuple[str, str, str]]:
    page = await api.call("jobVisit/v1/list", filters, caller)
    return [(v["technicianId"], v["startsAt"][:16], v["status"]) for v in page["nodes"]]


async def test_technicians_are_booked_never_twice_at_once(api) -> None:
    s = await open_site(api, units=2)
    provider, _, vendor = await _provider(api, s)
    sam, _ = await api.add_member(provider, ["member"])
    kim, _ = await api.add_member(provider, ["member"])
    outsider = await api.register()
    first = await _assigned(api, s, vendor, title="Leaking valve")
    second = await _assigned(api, s, vendor, title="Noisy pump")
    job = await _job(api, provider, "Leaking valve")
    other = await _job(api, provider, "Noisy pump")
    for j in (job, other):
        await api.call("job/v1/accept", {"id": j["id"]}, provider)

    booked = {"id": job["id"], "scheduledFor": NINE, "technicianIds": [sam.user_id, kim.user_id], "technicianNote": "Gate 4"}
    await api.call("job/v1/schedule", booked, provider)
    await _status(api, s, first, "scheduled")
    visits = (await api.gql(VISITS, {"id": job["id"]}, token=provider.token))["data"]["node"]["visits"]
    assert sorted((v["technicianId"], v["startsAt"][:16], v["endsAt"][:16], v["status"], v["note"]) for v in visits) == sorted(
        (t, "2030-05-04T09:00", "2030-05-04T11:00", "SCHEDULED", "Gate 4") for t in (sam.user_id, kim.user_id)
    )

    # Sam is taken from 9 to 11: the other job can't have him at 10, and nothing of the attempt is written.
    clash = {"id": other["id"], "scheduledFor": "2030-05-04T10:00:00Z", "technicianIds": [sam.user_id]}
    assert await attempt(api, "job/v1/schedule", clash, provider) == (409, "TECHNICIAN_DOUBLE_BOOKED")
    assert (await api.call("job/v1/get", {"id": other["id"]}, provider))["status"] == "accepted"
    stranger = {"id": other["id"], "scheduledFor": "2030-05-04T11:00:00Z", "technicianIds": [outsider.user_id]}
    assert await attempt(api, "job/v1/schedule", stranger, provider) == (422, "TECHNICIAN_NOT_MEMBER")
    # Back to back is fine.
    await api.call("job/v1/schedule", clash | {"scheduledFor": "2030-05-04T11:00:00Z", "durationMinutes": 60}, provider)
    await _status(api, s, second, "scheduled")
    assert await _visits(api, provider, technicianId=sam.user_id, status="scheduled") == [
        (sam.user_id, "2030-05-04T09:00", "scheduled"),
        (sam.user_id, "2030-05-04T11:00", "scheduled"),
    ]

    # Rescheduling the first job moves its bookings: Sam's 9 o'clock is canceled, Kim goes at 2.
    await api.call(
        "job/v1/schedule", {"id": job["id"], "scheduledFor": "2030-05-04T14:00:00Z", "technicianIds": [kim.user_id]}, provider
    )
    assert await _visits(api, provider, technicianId=sam.user_id) == [
        (sam.user_id, "2030-05-04T09:00", "canceled"),
        (sam.user_id, "2030-05-04T11:00", "scheduled"),
    ]
    assert await _visits(api, provider, status="scheduled", startsFrom="2030-05-04T12:00:00Z") == [
        (kim.user_id, "2030-05-04T14:00", "scheduled")
    ]

    # The customer withdraws the second work order: its job and Sam's booking are canceled.
    await move(api, s.manager, second["id"], "canceled", note="Owner fixed it")

    async def released() -> bool:
        return await _visits(api, provider, technicianId=sam.user_id, status="scheduled") == []

    await until(released, what="the withdrawn job's booking to be canceled")
    # The association sees none of the provider's schedule.
    assert (await api.call("jobVisit/v1/list", {}, s.admin))["nodes"] == []
    body = await api.gql(VISITS, {"id": job["id"]}, token=s.admin.token)
    assert body["data"]["node"] is None
