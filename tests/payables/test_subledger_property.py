"""Property: whatever sequence of invoice entries, approvals, rejections and
payments (partial, in full, or a cent too much) happens, every answer is the
one a simple model predicts, every view of the books balances per fund, and
the payables subledger agrees with the general ledger account by account:
accounts payable (accrual) is what the invoices still owe per fund, expense is
what they billed (accrual) or what was paid (cash), cash is what went out."""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.payables.desk import Desk, balances, every, new_vendor, open_desk

CENT = Decimal("0.01")
ACCOUNTS = [("5100", "OPER"), ("5300", "OPER"), ("6000", "RESV")]
THRESHOLD = Decimal("300.00")
PAYABLE = {"OPER": "2000", "RESV": "2010"}
CASH = {"OPER": "1010", "RESV": "1020"}
# One association for all examples (a fresh one each would cost a second per
# example): the books are checked against every invoice entered so far.
_desk: dict[str, Any] = {}


# Each invoice's story: its lines, then what happens to it (mostly approvals and
# payments of a quarter, half, three quarters or all of what is open, or a cent
# too much); the stories are interleaved step by step.
stories = st.lists(
    st.tuples(
        st.lists(st.tuples(st.sampled_from(ACCOUNTS), st.integers(1, 50_000)), min_size=1, max_size=3),
        st.lists(st.sampled_from(["approve", "approve", "reject", "pay:1", "pay:2", "pay:3", "pay:4", "pay:5"]), max_size=6),
    ),
    min_size=1,
    max_size=4,
)


class Model:
    """What each invoice should be after each step, to predict every answer."""

    def __init__(self) -> None:
        self.invoices: list[dict[str, Any]] = []

    def decide(self, i: dict[str, Any], approve: bool) -> str | None:
        if i["status"] not in ("awaiting_manager", "awaiting_board"):
            return "INVOICE_NOT_PENDING"
        if not approve:
            i["status"] = "rejected"
        elif i["status"] == "awaiting_manager" and i["total"] > THRESHOLD:
            i["status"] = "awaiting_board"
        else:
            i["status"] = "approved"
        return None

    def pay(self, i: dict[str, Any], amount: Decimal) -> str | None:
        if i["status"] == "paid" or (i["status"] == "approved" and amount > i["total"] - i["paid"]):
            return "OVERPAYMENT"
        if i["status"] != "approved":
            return "INVOICE_NOT_APPROVED"
        i["paid"] += amount
        i["status"] = "paid" if i["paid"] == i["total"] else "approved"
        return None


async def _run(api: Any, d: Desk, vendor: str, plan: list[tuple[Any, ...]]) -> Model:
    model = Model()
    for number, (lines, _) in enumerate(plan):
        body = d.invoice(
            f"P-{number}-{uuid.uuid4().hex[:6]}",
            vendorId=vendor,
            acknowledgePossibleDuplicate=True,
            lines=[d.line(account, str(Decimal(cents) * CENT), fund) for (account, fund), cents in lines],
        )
        created = await api.call("invoice/v1/create", body, d.admin)
        model.invoices.append(
            {
                "id": created["id"],
                "total": Decimal(created["total"]),
                "paid": Decimal(0),
                "status": created["status"],
                "lines": [(account, fund, Decimal(cents) * CENT) for (account, fund), cents in lines],
            }
        )
        _desk["invoices"].append(model.invoices[-1])  # tracked from the moment it is in the books
    rounds = max(len(actions) for _, actions in plan)
    for n in range(rounds):
        for invoice, (_, actions) in zip(model.invoices, plan, strict=True):
            if n < len(actions):
                await _step(api, d, model, invoice, actions[n])
    return model


async def _step(api: Any, d: Desk, model: Model, invoice: dict[str, Any], action: str) -> None:
    if action.startswith("pay:"):
        quarters = int(action[4:])
        open_amount = invoice["total"] - invoice["paid"]
        amount = max((open_amount * quarters / 4).quantize(CENT), CENT) if quarters < 5 else open_amount + CENT
        expected = model.pay(invoice, amount)
        body = {"invoiceId": invoice["id"], "paidOn": "2026-03-20", "amount": str(amount), "method": "ach"}
        r = await api.rpc("vendorPayment/v1/create", body, token=d.admin.token, key=uuid.uuid4().hex)
    else:
        # The pending step's deciders: the manager, then the board.
        decider = d.board if invoice["status"] == "awaiting_board" else d.manager
        expected = model.decide(invoice, action == "approve")
        body = {"id": invoice["id"]} | ({"reason": "no"} if action == "reject" else {})
        r = await api.rpc(f"invoice/v1/{action}", body, token=decider.token, key=uuid.uuid4().hex)
    got = None if r.status_code == 200 else r.json()["error"]["code"]
    assert got == expected, (action, invoice, r.text)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=stories)
async def test_subledger_agrees_with_the_ledger(api, plan) -> None:
    if "d" not in _desk:
        _desk["d"], _desk["invoices"] = await open_desk(api, threshold=str(THRESHOLD)), []
    d = _desk["d"]
    model = await _run(api, d, await new_vendor(api, d.admin), plan)

    assert await balances(api, d) == expected_books(_desk["invoices"])  # balances() also checks each view per fund
    listed = await every(api, "invoice/v1/list", {"associationId": d.association}, d.admin)
    found = {i["id"]: (i["status"], Decimal(i["amountPaid"])) for i in listed}
    assert all(found[i["id"]] == (i["status"], i["paid"]) for i in model.invoices), (found, model.invoices)


def expected_books(invoices: list[dict[str, Any]]) -> dict[str, dict[tuple[str, str], Decimal]]:
    """What each view should hold per (account, fund), from the invoices alone.
    Payments pay the lines in order: of each line, what the amount paid beyond
    the lines before it covers."""
    views: dict[str, dict[tuple[str, str], Decimal]] = {"accrual": defaultdict(Decimal), "cash": defaultdict(Decimal)}
    for invoice in invoices:
        if invoice["status"] == "rejected":
            continue
        before = Decimal(0)
        for account, fund, amount in invoice["lines"]:
            covered = min(amount, max(Decimal(0), invoice["paid"] - before))
            before += amount
            views["accrual"][(account, fund)] += amount  # the expense, when billed
            views["accrual"][(PAYABLE[fund], fund)] -= amount - covered  # still owed
            views["cash"][(account, fund)] += covered  # the expense, when paid
            for view in views.values():
                view[(CASH[fund], fund)] -= covered
    return {name: {k: v for k, v in view.items() if v} for name, view in views.items()}
