"""Property: any sequence of manual postings, reversals, levies, payments
(overpayments included), credits, charges, late fees, returned and voided
payments, lockbox files (imported twice, an exception resolved), bank
statements (imported twice, auto-matched, a fee booked from one), autopay
debit files and their settlement, payment plans (agreed, reviewed,
canceled), recurring entries (auto-reversed or not, posted due twice), reserve
transfers either way and, last, the fiscal year's close keeps every entry
balanced per fund in both views, the trial balance at zero in both views, every
unit's owner ledger equal to its receivable and prepaid accounts, nothing
over-applied, the AR aging equal to the ledger, the interfund accounts of all
funds summing to zero — and, when the year is closed, its income and expenses
at zero on the books while the balance sheet and income statement read as
before the close.

Each example runs through the service layer in one transaction of the
application role (RLS on), forces the deferred database checks with `SET
CONSTRAINTS ALL IMMEDIATE`, checks, and rolls back — so the examples share one
association and cost no commits.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any
from uuid import UUID

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from domains.accounting.errors import InsufficientCash, NotReversible, OwnerLedgerAccount
from domains.accounting.models import EntrySource, FiscalPeriodClose, JournalEntry
from domains.accounting.schemas import RecurringEntryCreateInput, RecurringEntryLineInput
from domains.accounting.service import closing, fiscal, ledger, recurring, transfers
from domains.accounting.service import reports as books_reports
from domains.ach.service import origination, settlement
from domains.banking.errors import MonthReconciled
from domains.banking.models import BankAccount
from domains.banking.schemas import BankStatementImportInput, CsvMapping
from domains.banking.service import matching, statements
from domains.receivables.errors import NothingOwed, PlanExists, UnknownCharge
from domains.receivables.models import (
    AssessmentSchedule,
    EntryKind,
    LockboxItem,
    LockboxItemStatus,
    OwnerLedgerEntry,
    PaymentPlan,
    PlanStatus,
)
from domains.receivables.schemas import (
    LockboxFileImportInput,
    LockboxItemResolveInput,
    OwnerLedgerEntryChargeInput,
    OwnerLedgerEntryCreditInput,
    PaymentPlanCreateInput,
    PaymentRecordInput,
    PaymentReturnInput,
    PaymentVoidInput,
)
from domains.receivables.service import assessments, late_fees, lockbox, owner_ledger, payment_plans, reports
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
    st.tuples(st.just("void"), pick, day),
    st.tuples(
        st.just("lockbox"), st.lists(st.tuples(st.sampled_from(["1", "2", "3", "9"]), money, day), min_size=1, max_size=4), month
    ),
    st.tuples(st.just("statement"), st.lists(st.tuples(money, day, st.booleans()), min_size=1, max_size=4), month),
    st.tuples(st.just("autopay"), month),
    st.tuples(st.just("plan"), unit, month, st.integers(min_value=2, max_value=6)),
    st.tuples(st.just("review"), month, day, st.booleans()),
    st.tuples(st.just("recur"), money, month, st.booleans()),
    st.tuples(st.just("transfer"), st.booleans(), money, month, day),
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
        # A bank account on operating cash (statements, autopay files) and unit 1's autopay.
        bank = await api.call(
            "bankAccount/v1/create",
            {
                "associationId": r.c.association,
                "name": "Operating Checking",
                "institution": "First Community Bank",
                "kind": "checking",
                "routingNumber": "121000358",
                "accountNumber": "000123456789",
                "glAccountId": r.b.accounts["1010"],
                "openedOn": "2025-12-01",
            },
            r.c.admin,
        )
        await api.call(
            "achAuthorization/v1/create",
            {
                "associationId": r.c.association,
                "unitId": r.c.units[0],
                "holderName": "Owner 1",
                "accountKind": "checking",
                "routingNumber": "011000015",
                "accountNumber": "12345678",
                "authorizedOn": "2025-12-15",
                "terms": "Debit my account for assessments on each due date until I revoke this authorization.",
            },
            r.c.admin,
        )
        return r, [raw(r.schedule), raw(reserve["id"])], raw(bank["id"])


class Driver:
    def __init__(self, session: Any, r: Receivables, schedules: list[UUID], bank: UUID, sealer: Any) -> None:
        self.s, self.r, self.schedules, self.bank, self.sealer = session, r, schedules, bank, sealer
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

    async def void(self, k: int, d: int) -> None:
        if not self.payments:
            return
        payment = self.payments.pop(k % len(self.payments))
        on = max(payment.entry_date, date(2026, payment.entry_date.month, d))
        await owner_ledger.void_payment(
            self.s, self.org, payment, PaymentVoidInput(id=payment.id, voided_on=on, reason="Entered in error"), self.org
        )

    async def lockbox(self, lines: list[tuple[str, Decimal, int]], m: int) -> None:
        text_ = "account,amount,checkNumber,date\n" + "".join(
            f"{u},{a},{5000 + i},2026-{m:02}-{d:02}\n" for i, (u, a, d) in enumerate(lines)
        )
        data = LockboxFileImportInput(association_id=self.association, csv=text_)
        file, already = await lockbox.import_file(self.s, self.org, data, self.org)
        again, twice = await lockbox.import_file(self.s, self.org, data, self.org)
        assert (again.id, twice) == (file.id, True)
        if already:  # the same lines earlier in this example: posted then
            return
        posted = await self.s.scalars(
            select(OwnerLedgerEntry).where(
                OwnerLedgerEntry.id.in_(select(LockboxItem.payment_entry_id).where(LockboxItem.file_id == file.id))
            )
        )
        self.payments.extend(posted)
        # Unit 9 doesn't exist: a person posts the exception to unit 3.
        exception = await self.s.scalar(
            select(LockboxItem).where(LockboxItem.file_id == file.id, LockboxItem.status == LockboxItemStatus.EXCEPTION).limit(1)
        )
        if exception is not None:
            item = await lockbox.resolve(
                self.s, self.org, exception, LockboxItemResolveInput(id=exception.id, unit_id=self.units[2]), self.org
            )
            self.receivable_entries.append((await self.s.get(OwnerLedgerEntry, item.payment_entry_id)).journal_entry_id)

    async def statement(self, lines: list[tuple[Decimal, int, bool]], m: int) -> None:
        rows = "".join(f"2026-{m:02}-{d:02},{'' if deposit else '-'}{a},S{m}-{i}\n" for i, (a, d, deposit) in enumerate(lines))
        data = BankStatementImportInput(
            bank_account_id=self.bank,
            csv="Date,Amount,Id\n" + rows,
            csv_mapping=CsvMapping(date="Date", amount="Amount", transaction_id="Id"),
        )
        account = await self.s.get(BankAccount, self.bank)
        with suppress(MonthReconciled):
            await statements.import_statement(self.s, self.org, account, data, self.org)
            assert (await statements.import_statement(self.s, self.org, account, data, self.org))[1] == 0
        await matching.auto_match(self.s, self.org, account, None, 5, self.org)
        # What the books lack (a fee, interest) is booked from the bank's side.
        for transaction in (await matching.unmatched_of(self.s, self.bank))[:1]:
            other = self.r.b.accounts["5100" if transaction.amount < 0 else "4200"]
            await matching.create_entry(
                self.s, self.org, transaction, SimpleNamespace(account_id=raw(other), memo=None), self.org
            )

    async def autopay(self, m: int) -> None:
        await origination.debits(self.s, self.org, self.association, date(2026, m, 1), self.sealer, None)
        await settlement.settle(self.s, self.org, self.association, date(2026, m, 4))

    async def plan(self, u: int, m: int, instalments: int) -> None:
        starts = date(2026, m, 2)
        data = PaymentPlanCreateInput(unit_id=self.units[u], starts_on=starts, instalments=instalments, first_due_on=starts)
        with suppress(NothingOwed, PlanExists):
            await payment_plans.create(self.s, self.org, data, self.org)

    async def review(self, m: int, d: int, cancel: bool) -> None:
        await payment_plans.review(self.s, self.association, date(2026, m, d), None)
        if cancel:
            for plan in await self.s.scalars(select(PaymentPlan).where(PaymentPlan.status == PlanStatus.ACTIVE).limit(1)):
                await payment_plans.cancel(self.s, plan, "Paid off by other means", self.org)

    async def recur(self, amount: Decimal, m: int, auto_reverse: bool) -> None:
        accounts, fund = self.r.b.accounts, raw(self.r.b.funds["OPER"])
        data = RecurringEntryCreateInput(
            association_id=self.association,
            memo="accrual",
            day_of_month=28,
            starts_on=date(2026, m, 1),
            auto_reverse=auto_reverse,
            lines=[
                RecurringEntryLineInput(account_id=raw(accounts["5100"]), fund_id=fund, debit=amount),
                RecurringEntryLineInput(account_id=raw(accounts["1010"]), fund_id=fund, credit=amount),
            ],
        )
        await recurring.create(self.s, self.org, data, None)
        done = await recurring.post_due(self.s, self.association, date(2026, 6, 28), None)
        assert all(o.status.value == "posted" for o in done)
        assert await recurring.post_due(self.s, self.association, date(2026, 6, 28), None) == []

    async def transfer(self, to_reserve: bool, amount: Decimal, m: int, d: int) -> None:
        funds = [raw(self.r.b.funds["OPER"]), raw(self.r.b.funds["RESV"])]
        source, target = funds if to_reserve else funds[::-1]
        with suppress(InsufficientCash):
            await transfers.transfer(
                self.s,
                organization_id=self.org,
                association_id=self.association,
                from_fund_id=source,
                to_fund_id=target,
                amount=amount,
                on=date(2026, m, d),
                memo=None,
                posted_by=None,
            )

    async def close_year(self) -> None:
        """Close 2026 (as if on New Year's Day): the reports read the same after."""
        scope = await books_reports.ReportScope.read(self.s, self.org, self.association, None)
        days = [date(2026, 6, 30), date(2026, 12, 31), date(2027, 1, 31)]

        async def read() -> list[Any]:
            return [await books_reports.balance_sheet(self.s, scope, d) for d in days] + [
                await books_reports.income_statement(self.s, scope, date(2026, 1, 1), date(2026, 12, 31))
            ]

        before = await read()
        # The year's months closed as the treasurer would, past the bank
        # reconciliations this association's statements leave unfinished.
        self.s.add_all(
            FiscalPeriodClose(
                organization_id=self.org,
                association_id=self.association,
                month=fiscal.months_after(date(2026, 1, 1), n),
                closed_by=self.org,
            )
            for n in range(12)
        )
        await self.s.flush()
        await closing.close_year(
            self.s, self.org, self.association, 2026, close_open_months=False, today=date(2027, 1, 1), by=self.org
        )
        assert await read() == before
        left = await self.s.execute(_INCOME_LEFT, {"a": self.association})
        assert left.all() == []

    async def run(self, op: tuple[Any, ...]) -> None:
        name, *args = op
        await getattr(self, "return_" if name == "return" else name)(*args)


# Income and expenses left on the books through the closed year, per account, fund and view.
_INCOME_LEFT = text(
    """SELECT l.account_id, l.fund_id, v.view FROM journal_lines l
         JOIN gl_accounts a ON a.id = l.account_id CROSS JOIN (VALUES ('accrual'), ('cash')) v(view)
        WHERE l.association_id = :a AND a.type IN ('income', 'expense') AND l.entry_date <= '2026-12-31'
          AND l.basis::text IN ('both', v.view)
        GROUP BY 1, 2, 3 HAVING sum(l.debit - l.credit) <> 0"""
)
# The interfund accounts of all funds, together: what one fund is owed another owes.
_INTERFUND = text(
    """SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_lines l JOIN gl_accounts a ON a.id = l.account_id
        WHERE l.association_id = :a AND a.control = 'interfund'"""
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(ops=st.lists(OPS, min_size=1, max_size=12), close=st.booleans())
async def test_any_sequence_keeps_the_books(platform, world, ops, close) -> None:
    r, schedules, bank = world
    async with platform.sessions() as session:
        await session.begin()
        try:
            await apply_scope(session, raw(r.c.org), None)
            driver = Driver(session, r, schedules, bank, platform.sealer)
            for op in ops:
                await driver.run(op)
            if close:
                await driver.close_year()
            await session.flush()
            # The database's deferred checks (balanced entries, owner ledger = GL) fire now.
            await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
            owed = await check_books_in(session, driver.association)
            rows, _ = await reports.aging(session, driver.association, date(2026, 12, 31))
            aging = {row["unit_id"]: row["balance"] for row in rows}
            assert set(aging) <= set(owed) and all(aging.get(u, 0) == b for u, b in owed.items()), (aging, owed)
            assert await session.scalar(_INTERFUND, {"a": driver.association}) == 0
        finally:
            await session.rollback()
