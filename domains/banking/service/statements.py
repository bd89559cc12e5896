"""Statement import: an OFX file (read with ofxtools), a BAI2 file (read with
bai2) or a CSV with a column mapping becomes the bank account's transactions, each kept once by the bank's
id, so a file imported twice — or two overlapping statements — adds nothing
the second time. All or nothing: a row that can't be read rejects the file."""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from bai2 import bai2
from bai2.constants import TypeCodeTransaction
from sqlalchemy import ColumnElement, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from domains.banking.errors import BankAccountInactive, MonthReconciled, StatementAccountMismatch, StatementUnreadable
from domains.banking.models import (
    BankAccount,
    BankReconciliation,
    BankStatement,
    BankTransaction,
    ReconciliationStatus,
    StatementFormat,
)
from graph.db import new_id
from graph.pages import Page, page_statement

CENT = Decimal("0.01")


@dataclass
class Parsed:
    """A statement file, read."""

    transactions: list[dict[str, Any]]
    starts_on: date | None = None
    ends_on: date | None = None
    ending_balance: Decimal | None = None
    account_number: str | None = None


def _day(value: Any) -> date:
    return value.date() if isinstance(value, datetime) else value


def _clip(value: Any, length: int) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text[:length] or None


def parse_ofx(text: str) -> Parsed:
    # Imported here, not at the top: ofxtools loads ~2 s of modules, which every
    # server start would pay for a parser only statement imports use.
    from ofxtools.Parser import OFXTree

    try:
        tree = OFXTree()
        tree.parse(io.BytesIO(text.encode("utf-8")))
        statements = tree.convert().statements
    except Exception as exc:  # noqa: BLE001 - ofxtools raises many unrelated types for a bad file
        raise StatementUnreadable(f"Not a readable OFX file: {exc}"[:300], field=["ofx"]) from None
    if len(statements) != 1:
        raise StatementUnreadable("An OFX file with exactly one bank statement is expected.", field=["ofx"])
    statement = statements[0]
    transactions = []
    for t in statement.transactions:
        description = " — ".join(x for x in (_clip(t.name, 120), _clip(t.memo, 120)) if x)
        transactions.append(
            {
                "bank_transaction_id": _clip(t.fitid, 100),
                "posted_on": _day(t.dtposted),
                "amount": Decimal(t.trnamt).quantize(CENT),
                "kind": _clip(t.trntype, 20),
                "check_number": _clip(t.checknum, 20),
                "reference": _clip(t.refnum, 60),
                "description": description[:255] or None,
            }
        )
    tranlist, ledger = statement.banktranlist, statement.ledgerbal
    return Parsed(
        transactions,
        starts_on=_day(tranlist.dtstart) if tranlist is not None else None,
        ends_on=_day(tranlist.dtend) if tranlist is not None else None,
        ending_balance=Decimal(ledger.balamt).quantize(CENT) if ledger is not None else None,
        account_number=getattr(statement.account, "acctid", None),
    )


def _digest_id(prefix: str, content: str, seen: dict[str, int]) -> str:
    """A row without the bank's id: its content, numbered among identical rows
    of the file, so a re-import of the same file finds the same ids."""
    seen[content] = seen.get(content, 0) + 1
    return prefix + hashlib.sha256(f"{content}|{seen[content]}".encode()).hexdigest()[:60]


def parse_bai2(text: str, last4: str) -> Parsed:
    """The detail records (16) of the file's account ending in `last4`, across
    its groups (one per day: a detail's date is its group's as-of date); the
    last group's closing ledger (015) is the ending balance. A file may report
    several accounts: the others are none of this import's business."""
    try:
        parsed = bai2.parse_from_string(text, check_integrity=True)
    except Exception as exc:  # noqa: BLE001 - bai2 raises its own and plain ValueError/IndexError for a bad file
        raise StatementUnreadable(f"Not a readable BAI2 file: {exc}"[:300], field=["bai2"]) from None
    days = [(group.header.as_of_date, account) for group in parsed.children for account in group.children]
    numbers = sorted({str(a.header.customer_account_number or "").strip() for _, a in days})
    mine = [(on, a) for on, a in days if str(a.header.customer_account_number or "").strip().endswith(last4)]
    if not mine:
        raise StatementAccountMismatch(
            f"The file reports accounts ending in {', '.join(n[-4:] for n in numbers) or 'nothing'}, not {last4}.",
            field=["bai2"],
        )
    if len({str(a.header.customer_account_number).strip() for _, a in mine}) > 1:
        raise StatementUnreadable(f"The file reports more than one account ending in {last4}.", field=["bai2"])
    transactions: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    ending: Decimal | None = None
    for on, account in sorted(mine, key=lambda day: day[0]):
        for summary in account.header.summary_items:
            if summary.type_code is not None and summary.type_code.code == "015" and summary.amount is not None:
                ending = (Decimal(summary.amount) / 100).quantize(CENT)
        for detail in account.children:
            code = detail.type_code
            if code is None or code.transaction not in (TypeCodeTransaction.credit, TypeCodeTransaction.debit):
                continue
            amount = (Decimal(detail.amount or 0) / 100).quantize(CENT)
            if code.transaction is TypeCodeTransaction.debit:
                amount = -amount
            if amount == 0:
                continue
            reference, customer = _clip(detail.bank_reference, 60), _clip(detail.customer_reference, 60)
            description = _clip(detail.text, 255)
            bank_id = _clip(detail.bank_reference, 100) or _digest_id(
                "bai2:", "|".join(str(x) for x in (on, code.code, amount, customer, description)), seen
            )
            transactions.append(
                {
                    "bank_transaction_id": bank_id,
                    "posted_on": on,
                    "amount": amount,
                    "kind": code.code,
                    # A check paid (475) carries its check number as the customer reference.
                    "check_number": _clip(customer, 20) if code.code in {"475", "474", "395"} else None,
                    "reference": customer if code.code not in {"475", "474", "395"} else reference,
                    "description": f"{code.description}{' — ' + description if description else ''}"[:255],
                }
            )
    on_days = [on for on, _ in mine]
    return Parsed(transactions, starts_on=min(on_days), ends_on=max(on_days), ending_balance=ending)


def _amount(text: str | None) -> Decimal:
    cleaned = (text or "").replace(",", "").replace("$", "").strip()
    if cleaned.startswith("(") and cleaned.endswith(")"):
        cleaned = "-" + cleaned[1:-1]
    return Decimal(cleaned or "0")


def parse_csv(text: str, mapping: Any) -> Parsed:
    reader = csv.DictReader(io.StringIO(text))
    header = set(reader.fieldnames or [])
    named = {field: column for field, column in mapping.model_dump(exclude={"date_format"}).items() if column is not None}
    missing = sorted(column for column in named.values() if column not in header)
    if missing:
        raise StatementUnreadable(f"The CSV has no column {', '.join(missing)}.", field=["csvMapping"])
    transactions: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    problems = []
    for number, row in enumerate(reader, start=1):
        try:
            posted_on = datetime.strptime((row[mapping.date] or "").strip(), mapping.date_format).date()
            if mapping.amount is not None:
                amount = _amount(row[mapping.amount])
            else:
                amount = _amount(row[mapping.credit]) - _amount(row[mapping.debit])
            if amount != amount.quantize(CENT):
                raise InvalidOperation
        except (ValueError, InvalidOperation):
            problems.append({"row": number, "message": "unreadable date or amount"})
            continue
        if amount == 0:
            continue

        def get(field: str, row: dict[str, Any] = row) -> str | None:
            return row.get(named[field]) if field in named else None

        bank_id = _clip(get("transaction_id"), 100) or _digest_id(
            "csv:",
            "|".join(str(x) for x in (posted_on, amount, get("description"), get("check_number"), get("reference"))),
            seen,
        )
        transactions.append(
            {
                "bank_transaction_id": bank_id,
                "posted_on": posted_on,
                "amount": amount,
                "kind": None,
                "check_number": _clip(get("check_number"), 20),
                "reference": _clip(get("reference"), 60),
                "description": _clip(get("description"), 255),
            }
        )
    if problems:
        raise StatementUnreadable(
            f"Nothing was imported: {len(problems)} row(s) unreadable, first row {problems[0]['row']}.",
            field=["csv"],
            details={"field": ["csv"], "rows": problems[:500], "problemCount": len(problems)},
        )
    days: list[date] = [t["posted_on"] for t in transactions]
    return Parsed(transactions, starts_on=min(days, default=None), ends_on=max(days, default=None))


async def reconciled_months(session: AsyncSession, bank_account_id: UUID) -> set[date]:
    return set(
        (
            await session.scalars(
                select(BankReconciliation.month).where(
                    BankReconciliation.bank_account_id == bank_account_id,
                    BankReconciliation.status == ReconciliationStatus.FINISHED,
                )
            )
        ).all()
    )


async def import_statement(
    session: AsyncSession, organization_id: UUID, account: BankAccount, data: Any, imported_by: UUID
) -> tuple[BankStatement, int, int]:
    """(statement, added, duplicates)."""
    if not account.is_active:
        raise BankAccountInactive("This bank account is inactive.", field=["bankAccountId"])
    field = "ofx" if data.ofx is not None else "bai2" if data.bai2 is not None else "csv"
    text = getattr(data, field)
    digest = hashlib.sha256(text.encode()).hexdigest()
    # One import of an account at a time: the digest and id checks below hold.
    await session.scalar(select(BankAccount.id).where(BankAccount.id == account.id).with_for_update())
    earlier = await session.scalar(
        select(BankStatement).where(BankStatement.bank_account_id == account.id, BankStatement.digest == digest)
    )
    if earlier is not None:
        return earlier, 0, earlier.transaction_count
    if data.ofx is not None:
        parsed, kind = parse_ofx(data.ofx), StatementFormat.OFX
        if parsed.account_number and not parsed.account_number.strip().endswith(account.account_number_last4):
            raise StatementAccountMismatch(
                f"The file is for an account ending in {parsed.account_number.strip()[-4:]}, not {account.account_number_last4}.",
                field=["ofx"],
            )
    elif data.bai2 is not None:
        parsed, kind = parse_bai2(data.bai2, account.account_number_last4), StatementFormat.BAI2
    else:
        parsed, kind = parse_csv(data.csv, data.csv_mapping), StatementFormat.CSV
        parsed.ending_balance = data.ending_balance
    ids = [t["bank_transaction_id"] for t in parsed.transactions]
    if len(set(ids)) != len(ids):
        raise StatementUnreadable("The file repeats a transaction id.", field=[field])
    known = set(
        (
            await session.scalars(
                select(BankTransaction.bank_transaction_id).where(
                    BankTransaction.bank_account_id == account.id, BankTransaction.bank_transaction_id.in_(ids)
                )
            )
        ).all()
    )
    new = [t for t in parsed.transactions if t["bank_transaction_id"] not in known]
    locked = await reconciled_months(session, account.id)
    late = sorted({t["posted_on"] for t in new if t["posted_on"].replace(day=1) in locked})
    if late:
        raise MonthReconciled(
            f"{late[0]:%B %Y} is reconciled for this account; its statement can't gain transactions "
            f"({len(late)} new day(s) fall in reconciled months).",
            field=[field],
        )
    statement = BankStatement(
        id=new_id(),
        organization_id=organization_id,
        association_id=account.association_id,
        bank_account_id=account.id,
        format=kind,
        digest=digest,
        starts_on=parsed.starts_on,
        ends_on=parsed.ends_on,
        ending_balance=parsed.ending_balance,
        transaction_count=len(parsed.transactions),
        added_count=len(new),
        imported_by=imported_by,
    )
    session.add(statement)
    await session.flush()
    if new:
        rows = [
            {
                "id": new_id(),
                "organization_id": organization_id,
                "association_id": account.association_id,
                "bank_account_id": account.id,
                "statement_id": statement.id,
                **t,
            }
            for t in new
        ]
        for start in range(0, len(rows), 1000):
            await session.execute(
                insert(BankTransaction).on_conflict_do_nothing(
                    index_elements=["organization_id", "bank_account_id", "bank_transaction_id"]
                ),
                rows[start : start + 1000],
            )
    await session.refresh(statement)
    return statement, len(new), len(parsed.transactions) - len(new)


async def page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[BankStatement], Page]:
    page = Page(data.first, data.after, "created_at", descending=True)
    where = [visible, BankStatement.bank_account_id == data.bank_account_id]
    return (await session.scalars(page_statement(BankStatement, page, where))).all(), page
