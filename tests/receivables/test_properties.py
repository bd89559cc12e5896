"""Property: any sequence of manual postings, reversals, levies, payments
(overpayments included), credits, charges, late fees and returned payments
keeps every entry balanced per fund in both views, the trial balance at zero
in both views, every unit's owner ledger equal to its receivable and prepaid
accounts, nothing over-applied, and the AR aging equal to the ledger.

Each example runs through the service layer in one transaction of the
application role (RLS on), forces the deferred database checks with `SET
CONSTRAINTS ALL IMMEDIATE`, checks, and rolls back — so the examples share one
association and cost no commits.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from domains.accounting.errors import NotReversible, OwnerLedgerAccount
from domains.accounting.models import EntrySource, JournalEntry
from domains.accounting.service import ledger
from domains.receivables.errors import UnknownCharge
from domains.receivables.models import AssessmentSchedule, EntryKind, OwnerLedgerEntry
from domains.receivables.schemas import (
    OwnerLedgerEntryChargeInput,
    OwnerLedgerEntryCreditInput,
    PaymentRecordInput,
    PaymentReturnInput,
)
from domains.receivables.service import assessments, late_fees, owner_ledger, reports
from graph.db import apply_scope
from tests.receivables.books import Receivables, check_books_in, open_receivables, raw

money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("700.00"), places=2)
day = st.integers(min_value=1, max_value=28)
month = st.integers(min_value=1, max_value=6)
unit = st.integers(min_value=0, max_value=2)
pick = st.integers(min_value=0, max_value=50)

OPS = st.one_of(
    st.tuples(st.just("levy"), st.sampled_from([0, 1]), month),
    st.tuples(st.just("pay"), unit, money, month, day),
    st.tuples(st.just("return"), pick, st.sampled_from(["0", "25.00"]), day),
    st.tuples(st.just("credit"), unit, money, month, st.booleans()),
    st.tuples(st.just("charge"), unit, money, month),
    st.tuples(st.just("manual"), st.sampled_from(["1010", "1020", "5100"]), money, month),
    st.tuples(st.just("reverse"), pick, month),
    st.tuples(st.just("late"), month, day),
)


@pytest.fixture(scope="module")
async def world(app) -> Any:
    """Three units; a monthly operating assessment by share, a quarterly reserve
    one fixed per unit (so payments move cash between funds), a late-fee rule."""
    import httpx

    from tests.helpers import Api

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        api = Api(client)
        r = await open_receivables(api, 3, amount="1000.00")
        reserve = await api.call(
            "assessmentSchedule/v1/create",
            {
                "associationId": r.c.association,
                "name": "Reserve Contribution",
                "kind": "regular",
                "frequency": "quarterly",
                "method": "fixed",
                "amount": "50.00",
                "incomeAccountId": r.b.accounts["4000"],
                "fundId": r.b.funds["RESV"],
                "startsOn": "2026-01-01",
                "dueDay": 10,
            },
            r.c.admin,
        )
        await api.call(
            "lateFeeRule/v1/set",
            {"associationId": r.c.association, "graceDays": 5, "method": "flat", "amount": "10.00"},
            r.c.admin,
        )
        return r, [raw(r.schedule), raw(reserve["id"])]


class Driver:
    def __init__(self, session: Any, r: Receivables, schedules: list[UUID]) -> None:
        self.s, self.r, self.schedules = session, r, schedules
        self.org, self.association = raw(r.c.org), raw(r.c.association)
        self.units = [raw(u) for u in r.c.units]
        self.payments: list[OwnerLedgerEntry] = []
        self.manual_entries: list[JournalEntry] = []
        self.receivable_entries: list[UUID] = []

    async def levy(self, which: int, m: int) -> None:
        schedule = await self.s.get(AssessmentSchedule, self.schedules[which])
        period = date(2026, m if which == 0 else 1 + 3 * ((m - 1) // 3), 1)
        plan = await assessments.plan(self.s, schedule, period)
        levy, _ = await assessments.start(self.s, self.org, plan, self.org)
        # Posting a batch twice charges it once.
        for _ in range(2):
            await assessments.post_batch(self.s, self.org, levy.id, [(line.unit_id, line.amount) for line in plan.lines])

    async def pay(self, u: int, amount: Decimal, m: int, d: int) -> None:
        data = PaymentRecordInput(unit_id=self.units[u], received_on=date(2026, m, d), amount=amount, method="ach")
        rows, _ = await owner_ledger.record_payment(self.s, self.org, data, None)
        self.payments.append(rows[0])
        self.receivable_entries.append(rows[0].journal_entry_id)

    async def return_(self, k: int, fee: str, d: int) -> None:
        if not self.payments:
            return
        payment = self.payments.pop(k % len(self.payments))  # each payment bounces at most once here
        on = max(payment.entry_date, date(2026, payment.entry_date.month, d))
        await owner_ledger.return_payment(
            self.s, self.org, payment, PaymentReturnInput(id=payment.id, returned_on=on, fee=Decimal(fee)), None
        )

    async def credit(self, u: int, amount: Decimal, m: int, on_charge: bool) -> None:
        charge = None
        if on_charge:
            charge = await self.s.scalar(
                select(OwnerLedgerEntry.id)
                .where(OwnerLedgerEntry.unit_id == self.units[u], OwnerLedgerEntry.kind == EntryKind.CHARGE)
                .limit(1)
            )
        data = OwnerLedgerEntryCreditInput(
            unit_id=self.units[u], amount=amount, entry_date=date(2026, m, 15), charge_id=charge, memo="credit"
        )
        with suppress(UnknownCharge):  # a charge already paid in full is no longer open
            await owner_ledger.credit(self.s, self.org, data, None)

    async def charge(self, u: int, amount: Decimal, m: int) -> None:
        data = OwnerLedgerEntryChargeInput(unit_id=self.units[u], amount=amount, entry_date=date(2026, m, 20), memo="fine")
        await owner_ledger.charge(self.s, self.org, data, None)

    async def manual(self, number: str, amount: Decimal, m: int) -> None:
        accounts, funds = self.r.b.accounts, self.r.b.funds
        fund = funds["RESV" if number == "1020" else "OPER"]
        offset = "3100" if number == "1020" else ("1010" if number == "5100" else "3000")
        lines = [
            ledger.Posting(raw(accounts[number]), raw(fund), debit=amount),
            ledger.Posting(raw(accounts[offset]), raw(fund), credit=amount),
        ]
        entry = await ledger.post(
            self.s,
            organization_id=self.org,
            association_id=self.association,
            entry_date=date(2026, m, 5),
            memo="manual",
            source=EntrySource.MANUAL,
            lines=lines,
        )
        self.manual_entries.append(entry)
        # Never into the owner ledger's accounts.
        bad = [
            ledger.Posting(raw(accounts["1200"]), raw(funds["OPER"]), debit=amount, unit_id=self.units[0]),
            ledger.Posting(raw(accounts["3000"]), raw(funds["OPER"]), credit=amount),
        ]
        with pytest.raises(OwnerLedgerAccount):
            await ledger.post(
                self.s,
                organization_id=self.org,
                association_id=self.association,
                entry_date=date(2026, m, 5),
                memo="x",
                source=EntrySource.MANUAL,
                lines=bad,
            )

    async def reverse(self, k: int, m: int) -> None:
        if self.receivable_entries:
            owned = await self.s.get(JournalEntry, self.receivable_entries[k % len(self.receivable_entries)])
            with pytest.raises(NotReversible):
                await ledger.reverse(self.s, owned, on=date(2026, 6, 28))
        if self.manual_entries:
            entry = self.manual_entries.pop(k % len(self.manual_entries))
            await ledger.reverse(self.s, entry, on=max(entry.entry_date, date(2026, m, 6)))

    async def late(self, m: int, d: int) -> None:
        await late_fees.apply(self.s, self.org, self.association, date(2026, m, d), None)

    async def run(self, op: tuple[Any, ...]) -> None:
        name, *args = op
        await getattr(self, "return_" if name == "return" else name)(*args)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=12))
async def test_any_sequence_keeps_the_books(platform, world, ops) -> None:
    r, schedules = world
    async with platform.sessions() as session:
        await session.begin()
        try:
            await apply_scope(session, raw(r.c.org), None)
            driver = Driver(session, r, schedules)
            for op in ops:
                await driver.run(op)
            await session.flush()
            # The database's deferred checks (balanced entries, owner ledger = GL) fire now.
            await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
            owed = await check_books_in(session, driver.association)
            rows, _ = await reports.aging(session, driver.association, date(2026, 12, 31))
            aging = {row["unit_id"]: row["balance"] for row in rows}
            assert set(aging) <= set(owed) and all(aging.get(u, 0) == b for u, b in owed.items()), (aging, owed)
        finally:
            await session.rollback()
