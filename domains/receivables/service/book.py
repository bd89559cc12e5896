"""Posting to owner ledgers and the general ledger together: the one way any
charge, payment, credit or return reaches a unit's account.

A `Book` gathers, for one operation, the owner-ledger rows, the allocations and
the general-ledger amounts they imply, then posts one journal entry per
accounting date and writes the rows naming it — all in the caller's
transaction, which the database checks at commit (models.py).

The general-ledger side of each event, per unit (G: the fund a payment or
credit is held in; F: a charge's fund; I: an income account):

    charge X               Dr Receivable(F)  [accrual]    Cr I(F)            [accrual]
    payment X (a lot)      Dr Cash(G)        [both]       Cr Prepaid(G)      [both]
    credit X (a lot)       Dr I(G)           [both]       Cr Prepaid(G)      [both]
    apply a of a lot       Dr Prepaid(G) a   [both]       Cr Receivable(F) a [accrual]
      to a charge                                         Cr I(F) a          [cash]
      (when G ≠ F, the money moves too: Cr Cash(G) a, Dr Cash(F) a, both views)
    return a payment       undo its applications, then Dr Prepaid(G) / Cr Cash(G)

so the accrual view recognises income when charged and the cash view when
paid, and each balances per fund. The amounts of one date are netted per
account, fund and unit into at most a both-views line, or an accrual and a cash
line: a payment applied at once posts exactly Dr Cash / Cr Receivable [accrual]
/ Cr Income [cash].

Application order: lots oldest first, each to the open charges of its unit by
due date (then posting order); a credit only to charges of its own fund, a
payment to any (moving the cash). An application is dated the latest of the
operation's date, the lot's and the charge's, so the books never show a
charge paid before it existed. Callers lock the units first (`lock`), so two
operations never apply the same lot twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from typing import Any
from uuid import UUID

from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domains.accounting.errors import ControlAccountMissing
from domains.accounting.models import (
    Basis,
    ControlRole,
    EntrySource,
    Fund,
    FundKind,
    GlAccount,
    JournalEntry,
)
from domains.accounting.service import ledger
from domains.associations.models import Unit
from domains.receivables.models import (
    DEBIT_KINDS,
    LOT_KINDS,
    EntryKind,
    OwnerLedgerAllocation,
    OwnerLedgerEntry,
    PaymentMethod,
)
from graph.db import new_id

_NEW = count()  # orders rows made in this process after rows read back (which sort by seq)


@dataclass
class Charge:
    """A charge with something still open."""

    id: UUID
    unit_id: UUID
    fund_id: UUID
    account_id: UUID
    entry_date: date
    due_date: date
    order: tuple[int, int]
    open: Decimal

    def key(self) -> tuple[Any, ...]:
        return (self.due_date, self.entry_date, self.order)


@dataclass
class Lot:
    """A payment or credit with something still unapplied."""

    id: UUID
    unit_id: UUID
    kind: EntryKind
    fund_id: UUID
    entry_date: date
    order: tuple[int, int]
    remaining: Decimal

    def key(self) -> tuple[Any, ...]:
        return (self.entry_date, self.order)

    def pays(self, charge: Charge) -> bool:
        return self.kind is EntryKind.PAYMENT or charge.fund_id == self.fund_id


@dataclass
class Book:
    session: AsyncSession
    organization_id: UUID
    association_id: UUID
    accounts: dict[tuple[ControlRole, UUID | None], GlAccount]
    home_fund: UUID
    posted_by: UUID | None
    charges: dict[UUID, Charge] = field(default_factory=dict)
    lots: dict[UUID, Lot] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)
    allocations: list[dict[str, Any]] = field(default_factory=list)
    # date → (account, fund, unit) → [accrual view, cash view], debits positive
    amounts: dict[date, dict[tuple[UUID, UUID, UUID | None], list[Decimal]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(lambda: [Decimal(0), Decimal(0)]))
    )
    # The journal entries `post` wrote, by date.
    entries: dict[date, JournalEntry] = field(default_factory=dict)

    @classmethod
    async def open(cls, session: AsyncSession, organization_id: UUID, association_id: UUID, posted_by: UUID | None) -> Book:
        """The association's control accounts, and its home fund: the operating
        fund that holds payments and credits until they are applied."""
        accounts = await ledger.control_accounts(session, association_id)
        operating = (
            await session.scalars(
                select(Fund.id).where(Fund.association_id == association_id, Fund.kind == FundKind.OPERATING).order_by(Fund.code)
            )
        ).all()
        home = next((f for f in operating if (ControlRole.PREPAID_ASSESSMENTS, f) in accounts), None)
        if home is None:
            raise ControlAccountMissing(
                "The association has no operating fund with a prepaid assessments account (install the chart of accounts).",
                details={"control": ControlRole.PREPAID_ASSESSMENTS.value, "fundId": None},
            )
        return cls(session, organization_id, association_id, accounts, home, posted_by)

    def account(self, role: ControlRole, fund_id: UUID | None = None) -> UUID:
        return ledger.control(self.accounts, role, fund_id).id

    async def lock(self, unit_ids: list[UUID]) -> list[UUID]:
        """Lock these units of the association, in id order (so concurrent
        operations never deadlock); returns the ones that exist."""
        return list(
            (
                await self.session.scalars(
                    select(Unit.id)
                    .where(Unit.association_id == self.association_id, Unit.id.in_(unit_ids))
                    .order_by(Unit.id)
                    .with_for_update(key_share=True)
                )
            ).all()
        )

    async def load_open(self, unit_ids: list[UUID]) -> None:
        """The open charges and unapplied lots of these (locked) units."""
        E, A, R = OwnerLedgerEntry, OwnerLedgerAllocation, aliased(OwnerLedgerEntry)
        applied = (
            select(func.coalesce(func.sum(A.amount), 0))
            .where(A.organization_id == E.organization_id, A.charge_entry_id == E.id)
            .scalar_subquery()
        )
        open_ = (E.amount - applied).label("open")
        charges = await self.session.execute(
            select(E.id, E.unit_id, E.fund_id, E.account_id, E.entry_date, E.due_date, E.seq, open_).where(
                E.association_id == self.association_id, E.unit_id.in_(unit_ids), E.kind.in_(DEBIT_KINDS), open_ > 0
            )
        )
        for c in charges:
            self.charges[c.id] = Charge(c.id, c.unit_id, c.fund_id, c.account_id, c.entry_date, c.due_date, (0, c.seq), c.open)
        used = (
            select(func.coalesce(func.sum(A.amount), 0))
            .where(A.organization_id == E.organization_id, A.credit_entry_id == E.id)
            .scalar_subquery()
        )
        returned = (
            select(func.coalesce(func.sum(R.amount), 0))
            .where(R.organization_id == E.organization_id, R.related_entry_id == E.id, R.kind == EntryKind.PAYMENT_RETURN)
            .scalar_subquery()
        )
        remaining = (-E.amount - used - returned).label("remaining")
        lots = await self.session.execute(
            select(E.id, E.unit_id, E.kind, E.fund_id, E.entry_date, E.seq, remaining).where(
                E.association_id == self.association_id, E.unit_id.in_(unit_ids), E.kind.in_(LOT_KINDS), remaining > 0
            )
        )
        for r in lots:
            self.lots[r.id] = Lot(r.id, r.unit_id, r.kind, r.fund_id, r.entry_date, (0, r.seq), r.remaining)

    # --- events ---------------------------------------------------------------

    def _book(self, on: date, account_id: UUID, fund_id: UUID, unit_id: UUID | None, debit: Decimal, basis: Basis) -> None:
        views = self.amounts[on][(account_id, fund_id, unit_id)]
        if basis is not Basis.CASH:
            views[0] += debit
        if basis is not Basis.ACCRUAL:
            views[1] += debit

    def _row(
        self, unit_id: UUID, kind: EntryKind, amount: Decimal, on: date, fund_id: UUID, memo: str, **more: Any
    ) -> dict[str, Any]:
        row = {
            "id": new_id(),
            "organization_id": self.organization_id,
            "association_id": self.association_id,
            "unit_id": unit_id,
            "kind": kind,
            "entry_date": on,
            "due_date": None,
            "amount": amount,
            "fund_id": fund_id,
            "account_id": None,
            "levy_id": None,
            "related_entry_id": None,
            "method": None,
            "reference": None,
            "memo": memo[:200],
            "posted_by": self.posted_by,
        } | more
        self.rows.append(row)
        return row

    def debit(
        self,
        unit_id: UUID,
        kind: EntryKind,
        amount: Decimal,
        *,
        on: date,
        due: date,
        fund_id: UUID,
        account_id: UUID,
        memo: str,
        levy_id: UUID | None = None,
        related_entry_id: UUID | None = None,
    ) -> Charge:
        """A charge, fee or debit adjustment: receivable against income, accrual view."""
        assert kind in DEBIT_KINDS and amount > 0
        row = self._row(
            unit_id,
            kind,
            amount,
            on,
            fund_id,
            memo,
            due_date=due,
            account_id=account_id,
            levy_id=levy_id,
            related_entry_id=related_entry_id,
        )
        self._book(on, self.account(ControlRole.ACCOUNTS_RECEIVABLE, fund_id), fund_id, unit_id, amount, Basis.ACCRUAL)
        self._book(on, account_id, fund_id, unit_id, -amount, Basis.ACCRUAL)
        charge = Charge(row["id"], unit_id, fund_id, account_id, on, due, (1, next(_NEW)), amount)
        self.charges[charge.id] = charge
        return charge

    def lot(
        self,
        unit_id: UUID,
        kind: EntryKind,
        amount: Decimal,
        *,
        on: date,
        fund_id: UUID,
        memo: str,
        account_id: UUID | None = None,
        method: PaymentMethod | None = None,
        reference: str | None = None,
    ) -> Lot:
        """A payment (cash in) or a credit (income given back), held as prepaid until applied."""
        assert kind in LOT_KINDS and amount > 0
        row = self._row(unit_id, kind, -amount, on, fund_id, memo, account_id=account_id, method=method, reference=reference)
        source = self.account(ControlRole.CASH, fund_id) if kind is EntryKind.PAYMENT else account_id
        assert source is not None, "a credit names the income account it gives back"
        self._book(on, source, fund_id, unit_id, amount, Basis.BOTH)
        self._book(on, self.account(ControlRole.PREPAID_ASSESSMENTS, fund_id), fund_id, unit_id, -amount, Basis.BOTH)
        lot = Lot(row["id"], unit_id, kind, fund_id, on, (1, next(_NEW)), amount)
        self.lots[lot.id] = lot
        return lot

    def apply(self, lot: Lot, charge: Charge, amount: Decimal, on: date) -> None:
        """Move `amount` of `lot` onto `charge` (negative: take it back)."""
        day = max(on, lot.entry_date, charge.entry_date)
        self.allocations.append(
            {
                "id": new_id(),
                "organization_id": self.organization_id,
                "association_id": self.association_id,
                "unit_id": lot.unit_id,
                "credit_entry_id": lot.id,
                "charge_entry_id": charge.id,
                "amount": amount,
                "applied_on": day,
            }
        )
        unit, g, f = lot.unit_id, lot.fund_id, charge.fund_id
        self._book(day, self.account(ControlRole.PREPAID_ASSESSMENTS, g), g, unit, amount, Basis.BOTH)
        self._book(day, self.account(ControlRole.ACCOUNTS_RECEIVABLE, f), f, unit, -amount, Basis.ACCRUAL)
        self._book(day, charge.account_id, f, unit, -amount, Basis.CASH)
        if g != f:
            self._book(day, self.account(ControlRole.CASH, g), g, unit, -amount, Basis.BOTH)
            self._book(day, self.account(ControlRole.CASH, f), f, unit, amount, Basis.BOTH)
        lot.remaining -= amount
        charge.open -= amount

    # --- opening balances -----------------------------------------------------

    def trial_line(self, on: date, account_id: UUID, fund_id: UUID, debit: Decimal) -> None:
        """A line of an opening trial balance that no owner ledger keeps (cash,
        payables, fund balances…), in both views (debits positive)."""
        self._book(on, account_id, fund_id, None, debit, Basis.BOTH)

    def opening_charge(
        self, unit_id: UUID, amount: Decimal, *, on: date, due: date, fund_id: UUID, account_id: UUID, memo: str, in_trial: bool
    ) -> Charge:
        """What an owner still owed at cut-over, aged from its original due date:
        receivable in the accrual view. `in_trial`: the (accrual) trial balance
        carried it, against fund balance in both views, so the cash view — which
        never counted it as income — has that much less fund balance; otherwise
        (a cash-basis trial balance) the accrual view adds it to fund balance.
        Paid later, it becomes income in the cash view (`account_id`)."""
        row = self._row(unit_id, EntryKind.CHARGE, amount, on, fund_id, memo, due_date=due, account_id=account_id)
        self._book(on, self.account(ControlRole.ACCOUNTS_RECEIVABLE, fund_id), fund_id, unit_id, amount, Basis.ACCRUAL)
        balance = self.account(ControlRole.FUND_BALANCE, fund_id)
        if in_trial:
            self._book(on, balance, fund_id, None, amount, Basis.CASH)
        else:
            self._book(on, balance, fund_id, None, -amount, Basis.ACCRUAL)
        charge = Charge(row["id"], unit_id, fund_id, account_id, on, due, (1, next(_NEW)), amount)
        self.charges[charge.id] = charge
        return charge

    def opening_credit(self, unit_id: UUID, amount: Decimal, *, on: date, fund_id: UUID, account_id: UUID, memo: str) -> Lot:
        """Money an owner had paid ahead at cut-over: prepaid in both views, its
        other side (the cash) being in the trial balance."""
        row = self._row(unit_id, EntryKind.CREDIT, -amount, on, fund_id, memo, account_id=account_id)
        self._book(on, self.account(ControlRole.PREPAID_ASSESSMENTS, fund_id), fund_id, unit_id, -amount, Basis.BOTH)
        lot = Lot(row["id"], unit_id, EntryKind.CREDIT, fund_id, on, (1, next(_NEW)), amount)
        self.lots[lot.id] = lot
        return lot

    def owed(self) -> dict[UUID, Decimal]:
        """What each loaded unit owes now: its open charges less its unapplied payments and credits."""
        out: dict[UUID, Decimal] = defaultdict(Decimal)
        for charge in self.charges.values():
            out[charge.unit_id] += charge.open
        for lot in self.lots.values():
            out[lot.unit_id] -= lot.remaining
        return out

    def settle(self, unit_id: UUID, on: date) -> None:
        """Apply the unit's unapplied lots to its open charges, oldest first."""
        charges = sorted((c for c in self.charges.values() if c.unit_id == unit_id and c.open > 0), key=Charge.key)
        for lot in sorted((x for x in self.lots.values() if x.unit_id == unit_id and x.remaining > 0), key=Lot.key):
            for charge in charges:
                if lot.remaining == 0:
                    break
                if charge.open > 0 and lot.pays(charge):
                    self.apply(lot, charge, min(lot.remaining, charge.open), on)

    async def unapply(self, payment: OwnerLedgerEntry, on: date) -> Lot:
        """Take back every application of a payment (its charges reopen); the
        payment's lot then holds its whole amount again."""
        A, C = OwnerLedgerAllocation, OwnerLedgerEntry
        applied = await self.session.execute(
            select(C.id, C.fund_id, C.account_id, C.entry_date, C.due_date, C.seq, func.sum(A.amount).label("applied"))
            .select_from(A)
            .join(C, (C.organization_id == A.organization_id) & (C.id == A.charge_entry_id))
            .where(A.credit_entry_id == payment.id)
            .group_by(C.id)
            .having(func.sum(A.amount) > 0)
        )
        lot = self.lots.get(payment.id) or Lot(
            payment.id, payment.unit_id, payment.kind, payment.fund_id, payment.entry_date, (0, payment.seq), Decimal(0)
        )
        self.lots[lot.id] = lot
        for r in applied.all():
            charge = self.charges.get(r.id) or Charge(
                r.id, payment.unit_id, r.fund_id, r.account_id, r.entry_date, r.due_date, (0, r.seq), Decimal(0)
            )
            self.charges[charge.id] = charge
            self.apply(lot, charge, -r.applied, on)
        return lot

    def give_back(self, payment: OwnerLedgerEntry, lot: Lot, on: date, memo: str) -> dict[str, Any]:
        """The bank took a payment back: its lot leaves prepaid, and cash."""
        amount = -payment.amount
        assert lot.remaining == amount, "undo the payment's applications first"
        row = self._row(payment.unit_id, EntryKind.PAYMENT_RETURN, amount, on, payment.fund_id, memo, related_entry_id=payment.id)
        self._book(
            on,
            self.account(ControlRole.PREPAID_ASSESSMENTS, payment.fund_id),
            payment.fund_id,
            payment.unit_id,
            amount,
            Basis.BOTH,
        )
        self._book(on, self.account(ControlRole.CASH, payment.fund_id), payment.fund_id, payment.unit_id, -amount, Basis.BOTH)
        lot.remaining = Decimal(0)
        return row

    # --- posting --------------------------------------------------------------

    @staticmethod
    def _lines(amounts: dict[tuple[UUID, UUID, UUID | None], list[Decimal]]) -> list[ledger.Posting]:
        lines = []
        for (account, fund, unit), (accrual, cash) in amounts.items():
            views = [(Basis.BOTH, accrual)] if accrual == cash else [(Basis.ACCRUAL, accrual), (Basis.CASH, cash)]
            for basis, amount in views:
                if amount:
                    lines.append(ledger.Posting(account, fund, max(amount, Decimal(0)), max(-amount, Decimal(0)), basis, unit))
        return lines

    async def post(
        self, *, source: EntrySource, source_id: UUID | None, memo: str
    ) -> tuple[list[OwnerLedgerEntry], list[OwnerLedgerAllocation]]:
        """One journal entry per date, then the rows and allocations naming them."""
        entries = self.entries
        for on in sorted(self.amounts):
            entries[on] = await ledger.post(
                self.session,
                organization_id=self.organization_id,
                association_id=self.association_id,
                entry_date=on,
                memo=memo[:500],
                source=source,
                source_id=source_id,
                lines=self._lines(self.amounts[on]),
                posted_by=self.posted_by,
                checked=True,
            )
        rows: list[OwnerLedgerEntry] = []
        allocations: list[OwnerLedgerAllocation] = []
        if self.rows:
            for row in self.rows:
                row["journal_entry_id"] = entries[row["entry_date"]].id
            rows = list((await self.session.scalars(insert(OwnerLedgerEntry).returning(OwnerLedgerEntry), self.rows)).all())
        if self.allocations:
            for allocation in self.allocations:
                allocation["journal_entry_id"] = entries[allocation["applied_on"]].id
            allocations = list(
                (
                    await self.session.scalars(insert(OwnerLedgerAllocation).returning(OwnerLedgerAllocation), self.allocations)
                ).all()
            )
        return rows, allocations
