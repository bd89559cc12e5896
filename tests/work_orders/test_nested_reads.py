"""A list of work orders with everything a dashboard shows costs the same number
of statements for 2 work orders as for 20, on both read paths; what a manager's
morning list asks compiles to one statement."""

from __future__ import annotations

from tests.work_orders.site import move, open_site

QUERY = """query($a: ID!) { workOrders(associationId: $a, first: 50) { nodes {
    title status escalated unit { unitNumber } association { code } category { name parent { name } }
    requesterParty { name } vendor { name } lastTransition { toStatus createdAt }
    transitions { toStatus } comments { body } notices { event } } } }"""
# Without comments and notices (read by hand-written loaders): every field declared.
MORNING = """query($a: ID!) { workOrders(associationId: $a, first: 50) { nodes {
    title status escalated unit { unitNumber } association { code } category { name parent { name } }
    requesterParty { name } vendor { name } lastTransition { toStatus createdAt } transitions { toStatus } } } }"""


async def test_statement_count_is_flat_from_2_to_20_work_orders(api, statements, read_path) -> None:
    s = await open_site(api, units=2)
    vendor = (await api.call("vendor/v1/create", {"name": "Ace Plumbing", "is1099": False}, s.admin))["id"]
    await api.call("workOrderCategory/v1/installDefaults", {"associationId": s.association}, s.admin)
    problem = (await api.call("workOrderCategory/v1/list", {"associationId": s.association, "level": "problem"}, s.admin))[
        "nodes"
    ][0]["id"]
    made = 0
    counts: dict[tuple[object, ...], int] = {}
    for total in (2, 20):
        while made < total:
            caller, unit = ((s.owner, 0), (s.tenant, 1), (s.manager, None))[made % 3]
            wo = await api.call("workOrder/v1/create", s.request(unit, categoryId=problem), caller)
            await move(api, s.manager, wo["id"], "review")
            await move(api, s.manager, wo["id"], "vendor_chosen", vendorId=vendor)
            await api.call(
                "workOrderComment/v1/create", {"workOrderId": wo["id"], "body": "Booked", "visibility": "requester"}, s.manager
            )
            await move(api, s.manager, wo["id"], "assigned")
            made += 1
        for who in (s.manager, s.owner):
            statements.clear()
            body = await api.gql(QUERY, {"a": s.association}, token=who.token)
            nodes = body["data"]["workOrders"]["nodes"]
            if who is s.manager:
                assert len(nodes) == total, body
                assert all(
                    n["vendor"] == {"name": "Ace Plumbing"} and n["lastTransition"]["toStatus"] == "ASSIGNED" for n in nodes
                )
            else:
                # The owner sees theirs, without the vendor record (vendors are the staff's).
                assert nodes and all(n["vendor"] is None for n in nodes), body
            counts[(who.email, total)] = len(statements)
            statements.clear()
            morning = (await api.gql(MORNING, {"a": s.association}, token=who.token))["data"]["workOrders"]["nodes"]
            assert [n["lastTransition"] for n in morning] == [n["lastTransition"] for n in nodes]
            assert [(n["vendor"], n["requesterParty"]) for n in morning] == [(n["vendor"], n["requesterParty"]) for n in nodes]
            counts[(who.email, total, "morning")] = len(statements)
    assert counts[(s.manager.email, 2)] == counts[(s.manager.email, 20)], counts
    assert counts[(s.owner.email, 2)] == counts[(s.owner.email, 20)], counts
    for who in (s.manager, s.owner):
        morning = {counts[(who.email, total, "morning")] for total in (2, 20)}
        # Compiled: the scope, the named association's check, the page with every relation.
        assert morning == ({3} if read_path == "compiled" else {counts[(who.email, 2)] - 2}), counts
