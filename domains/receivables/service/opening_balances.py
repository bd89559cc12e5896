"""Moving an association in: its opening trial balance and its owners' opening
balances as of a cut-over date, posted once through the ledger (source
`opening_balance`), all or nothing.

What the rows must say, besides each being well formed:
- the trial balance balances in every fund (debits equal credits);
- an accrual-basis association's receivable lines equal, per fund, the owners'
  opening charges, and its prepaid lines their prepaid credit — the owner
  ledger then agrees with the GL from the first day; a cash-basis association's
  trial balance carries no receivable (the charges go into the accrual view
  only), its prepaid lines still equal the owners' credit;
- nothing is in the books on or before the cut-over date yet, and the
  association has no opening balance already.

The entry (one, on the cut-over date): every trial-balance line but the
owner-ledger ones in both views; each owner charge as a receivable of its unit
(aged by its original due date) and each prepaid credit as a credit lot of its
unit, through the receivables `Book`, so later payments and credits settle them
like any other charge.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from decimal import Decimal
from typing import Any
from uuid import UUID

from pydantic import BaseModel, ValidationError
from pydantic.alias_generators import to_camel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import (
    ControlRole,
    EntrySource,
    Fund,
    GlAccount,
    JournalEntry,
)
from domains.associations.errors import ImportRejected
from domains.associations.models import AccountingBasis, Association, Unit
from domains.receivables.errors import BooksAlreadyStarted, OpeningBalanceExists
from domains.receivables.models import OpeningBalance
from domains.receivables.schemas import OpeningAccountRow, OpeningUnitKind, OpeningUnitRow
from domains.receivables.service.book import Book
from graph.db import new_id
from graph.handlers import require

Problem = dict[str, Any]
OWNER_LEDGER = {ControlRole.ACCOUNTS_RECEIVABLE: "receivable", ControlRole.PREPAID_ASSESSMENTS: "prepaid"}


def _rows(section: str, rows: list[dict[str, Any]] | None, text: str | None) -> list[dict[str, Any]]:
    """A section's rows as dicts, from JSON objects or CSV text (empty cells → absent)."""
    if rows is not None and text is not None:
        raise ImportRejected(f"Give `{section}` or `{section}Csv`, not both.", field=[section])
    if text is None:
        return list(rows or [])
    reader = csv.DictReader(io.StringIO(text))
    return [{k.strip(): v.strip() for k, v in row.items() if k and v is not None and v.strip() != ""} for row in reader]


def _validated(section: str, raw: list[dict[str, Any]], model: type[BaseModel], problems: list[Problem]) -> list[tuple[int, Any]]:
    out = []
    for number, row in enumerate(raw, start=1):
        try:
            out.append((number, model.model_validate(row)))
        except ValidationError as exc:
            problems.extend(
                {
                    "section": section,
                    "row": number,
                    "field": ".".join(to_camel(str(p)) for p in err["loc"]) or None,
                    "message": err["msg"],
                }
                for err in exc.errors(include_url=False, include_input=False)
            )
    return out


def _problem(section: str | None, row: int | None, field: str | None, message: str) -> Problem:
    return {"section": section, "row": row, "field": field, "message": message}


async def units_numbered(session: AsyncSession, association_id: UUID, numbers: list[str]) -> list[UUID]:
    """The ids of the association's units with these numbers, in the order given."""
    found = dict(
        (
            await session.execute(
                select(Unit.unit_number, Unit.id).where(Unit.association_id == association_id, Unit.unit_number.in_(numbers))
            )
        ).all()
    )
    return [found[n] for n in numbers]


async def get(session: AsyncSession, association_id: UUID) -> OpeningBalance | None:
    return await session.scalar(select(OpeningBalance).where(OpeningBalance.association_id == association_id))


async def post(session: AsyncSession, organization_id: UUID, data: Any, posted_by: UUID | None) -> OpeningBalance:
    """Validate every row, then post the balances in one entry; IMPORT_REJECTED
    lists every problem (section, row — 1 is the first data row —, field, message)."""
    association: Association = await require(session, Association, data.association_id, "associationId", lock=True)
    if await get(session, association.id) is not None:
        raise OpeningBalanceExists("This association's opening balances are already posted.", field=["associationId"])
    earlier = await session.scalar(
        select(JournalEntry.entry_date)
        .where(JournalEntry.association_id == association.id, JournalEntry.entry_date <= data.cut_over_date)
        .order_by(JournalEntry.entry_date)
        .limit(1)
    )
    if earlier is not None:
        raise BooksAlreadyStarted(
            f"The books already hold an entry dated {earlier.isoformat()}; opening balances come before everything else.",
            field=["cutOverDate"],
        )
    problems: list[Problem] = []
    account_rows = _validated("accounts", _rows("accounts", data.accounts, data.accounts_csv), OpeningAccountRow, problems)
    unit_rows = _validated("units", _rows("units", data.units, data.units_csv), OpeningUnitRow, problems)
    if not account_rows and not problems:
        raise ImportRejected("The opening trial balance has no rows.", field=["accounts"])

    accounts = {
        a.number: a for a in (await session.scalars(select(GlAccount).where(GlAccount.association_id == association.id))).all()
    }
    funds = {f.code: f for f in (await session.scalars(select(Fund).where(Fund.association_id == association.id))).all()}
    numbers = sorted({r.unit_number for _, r in unit_rows})
    units = {
        u.unit_number: u
        for u in (
            await session.scalars(select(Unit).where(Unit.association_id == association.id, Unit.unit_number.in_(numbers)))
        ).all()
    }
    book = await Book.open(session, organization_id, association.id, posted_by)
    accrual = association.accounting_basis is AccountingBasis.ACCRUAL

    # The trial balance: accounts and funds of this association, balanced per fund.
    per_fund: dict[UUID, Decimal] = defaultdict(Decimal)
    trial_owner: dict[tuple[str, UUID], Decimal] = defaultdict(Decimal)  # (receivable|prepaid, fund) → amount
    lines: list[tuple[GlAccount, Fund, Decimal]] = []
    seen: set[tuple[str, str]] = set()
    for number, row in account_rows:
        account, fund = accounts.get(row.account_number), funds.get(row.fund_code)
        if account is None or not account.is_active:
            problems.append(_problem("accounts", number, "accountNumber", f"no active account {row.account_number}"))
            continue
        if fund is None:
            problems.append(_problem("accounts", number, "fundCode", f"no fund {row.fund_code}"))
            continue
        if account.fund_id is not None and account.fund_id != fund.id:
            problems.append(_problem("accounts", number, "fundCode", f"account {account.number} belongs to another fund"))
            continue
        if (row.account_number, row.fund_code) in seen:
            problems.append(_problem("accounts", number, "accountNumber", "this account and fund are listed twice"))
            continue
        seen.add((row.account_number, row.fund_code))
        amount = row.debit - row.credit
        per_fund[fund.id] += amount
        role = OWNER_LEDGER.get(account.control) if account.control else None
        if role is not None:
            if role == "receivable" and not accrual:
                problems.append(_problem("accounts", number, "accountNumber", "a cash-basis trial balance carries no receivable"))
            trial_owner[(role, fund.id)] += amount if role == "receivable" else -amount
        else:
            lines.append((account, fund, amount))
    for fund_id, difference in per_fund.items():
        if difference:
            code = next(f.code for f in funds.values() if f.id == fund_id)
            problems.append(_problem("accounts", None, None, f"fund {code}: debits and credits differ by {abs(difference)}"))

    # The owners' items: units of this association, funds with owner accounts.
    income = book.accounts.get((ControlRole.ASSESSMENT_INCOME, None))
    owner: dict[tuple[str, UUID], Decimal] = defaultdict(Decimal)
    items: list[tuple[OpeningUnitRow, Unit, Fund]] = []
    for number, row in unit_rows:
        unit = units.get(row.unit_number)
        fund = funds.get(row.fund_code) if row.fund_code else next((f for f in funds.values() if f.id == book.home_fund), None)
        if unit is None:
            problems.append(_problem("units", number, "unitNumber", f"no unit {row.unit_number}"))
            continue
        if fund is None:
            problems.append(_problem("units", number, "fundCode", f"no fund {row.fund_code}"))
            continue
        role = ControlRole.ACCOUNTS_RECEIVABLE if row.kind is OpeningUnitKind.CHARGE else ControlRole.PREPAID_ASSESSMENTS
        if (role, fund.id) not in book.accounts or (
            row.kind is OpeningUnitKind.CHARGE and (ControlRole.FUND_BALANCE, fund.id) not in book.accounts
        ):
            problems.append(_problem("units", number, "fundCode", f"fund {fund.code} has no {OWNER_LEDGER[role]} account"))
            continue
        if row.due_date is not None and row.due_date > data.cut_over_date:
            problems.append(_problem("units", number, "dueDate", "an opening charge was due on or before the cut-over date"))
            continue
        owner[(OWNER_LEDGER[role], fund.id)] += row.amount
        items.append((row, unit, fund))
    if income is None and items:
        problems.append(_problem("units", None, None, "the chart has no assessment income account"))
    for key in sorted(set(owner) | set(trial_owner), key=str):
        role, fund_id = key
        if role == "receivable" and not accrual:
            continue
        if owner.get(key, Decimal(0)) != trial_owner.get(key, Decimal(0)):
            code = next(f.code for f in funds.values() if f.id == fund_id)
            problems.append(
                _problem(
                    "units",
                    None,
                    None,
                    f"fund {code}: the owners' {role} items add up to {owner.get(key, Decimal(0))}, "
                    f"the trial balance says {trial_owner.get(key, Decimal(0))}",
                )
            )
    if problems:
        problems.sort(key=lambda p: (p["section"] != "accounts", p["row"] is None, p["row"] or 0))
        first = problems[0]
        where = f"{first['section']} row {first['row']}" if first["row"] else (first["section"] or "the import")
        raise ImportRejected(
            f"Nothing was posted: {len(problems)} problem(s), first in {where}: {first['message']}.",
            details={"rows": problems[:500], "problemCount": len(problems)},
        )

    on = data.cut_over_date
    await book.lock(sorted({unit.id for _, unit, _ in items}))
    for account, fund, amount in lines:
        book.trial_line(on, account.id, fund.id, amount)
    for row, unit, fund in items:
        assert income is not None
        memo = "Opening balance" + (f": {row.memo}" if row.memo else "")
        if row.kind is OpeningUnitKind.CHARGE:
            assert row.due_date is not None
            book.opening_charge(
                unit.id, row.amount, on=on, due=row.due_date, fund_id=fund.id, account_id=income.id, memo=memo, in_trial=accrual
            )
        else:
            book.opening_credit(unit.id, row.amount, on=on, fund_id=fund.id, account_id=income.id, memo=memo)
    opening = OpeningBalance(
        organization_id=organization_id,
        association_id=association.id,
        cut_over_date=on,
        account_lines=len(account_rows),
        unit_items=len(items),
        total_debit=sum((r.debit for _, r in account_rows), Decimal(0)),
        receivable=sum((r.amount for r, _, _ in items if r.kind is OpeningUnitKind.CHARGE), Decimal(0)),
        prepaid=sum((r.amount for r, _, _ in items if r.kind is OpeningUnitKind.PREPAID), Decimal(0)),
        posted_by=posted_by,
    )
    opening.id = new_id()
    await book.post(source=EntrySource.OPENING_BALANCE, source_id=opening.id, memo=f"Opening balances as of {on.isoformat()}")
    opening.journal_entry_id = book.entries[on].id
    session.add(opening)
    await session.flush()
    await session.refresh(opening)
    return opening
