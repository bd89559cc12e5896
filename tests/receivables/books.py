"""An association with books and a monthly assessment schedule, and the
invariants every receivables test checks against the database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

from dbos import DBOS
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from graph.db import scoped_transaction
from graph.ids import decode
from tests.accounting.books import Books, open_books
from tests.helpers import Api, Caller
from tests.violations.enforcement import Enforcement, month


def raw(public_id: str) -> UUID:
    return decode(public_id)[1]


@dataclass
class Receivables:
    b: Books
    schedule: str

    @property
    def c(self) -> Any:
        return self.b.c


async def open_receivables(api: Api, units: int = 3, *, amount: str = "300.00", method: str = "share") -> Receivables:
    b = await open_books(api, units)
    schedule = await assessment_schedule(api, b.c.admin, b.c.association, b.accounts, b.funds, amount=amount, method=method)
    return Receivables(b, schedule["id"])


async def assessment_schedule(
    api: Api, admin: Caller, association: str, accounts: dict[str, str], funds: dict[str, str], **fields: Any
) -> dict[str, Any]:
    """A regular assessment of 300.00 a month split by share, due on the 1st from
    January 2026, into Assessment Income of the operating fund; `fields` change any of it."""
    body = {
        "associationId": association,
        "name": "Regular Assessment",
        "kind": "regular",
        "frequency": "monthly",
        "method": "share",
        "amount": "300.00",
        "incomeAccountId": accounts["4000"],
        "fundId": funds["OPER"],
        "startsOn": "2026-01-01",
        "dueDay": 1,
    }
    return await api.call("assessmentSchedule/v1/create", body | fields, admin)


async def ahead(api, e: Enforcement, **fields: Any) -> dict[str, Any]:
    """A monthly assessment from next month, due on the 5th, not levied yet; `fields` change any of it."""
    return await assessment_schedule(
        api, e.admin, e.association, e.accounts, e.funds, **({"startsOn": month(1), "dueDay": 5} | fields)
    )


async def levy(api: Api, r: Receivables, period: str, schedule: str | None = None) -> dict[str, Any]:
    """Levy a period and wait for its workflow to post every charge."""
    return await levied(api, r.c.admin, schedule or r.schedule, period)


async def levied(api: Api, admin: Caller, schedule: str, period: str) -> dict[str, Any]:
    """`levy`, of any association's schedule."""
    started = await api.call("levy/v1/post", {"scheduleId": schedule, "period": period}, admin)
    await (await DBOS.retrieve_workflow_async(started["workflowId"])).get_result(polling_interval_sec=0.02)
    done = await api.call("levy/v1/get", {"id": started["id"]}, admin)
    assert done["postedUnits"] == done["unitCount"], done
    return done


async def pay(api: Api, r: Receivables, unit: int, amount: str, on: str, **more: Any) -> dict[str, Any]:
    body = {"unitId": r.c.units[unit], "receivedOn": on, "amount": amount, "method": "check", **more}
    return await api.call("payment/v1/record", body, r.c.admin)


async def balances(api: Api, r: Receivables, as_of: str) -> dict[str, Decimal]:
    """Each unit's balance from the AR aging, by unit number."""
    aging = await api.call("arAging/v1/get", {"associationId": r.c.association, "asOf": as_of}, r.c.admin)
    return {row["unitNumber"]: Decimal(row["balance"]) for row in aging["rows"]}


_UNBALANCED = text(
    """SELECT entry_id, fund_id, v FROM journal_lines l CROSS JOIN (VALUES ('accrual'), ('cash')) AS views(v)
        WHERE l.association_id = :a AND l.basis::text IN ('both', v)
        GROUP BY entry_id, fund_id, v HAVING sum(debit) <> sum(credit)"""
)
_TRIAL = text(
    """SELECT v, sum(debit - credit) FROM journal_lines l CROSS JOIN (VALUES ('accrual'), ('cash')) AS views(v)
        WHERE l.association_id = :a AND l.basis::text IN ('both', v) GROUP BY v"""
)
# Per unit, fund and control account: the GL's balance and the owner ledger's.
_AGREEMENT = text(
    """WITH gl AS (
         SELECT l.unit_id, l.fund_id, a.control::text AS control,
                sum(CASE a.control WHEN 'accounts_receivable' THEN l.debit - l.credit ELSE l.credit - l.debit END) AS amount
           FROM journal_lines l JOIN gl_accounts a ON a.id = l.account_id
          WHERE l.association_id = :a AND a.control IN ('accounts_receivable', 'prepaid_assessments') AND l.basis <> 'cash'
          GROUP BY 1, 2, 3),
       sub AS (
         SELECT unit_id, fund_id, control, sum(amount) AS amount FROM (
           SELECT e.unit_id, e.fund_id,
                  CASE WHEN e.kind IN ('charge', 'late_fee', 'nsf_fee', 'adjustment') THEN 'accounts_receivable'
                       ELSE 'prepaid_assessments' END AS control,
                  CASE WHEN e.kind IN ('charge', 'late_fee', 'nsf_fee', 'adjustment') THEN e.amount ELSE -e.amount END AS amount
             FROM owner_ledger_entries e WHERE e.association_id = :a
           UNION ALL
           SELECT al.unit_id, c.fund_id, 'accounts_receivable', -al.amount FROM owner_ledger_allocations al
             JOIN owner_ledger_entries c ON c.id = al.charge_entry_id WHERE al.association_id = :a
           UNION ALL
           SELECT al.unit_id, k.fund_id, 'prepaid_assessments', -al.amount FROM owner_ledger_allocations al
             JOIN owner_ledger_entries k ON k.id = al.credit_entry_id WHERE al.association_id = :a) s
         GROUP BY 1, 2, 3)
     SELECT coalesce(gl.unit_id, sub.unit_id) AS unit_id, coalesce(gl.control, sub.control) AS control,
            coalesce(gl.amount, 0) AS gl, coalesce(sub.amount, 0) AS sub
       FROM gl FULL JOIN sub
         ON gl.unit_id IS NOT DISTINCT FROM sub.unit_id AND gl.fund_id = sub.fund_id AND gl.control = sub.control"""
)
_NEGATIVE = text(
    """SELECT e.id, e.kind FROM owner_ledger_entries e
        WHERE e.association_id = :a AND (
          (e.kind IN ('charge', 'late_fee', 'nsf_fee', 'adjustment')
           AND e.amount < (SELECT coalesce(sum(amount), 0) FROM owner_ledger_allocations WHERE charge_entry_id = e.id))
          OR (e.kind IN ('payment', 'credit')
           AND -e.amount < (SELECT coalesce(sum(amount), 0) FROM owner_ledger_allocations WHERE credit_entry_id = e.id)
                          + (SELECT coalesce(sum(amount), 0) FROM owner_ledger_entries r
                              WHERE r.related_entry_id = e.id AND r.kind = 'payment_return')))"""
)


async def check_books_in(session: AsyncSession, association_id: UUID) -> dict[UUID, Decimal]:
    """Every entry balanced per fund in both views, the trial balance zero in
    both, every unit's owner ledger equal to its receivable and prepaid
    accounts, nothing over-applied. Returns each unit's balance (owed)."""
    params = {"a": association_id}
    assert (await session.execute(_UNBALANCED, params)).all() == []
    assert all(total == 0 for _, total in (await session.execute(_TRIAL, params)).all())
    rows = (await session.execute(_AGREEMENT, params)).all()
    assert [r for r in rows if r.gl != r.sub or r.unit_id is None] == [], rows
    assert (await session.execute(_NEGATIVE, params)).all() == []
    owed: dict[UUID, Decimal] = {}
    for r in rows:
        owed[r.unit_id] = owed.get(r.unit_id, Decimal(0)) + (r.gl if r.control == "accounts_receivable" else -r.gl)
    return owed


async def check_books(platform: Any, r: Receivables) -> dict[UUID, Decimal]:
    async with scoped_transaction(platform.sessions, raw(r.c.org), None) as session:
        return await check_books_in(session, raw(r.c.association))
