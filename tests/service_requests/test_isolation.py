"""The requester's organization and the provider's share no row. The provider
sees only what its job carries (the work, the address, the preferred dates, the
requester's name and a contact line); the requester sees its own request and the
provider's answers on it; a third organization sees neither — through lists,
gets, `node` and nested fields. Inside the requester's organization a member
sees only the requests they asked for."""

from __future__ import annotations

from tests.service_requests.world import job, org_of, provider, request, status
from tests.work_orders.site import attempt

NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_neither_side_nor_a_third_organization_reads_the_others_rows(api) -> None:
    ace, ace_org, _ = await provider(api, "Plumbing")
    ivy, ivy_org, _ = await org_of(api, "individual")
    household, _ = await api.add_member(ivy, ["member"])
    await api.select(household, ivy_org)
    made = await api.call("serviceRequest/v1/create", request(title="Burst hose", providerOrganizationId=ace_org), ivy)
    arrived = await job(api, ace, "Burst hose")
    await api.call("job/v1/accept", {"id": arrived["id"]}, ace)
    await status(api, ivy, made["id"], "accepted")
    detail = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on ServiceRequest { transitions { id } dispatches { id } } } }",
        {"id": made["id"]},
        token=ivy.token,
    )
    node = detail["data"]["node"]
    dispatch, transition = node["dispatches"][0]["id"], node["transitions"][0]["id"]
    # A second customer of the same provider, and a stranger.
    other, _, _ = await org_of(api, "commercial_client")
    theirs = await api.call("serviceRequest/v1/create", request(title="Office sink", providerOrganizationId=ace_org), other)
    await job(api, ace, "Office sink")
    stranger, _, _ = await org_of(api, "individual")

    # The provider: its job, and nothing of the requester's rows.
    assert (await api.call("serviceRequest/v1/list", {}, ace))["nodes"] == []
    assert await attempt(api, "serviceRequest/v1/get", {"id": made["id"]}, ace) == (404, "NOT_FOUND")
    for hidden in (made["id"], dispatch, transition):
        assert (await api.gql(NODE, {"id": hidden}, token=ace.token))["data"]["node"] is None, hidden
    assert await attempt(api, "serviceRequest/v1/transition", {"id": made["id"], "to": "canceled"}, ace) == (404, "NOT_FOUND")
    assert {j["title"] for j in (await api.call("job/v1/list", {}, ace))["nodes"]} == {"Burst hose", "Office sink"}

    # The requester (and the other customer, and the stranger): none of the provider's jobs.
    for caller in (ivy, other, stranger):
        assert await attempt(api, "job/v1/get", {"id": arrived["id"]}, caller) == (404, "NOT_FOUND")
        assert (await api.gql(NODE, {"id": arrived["id"]}, token=caller.token))["data"]["node"] is None
        r = await api.rpc("job/v1/list", {}, token=caller.token)
        assert r.status_code == 403 or r.json()["nodes"] == [], r.text
    assert await attempt(api, "job/v1/accept", {"id": arrived["id"]}, ivy) == (404, "NOT_FOUND")

    # Each customer sees its own request only; the stranger sees none.
    assert [n["id"] for n in (await api.call("serviceRequest/v1/list", {}, ivy))["nodes"]] == [made["id"]]
    assert [n["id"] for n in (await api.call("serviceRequest/v1/list", {}, other))["nodes"]] == [theirs["id"]]
    assert (await api.call("serviceRequest/v1/list", {}, stranger))["nodes"] == []
    for caller, hidden in ((other, made["id"]), (stranger, made["id"]), (ivy, theirs["id"])):
        assert await attempt(api, "serviceRequest/v1/get", {"id": hidden}, caller) == (404, "NOT_FOUND")
    for caller, hidden in ((other, made["id"]), (stranger, made["id"]), (stranger, dispatch), (ivy, theirs["id"])):
        assert (await api.gql(NODE, {"id": hidden}, token=caller.token))["data"]["node"] is None, hidden

    # Inside the household: a plain member sees the requests they asked for, not the admin's.
    assert (await api.call("serviceRequest/v1/list", {}, household))["nodes"] == []
    assert await attempt(api, "serviceRequest/v1/get", {"id": made["id"]}, household) == (404, "NOT_FOUND")
    own = await api.call("serviceRequest/v1/create", request(title="Loose tile", providerOrganizationId=ace_org), household)
    assert [n["id"] for n in (await api.call("serviceRequest/v1/list", {}, household))["nodes"]] == [own["id"]]
    canceled = await api.call("serviceRequest/v1/transition", {"id": own["id"], "to": "canceled"}, household)
    assert canceled["status"] == "canceled"
    # The admin sees both.
    assert {n["id"] for n in (await api.call("serviceRequest/v1/list", {}, ivy))["nodes"]} == {made["id"], own["id"]}
