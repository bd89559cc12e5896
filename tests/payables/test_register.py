"""The AP register: invoices of a date range with what was paid and still open
at its end, computed in one statement."""

from __future__ import annotations

from tests.payables.desk import approved, code, enter, new_vendor, open_desk


async def test_register_shows_paid_and_open_as_of_the_range_end(api, statements) -> None:
    d = await open_desk(api)
    acme = await new_vendor(api, d.admin, name="Acme Pools")
    mowing = await approved(api, d, number="M-1", lines=[d.line(amount="400.00")], invoiceDate="2026-03-02", dueDate="2026-04-01")
    pool = await approved(
        api, d, number="P-1", vendorId=acme, lines=[d.line("5300", "250.00")], invoiceDate="2026-03-15", dueDate="2026-03-30"
    )
    waiting = await enter(api, d, number="M-2", lines=[d.line(amount="120.00")], invoiceDate="2026-03-20", dueDate="2026-04-20")
    rejected = await enter(api, d, number="M-3", lines=[d.line(amount="999.00")], invoiceDate="2026-03-21", dueDate="2026-04-21")
    await api.call("invoice/v1/reject", {"id": rejected["id"], "reason": "Not ours"}, d.manager)
    await enter(api, d, number="M-4", invoiceDate="2026-04-02", dueDate="2026-05-01")  # April: outside
    payment = {"method": "ach", "reference": "x"}
    await api.call(
        "vendorPayment/v1/create", payment | {"invoiceId": mowing["id"], "paidOn": "2026-03-25", "amount": "150.00"}, d.admin
    )
    await api.call(
        "vendorPayment/v1/create", payment | {"invoiceId": mowing["id"], "paidOn": "2026-04-05", "amount": "250.00"}, d.admin
    )
    await api.call(
        "vendorPayment/v1/create", payment | {"invoiceId": pool["id"], "paidOn": "2026-03-31", "amount": "250.00"}, d.admin
    )

    march = {"associationId": d.association, "fromDate": "2026-03-01", "toDate": "2026-03-31"}
    statements.clear()
    register = await api.call("apRegister/v1/get", march, d.admin)
    assert sum("invoices" in s and "vendor_payments" in s for s in statements) == 1  # one statement computes it
    rows = [(r["invoiceNumber"], r["vendorName"], r["status"], r["total"], r["paid"], r["open"]) for r in register["rows"]]
    vendor_name = rows[0][1]
    assert rows == [
        ("M-1", vendor_name, "paid", "400.00", "150.00", "250.00"),  # paid in full in April, not by March 31
        ("P-1", "Acme Pools", "paid", "250.00", "250.00", "0.00"),
        ("M-2", vendor_name, "awaiting_manager", "120.00", "0.00", "120.00"),
    ]
    assert (register["total"], register["paid"], register["open"]) == ("770.00", "400.00", "370.00")
    assert register["rows"][1]["dueDate"] == "2026-03-30" and register["rows"][2]["invoiceId"] == waiting["id"]

    with_rejected = await api.call("apRegister/v1/get", march | {"includeRejected": True}, d.admin)
    assert [(r["invoiceNumber"], r["open"]) for r in with_rejected["rows"]][-1] == ("M-3", "0.00")
    assert with_rejected["total"] == "770.00"
    only_acme = await api.call("apRegister/v1/get", march | {"vendorId": acme}, d.admin)
    assert [r["invoiceNumber"] for r in only_acme["rows"]] == ["P-1"]
    empty = await api.call("apRegister/v1/get", march | {"fromDate": "2025-01-01", "toDate": "2025-01-31"}, d.admin)
    assert (empty["rows"], empty["total"], empty["open"]) == ([], "0.00", "0.00")

    body = await api.gql(
        """query($a: ID!) { apRegister(associationId: $a, fromDate: "2026-03-01", toDate: "2026-03-31") {
             open rows { invoiceNumber open invoice { vendor { name } approvals { step } } } } }""",
        {"a": d.association},
        token=d.admin.token,
    )
    assert body["data"]["apRegister"]["rows"][1]["invoice"] == {
        "vendor": {"name": "Acme Pools"},
        "approvals": [{"step": "MANAGER"}],
    }

    for bad, expected in (({"toDate": "2026-02-01"}, "INVALID_DATES"), ({"toDate": "2027-03-02"}, "REPORT_RANGE_TOO_LONG")):
        r = await api.rpc("apRegister/v1/get", march | bad, token=d.admin.token)
        assert code(r) == (422, expected)
