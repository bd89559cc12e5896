"""The concierge path: an individual (or a commercial client) asks a service
provider for work on its own property; the provider gets a job in its own
organization, as for an association's work order, and its answers move the
request on through events. A posted request goes to the providers offering its
category, one at a time, until one takes it."""

from __future__ import annotations

from typing import Any

from tests.helpers import Api
from tests.service_requests.world import job, org_of, provider, request, status
from tests.work_orders.site import attempt, until

DETAIL = """query($id: ID!) { node(id: $id) { ... on ServiceRequest { status posted
  transitions { fromStatus toStatus actorKind note }
  dispatches { status providerName providerNote scheduledFor providerOrganizationId }
  estimates { revision status total lines { lineNo description amount } } } } }"""
LINES = [
    {"description": "Labor (hours)", "quantity": "1.5", "unitPrice": "110.00"},
    {"description": "Drain valve", "quantity": "1", "unitPrice": "24.50"},
]


async def _detail(api: Api, caller: Any, request_id: str) -> dict[str, Any]:
    body = await api.gql(DETAIL, {"id": request_id}, token=caller.token)
    assert "errors" not in body, body
    return body["data"]["node"]


async def test_a_homeowner_picks_a_provider_and_the_job_runs_its_course(api) -> None:
    ace, ace_org, ace_name = await provider(api, "Plumbing", "Electrical")
    ivy, _, ivy_name = await org_of(api, "individual", "Ivy Individual")
    categories = (await api.gql("{ serviceCategories { categories } }", token=ivy.token))["data"]["serviceCategories"]
    assert "Plumbing" in categories["categories"] and "Pest control" in categories["categories"]
    found = await api.call("serviceRequest/v1/providers", {"category": "Plumbing"}, ivy)
    assert {"organizationId": ace_org, "name": ace_name, "categories": ["Electrical", "Plumbing"]} in found["nodes"]

    made = await api.call("serviceRequest/v1/create", request(providerOrganizationId=ace_org), ivy)
    assert (made["status"], made["posted"], made["providerOrganizationId"]) == ("dispatched", False, ace_org)
    arrived = await job(api, ace, "Water heater leaking")
    assert (arrived["customerName"], arrived["site"], arrived["status"]) == (
        ivy_name,
        "12 Elm St, Springfield, OR 97477",
        "received",
    )
    assert "Category: Plumbing." in arrived["description"] and "2030-05-04, 2030-05-05" in arrived["description"]
    assert made["id"] in arrived["contact"]

    await api.call("job/v1/accept", {"id": arrived["id"]}, ace)
    await status(api, ivy, made["id"], "accepted")
    await api.call("job/v1/estimate", {"id": arrived["id"], "lines": LINES, "note": "Flush and new valve"}, ace)

    async def estimated() -> Any:
        node = await _detail(api, ivy, made["id"])
        return node if node["estimates"] else None

    node = await until(estimated, what="the estimate to reach the requester")
    assert node["estimates"] == [
        {
            "revision": 1,
            "status": "SUBMITTED",
            "total": "189.50",
            "lines": [
                {"lineNo": 1, "description": "Labor (hours)", "amount": "165.00"},
                {"lineNo": 2, "description": "Drain valve", "amount": "24.50"},
            ],
        }
    ]
    await api.call("job/v1/schedule", {"id": arrived["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, ace)
    await status(api, ivy, made["id"], "scheduled")
    await api.call("job/v1/start", {"id": arrived["id"]}, ace)
    await status(api, ivy, made["id"], "in_progress")
    await api.call("job/v1/complete", {"id": arrived["id"], "note": "New drain valve fitted"}, ace)
    await status(api, ivy, made["id"], "work_done")
    done = await api.call("serviceRequest/v1/transition", {"id": made["id"], "to": "completed"}, ivy)
    assert done["status"] == "completed" and done["completedAt"]

    node = await _detail(api, ivy, made["id"])
    assert [(t["fromStatus"], t["toStatus"], t["actorKind"]) for t in node["transitions"]] == [
        (None, "REQUESTED", "USER"),
        ("REQUESTED", "DISPATCHED", "USER"),
        ("DISPATCHED", "ACCEPTED", "WORKFLOW"),
        ("ACCEPTED", "SCHEDULED", "WORKFLOW"),
        ("SCHEDULED", "IN_PROGRESS", "WORKFLOW"),
        ("IN_PROGRESS", "WORK_DONE", "WORKFLOW"),
        ("WORK_DONE", "COMPLETED", "USER"),
    ]
    [dispatch] = node["dispatches"]
    assert (dispatch["status"], dispatch["providerName"], dispatch["providerNote"], dispatch["providerOrganizationId"]) == (
        "WORK_DONE",
        ace_name,
        "New drain valve fitted",
        ace_org,
    )
    assert dispatch["scheduledFor"].startswith("2030-05-04T09:00")
    # Completed is terminal.
    assert await attempt(api, "serviceRequest/v1/transition", {"id": made["id"], "to": "canceled"}, ivy) == (
        409,
        "ILLEGAL_SERVICE_REQUEST_TRANSITION",
    )


async def test_a_posted_request_goes_from_provider_to_provider_until_one_takes_it(api) -> None:
    first, first_org, first_name = await provider(api, "Pest control")
    second, second_org, second_name = await provider(api, "Pest control", "Roof")
    outsider, outsider_org, _ = await provider(api)
    client, _, _ = await org_of(api, "commercial_client")
    made = await api.call("serviceRequest/v1/create", request(title="Termites in the shed", category="Pest control"), client)
    assert (made["status"], made["posted"], made["providerOrganizationId"]) == ("dispatched", True, first_org)
    # The longest-standing offer first; the provider offering nothing gets nothing.
    one = await job(api, first, "Termites in the shed")
    await api.call("job/v1/decline", {"id": one["id"], "note": "Booked up"}, first)
    moved = await status(api, client, made["id"], "dispatched")
    await until(
        lambda: _provider_is(api, client, made["id"], second_org), what="the request to go to the next provider offering it"
    )
    two = await job(api, second, "Termites in the shed")
    assert (await api.call("job/v1/list", {}, outsider))["nodes"] == []
    await api.call("job/v1/decline", {"id": two["id"]}, second)
    await status(api, client, made["id"], "unassigned")
    node = await _detail(api, client, made["id"])
    assert [(d["providerName"], d["status"], d["providerNote"]) for d in node["dispatches"]] == [
        (first_name, "DECLINED", "Booked up"),
        (second_name, "DECLINED", None),
    ]
    assert [(t["toStatus"], t["actorKind"]) for t in node["transitions"]][2:] == [
        ("DISPATCHED", "WORKFLOW"),
        ("UNASSIGNED", "WORKFLOW"),
    ]
    assert moved["id"] == made["id"]
    # Nobody left offering the category: the requester names a provider.
    assert await attempt(api, "serviceRequest/v1/transition", {"id": made["id"], "to": "dispatched"}, client) == (
        409,
        "NO_PROVIDER_OFFERING",
    )
    again = await api.call(
        "serviceRequest/v1/transition",
        {"id": made["id"], "to": "dispatched", "providerOrganizationId": outsider_org, "note": "Asked a friend's firm"},
        client,
    )
    assert (again["status"], again["providerOrganizationId"]) == ("dispatched", outsider_org)
    third = await job(api, outsider, "Termites in the shed")
    await api.call("job/v1/accept", {"id": third["id"]}, outsider)
    await status(api, client, made["id"], "accepted")


async def _provider_is(api: Api, caller: Any, request_id: str, provider_org: str) -> bool:
    got = await api.call("serviceRequest/v1/get", {"id": request_id}, caller)
    return bool(got["providerOrganizationId"] == provider_org)


async def test_canceling_withdraws_the_job(api) -> None:
    ace, ace_org, _ = await provider(api)
    ivy, _, _ = await org_of(api, "individual")
    made = await api.call("serviceRequest/v1/create", request(title="Dripping tap", providerOrganizationId=ace_org), ivy)
    arrived = await job(api, ace, "Dripping tap")
    await api.call("job/v1/accept", {"id": arrived["id"]}, ace)
    await status(api, ivy, made["id"], "accepted")
    canceled = await api.call("serviceRequest/v1/transition", {"id": made["id"], "to": "canceled", "note": "Fixed it"}, ivy)
    assert canceled["status"] == "canceled"

    async def withdrawn() -> bool:
        return bool((await api.call("job/v1/get", {"id": arrived["id"]}, ace))["status"] == "canceled")

    await until(withdrawn, what="the job to be withdrawn")
    assert await attempt(api, "job/v1/schedule", {"id": arrived["id"], "scheduledFor": "2030-05-04T09:00:00Z"}, ace) == (
        409,
        "ILLEGAL_JOB_TRANSITION",
    )
    [dispatch] = (await _detail(api, ivy, made["id"]))["dispatches"]
    assert dispatch["status"] == "CANCELED"


async def test_refusals_write_nothing(api) -> None:
    ace, ace_org, _ = await provider(api, "Plumbing")
    ivy, _, _ = await org_of(api, "individual")
    association, association_org, _ = await org_of(api, "association")
    cases = [
        (association, request(providerOrganizationId=ace_org), (409, "SERVICE_REQUESTS_NOT_FOR_THIS_ORGANIZATION")),
        (ivy, request(category="Carpentry"), (422, "UNKNOWN_SERVICE_CATEGORY")),
        (ivy, request(providerOrganizationId=association_org), (422, "NOT_A_SERVICE_PROVIDER")),
        (ivy, request(category="Graffiti removal"), (422, "UNKNOWN_SERVICE_CATEGORY")),
        (ivy, request(category="Trash and recycling"), (409, "NO_PROVIDER_OFFERING")),
        (ivy, request(title=" padded "), (400, "VALIDATION_FAILED")),
        (ivy, request(preferredDates=["2030-05-0x"]), (400, "VALIDATION_FAILED")),
        (ivy, request(documentIds=["doc_nope"]), (400, "VALIDATION_FAILED")),
    ]
    for caller, body, expected in cases:
        assert await attempt(api, "serviceRequest/v1/create", body, caller) == expected, body
    assert (await api.call("serviceRequest/v1/list", {}, ivy))["nodes"] == []
    assert (await api.call("job/v1/list", {}, ace))["nodes"] == []
    # Offerings: a provider's, of known categories.
    assert await attempt(api, "serviceOffering/v1/set", {"categories": ["Plumbing"]}, ivy) == (422, "NOT_A_SERVICE_PROVIDER")
    assert await attempt(api, "serviceOffering/v1/set", {"categories": ["Plumbing", "Knitting"]}, ace) == (
        422,
        "UNKNOWN_SERVICE_CATEGORY",
    )
    offered = await api.call("serviceOffering/v1/list", {}, ace)
    assert [o["category"] for o in offered["offerings"]] == ["Plumbing"]
    now = await api.call("serviceOffering/v1/set", {"categories": ["Roof", "Plumbing"]}, ace)
    assert [o["category"] for o in now["offerings"]] == ["Plumbing", "Roof"]
    assert now["offerings"][0]["id"] == offered["offerings"][0]["id"]  # kept, with its place in the queue
    # The provider's answers are not the requester's to make.
    made = await api.call("serviceRequest/v1/create", request(providerOrganizationId=ace_org), ivy)
    for to in ("accepted", "scheduled", "in_progress", "work_done", "unassigned", "completed", "requested", "dispatched"):
        r = await api.rpc("serviceRequest/v1/transition", {"id": made["id"], "to": to}, token=ivy.token, key=to + made["id"])
        assert (r.status_code, r.json()["error"]["code"]) == (409, "ILLEGAL_SERVICE_REQUEST_TRANSITION"), (to, r.text)
        assert r.json()["error"]["details"]["allowed"] == ["canceled"]


async def test_the_requester_declines_an_estimate_then_approves_its_revision(api) -> None:
    ace, ace_org, _ = await provider(api, "Plumbing")
    ivy, _, _ = await org_of(api, "individual")
    made = await api.call("serviceRequest/v1/create", request(title="Noisy pipes", providerOrganizationId=ace_org), ivy)
    arrived = await job(api, ace, "Noisy pipes")
    await api.call("job/v1/accept", {"id": arrived["id"]}, ace)

    async def revision(number: int) -> dict[str, Any]:
        async def there() -> Any:
            found = [e for e in (await _detail(api, ivy, made["id"]))["estimates"] if e["revision"] == number]
            return found[0] if found else None

        await until(there, what=f"revision {number} to reach the requester")
        listed = await api.gql(
            "query($id: ID!) { node(id: $id) { ... on ServiceRequest { estimates { id revision } } } }",
            {"id": made["id"]},
            token=ivy.token,
        )
        return next(e for e in listed["data"]["node"]["estimates"] if e["revision"] == number)

    async def provider_sees(number: int, wanted: str) -> dict[str, Any]:
        async def decided() -> Any:
            nodes = (await api.call("jobEstimate/v1/list", {"jobId": arrived["id"]}, ace))["nodes"]
            found = [e for e in nodes if e["revision"] == number and e["status"] == wanted]
            return found[0] if found else None

        return await until(decided, what=f"the provider to see revision {number} {wanted}")

    await api.call("job/v1/estimate", {"id": arrived["id"], "lines": LINES}, ace)
    first = await revision(1)
    decide = {"id": made["id"], "estimateId": first["id"]}
    declined = await api.call("serviceRequest/v1/decideEstimate", decide | {"approve": False, "note": "Too dear"}, ivy)
    assert declined["id"] == made["id"]
    assert (await provider_sees(1, "declined"))["decisionNote"] == "Too dear"
    # Decided once: a second decision on it is refused.
    assert await attempt(api, "serviceRequest/v1/decideEstimate", decide | {"approve": True}, ivy) == (
        409,
        "ESTIMATE_NOT_PENDING",
    )

    await api.call("job/v1/estimate", {"id": arrived["id"], "lines": LINES[:1], "note": "Labor only"}, ace)
    second = await revision(2)
    await api.call("serviceRequest/v1/decideEstimate", {"id": made["id"], "estimateId": second["id"], "approve": True}, ivy)
    await provider_sees(2, "approved")
    assert [(e["revision"], e["status"]) for e in (await _detail(api, ivy, made["id"]))["estimates"]] == [
        (1, "DECLINED"),
        (2, "APPROVED"),
    ]
    # Another request's estimate, another organization: refused.
    other = await api.call("serviceRequest/v1/create", request(title="Other", providerOrganizationId=ace_org), ivy)
    wrong = {"id": other["id"], "estimateId": second["id"], "approve": True}
    assert await attempt(api, "serviceRequest/v1/decideEstimate", wrong, ivy) == (422, "INVALID_REFERENCE")
    stranger, _, _ = await org_of(api, "individual")
    assert (await attempt(api, "serviceRequest/v1/decideEstimate", decide | {"approve": True}, stranger))[0] in (404, 422)
