"""A list of service requests with their transitions, dispatches and the
providers' estimates (with lines) costs the same number of statements for 2
requests as for 20."""

from __future__ import annotations

from tests.service_requests.world import job, org_of, provider, request
from tests.work_orders.site import until

QUERY = """{ serviceRequests(first: 50) { nodes { title status documents { id }
    transitions { toStatus } dispatches { providerName status }
    estimates { total lines { amount } } } } }"""


async def test_statement_count_is_flat_from_2_to_20_requests(api, statements) -> None:
    ace, ace_org, _ = await provider(api)
    ivy, _, _ = await org_of(api, "individual")
    counts = {}
    made = 0
    for total in (2, 20):
        while made < total:
            title = f"Repair {made}"
            await api.call("serviceRequest/v1/create", request(title=title, providerOrganizationId=ace_org), ivy)
            arrived = await job(api, ace, title)
            lines = [{"description": "Labor", "quantity": "1", "unitPrice": "80.00"}]
            await api.call("job/v1/estimate", {"id": arrived["id"], "lines": lines}, ace)
            made += 1

        async def all_estimated() -> bool:
            nodes = (await api.gql(QUERY, token=ivy.token))["data"]["serviceRequests"]["nodes"]
            return len(nodes) == total and all(n["estimates"] for n in nodes)  # noqa: B023 - read at once

        await until(all_estimated, what="every estimate to reach the requester")
        statements.clear()
        body = await api.gql(QUERY, token=ivy.token)
        nodes = body["data"]["serviceRequests"]["nodes"]
        assert all(n["estimates"][0]["lines"] == [{"amount": "80.00"}] and n["dispatches"][0]["status"] == "SENT" for n in nodes)
        counts[total] = len(statements)
    assert counts[2] == counts[20], counts
