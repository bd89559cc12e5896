"""Two tenants with a row in every tenant table, written as the application role."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from graph.db import create_engine, scoped_transaction, session_factory


@pytest.fixture(scope="session")
async def app_sessions(settings, database) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(settings.app_url(), settings, pool_size=4)
    yield session_factory(engine)
    await engine.dispose()


@dataclass
class Tenant:
    org: uuid.UUID
    user: uuid.UUID
    membership: uuid.UUID


async def new_user(sessions: async_sessionmaker[AsyncSession]) -> uuid.UUID:
    user = uuid.uuid4()
    async with scoped_transaction(sessions, None, user) as s:
        await s.execute(
            text("INSERT INTO users (id, email, display_name, password_hash) VALUES (:id, :e, 'T', 'x')"),
            {"id": user, "e": f"{user}@example.org"},
        )
    return user


async def new_org(sessions: async_sessionmaker[AsyncSession], kind: str = "association") -> Tenant:
    user = await new_user(sessions)
    org, membership = uuid.uuid4(), uuid.uuid4()
    async with scoped_transaction(sessions, org, user) as s:
        await s.execute(text("INSERT INTO organizations (id, type, name) VALUES (:id, :t, 'Org')"), {"id": org, "t": kind})
        await s.execute(
            text("INSERT INTO memberships (id, organization_id, user_id, roles) VALUES (:id, :o, :u, ARRAY['admin'])"),
            {"id": membership, "o": org, "u": user},
        )
    return Tenant(org, user, membership)


# One factory per tenant table: the values of a fresh row in `tenant`. A tenant
# table without a factory fails test_every_tenant_table_has_a_factory. A child
# row's factory writes its parents first (`parent`), in the same tenant.
Factory = Callable[[async_sessionmaker[AsyncSession], Tenant, dict[str, Any]], Awaitable[dict[str, Any]]]


async def _membership(sessions, tenant, shared):
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "user_id": await new_user(sessions), "roles": ["member"]}


async def _management_link(sessions, tenant, shared):
    manager = await new_org(sessions, "management_company")
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "manager_organization_id": manager.org}


async def _service_account(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "name": "sa",
        "roles": ["integration"],
        "key_hash": "0" * 64,
        "key_hint": "abcd",
        "created_by_membership_id": tenant.membership,
    }


async def _audit_event(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "actor_kind": "user",
        "actor_id": tenant.user,
        "operation": "test/v1/x",
        "target_ids": [],
        "summary": json.dumps({}),
    }


async def _idempotency_key(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "principal": f"user:{tenant.user}",
        "operation": "test/v1/x",
        "key": uuid.uuid4().hex,
        "fingerprint": "f" * 64,
        "workflow_id": "wf",
    }


async def _join_request(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "user_id": await new_user(sessions),
        "message": "let me in",
        "status": "pending",
        "workflow_id": uuid.uuid4().hex,
    }


async def _workflow_run(sessions, tenant, shared):
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "workflow_id": uuid.uuid4().hex, "name": "wf"}


async def _association(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "code": f"T{uuid.uuid4().hex[:8]}",
        "legal_name": "HOA Inc.",
        "kind": "hoa",
        "status": "active",
        "region": "CA",
        "country": "US",
        "fiscal_year_start_month": 1,
        "accounting_basis": "cash",
    }


async def _unit(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_number": uuid.uuid4().hex[:8],
        "unit_type": "condo",
        "status": "active",
        "street": "1 Main St",
        "city": "Springfield",
        "region": "CA",
        "postal_code": "90000",
        "country": "US",
        "voting_weight": Decimal("0.01"),
        "assessment_share": Decimal("0.01"),
    }


async def _emergency_contact(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "name": "Neighbor",
        "phone": "+14155550123",
        "priority": 1,
    }


async def _party(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "kind": "person",
        "name": "Jane Doe",
        "delivery_preference": "postal",
    }


async def _contact_point(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "kind": "email",
        "value": "jane@example.org",
        "is_primary": True,
    }


async def _ownership(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "interest": Decimal("0.5"),
        "starts_on": date(2020, 1, 1),
        "is_primary": True,
    }


async def _resident(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "kind": "owner",
        "moved_in_on": date(2020, 1, 1),
    }


# Rows that must go in beside a row, in its transaction, for the deferred
# constraints to hold at commit (a journal entry needs balanced lines).
COMPANIONS: dict[uuid.UUID, list[tuple[str, dict[str, Any]]]] = {}


def _n() -> int:
    return uuid.uuid4().int


async def _fund(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "code": f"F{_n() % 10**8}",
        "name": "Operating",
        "kind": "operating",
    }


async def _gl_account(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "number": f"1{_n() % 10**5:05d}",
        "name": "Cash",
        "type": "asset",
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "is_active": True,
    }


async def _fiscal_period_close(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "month": date(1900 + _n() % 1000, 1 + _n() % 12, 1),
        "closed_by": tenant.user,
    }


async def _line(sessions, tenant, shared, entry_id, side: str, entry_date: date) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "entry_id": entry_id,
        "line_no": 1 + _n() % 1000,
        "entry_date": entry_date,
        "account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "debit": Decimal("1.00") if side == "debit" else Decimal(0),
        "credit": Decimal("1.00") if side == "credit" else Decimal(0),
        "basis": "both",
    }


async def _journal_entry(sessions, tenant, shared):
    row = {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "entry_date": date(2026, 1, 15),
        "memo": "test",
        "source": "manual",
    }
    COMPANIONS[row["id"]] = [
        ("journal_lines", await _line(sessions, tenant, shared, row["id"], side, row["entry_date"]))
        for side in ("debit", "credit")
    ]
    return row


async def _journal_line(sessions, tenant, shared):
    entry = await parent(sessions, tenant, shared, "journal_entries")
    row = await _line(sessions, tenant, shared, entry, "debit", date(2026, 1, 15))
    COMPANIONS[row["id"]] = [("journal_lines", await _line(sessions, tenant, shared, entry, "credit", date(2026, 1, 15)))]
    return row


async def _fiscal_year_close(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "fiscal_year": 1900 + _n() % 1000,
        "entry_id": await parent(sessions, tenant, shared, "journal_entries"),
        "closed_by": tenant.user,
    }


async def _recurring_entry(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "memo": "accrual",
        "day_of_month": 1,
        "starts_on": date(2026, 1, 1),
        "auto_reverse": False,
        "status": "active",
        "created_by": tenant.user,
    }


async def _recurring_entry_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "recurring_entry_id": await parent(sessions, tenant, shared, "recurring_entries"),
        "line_no": 1 + _n() % 1000,
        "account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "debit": Decimal("1.00"),
        "credit": Decimal(0),
    }


async def _recurring_entry_occurrence(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "recurring_entry_id": await parent(sessions, tenant, shared, "recurring_entries"),
        "period": date(1900 + _n() % 1000, 1 + _n() % 12, 1),
        "status": "posted",
        "entry_id": await parent(sessions, tenant, shared, "journal_entries"),
    }


async def _budget_amount(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "fiscal_year": 2000 + _n() % 100,
        "period": 1,
        "account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "amount": Decimal("100.00"),
    }


async def _assessment_schedule(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "name": "Regular",
        "kind": "regular",
        "frequency": "monthly",
        "method": "fixed",
        "amount": Decimal("10.00"),
        "income_account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "starts_on": date(2026, 1, 1),
        "due_day": 1,
        "is_active": True,
    }


async def _levy(sessions, tenant, shared):
    month = date(1900 + _n() % 1000, 1 + _n() % 12, 1)
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "schedule_id": await parent(sessions, tenant, shared, "assessment_schedules"),
        "period": month,
        "due_date": month,
        "total": Decimal("10.00"),
        "unit_count": 1,
        "remainder_cents": 0,
        "workflow_id": uuid.uuid4().hex,
        "created_by": tenant.user,
    }


async def _late_fee_rule(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "grace_days": 10,
        "method": "flat",
        "amount": Decimal("25.00"),
        "is_active": True,
    }


async def _control(sessions, tenant, shared, role: str) -> uuid.UUID:
    """The association's receivable or prepaid account in the shared fund."""
    key = f"control:{role}"
    if key not in shared:
        number = "1200" if role == "accounts_receivable" else "2100"
        row = {
            "id": uuid.uuid4(),
            "organization_id": tenant.org,
            "association_id": await parent(sessions, tenant, shared, "associations"),
            "number": number,
            "name": role,
            "type": "asset" if number == "1200" else "liability",
            "fund_id": await parent(sessions, tenant, shared, "funds"),
            "control": role,
            "is_active": True,
        }
        async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
            await s.execute(
                text(
                    "INSERT INTO gl_accounts "
                    "(id, organization_id, association_id, number, name, type, fund_id, control, is_active) "
                    "VALUES (:id, :organization_id, :association_id, :number, :name, CAST(:type AS account_type), :fund_id, "
                    "CAST(:control AS control_role), :is_active)"
                ),
                row,
            )
        shared[key] = row["id"]
    return shared[key]


async def _booked_by(
    sessions, tenant, shared, row_id, on: date, lines: list[tuple[uuid.UUID, str, str, uuid.UUID | str]]
) -> uuid.UUID:
    """A journal entry written beside row `row_id`, with (account, debit|credit, basis, unit|'') lines of 1.00."""
    association, fund = await parent(sessions, tenant, shared, "associations"), await parent(sessions, tenant, shared, "funds")
    entry = {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": association,
        "entry_date": on,
        "memo": "t",
        "source": "credit",
    }
    companions: list[tuple[str, dict[str, Any]]] = [("journal_entries", entry)]
    for n, (account, side, basis, unit) in enumerate(lines, start=1):
        companions.append(
            (
                "journal_lines",
                {
                    "id": uuid.uuid4(),
                    "organization_id": tenant.org,
                    "association_id": association,
                    "entry_id": entry["id"],
                    "line_no": n,
                    "entry_date": on,
                    "account_id": account,
                    "fund_id": fund,
                    "debit": Decimal("1.00") if side == "debit" else Decimal(0),
                    "credit": Decimal("1.00") if side == "credit" else Decimal(0),
                    "basis": basis,
                    "unit_id": unit or None,
                },
            )
        )
    COMPANIONS[row_id] = companions
    return entry["id"]


async def _ledger_row(sessions, tenant, shared, kind: str) -> dict[str, Any]:
    """A 1.00 adjustment (receivable) or credit (prepaid) and the entry booking it."""
    unit, income = await parent(sessions, tenant, shared, "units"), await parent(sessions, tenant, shared, "gl_accounts")
    on = date(2026, 1, 15)
    row = {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": unit,
        "kind": kind,
        "entry_date": on,
        "due_date": on if kind == "adjustment" else None,
        "amount": Decimal("1.00") if kind == "adjustment" else Decimal("-1.00"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "account_id": income,
        "memo": "t",
    }
    lines: list[tuple[uuid.UUID, str, str, uuid.UUID | str]]
    if kind == "adjustment":
        lines = [
            (await _control(sessions, tenant, shared, "accounts_receivable"), "debit", "accrual", unit),
            (income, "credit", "accrual", ""),
        ]
    else:
        lines = [
            (income, "debit", "both", ""),
            (await _control(sessions, tenant, shared, "prepaid_assessments"), "credit", "both", unit),
        ]
    row["journal_entry_id"] = await _booked_by(sessions, tenant, shared, row["id"], on, lines)
    return row


async def _owner_ledger_entry(sessions, tenant, shared):
    return await _ledger_row(sessions, tenant, shared, "adjustment")


async def _owner_ledger_allocation(sessions, tenant, shared):
    """1.00 of a credit applied to a charge of the same unit."""
    charge = await parent(sessions, tenant, shared, "owner_ledger_entries")
    if "lot" not in shared:
        lot = await _ledger_row(sessions, tenant, shared, "credit")
        async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
            await s.execute(insert_sql("owner_ledger_entries", lot), lot)
            await complete(s, lot)
        shared["lot"] = lot["id"]
    unit, income, on = shared["units"], shared["gl_accounts"], date(2026, 1, 20)
    row = {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": shared["associations"],
        "unit_id": unit,
        "credit_entry_id": shared["lot"],
        "charge_entry_id": charge,
        "amount": Decimal("1.00"),
        "applied_on": on,
    }
    lines = [
        (await _control(sessions, tenant, shared, "prepaid_assessments"), "debit", "both", unit),
        (await _control(sessions, tenant, shared, "accounts_receivable"), "credit", "accrual", unit),
        (income, "credit", "cash", unit),
    ]
    row["journal_entry_id"] = await _booked_by(sessions, tenant, shared, row["id"], on, lines)
    return row


async def _vendor(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "name": "Evergreen Landscaping",
        "tax_id": "12-3456789",
        "tax_id_kind": "ein",
        "is_1099": True,
        "payment_hold": True,
        "hold_reason": "new",
    }


async def _insurance_certificate(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "vendor_id": await parent(sessions, tenant, shared, "vendors"),
        "kind": "general_liability",
        "carrier": "Acme Mutual",
        "policy_number": "GL-1",
        "coverage_amount": Decimal("1000000.00"),
        "effective_on": date(2026, 1, 1),
        "expires_on": date(2026, 12, 31),
    }


async def _payables_settings(sessions, tenant, shared):
    # One row per association: a fresh association each time.
    association = (await insert(sessions, tenant, "associations"))["id"]
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": association,
        "board_approval_threshold": Decimal("5000.00"),
        "updated_by": tenant.user,
    }


async def _jurisdiction_rule_override(sessions, tenant, shared):
    # One row per (association, key): a fresh association each time.
    association = (await insert(sessions, tenant, "associations"))["id"]
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": association,
        "key": "hearing_notice_days",
        "kind": "days",
        "days": 21,
        "document_reference": "CC&Rs §7.3",
        "updated_by": tenant.user,
    }


async def _reserve_component(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "category": "Roofing",
        "name": "Roof",
        "quantity": Decimal("1.00"),
        "unit": "lump sum",
        "unit_cost": Decimal("100000.00"),
        "useful_life_years": 25,
        "remaining_life_years": 5,
        "remaining_life_as_of": date(2026, 1, 1),
        "association_responsibility": True,
        "limited_useful_life": True,
        "predictable_remaining_life": True,
        "above_threshold": True,
        "updated_by": tenant.user,
    }


async def _expense_account(sessions, tenant, shared) -> uuid.UUID:
    if "expense_account" not in shared:
        row = {
            "id": uuid.uuid4(),
            "organization_id": tenant.org,
            "association_id": await parent(sessions, tenant, shared, "associations"),
            "number": f"6{_n() % 10**5:05d}",
            "name": "Roof Replacement",
            "type": "expense",
            "is_active": True,
        }
        async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
            await s.execute(insert_sql("gl_accounts", row), row)
        shared["expense_account"] = row["id"]
    return shared["expense_account"]


async def _reserve_component_account(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "component_id": (await insert(sessions, tenant, "reserve_components", shared))["id"],
        "account_id": await _expense_account(sessions, tenant, shared),
    }


async def _reserve_study(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "version": 1 + _n() % 30000,
        "study_date": date(2026, 1, 1),
        "level": "full",
        "prepared_by": "Board",
        "interest_rate": Decimal("0.0100"),
        "inflation_rate": Decimal("0.0300"),
        "horizon_years": 30,
        "starting_balance": Decimal("50000.00"),
        "current_annual_contribution": Decimal("12000.00"),
        "contribution_increase_rate": Decimal("0.0300"),
        "threshold_balance": Decimal("0.00"),
        "threshold_percent_funded": Decimal("0.0000"),
        "replacement_completion_ratio": Decimal("0.8000"),
        "created_by": tenant.user,
    }


async def _reserve_study_component(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "study_id": await parent(sessions, tenant, shared, "reserve_studies"),
        "component_id": (await insert(sessions, tenant, "reserve_components", shared))["id"],
        "category": "Roofing",
        "name": "Roof",
        "replacement_cost": Decimal("100000.00"),
        "useful_life_years": 25,
        "remaining_life_years": 5,
        "inflation_rate": Decimal("0.0300"),
        "association_responsibility": True,
        "limited_useful_life": True,
        "predictable_remaining_life": True,
        "above_threshold": True,
    }


async def _compliance_settings(sessions, tenant, shared):
    # One row per association: a fresh association each time.
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": (await insert(sessions, tenant, "associations"))["id"],
        "annual_meeting_month": 3,
        "fidelity_bond_assessment_months": 3,
        "updated_by": tenant.user,
    }


async def _compliance_task(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "requirement": "annual_meeting",
        "period_start": date(2000 + _n() % 1000, 3, 1),
        "due_on": date(2026, 3, 31),
        "assigned_role": "board_member",
        "title": "Hold the annual meeting",
        "citation": "default",
    }


async def _compliance_task_event(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "task_id": await parent(sessions, tenant, shared, "compliance_tasks"),
        "event": "created",
    }


async def _violation_rule(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "code": f"R{_n() % 10**9}",
        "title": "Lawn",
        "document_reference": "CC&Rs §7.3",
        "notice_text": "Mow the lawn.",
        "action_to_resolve": "Mow it.",
        "curable": True,
        "cure_days": 14,
        "fine_first": Decimal("100.00"),
        "repeat_window_days": 365,
        "is_active": True,
    }


async def _violation(sessions, tenant, shared):
    violation = uuid.uuid4()
    return {
        "id": violation,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "rule_id": await parent(sessions, tenant, shared, "violation_rules"),
        "status": "observed",
        "description": "Tall grass",
        "observed_on": date(2026, 1, 15),
        "is_repeat": False,
        "jurisdiction": "US-CA",
        "rules_used": json.dumps({"jurisdiction": "US-CA", "asOf": "2026-01-15", "rules": {}}),
        "workflow_id": f"violation-{violation}",
    }


async def _violation_child(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "violation_id": await parent(sessions, tenant, shared, "violations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
    }


async def _violation_observation(sessions, tenant, shared):
    return await _violation_child(sessions, tenant, shared) | {
        "observed_on": date(2026, 1, 15),
        "observed_by": tenant.user,
        "description": "Tall grass",
        "document_ids": [],
        "is_duplicate": False,
    }


async def _violation_event(sessions, tenant, shared):
    return await _violation_child(sessions, tenant, shared) | {
        "kind": "observed",
        "to_status": "observed",
        "occurred_on": date(2026, 1, 15),
        "actor_id": tenant.user,
        "details": json.dumps({}),
    }


async def _violation_fine(sessions, tenant, shared):
    return await _violation_child(sessions, tenant, shared) | {
        "kind": "first",
        "fined_on": date(2026, 1, 15) + timedelta(days=_n() % 1000),
        "amount": Decimal("1.00"),
        "owner_ledger_entry_id": await parent(sessions, tenant, shared, "owner_ledger_entries"),
    }


async def _amenity(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "name": f"Pool {_n()}",
        "kind": "pool",
        "description": "Lap pool",
        "time_zone": "UTC",
        "opens_at": time(8),
        "closes_at": time(20),
        "slot_minutes": 60,
        "capacity": 2,
        "booking_days_ahead": 30,
        "requires_approval": False,
        "fee": Decimal("10.00"),
        "deposit": Decimal("0.00"),
        "cancellation_hours": 24,
        "blocking_rule_codes": [],
        "is_active": True,
    }


async def _amenity_slot(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "amenity_id": await parent(sessions, tenant, shared, "amenities"),
        "starts_at": datetime(2026, 1, 15, 8, tzinfo=UTC) + timedelta(hours=_n() % 10000),
        "capacity": 2,
        "taken": 1,
    }


async def _amenity_booking(sessions, tenant, shared):
    booking = uuid.uuid4()
    return {
        "id": booking,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "amenity_id": await parent(sessions, tenant, shared, "amenities"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "starts_at": datetime(2026, 1, 15, 8, tzinfo=UTC),
        "ends_at": datetime(2026, 1, 15, 9, tzinfo=UTC),
        "status": "confirmed",
        "fee": Decimal("1.00"),
        "deposit": Decimal("0.00"),
        "fee_entry_id": await parent(sessions, tenant, shared, "owner_ledger_entries"),
        "requested_by": tenant.user,
        "workflow_id": f"amenity-booking-{booking}",
    }


async def _amenity_booking_transition(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "booking_id": await parent(sessions, tenant, shared, "amenity_bookings"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "to_status": "requested",
        "actor_id": tenant.user,
        "details": json.dumps({}),
    }


async def _arc_settings(sessions, tenant, shared):
    # One row per association: a fresh association each time.
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": (await insert(sessions, tenant, "associations"))["id"],
        "decision_mode": "vote",
        "votes_required": 1,
        "neighbor_acknowledgements_required": False,
        "more_info_clock": "pause",
        "inspection_required": False,
        "updated_by": tenant.user,
    }


async def _arc_request(sessions, tenant, shared):
    request = uuid.uuid4()
    return {
        "id": request,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "submitted_by": tenant.user,
        "project_type": "fence",
        "description": "Fence",
        "document_ids": [],
        "neighbor_acknowledgements": json.dumps([]),
        "status": "submitted",
        "jurisdiction": "US-CA",
        "rules_used": json.dumps({"jurisdiction": "US-CA", "asOf": "2026-01-15", "rules": {}}),
        "submitted_on": date(2026, 1, 15),
        "decision_due_by": date(2026, 3, 16),
        "deemed_approval": False,
        "review_round": 1,
        "workflow_id": f"arc-request-{request}",
    }


async def _document(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "category": "minutes",
        "title": "Minutes",
        "visibility": "owners",
        "retention_class": "permanent",
        "record_date": date(2026, 1, 15),
        "created_by": tenant.user,
    }


async def _document_version(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "document_id": await parent(sessions, tenant, shared, "documents"),
        "filename": "minutes.pdf",
        "media_type": "application/pdf",
        "size": 10,
        "sha256": "0" * 64,
        "storage_key": f"{tenant.org}/x/{uuid.uuid4()}",
        "status": "pending",
        "uploaded_by": tenant.user,
    }


async def _records_request(sessions, tenant, shared):
    request = uuid.uuid4()
    return {
        "id": request,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "requested_by": tenant.user,
        "description": "Minutes",
        "status": "open",
        "submitted_on": date(2026, 1, 15),
        "due_on": date(2026, 1, 29),
        "rules_used": json.dumps({"jurisdiction": "US-CA", "asOf": "2026-01-15", "rules": {}}),
        "document_ids": [],
        "workflow_id": f"records-request-{request}",
    }


async def _estoppel_certificate(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "jurisdiction": "US-FL",
        "form_effective_on": date(2024, 7, 1),
        "title": "Estoppel Certificate",
        "citation": "Fla. Stat. §720.30851",
        "requester_kind": "staff",
        "requested_by": tenant.user,
        "requester_name": "Management",
        "issued_on": date(2026, 1, 15),
        "valid_through": date(2026, 2, 14),
        "balance": Decimal("0.00"),
        "fee": Decimal("0.00"),
        "fee_disposition": "waived",
        "document_id": await parent(sessions, tenant, shared, "documents"),
        "figures": json.dumps({}),
    }


async def _arc_child(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "arc_request_id": await parent(sessions, tenant, shared, "arc_requests"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
    }


async def _arc_vote(sessions, tenant, shared):
    return await _arc_child(sessions, tenant, shared) | {"review_round": 1, "voter_id": uuid.uuid4(), "vote": "approve"}


async def _arc_request_event(sessions, tenant, shared):
    return await _arc_child(sessions, tenant, shared) | {
        "kind": "submitted",
        "to_status": "submitted",
        "occurred_on": date(2026, 1, 15),
        "actor_id": tenant.user,
        "details": json.dumps({}),
    }


async def _arc_deemed_approval(sessions, tenant, shared):
    # One record per request: a fresh request (in the shared association and unit) each time.
    return await _arc_child(sessions, tenant, shared) | {
        "arc_request_id": (await insert(sessions, tenant, "arc_requests", shared))["id"],
        "event_id": await parent(sessions, tenant, shared, "arc_request_events"),
        "deemed_on": date(2026, 3, 17),
        "submitted_on": date(2026, 1, 15),
        "decision_due_by": date(2026, 3, 16),
        "jurisdiction": "US-CA",
        "rules_as_of": date(2026, 1, 15),
        "deadline_rule": json.dumps({"key": "arc_decision_days", "value": 60}),
        "deemed_approval_rule": json.dumps({"key": "arc_deemed_approval", "value": True}),
        "letter": "Deemed approved.",
    }


async def _invoice_line_row(sessions, tenant, shared, invoice_id) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "invoice_id": invoice_id,
        "line_no": 1 + _n() % 1000,
        "account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "amount": Decimal("1.00"),
    }


async def _invoice_row(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "vendor_id": await parent(sessions, tenant, shared, "vendors"),
        "invoice_number": uuid.uuid4().hex[:12],
        "invoice_date": date(2026, 1, 15),
        "due_date": date(2026, 2, 15),
        "total": Decimal("1.00"),
        "status": "approved",
        "board_approval_required": False,
        "journal_entry_id": await parent(sessions, tenant, shared, "journal_entries"),
        "workflow_id": uuid.uuid4().hex,
        "entered_by": tenant.user,
    }


async def _invoice(sessions, tenant, shared):
    row = await _invoice_row(sessions, tenant, shared)
    COMPANIONS[row["id"]] = [("invoice_lines", await _invoice_line_row(sessions, tenant, shared, row["id"]))]
    return row


async def _invoice_line(sessions, tenant, shared):
    # Its own invoice, written after it in the same transaction (the key to the
    # invoice is checked at commit), so the invoice's total matches its lines.
    invoice = await _invoice_row(sessions, tenant, shared)
    row = await _invoice_line_row(sessions, tenant, shared, invoice["id"])
    COMPANIONS[row["id"]] = [("invoices", invoice)]
    return row


async def _invoice_approval(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "invoice_id": await parent(sessions, tenant, shared, "invoices"),
        "step": "manager",
        "decision": "approved",
        "decided_by": tenant.user,
    }


async def _vendor_payment(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "invoice_id": await parent(sessions, tenant, shared, "invoices"),
        "paid_on": date(2026, 1, 20),
        "amount": Decimal("0.50"),
        "method": "check",
        "journal_entry_id": await parent(sessions, tenant, shared, "journal_entries"),
        "paid_by": tenant.user,
    }


async def _governing_body(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "kind": "board",
        "name": f"Board {_n()}",
        "seat_count": 5,
        "status": "active",
    }


async def _seat(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "body_id": await parent(sessions, tenant, shared, "governing_bodies"),
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "filled_by": "elected",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2099, 1, 1),
        "scheduled_ends_on": date(2099, 1, 1),
    }


async def _office(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "body_id": await parent(sessions, tenant, shared, "governing_bodies"),
        "seat_id": await parent(sessions, tenant, shared, "seats"),
        "title": "president",
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2099, 1, 1),
    }


async def _meeting_settings(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "membership_quorum_share": Decimal("0.25"),
        "board_quorum_share": Decimal("0.5"),
        "proxies_allowed": True,
        "updated_by": tenant.user,
    }


async def _meeting(sessions, tenant, shared):
    meeting = uuid.uuid4()
    return {
        "id": meeting,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "kind": "annual_membership",
        "title": "Annual meeting",
        "starts_at": datetime(2030, 3, 1, 18, tzinfo=UTC),
        "place": "Clubhouse",
        "status": "scheduled",
        "notice_days": 10,
        "notice_by": date(2030, 2, 19),
        "jurisdiction": "US-CA",
        "rules_used": json.dumps({"jurisdiction": "US-CA", "asOf": "2030-01-01", "rules": {}}),
        "quorum_total": Decimal("1"),
        "quorum_required": Decimal("0.25"),
        "present_weight": Decimal("0"),
        "present_voters": 0,
        "called_by": tenant.user,
        "workflow_id": f"meeting-{meeting}",
    }


async def _of_meeting(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "meeting_id": await parent(sessions, tenant, shared, "meetings"),
    }


async def _meeting_transition(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {"to_status": "scheduled", "actor_id": tenant.user}


async def _meeting_agenda_item(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {"position": _n() % 30000, "title": "Budget", "requires_vote": True}


async def _meeting_notice(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "method": "first_class_mail",
        "address": "1 Main St",
        "sent_on": date(2030, 2, 1),
        "sent_by": tenant.user,
    }


async def _meeting_proxy(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "grantor_party_id": await parent(sessions, tenant, shared, "parties"),
        "holder_name": "Pat Proxy",
        "kind": "general",
        "directions": json.dumps([]),
        "granted_by": tenant.user,
    }


async def _meeting_attendance(sessions, tenant, shared):
    unit = await parent(sessions, tenant, shared, "units")
    return await _of_meeting(sessions, tenant, shared) | {
        "voter_id": unit,
        "unit_id": unit,
        "attendee_name": f"Owner {_n()}",
        "weight": Decimal("0.01"),
        "checked_in_by": tenant.user,
    }


async def _meeting_presence(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {"voter_id": uuid.uuid4(), "weight": Decimal("0.01"), "attendees": 1}


async def _meeting_motion(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {
        "text": "Adopt the budget",
        "moved_by": "Owner 1",
        "status": "moved",
        "votes_for": Decimal("0"),
        "votes_against": Decimal("0"),
        "abstentions": Decimal("0"),
    }


async def _meeting_vote(sessions, tenant, shared):
    unit = await parent(sessions, tenant, shared, "units")
    return await _of_meeting(sessions, tenant, shared) | {
        "motion_id": await parent(sessions, tenant, shared, "meeting_motions"),
        "voter_id": unit,
        "unit_id": unit,
        "voter_name": "Owner 1",
        "choice": "yes",
        "weight": Decimal("0.01"),
        "recorded_by": tenant.user,
    }


async def _meeting_minutes(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {
        "version": _n() % 1000000,
        "text": "Minutes.",
        "drafted_by": tenant.user,
    }


async def _meeting_minutes_approval(sessions, tenant, shared):
    return await _of_meeting(sessions, tenant, shared) | {
        "minutes_id": await parent(sessions, tenant, shared, "meeting_minutes"),
        "approved_at_meeting_id": await parent(sessions, tenant, shared, "meetings"),
        "approved_by": tenant.user,
    }


async def _election(sessions, tenant, shared):
    election = uuid.uuid4()
    return {
        "id": election,
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "body_id": await parent(sessions, tenant, shared, "governing_bodies"),
        "title": "Board election",
        "seats_to_fill": 2,
        "term_starts_on": date(2030, 4, 1),
        "term_ends_on": date(2032, 4, 1),
        "method": "plurality",
        "status": "nominating",
        "nominations_close_at": datetime(2030, 2, 1, tzinfo=UTC),
        "voting_closes_at": datetime(2030, 3, 1, tzinfo=UTC),
        "inspector_party_id": await parent(sessions, tenant, shared, "parties"),
        "inspector_user_id": tenant.user,
        "ballots_cast": 0,
        "weight_cast": Decimal(0),
        "called_by": tenant.user,
        "workflow_id": f"election-{election}",
    }


async def _of_election(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "election_id": await parent(sessions, tenant, shared, "elections"),
    }


async def _election_transition(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {"to_status": "nominating", "actor_id": tenant.user}


async def _election_candidate(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "name": "Casey Candidate",
        "nominated_by": tenant.user,
    }


async def _election_voter(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "weight": Decimal("0.025"),
        "cast_by": tenant.user,
    }


async def _election_ballot_box(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {"sealed": "sealed:v1:k:AAAA"}


async def _election_ballot(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {"weight": Decimal("0.025"), "choices": json.dumps({})}


async def _election_result(sessions, tenant, shared):
    return await _of_election(sessions, tenant, shared) | {
        "candidate_id": await parent(sessions, tenant, shared, "election_candidates"),
        "votes": Decimal("0.5"),
        "place": 1,
        "elected": True,
    }


async def _message_template(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "kind": "general",
        "subject": "{{ message.subject }}",
        "body": "{{ message.body }}",
        "version": 1,
        "updated_by": tenant.user,
    }


async def _message(sessions, tenant, shared):
    party = await parent(sessions, tenant, shared, "parties")
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "kind": "general",
        "source": f"message:{uuid.uuid4()}",
        "recipient_key": f"party:{party}:email",
        "party_id": party,
        "recipient_name": "Pat Owner",
        "channel": "email",
        "address": "pat@example.org",
        "subject": "Hello",
        "body": "Hello.",
        "status": "pending",
        "attempts": 0,
        "created_by": tenant.user,
    }


async def _message_event(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "message_id": await parent(sessions, tenant, shared, "messages"),
        "kind": "queued",
    }


async def _announcement(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "title": "Pool opening",
        "body": "Saturday.",
        "audience": "all_owners",
        "recipients": 0,
        "by_email": 0,
        "posted_by": tenant.user,
    }


async def _contact_log_entry(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "direction": "inbound",
        "channel": "phone",
        "subject": "Gate code",
        "occurred_at": datetime(2030, 1, 2, 9, tzinfo=UTC),
        "recorded_by": tenant.user,
    }


async def _opening_balance(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "cut_over_date": date(2025, 12, 31),
        "journal_entry_id": await parent(sessions, tenant, shared, "journal_entries"),
        "account_lines": 2,
        "unit_items": 0,
        "total_debit": Decimal("1.00"),
        "receivable": Decimal(0),
        "prepaid": Decimal(0),
        "posted_by": tenant.user,
    }


async def _bank_account(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "name": "Operating Checking",
        "institution": "First Community Bank",
        "kind": "checking",
        "account_number_last4": "6789",
        "gl_account_id": await parent(sessions, tenant, shared, "gl_accounts"),
        "fund_id": await parent(sessions, tenant, shared, "funds"),
        "opened_on": date(2026, 1, 1),
        "is_active": True,
    }


async def _bank_statement(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "bank_account_id": await parent(sessions, tenant, shared, "bank_accounts"),
        "format": "csv",
        "digest": uuid.uuid4().hex * 2,
        "transaction_count": 1,
        "added_count": 1,
        "imported_by": tenant.user,
    }


async def _bank_transaction(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "bank_account_id": await parent(sessions, tenant, shared, "bank_accounts"),
        "statement_id": await parent(sessions, tenant, shared, "bank_statements"),
        "bank_transaction_id": uuid.uuid4().hex,
        "posted_on": date(2026, 1, 15),
        "amount": Decimal("1.00"),
    }


async def _bank_match(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "bank_transaction_id": await parent(sessions, tenant, shared, "bank_transactions"),
        "journal_line_id": await parent(sessions, tenant, shared, "journal_lines"),
        "method": "manual",
        "matched_by": tenant.user,
    }


async def _bank_reconciliation(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "bank_account_id": await parent(sessions, tenant, shared, "bank_accounts"),
        "month": date(1900 + _n() % 1000, 1 + _n() % 12, 1),
        "statement_ending_balance": Decimal("1.00"),
        "status": "in_progress",
        "created_by": tenant.user,
    }


async def _board_package_settings(sessions, tenant, shared):
    # One row per association: a fresh association each time.
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, {}, "associations"),
        "generate_on_close": False,
        "updated_by": tenant.user,
    }


async def _board_package(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "month": date(1900 + _n() % 1000, 1 + _n() % 12, 1),
        "version": 1 + _n() % 1000,
        "status": "generating",
        "trigger": "request",
        "requested_by": tenant.user,
        "workflow_id": f"board-package-{uuid.uuid4().hex}",
    }


async def _board_package_transition(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "package_id": await parent(sessions, tenant, shared, "board_packages"),
        "to_status": "generating",
    }


async def _payment_plan(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "amount": Decimal("10.00"),
        "starts_on": date(2026, 1, 1),
        "grace_days": 5,
        # Cancelled: a unit has one active plan, and a factory may make two for one unit.
        "status": "cancelled",
        "created_by": tenant.user,
    }


async def _payment_plan_instalment(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "plan_id": await parent(sessions, tenant, shared, "payment_plans"),
        "seq": 1 + _n() % 30000,
        "due_on": date(2026, 2, 1),
        "amount": Decimal("5.00"),
    }


async def _payment_plan_transition(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "plan_id": await parent(sessions, tenant, shared, "payment_plans"),
        "to_status": "active",
        "reason": "agreed",
    }


async def _interest_policy(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "version": 1 + _n() % 1_000_000,
        "annual_rate": Decimal("10.00"),
        "grace_days": 30,
        "min_balance": Decimal("0.00"),
        "is_active": True,
        "limit_used": "{}",
        "created_by": tenant.user,
    }


async def _interest_accrual(sessions, tenant, shared):
    """A month's interest on the shared unit, booked by the shared ledger row (a unit and month once)."""
    n = _n()
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "period": date(1000 + n % 8000, 1 + (n // 8000) % 12, 1),
        "policy_id": await parent(sessions, tenant, shared, "interest_policies"),
        "principal": Decimal("100.00"),
        "annual_rate": Decimal("10.00"),
        "days": 31,
        "amount": Decimal("0.85"),
        "entry_id": await parent(sessions, tenant, shared, "owner_ledger_entries"),
    }


async def _collection_policy(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "version": 1 + _n() % 1_000_000,
        **dict.fromkeys(
            ("reminder_after_days", "late_notice_after_days", "intent_after_days", "lien_wait_days", "referral_after_days"), 30
        ),
        **dict.fromkeys(
            ("min_balance", "reminder_fee", "late_notice_fee", "intent_fee", "lien_fee", "referral_fee"), Decimal("0.00")
        ),
        **dict.fromkeys(
            ("lien_needs_board_approval", "referral_needs_board_approval", "offers_meet_and_confer", "offers_payment_plan"), True
        ),
        "rules_used": "{}",
        "created_by": tenant.user,
    }


async def _collection_exclusion(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "policy_id": await parent(sessions, tenant, shared, "collection_policies"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "reason": "In dispute",
    }


async def _collection_case(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "policy_id": await parent(sessions, tenant, shared, "collection_policies"),
        # Closed: a unit has one open case, and a factory may make two for one unit.
        "status": "closed",
        "closed_reason": "balance settled",
        "opened_on": date(2026, 1, 1),
        "step_at": datetime(2026, 1, 1, tzinfo=UTC),
    }


async def _collection_step(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "case_id": await parent(sessions, tenant, shared, "collection_cases"),
        "seq": 1 + _n() % 30000,
        "kind": "reminder",
        "to_status": "reminded",
        "balance": Decimal("100.00"),
        "letters": 1,
        "details": "{}",
    }


async def _lockbox_file(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "digest": uuid.uuid4().hex * 2,
        "line_count": 1,
        "posted_count": 0,
        "exception_count": 1,
        "total": Decimal("1.00"),
        "imported_by": tenant.user,
    }


async def _lockbox_item(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "file_id": await parent(sessions, tenant, shared, "lockbox_files"),
        "line_no": 1 + _n() % 10**6,
        "account": "999",
        "amount": Decimal("1.00"),
        "status": "exception",
        "problem": "no unit numbered 999",
        "unit_id": await parent(sessions, tenant, shared, "units"),
    }


async def _ach_authorization(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "holder_name": "Owner",
        "account_kind": "checking",
        "routing_number": "sealed:v1:test",
        "account_number": "sealed:v1:test",
        "routing_last4": "0015",
        "account_last4": "5678",
        "authorized_on": date(2026, 1, 1),
        "terms": "Debit on each due date.",
        # Revoked, so each call may add one for the same unit (one active per unit).
        "status": "revoked",
        "revoked_on": date(2026, 1, 2),
        "created_by": tenant.user,
    }


async def _ach_file(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "kind": "credit",
        "bank_account_id": await parent(sessions, tenant, shared, "bank_accounts"),
        "effective_date": date(2026, 1, 1) + timedelta(days=_n() % 10**4),
        "file_id_modifier": "A",
        "content": "1",
        "digest": uuid.uuid4().hex * 2,
        "entry_count": 1,
        "total": Decimal("0.50"),
        "created_by": tenant.user,
    }


async def _ach_return_file(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "digest": uuid.uuid4().hex * 2,
        "line_count": 1,
        "returned_count": 0,
        "skipped_count": 1,
        "imported_by": tenant.user,
    }


async def _ach_entry(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "file_id": await parent(sessions, tenant, shared, "ach_files"),
        "line_no": 1,
        "authorization_id": await parent(sessions, tenant, shared, "ach_authorizations"),
        "trace_number": f"12100035{_n() % 10**7:07d}",
        "amount": Decimal("1.00"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "payment_entry_id": await parent(sessions, tenant, shared, "owner_ledger_entries"),
        "status": "pending",
    }


async def _payment_void(sessions, tenant, shared):
    """A void naming two rows of one unit's ledger (the table keeps their keys, not their kinds)."""
    rows = []
    for _ in range(2):
        row = await _ledger_row(sessions, tenant, shared, "adjustment")
        async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
            await s.execute(insert_sql("owner_ledger_entries", row), row)
            await complete(s, row)
        rows.append(row["id"])
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": shared["associations"],
        "unit_id": shared["units"],
        "payment_entry_id": rows[0],
        "reversal_entry_id": rows[1],
        "voided_on": date(2026, 1, 20),
        "reason": "t",
        "voided_by": tenant.user,
    }


async def _owner_payment(sessions, tenant, shared):
    """A card payment with a ledger row of its own (a payment names its row, once)."""
    row = await _ledger_row(sessions, tenant, shared, "adjustment")
    async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
        await s.execute(insert_sql("owner_ledger_entries", row), row)
        await complete(s, row)
    n = _n() % 10**7
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": shared["associations"],
        "unit_id": shared["units"],
        "method": "card",
        "amount": Decimal("1.00"),
        "status": "pending",
        "receipt_number": f"R{n:07d}",
        "receipt_seq": n,
        "processor": "stripe",
        "processor_reference": f"pi_{uuid.uuid4().hex}",
        "payment_entry_id": row["id"],
        "paid_by": tenant.user,
    }


async def _vendor_payment_void(sessions, tenant, shared):
    payment = await insert(sessions, tenant, "vendor_payments", shared)
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": shared["associations"],
        "vendor_payment_id": payment["id"],
        "amount": payment["amount"],
        "voided_on": date(2026, 1, 21),
        "reason": "t",
        "journal_entry_id": shared["journal_entries"],
        "voided_by": tenant.user,
    }


async def _webhook_endpoint(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "url": "https://hooks.example.com/x",
        "event_types": ["payment.recorded"],
        "description": "matrix",
        "status": "active",
        "secret": "sealed:v1:test",
        "created_by": tenant.user,
    }


async def _webhook_event(sessions, tenant, shared):
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "type": "payment.recorded", "payload": json.dumps({})}


async def _webhook_delivery(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "event_id": await parent(sessions, tenant, shared, "webhook_events"),
        "endpoint_id": await parent(sessions, tenant, shared, "webhook_endpoints"),
        "status": "pending",
        "attempts": 0,
    }


async def _organization_settings(sessions, tenant, shared):
    # One row per organization: a fresh organization's, inserted in its own scope.
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "agent_mutations_allowed": True, "updated_by": tenant.user}


# --- work orders ----------------------------------------------------------------

_MINUTES = {
    f"{p}_{d}_minutes": Decimal(60) for p in ("routine", "urgent", "emergency", "warranty") for d in ("response", "completion")
}


async def _work_order_settings(sessions, tenant, shared):
    # One row per association: a fresh association each time.
    association = (await insert(sessions, tenant, "associations"))["id"]
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": association,
        **_MINUTES,
        "reopen_window_days": 14,
    }


async def _work_order_category(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "level": "place",
        "name": f"Place {uuid.uuid4().hex[:8]}",
    }


async def _work_order(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "unit_id": await parent(sessions, tenant, shared, "units"),
        "title": "Leak",
        "priority": "routine",
        "status": "received",
        "requester_kind": "staff",
        "requester_user_id": tenant.user,
        "respond_by": datetime(2026, 1, 2, tzinfo=UTC),
        "complete_by": datetime(2026, 1, 9, tzinfo=UTC),
        "workflow_id": uuid.uuid4().hex,
        "created_by": tenant.user,
    }


async def _under_work_order(sessions, tenant, shared) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "work_order_id": await parent(sessions, tenant, shared, "work_orders"),
    }


async def _work_order_party(sessions, tenant, shared):
    return await _under_work_order(sessions, tenant, shared) | {
        "party_id": await parent(sessions, tenant, shared, "parties"),
        "relation": "owner",
    }


async def _work_order_transition(sessions, tenant, shared):
    return await _under_work_order(sessions, tenant, shared) | {
        "to_status": "received",
        "actor_kind": "user",
        "actor_id": tenant.user,
    }


async def _work_order_comment(sessions, tenant, shared):
    return await _under_work_order(sessions, tenant, shared) | {
        "body": "On it",
        "visibility": "internal",
        "author_id": tenant.user,
    }


async def _work_order_notice(sessions, tenant, shared):
    return await _under_work_order(sessions, tenant, shared) | {
        "event": "response_overdue",
        "audience": "staff",
        "message": "Late",
    }


async def _work_order_dispatch(sessions, tenant, shared):
    provider = await new_org(sessions, "service_provider")
    return await _under_work_order(sessions, tenant, shared) | {
        "vendor_id": await parent(sessions, tenant, shared, "vendors"),
        "provider_organization_id": provider.org,
        "status": "sent",
        "workflow_id": uuid.uuid4().hex,
    }


async def _job(sessions, tenant, shared):
    customer = await new_org(sessions)
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "customer_organization_id": customer.org,
        "customer_name": "Maple Grove HOA",
        "customer_workflow_id": uuid.uuid4().hex,
        "title": "Leak",
        "site": "1 Main St",
        "contact": "Maple Grove HOA",
        "priority": "routine",
        "status": "received",
    }


async def _job_transition(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "job_id": await parent(sessions, tenant, shared, "jobs"),
        "to_status": "received",
        "actor_kind": "platform",
        "actor_id": uuid.UUID(int=0),
    }


async def _job_estimate(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "job_id": await parent(sessions, tenant, shared, "jobs"),
        "revision": 1,
        "status": "submitted",
        "total": 0,
        "submitted_by": tenant.user,
    }


async def _job_estimate_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "estimate_id": await parent(sessions, tenant, shared, "job_estimates"),
        "line_no": 1,
        "description": "Labor",
        "quantity": 1,
        "unit_price": 0,
    }


async def _work_order_estimate(sessions, tenant, shared):
    dispatch = await parent(sessions, tenant, shared, "work_order_dispatches")
    return await _under_work_order(sessions, tenant, shared) | {
        "dispatch_id": dispatch,
        "vendor_id": await parent(sessions, tenant, shared, "vendors"),
        "revision": 1,
        "status": "submitted",
        "total": 0,
    }


async def _work_order_estimate_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "estimate_id": await parent(sessions, tenant, shared, "work_order_estimates"),
        "line_no": 1,
        "description": "Labor",
        "quantity": 1,
        "unit_price": 0,
    }


async def _price_book_item(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "name": f"Service {uuid.uuid4().hex[:8]}",
        "category": "plumbing",
        "unit": "hour",
        "unit_price": 95,
        "active": True,
    }


async def _job_invoice(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "job_id": await parent(sessions, tenant, shared, "jobs"),
        "invoice_number": f"INV-{uuid.uuid4().hex[:8]}",
        "invoice_date": date(2030, 1, 1),
        "due_date": date(2030, 1, 31),
        "total": 0,
        "status": "submitted",
        "submitted_by": tenant.user,
    }


async def _job_invoice_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "invoice_id": await parent(sessions, tenant, shared, "job_invoices"),
        "line_no": 1,
        "description": "Labor",
        "quantity": 1,
        "unit_price": 0,
        "price_book_item_id": await parent(sessions, tenant, shared, "price_book_items"),
    }


async def _job_visit(sessions, tenant, shared):
    # Apart in time: the technician is never booked twice at once.
    starts = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(hours=uuid.uuid4().int % 1_000_000)
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "job_id": await parent(sessions, tenant, shared, "jobs"),
        "technician_id": tenant.user,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=30),
        "status": "scheduled",
        "scheduled_by": tenant.user,
    }


async def _calendar_feed(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "user_id": tenant.user,
        "label": "Phone",
        "token_hash": "0" * 64,
        "token_hint": "abcdef",
    }


async def _portfolio_assignment(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "association_id": await parent(sessions, tenant, shared, "associations"),
        "user_id": tenant.user,
        "starts_on": date(2026, 1, 1),
        "ends_on": date(2026, 1, 2),
        "assigned_by": tenant.user,
        "ended_by": tenant.user,
    }


async def _directory_setting(sessions, tenant, shared):
    # One row per party: a fresh party each time.
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "party_id": (await insert(sessions, tenant, "parties"))["id"],
        "show_name": True,
        "show_unit": False,
        "show_phone": False,
        "show_email": True,
    }


async def _service_request(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "title": "Water heater leaking",
        "address": "12 Elm St",
        "category": "Plumbing",
        "posted": True,
        "status": "requested",
        "requester_user_id": tenant.user,
        "created_by": tenant.user,
    }


async def _under_service_request(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "service_request_id": await parent(sessions, tenant, shared, "service_requests"),
        "requester_user_id": tenant.user,
    }


async def _service_request_transition(sessions, tenant, shared):
    return await _under_service_request(sessions, tenant, shared) | {
        "to_status": "requested",
        "actor_kind": "user",
        "actor_id": tenant.user,
    }


async def _service_request_dispatch(sessions, tenant, shared):
    provider = await new_org(sessions, "service_provider")
    return await _under_service_request(sessions, tenant, shared) | {
        "provider_organization_id": provider.org,
        "provider_name": "Ace Plumbing & Drain",
        "status": "sent",
        "workflow_id": uuid.uuid4().hex,
    }


async def _service_request_estimate(sessions, tenant, shared):
    return await _under_service_request(sessions, tenant, shared) | {
        "dispatch_id": await parent(sessions, tenant, shared, "service_request_dispatches"),
        "revision": 1,
        "status": "submitted",
        "total": 0,
    }


async def _service_request_estimate_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "estimate_id": await parent(sessions, tenant, shared, "service_request_estimates"),
        "line_no": 1,
        "description": "Labor",
        "quantity": 1,
        "unit_price": 0,
    }


async def _service_request_invoice(sessions, tenant, shared):
    return await _under_service_request(sessions, tenant, shared) | {
        "dispatch_id": await parent(sessions, tenant, shared, "service_request_dispatches"),
        "invoice_number": f"INV-{uuid.uuid4().hex[:8]}",
        "invoice_date": date(2030, 1, 2),
        "due_date": date(2030, 2, 1),
        "total": 0,
        "amount_paid": 0,
    }


async def _service_request_invoice_line(sessions, tenant, shared):
    return {
        "id": uuid.uuid4(),
        "organization_id": tenant.org,
        "invoice_id": await parent(sessions, tenant, shared, "service_request_invoices"),
        "line_no": 1,
        "description": "Labor",
        "quantity": 1,
        "unit_price": 0,
    }


async def _service_request_payment(sessions, tenant, shared):
    return await _under_service_request(sessions, tenant, shared) | {
        "invoice_id": await parent(sessions, tenant, shared, "service_request_invoices"),
        "amount": Decimal("10.00"),
        "paid_on": date(2030, 1, 3),
        "method": "check",
        "recorded_by": tenant.user,
    }


async def _service_offering(sessions, tenant, shared):
    return {"id": uuid.uuid4(), "organization_id": tenant.org, "category": f"Plumbing {uuid.uuid4().hex[:6]}"}


FACTORIES: dict[str, Factory] = {
    "join_requests": _join_request,
    "workflow_runs": _workflow_run,
    "memberships": _membership,
    "management_links": _management_link,
    "service_accounts": _service_account,
    "audit_events": _audit_event,
    "idempotency_keys": _idempotency_key,
    "associations": _association,
    "units": _unit,
    "emergency_contacts": _emergency_contact,
    "parties": _party,
    "contact_points": _contact_point,
    "ownerships": _ownership,
    "residents": _resident,
    "funds": _fund,
    "gl_accounts": _gl_account,
    "fiscal_period_closes": _fiscal_period_close,
    "journal_entries": _journal_entry,
    "journal_lines": _journal_line,
    "budget_amounts": _budget_amount,
    "fiscal_year_closes": _fiscal_year_close,
    "recurring_entries": _recurring_entry,
    "recurring_entry_lines": _recurring_entry_line,
    "recurring_entry_occurrences": _recurring_entry_occurrence,
    "assessment_schedules": _assessment_schedule,
    "levies": _levy,
    "late_fee_rules": _late_fee_rule,
    "owner_ledger_entries": _owner_ledger_entry,
    "owner_ledger_allocations": _owner_ledger_allocation,
    "vendors": _vendor,
    "insurance_certificates": _insurance_certificate,
    "payables_settings": _payables_settings,
    "invoices": _invoice,
    "invoice_lines": _invoice_line,
    "invoice_approvals": _invoice_approval,
    "vendor_payments": _vendor_payment,
    "jurisdiction_rule_overrides": _jurisdiction_rule_override,
    "reserve_components": _reserve_component,
    "reserve_component_accounts": _reserve_component_account,
    "reserve_studies": _reserve_study,
    "reserve_study_components": _reserve_study_component,
    "compliance_settings": _compliance_settings,
    "compliance_tasks": _compliance_task,
    "compliance_task_events": _compliance_task_event,
    "governing_bodies": _governing_body,
    "seats": _seat,
    "offices": _office,
    "meeting_settings": _meeting_settings,
    "meetings": _meeting,
    "meeting_transitions": _meeting_transition,
    "meeting_agenda_items": _meeting_agenda_item,
    "meeting_notices": _meeting_notice,
    "meeting_proxies": _meeting_proxy,
    "meeting_attendance": _meeting_attendance,
    "meeting_presence": _meeting_presence,
    "meeting_motions": _meeting_motion,
    "meeting_votes": _meeting_vote,
    "meeting_minutes": _meeting_minutes,
    "meeting_minutes_approvals": _meeting_minutes_approval,
    "elections": _election,
    "election_transitions": _election_transition,
    "election_candidates": _election_candidate,
    "election_voters": _election_voter,
    "election_ballot_box": _election_ballot_box,
    "election_ballots": _election_ballot,
    "election_results": _election_result,
    "violation_rules": _violation_rule,
    "violations": _violation,
    "violation_observations": _violation_observation,
    "violation_events": _violation_event,
    "violation_fines": _violation_fine,
    "amenities": _amenity,
    "amenity_slots": _amenity_slot,
    "amenity_bookings": _amenity_booking,
    "amenity_booking_transitions": _amenity_booking_transition,
    "calendar_feeds": _calendar_feed,
    "portfolio_assignments": _portfolio_assignment,
    "directory_settings": _directory_setting,
    "arc_settings": _arc_settings,
    "arc_requests": _arc_request,
    "arc_votes": _arc_vote,
    "arc_request_events": _arc_request_event,
    "arc_deemed_approvals": _arc_deemed_approval,
    "documents": _document,
    "document_versions": _document_version,
    "records_requests": _records_request,
    "estoppel_certificates": _estoppel_certificate,
    "opening_balances": _opening_balance,
    "bank_accounts": _bank_account,
    "bank_statements": _bank_statement,
    "bank_transactions": _bank_transaction,
    "bank_matches": _bank_match,
    "bank_reconciliations": _bank_reconciliation,
    "board_package_settings": _board_package_settings,
    "board_packages": _board_package,
    "board_package_transitions": _board_package_transition,
    "payment_plans": _payment_plan,
    "payment_plan_instalments": _payment_plan_instalment,
    "payment_plan_transitions": _payment_plan_transition,
    "lockbox_files": _lockbox_file,
    "interest_policies": _interest_policy,
    "interest_accruals": _interest_accrual,
    "collection_policies": _collection_policy,
    "collection_exclusions": _collection_exclusion,
    "collection_cases": _collection_case,
    "collection_steps": _collection_step,
    "lockbox_items": _lockbox_item,
    "ach_authorizations": _ach_authorization,
    "ach_files": _ach_file,
    "ach_return_files": _ach_return_file,
    "ach_entries": _ach_entry,
    "payment_voids": _payment_void,
    "owner_payments": _owner_payment,
    "vendor_payment_voids": _vendor_payment_void,
    "webhook_endpoints": _webhook_endpoint,
    "webhook_events": _webhook_event,
    "webhook_deliveries": _webhook_delivery,
    "organization_settings": _organization_settings,
    "work_order_settings": _work_order_settings,
    "work_order_categories": _work_order_category,
    "work_orders": _work_order,
    "work_order_parties": _work_order_party,
    "work_order_transitions": _work_order_transition,
    "work_order_comments": _work_order_comment,
    "work_order_notices": _work_order_notice,
    "work_order_dispatches": _work_order_dispatch,
    "jobs": _job,
    "job_transitions": _job_transition,
    "job_estimates": _job_estimate,
    "job_estimate_lines": _job_estimate_line,
    "work_order_estimates": _work_order_estimate,
    "work_order_estimate_lines": _work_order_estimate_line,
    "job_visits": _job_visit,
    "price_book_items": _price_book_item,
    "job_invoices": _job_invoice,
    "job_invoice_lines": _job_invoice_line,
    "service_requests": _service_request,
    "service_request_transitions": _service_request_transition,
    "service_request_dispatches": _service_request_dispatch,
    "service_request_estimates": _service_request_estimate,
    "service_request_estimate_lines": _service_request_estimate_line,
    "service_offerings": _service_offering,
    "service_request_invoices": _service_request_invoice,
    "service_request_invoice_lines": _service_request_invoice_line,
    "service_request_payments": _service_request_payment,
    "message_templates": _message_template,
    "messages": _message,
    "message_events": _message_event,
    "announcements": _announcement,
    "contact_log_entries": _contact_log_entry,
}
# Column casts per table (enum and jsonb columns), for the text() inserts.
CASTS: dict[str, dict[str, str]] = {
    "audit_events": {"summary": "jsonb"},
    "join_requests": {"status": "join_request_status"},
    "associations": {"kind": "association_kind", "status": "association_status", "accounting_basis": "accounting_basis"},
    "units": {"unit_type": "unit_type", "status": "unit_status"},
    "parties": {"kind": "party_kind", "delivery_preference": "delivery_preference"},
    "contact_points": {"kind": "contact_point_kind"},
    "residents": {"kind": "resident_kind"},
    "funds": {"kind": "fund_kind"},
    "gl_accounts": {"type": "account_type"},
    "journal_entries": {"source": "entry_source"},
    "journal_lines": {"basis": "ledger_basis"},
    "assessment_schedules": {"kind": "assessment_kind", "frequency": "assessment_frequency", "method": "assessment_method"},
    "late_fee_rules": {"method": "late_fee_method"},
    "owner_ledger_entries": {"kind": "owner_ledger_kind"},
    "vendors": {"tax_id_kind": "tax_id_kind"},
    "insurance_certificates": {"kind": "insurance_kind"},
    "invoices": {"status": "invoice_status"},
    "invoice_approvals": {"step": "approval_step", "decision": "approval_decision"},
    "vendor_payments": {"method": "vendor_payment_method"},
    "jurisdiction_rule_overrides": {"kind": "rule_value_kind"},
    "reserve_components": {"status": "reserve_component_status"},
    "reserve_studies": {"level": "reserve_study_level"},
    "compliance_tasks": {"requirement": "compliance_requirement"},
    "governing_bodies": {"kind": "governing_body_kind", "status": "governing_body_status"},
    "seats": {"filled_by": "seat_filled_by", "ended_early": "seat_end_reason"},
    "offices": {"title": "office_title"},
    "meetings": {"kind": "meeting_kind", "status": "meeting_status", "rules_used": "jsonb"},
    "message_templates": {"kind": "template_kind"},
    "messages": {"kind": "template_kind", "channel": "message_channel", "status": "message_status"},
    "message_events": {"kind": "message_event_kind"},
    "announcements": {"audience": "message_audience"},
    "contact_log_entries": {"direction": "contact_direction", "channel": "contact_channel"},
    "meeting_transitions": {"from_status": "meeting_status", "to_status": "meeting_status"},
    "meeting_proxies": {"kind": "proxy_kind", "directions": "jsonb"},
    "meeting_motions": {"status": "motion_status"},
    "elections": {"method": "election_method", "status": "election_status"},
    "election_transitions": {"from_status": "election_status", "to_status": "election_status"},
    "election_ballots": {"choices": "jsonb"},
    "meeting_votes": {"choice": "vote_choice"},
    "violation_rules": {"continuing_period": "fine_period"},
    "violations": {"status": "violation_status", "rules_used": "jsonb"},
    "violation_events": {
        "kind": "violation_event_kind",
        "from_status": "violation_status",
        "to_status": "violation_status",
        "details": "jsonb",
    },
    "violation_fines": {"kind": "fine_kind"},
    "amenities": {"kind": "amenity_kind"},
    "amenity_bookings": {"status": "amenity_booking_status"},
    "amenity_booking_transitions": {
        "from_status": "amenity_booking_status",
        "to_status": "amenity_booking_status",
        "details": "jsonb",
    },
    "arc_settings": {"decision_mode": "arc_decision_mode", "more_info_clock": "arc_clock"},
    "arc_requests": {
        "project_type": "arc_project_type",
        "status": "arc_status",
        "neighbor_acknowledgements": "jsonb",
        "rules_used": "jsonb",
    },
    "arc_votes": {"vote": "arc_vote_choice"},
    "arc_request_events": {"kind": "arc_event_kind", "from_status": "arc_status", "to_status": "arc_status", "details": "jsonb"},
    "arc_deemed_approvals": {"deadline_rule": "jsonb", "deemed_approval_rule": "jsonb"},
    "documents": {"category": "document_category", "visibility": "document_visibility", "retention_class": "retention_class"},
    "document_versions": {"status": "document_version_status"},
    "records_requests": {"status": "records_request_status", "rules_used": "jsonb"},
    "estoppel_certificates": {
        "requester_kind": "estoppel_requester_kind",
        "fee_disposition": "estoppel_fee_disposition",
        "figures": "jsonb",
    },
    "bank_accounts": {"kind": "bank_account_kind"},
    "bank_statements": {"format": "statement_format"},
    "bank_matches": {"method": "bank_match_method"},
    "bank_reconciliations": {"status": "reconciliation_status"},
    "board_packages": {"status": "board_package_status", "trigger": "board_package_trigger", "contents": "jsonb"},
    "board_package_transitions": {"from_status": "board_package_status", "to_status": "board_package_status"},
    "payment_plans": {"status": "payment_plan_status"},
    "recurring_entries": {"status": "recurring_entry_status"},
    "recurring_entry_occurrences": {"status": "recurring_occurrence_status"},
    "payment_plan_transitions": {"from_status": "payment_plan_status", "to_status": "payment_plan_status"},
    "lockbox_items": {"status": "lockbox_item_status"},
    "interest_policies": {"limit_used": "jsonb"},
    "collection_policies": {"rules_used": "jsonb"},
    "collection_cases": {"status": "collection_case_status", "resume_status": "collection_case_status"},
    "collection_steps": {
        "kind": "collection_step_kind",
        "from_status": "collection_case_status",
        "to_status": "collection_case_status",
        "details": "jsonb",
    },
    "ach_authorizations": {"account_kind": "ach_account_kind", "status": "ach_authorization_status"},
    "ach_files": {"kind": "ach_file_kind"},
    "ach_entries": {"status": "ach_entry_status"},
    "owner_payments": {"method": "owner_payment_method", "status": "owner_payment_status"},
    "webhook_endpoints": {"status": "webhook_endpoint_status"},
    "webhook_events": {"payload": "jsonb"},
    "webhook_deliveries": {"status": "webhook_delivery_status"},
    "work_order_categories": {"level": "work_order_classifier_level"},
    "work_orders": {
        "priority": "work_order_priority",
        "status": "work_order_status",
        "requester_kind": "work_order_requester_kind",
    },
    "work_order_parties": {"relation": "work_order_party_relation"},
    "work_order_transitions": {"to_status": "work_order_status", "actor_kind": "work_order_actor_kind"},
    "work_order_comments": {"visibility": "work_order_comment_visibility"},
    "work_order_notices": {"event": "work_order_notice_event", "audience": "work_order_notice_audience"},
    "work_order_dispatches": {"status": "work_order_dispatch_status"},
    "jobs": {"status": "job_status"},
    "job_transitions": {"to_status": "job_status", "actor_kind": "job_actor_kind"},
    "job_estimates": {"status": "estimate_status"},
    "work_order_estimates": {"status": "estimate_status"},
    "job_visits": {"status": "job_visit_status"},
    "job_invoices": {"status": "job_invoice_status"},
    "service_requests": {"status": "service_request_status"},
    "service_request_transitions": {"to_status": "service_request_status", "actor_kind": "service_request_actor_kind"},
    "service_request_dispatches": {"status": "service_dispatch_status"},
    "service_request_estimates": {"status": "estimate_status"},
    "service_request_payments": {"method": "service_payment_method"},
}
# Privileges the application role lacks on purpose, per tenant table: the audit
# log is append-only, and history (associations, units, parties, ownerships,
# residencies) is never deleted. Every other tenant table gets plain DML.
REVOKED: dict[str, frozenset[str]] = {
    "audit_events": frozenset({"UPDATE", "DELETE"}),
    "associations": frozenset({"DELETE"}),
    "units": frozenset({"DELETE"}),
    "parties": frozenset({"DELETE"}),
    "ownerships": frozenset({"DELETE"}),
    "residents": frozenset({"DELETE"}),
    "funds": frozenset({"DELETE"}),
    "gl_accounts": frozenset({"DELETE"}),
    "fiscal_period_closes": frozenset({"UPDATE", "DELETE"}),
    "journal_entries": frozenset({"UPDATE", "DELETE"}),
    "journal_lines": frozenset({"UPDATE", "DELETE"}),
    "fiscal_year_closes": frozenset({"DELETE"}),
    "recurring_entries": frozenset({"DELETE"}),
    "recurring_entry_lines": frozenset({"UPDATE", "DELETE"}),
    "recurring_entry_occurrences": frozenset({"UPDATE", "DELETE"}),
    "assessment_schedules": frozenset({"DELETE"}),
    "late_fee_rules": frozenset({"DELETE"}),
    "levies": frozenset({"UPDATE", "DELETE"}),
    "owner_ledger_entries": frozenset({"UPDATE", "DELETE"}),
    "owner_ledger_allocations": frozenset({"UPDATE", "DELETE"}),
    # Payables: evidence and postings are append-only; of an invoice only the
    # status column may change (a column grant), of a vendor nothing is deleted.
    "vendors": frozenset({"DELETE"}),
    "payables_settings": frozenset({"DELETE"}),
    "insurance_certificates": frozenset({"UPDATE", "DELETE"}),
    "invoices": frozenset({"UPDATE", "DELETE"}),
    "invoice_lines": frozenset({"UPDATE", "DELETE"}),
    "invoice_approvals": frozenset({"UPDATE", "DELETE"}),
    "vendor_payments": frozenset({"UPDATE", "DELETE"}),
    # Reserves: the register is never deleted (retired instead); a study and its
    # copies of the components are a record of their date.
    "reserve_components": frozenset({"DELETE"}),
    "reserve_studies": frozenset({"UPDATE", "DELETE"}),
    "reserve_study_components": frozenset({"UPDATE", "DELETE"}),
    # Compliance: settings and tasks are never deleted (a task is closed or waived);
    # a task's history is append-only.
    "compliance_settings": frozenset({"DELETE"}),
    "compliance_tasks": frozenset({"DELETE"}),
    "compliance_task_events": frozenset({"UPDATE", "DELETE"}),
    # Governance: bodies are dissolved, not deleted; of a term or an office
    # holding only the end may change (column grants), and only earlier.
    "governing_bodies": frozenset({"DELETE"}),
    "seats": frozenset({"UPDATE", "DELETE"}),
    "offices": frozenset({"UPDATE", "DELETE"}),
    # Meetings: never deleted; their history (transitions, agenda, notices,
    # votes, minutes and approvals) is append-only; of a proxy only its
    # revocation, of a check-in only its leaving, of a motion its second and
    # result change (column grants). The presence tally is a working table.
    "meeting_settings": frozenset({"DELETE"}),
    "meetings": frozenset({"DELETE"}),
    "meeting_transitions": frozenset({"UPDATE", "DELETE"}),
    "meeting_agenda_items": frozenset({"UPDATE", "DELETE"}),
    "meeting_notices": frozenset({"UPDATE", "DELETE"}),
    "meeting_proxies": frozenset({"UPDATE", "DELETE"}),
    "meeting_attendance": frozenset({"UPDATE", "DELETE"}),
    "meeting_motions": frozenset({"UPDATE", "DELETE"}),
    "meeting_votes": frozenset({"UPDATE", "DELETE"}),
    "meeting_minutes": frozenset({"UPDATE", "DELETE"}),
    "meeting_minutes_approvals": frozenset({"UPDATE", "DELETE"}),
    # Elections: never deleted; transitions, candidates, who voted, ballots and
    # results are append-only (a result's seat is filled at certification, a
    # column grant); the sealed ballot box is only written and emptied.
    "elections": frozenset({"DELETE"}),
    "election_transitions": frozenset({"UPDATE", "DELETE"}),
    "election_candidates": frozenset({"UPDATE", "DELETE"}),
    "election_voters": frozenset({"UPDATE", "DELETE"}),
    "election_ballot_box": frozenset({"UPDATE"}),
    "election_ballots": frozenset({"UPDATE", "DELETE"}),
    "election_results": frozenset({"UPDATE", "DELETE"}),
    # Violations: sightings, steps and fines are history; rules and violations are never deleted.
    "violation_rules": frozenset({"DELETE"}),
    "violations": frozenset({"DELETE"}),
    "violation_observations": frozenset({"UPDATE", "DELETE"}),
    "violation_events": frozenset({"UPDATE", "DELETE"}),
    "violation_fines": frozenset({"UPDATE", "DELETE"}),
    # Amenities: booking steps are history; amenities and bookings are never deleted.
    "amenities": frozenset({"DELETE"}),
    "amenity_bookings": frozenset({"DELETE"}),
    "amenity_booking_transitions": frozenset({"UPDATE", "DELETE"}),
    "directory_settings": frozenset({"DELETE"}),
    # ARC requests: votes and steps are history; settings and requests are never deleted.
    "arc_settings": frozenset({"DELETE"}),
    "arc_requests": frozenset({"DELETE"}),
    "arc_votes": frozenset({"UPDATE", "DELETE"}),
    "arc_request_events": frozenset({"UPDATE", "DELETE"}),
    "arc_deemed_approvals": frozenset({"UPDATE", "DELETE"}),
    # Documents: records are destroyed (files purged, record kept), never deleted;
    # a trigger keeps retention (tests/documents).
    "documents": frozenset({"DELETE"}),
    "document_versions": frozenset({"DELETE"}),
    "records_requests": frozenset({"DELETE"}),
    # A certificate is what the association said the day it was issued: never changed.
    "estoppel_certificates": frozenset({"UPDATE", "DELETE"}),
    # Opening balances and banking: imports and postings are append-only; a
    # match is only stamped as undone (a column grant); accounts and
    # reconciliations are never deleted (a finished one is locked by a trigger).
    "opening_balances": frozenset({"UPDATE", "DELETE"}),
    "bank_accounts": frozenset({"DELETE"}),
    "bank_statements": frozenset({"UPDATE", "DELETE"}),
    "bank_transactions": frozenset({"UPDATE", "DELETE"}),
    "bank_matches": frozenset({"UPDATE", "DELETE"}),
    "bank_reconciliations": frozenset({"DELETE"}),
    # Board packages: settings and packages are never deleted; status changes are history.
    "board_package_settings": frozenset({"DELETE"}),
    "board_packages": frozenset({"DELETE"}),
    "board_package_transitions": frozenset({"UPDATE", "DELETE"}),
    # Of a payment plan only the status changes (a column grant); its schedule
    # and transitions are append-only.
    "payment_plans": frozenset({"UPDATE", "DELETE"}),
    "payment_plan_instalments": frozenset({"UPDATE", "DELETE"}),
    "payment_plan_transitions": frozenset({"UPDATE", "DELETE"}),
    # A lockbox file is evidence; of a line only its resolution changes (a column grant).
    "lockbox_files": frozenset({"UPDATE", "DELETE"}),
    "lockbox_items": frozenset({"UPDATE", "DELETE"}),
    # Collections: a policy is replaced by a new version; of a case only its
    # standing changes (a column grant); its steps are append-only.
    "interest_policies": frozenset({"UPDATE", "DELETE"}),
    "interest_accruals": frozenset({"UPDATE", "DELETE"}),
    "collection_policies": frozenset({"UPDATE", "DELETE"}),
    "collection_exclusions": frozenset({"UPDATE", "DELETE"}),
    "collection_cases": frozenset({"UPDATE", "DELETE"}),
    "collection_steps": frozenset({"UPDATE", "DELETE"}),
    # ACH: an authorization is only revoked, an entry only returned (column grants);
    # files, return files and voids are evidence.
    "ach_authorizations": frozenset({"UPDATE", "DELETE"}),
    "ach_files": frozenset({"UPDATE", "DELETE"}),
    "ach_return_files": frozenset({"UPDATE", "DELETE"}),
    "ach_entries": frozenset({"UPDATE", "DELETE"}),
    "payment_voids": frozenset({"UPDATE", "DELETE"}),
    "vendor_payment_voids": frozenset({"UPDATE", "DELETE"}),
    # An owner payment only settles or comes back (column grants).
    "owner_payments": frozenset({"UPDATE", "DELETE"}),
    # Webhook events are a record; their deliveries keep the log.
    "webhook_events": frozenset({"UPDATE", "DELETE"}),
    # Work orders: never deleted (canceling is a transition); their history
    # (transitions, comments, notices, the parties linked at opening) is append-only.
    "work_order_settings": frozenset({"DELETE"}),
    "work_order_categories": frozenset({"DELETE"}),
    "work_orders": frozenset({"DELETE"}),
    "work_order_parties": frozenset({"UPDATE", "DELETE"}),
    "work_order_transitions": frozenset({"UPDATE", "DELETE"}),
    "work_order_comments": frozenset({"UPDATE", "DELETE"}),
    "work_order_notices": frozenset({"UPDATE", "DELETE"}),
    "work_order_dispatches": frozenset({"DELETE"}),
    "jobs": frozenset({"DELETE"}),
    "job_transitions": frozenset({"UPDATE", "DELETE"}),
    # Estimates: every revision kept; of one only its decision changes (a column grant), its lines never.
    "job_estimates": frozenset({"UPDATE", "DELETE"}),
    "job_estimate_lines": frozenset({"UPDATE", "DELETE"}),
    "work_order_estimates": frozenset({"UPDATE", "DELETE"}),
    "work_order_estimate_lines": frozenset({"UPDATE", "DELETE"}),
    # A technician's visit is canceled, never deleted; only its status changes (a column grant).
    "job_visits": frozenset({"UPDATE", "DELETE"}),
    # A provider's invoice: its lines never change, of it only the customer's answer (a column grant);
    # a price-book service is retired, never deleted (lines name it).
    "job_invoices": frozenset({"UPDATE", "DELETE"}),
    "job_invoice_lines": frozenset({"UPDATE", "DELETE"}),
    "price_book_items": frozenset({"DELETE"}),
    # Service requests: never deleted (canceling is a transition); transitions,
    # estimates and their lines append-only; an offering is replaced, not edited.
    "service_requests": frozenset({"DELETE"}),
    "service_request_transitions": frozenset({"UPDATE", "DELETE"}),
    "service_request_dispatches": frozenset({"DELETE"}),
    "service_request_estimates": frozenset({"UPDATE", "DELETE"}),
    "service_request_estimate_lines": frozenset({"UPDATE", "DELETE"}),
    "service_offerings": frozenset({"UPDATE"}),
    # Of a provider's invoice only what is paid of it changes (a column grant); its lines and payments are kept.
    "service_request_invoices": frozenset({"UPDATE", "DELETE"}),
    "service_request_invoice_lines": frozenset({"UPDATE", "DELETE"}),
    "service_request_payments": frozenset({"UPDATE", "DELETE"}),
    # Communications: templates are versioned, not deleted; of a message only its
    # delivery state changes (a column grant); delivery events, announcements and
    # the contact log are append-only.
    "message_templates": frozenset({"DELETE"}),
    "messages": frozenset({"UPDATE", "DELETE"}),
    "message_events": frozenset({"UPDATE", "DELETE"}),
    "announcements": frozenset({"UPDATE", "DELETE"}),
    "contact_log_entries": frozenset({"UPDATE", "DELETE"}),
}
# SQLSTATEs the tests tell apart.
INSUFFICIENT_PRIVILEGE = "42501"
CHECK_VIOLATION = "23514"
FOREIGN_KEY_VIOLATION = "23503"


def sqlstate(exc: BaseException) -> str | None:
    """The SQLSTATE behind a SQLAlchemy error raised by asyncpg."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None)


def insert_sql(table: str, row: dict[str, Any], suffix: str = "") -> Any:
    cols = ", ".join(row)
    casts = CASTS.get(table, {})
    values = ", ".join(f"CAST(:{c} AS {casts[c]})" if c in casts else f":{c}" for c in row)
    return text(f"INSERT INTO {table} ({cols}) VALUES ({values}) {suffix}")


async def insert(
    sessions: async_sessionmaker[AsyncSession], tenant: Tenant, table: str, shared: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A fresh row of `table` in `tenant`, written as the application role."""
    row = await FACTORIES[table](sessions, tenant, {} if shared is None else shared)
    async with scoped_transaction(sessions, tenant.org, tenant.user) as s:
        await s.execute(insert_sql(table, row), row)
        await complete(s, row)
    return row


async def complete(session: AsyncSession, row: dict[str, Any]) -> None:
    """Insert the companions a row needs in its own transaction (see COMPANIONS)."""
    for table, companion in COMPANIONS.pop(row["id"], []):
        await session.execute(insert_sql(table, companion), companion)


async def parent(sessions: async_sessionmaker[AsyncSession], tenant: Tenant, shared: dict[str, Any], table: str) -> uuid.UUID:
    """The id of a `table` row in `tenant` for a child row to point at (composite
    keys keep it in the same tenant). Made once per `shared`, so the children of
    one factory call share their parents (an ownership's unit and party)."""
    if table not in shared:
        shared[table] = (await insert(sessions, tenant, table, shared))["id"]
    return shared[table]
