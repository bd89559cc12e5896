"""The approval workflow end to end: the manager approves every invoice, the
board those above the threshold; Cerbos decides who may decide each step; a
rejection reverses the posting; a long-running workflow follows each invoice."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from tests.associations.community import ASSOCIATION
from tests.payables.desk import (
    balances,
    code,
    enter,
    entries,
    member,
    open_desk,
    wait_workflow,
)


async def test_below_the_threshold_the_manager_alone_approves(api) -> None:
    d = await open_desk(api, threshold="1000.00")
    invoice = await enter(api, d, lines=[d.line(amount="1000.00")])  # at the threshold, not above it
    assert invoice["boardApprovalRequired"] is False
    await wait_workflow(api, d.admin, invoice["workflowId"], "PENDING")
    approved = await api.call("invoice/v1/approve", {"id": invoice["id"], "note": "Work inspected"}, d.manager)
    assert approved["status"] == "approved"
    assert [(a["step"], a["decision"], a["note"]) for a in approved["approvals"]] == [("manager", "approved", "Work inspected")]
    await wait_workflow(api, d.admin, invoice["workflowId"], "SUCCESS")
    r = await api.rpc("invoice/v1/approve", {"id": invoice["id"]}, token=d.board.token, key="late")
    assert code(r) == (409, "INVOICE_NOT_PENDING")


async def test_above_the_threshold_the_board_approves_after_the_manager(api) -> None:
    d = await open_desk(api, threshold="1000.00")
    invoice = await enter(api, d, lines=[d.line(amount="1000.01")])
    assert (invoice["boardApprovalRequired"], invoice["status"]) == (True, "awaiting_manager")
    # Each step has its deciders: the board can't take the manager's step, nor the manager the board's.
    r = await api.rpc("invoice/v1/approve", {"id": invoice["id"]}, token=d.board.token, key="board-first")
    assert code(r) == (403, "FORBIDDEN")
    auditor = await member(api, d.admin, d.b.c.org, ["auditor"])
    r = await api.rpc("invoice/v1/approve", {"id": invoice["id"]}, token=auditor.token, key="auditor")
    assert code(r) == (403, "FORBIDDEN")
    step = await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.manager)
    assert step["status"] == "awaiting_board"
    r = await api.rpc("invoice/v1/approve", {"id": invoice["id"]}, token=d.manager.token, key="manager-again")
    assert code(r) == (403, "FORBIDDEN")
    r = await api.rpc(
        "vendorPayment/v1/create",
        {"invoiceId": invoice["id"], "paidOn": "2026-03-10", "amount": "1.00", "method": "check"},
        token=d.admin.token,
        key="too-early",
    )
    assert code(r) == (422, "INVOICE_NOT_APPROVED")
    await wait_workflow(api, d.admin, invoice["workflowId"], "PENDING")
    approved = await api.call("invoice/v1/approve", {"id": invoice["id"], "note": "Board meeting 2026-03-10"}, d.board)
    assert approved["status"] == "approved"
    assert [(a["step"], a["decision"]) for a in approved["approvals"]] == [("manager", "approved"), ("board", "approved")]
    await wait_workflow(api, d.admin, invoice["workflowId"], "SUCCESS")


async def test_one_person_never_approves_both_steps(api) -> None:
    d = await open_desk(api, threshold="0")
    both = await member(api, d.admin, d.b.c.org, ["manager", "board_member"])
    invoice = await enter(api, d)
    await api.call("invoice/v1/approve", {"id": invoice["id"]}, both)
    r = await api.rpc("invoice/v1/approve", {"id": invoice["id"]}, token=both.token, key="second-hat")
    assert code(r) == (422, "SAME_APPROVER")
    assert (await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.board))["status"] == "approved"


@pytest.mark.parametrize("step", ["manager", "board"])
async def test_a_rejection_reverses_the_posting(api, step) -> None:
    d = await open_desk(api, threshold="0")
    invoice = await enter(api, d, lines=[d.line("5300", "480.00")])
    decider = d.manager
    if step == "board":
        await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.manager)
        decider = d.board
    rejected = await api.call("invoice/v1/reject", {"id": invoice["id"], "reason": "Work not done"}, decider)
    assert rejected["status"] == "rejected" and rejected["approvals"][-1] == rejected["approvals"][-1] | {
        "step": step,
        "decision": "rejected",
        "note": "Work not done",
    }
    [reversal] = await entries(api, d, "reversal")
    assert reversal["reversesEntryId"] == invoice["journalEntryId"]
    assert (await balances(api, d)) == {"accrual": {}, "cash": {}}
    await wait_workflow(api, d.admin, invoice["workflowId"], "SUCCESS")
    for name, body in (
        ("invoice/v1/approve", {"id": invoice["id"]}),
        ("invoice/v1/reject", {"id": invoice["id"], "reason": "x"}),
    ):
        r = await api.rpc(name, body, token=d.manager.token, key=uuid.uuid4().hex)
        assert code(r) == (409, "INVOICE_NOT_PENDING")


async def test_the_board_sets_the_threshold_for_invoices_entered_afterwards(api) -> None:
    d = await open_desk(api, threshold="1000.00")
    before = await enter(api, d, lines=[d.line(amount="2000.00")])
    r = await api.rpc(
        "payablesSettings/v1/set",
        {"associationId": d.association, "boardApprovalThreshold": "5000.00"},
        token=d.manager.token,
        key="manager",
    )
    assert code(r) == (403, "FORBIDDEN")
    settings = await api.call(
        "payablesSettings/v1/set", {"associationId": d.association, "boardApprovalThreshold": "5000.00"}, d.board
    )
    assert Decimal(settings["boardApprovalThreshold"]) == Decimal("5000.00") and settings["updatedAt"]
    after = await enter(api, d, lines=[d.line(amount="2000.00")], invoiceDate="2026-03-05")
    assert (before["boardApprovalRequired"], after["boardApprovalRequired"]) == (True, False)
    current = await api.call("payablesSettings/v1/get", {"associationId": d.association}, d.manager)
    assert current["boardApprovalThreshold"] == "5000.00"
    # Never set: every invoice goes to the board.
    other = await api.call("association/v1/create", ASSOCIATION | {"code": "NEW"}, d.admin)
    unset = await api.call("payablesSettings/v1/get", {"associationId": other["id"]}, d.admin)
    assert (unset["boardApprovalThreshold"], unset["updatedAt"]) == ("0.00", None)
    r = await api.rpc(
        "payablesSettings/v1/set",
        {"associationId": d.association, "boardApprovalThreshold": "-1"},
        token=d.board.token,
        key="neg",
    )
    assert code(r) == (400, "VALIDATION_FAILED")


@pytest.fixture
def quick_reminders(platform):
    before = platform.settings.invoice_approval_reminder_seconds
    platform.settings.invoice_approval_reminder_seconds = 0.3
    yield
    platform.settings.invoice_approval_reminder_seconds = before


async def test_a_waiting_step_gets_reminders_until_decided(api, quick_reminders) -> None:
    import asyncio

    d = await open_desk(api)
    invoice = await enter(api, d)
    query = '{ auditEvents(first: 10, operation: "invoice/approvalOverdue") { nodes { actorKind targetIds summary } } }'
    for _ in range(100):
        reminders = (await api.gql(query, token=d.admin.token))["data"]["auditEvents"]["nodes"]
        if reminders:
            break
        await asyncio.sleep(0.05)
    assert reminders[0]["actorKind"] == "workflow" and invoice["id"] in reminders[0]["targetIds"]
    assert reminders[0]["summary"]["status"] == "awaiting_manager"
    await api.call("invoice/v1/approve", {"id": invoice["id"]}, d.manager)
    await wait_workflow(api, d.admin, invoice["workflowId"], "SUCCESS")
