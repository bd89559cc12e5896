"""Late fees: one rule per association, applied by a daily DBOS workflow (and on
demand). A fee goes on an assessment charge still open more than the grace
days after its due date; the unique index on (charge, kind) makes sure a
charge never gets two, whoever runs when."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import exists, func, select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domains.accounting.models import ControlRole, EntrySource
from domains.accounting.service import ledger
from domains.associations.models import Association
from domains.communications.models import TemplateKind
from domains.communications.service import messages as outbox
from domains.communications.service import recipients as people
from domains.communications.service.recipients import Recipient
from domains.communications.service.templates import money
from domains.receivables.errors import LateFeeRuleMissing
from domains.receivables.models import (
    EntryKind,
    LateFeeMethod,
    LateFeeRule,
    OwnerLedgerAllocation,
    OwnerLedgerEntry,
)
from domains.receivables.service.book import Book
from graph import durable
from graph.db import new_id
from graph.errors import ValidationFailed
from graph.handlers import require
from graph.ids import encode

log = logging.getLogger(__name__)

CENT = Decimal("0.01")
LATE_FEE_SCHEDULE = "apply-late-fees"


async def rule_of(session: AsyncSession, association_id: UUID) -> LateFeeRule | None:
    return await session.scalar(select(LateFeeRule).where(LateFeeRule.association_id == association_id))


async def set_rule(session: AsyncSession, organization_id: UUID, data: Any) -> LateFeeRule:
    await require(session, Association, data.association_id, "associationId")
    if data.method is LateFeeMethod.PERCENT and data.amount > 100:
        raise ValidationFailed("A percentage is at most 100.00.", field=["amount"])
    values = data.model_dump()
    stmt = insert(LateFeeRule).values(id=new_id(), organization_id=organization_id, **values)
    stmt = stmt.on_conflict_do_update(
        index_elements=["organization_id", "association_id"],
        set_={name: stmt.excluded[name] for name in values if name != "association_id"} | {"updated_at": func.now()},
    )
    rule = await session.scalar(stmt.returning(LateFeeRule).execution_options(populate_existing=True))
    assert rule is not None
    return rule


def fee_for(rule: LateFeeRule, open_amount: Decimal) -> Decimal:
    fee = rule.amount if rule.method is LateFeeMethod.FLAT else (open_amount * rule.amount / 100).quantize(CENT, ROUND_HALF_UP)
    return min(fee, rule.cap) if rule.cap is not None else fee


def _late_charges(association_id: Any, as_of: date, grace_days: int, unit_ids: list[UUID] | None = None) -> Any:
    """Assessment charges open on `as_of`, due more than the grace days before
    it, without a late fee yet."""
    E, A, F = OwnerLedgerEntry, OwnerLedgerAllocation, aliased(OwnerLedgerEntry)
    applied = (
        select(func.coalesce(func.sum(A.amount), 0))
        .where(A.organization_id == E.organization_id, A.charge_entry_id == E.id, A.applied_on <= as_of)
        .scalar_subquery()
    )
    open_ = (E.amount - applied).label("open")
    fee_charged = exists().where(F.organization_id == E.organization_id, F.related_entry_id == E.id, F.kind == EntryKind.LATE_FEE)
    stmt = (
        select(E.id, E.unit_id, E.memo, open_)
        .where(
            E.association_id == association_id,
            E.kind == EntryKind.CHARGE,
            E.entry_date <= as_of,
            E.due_date < as_of - timedelta(days=grace_days),
            ~fee_charged,
            open_ > 0,
        )
        .order_by(E.unit_id, E.due_date, E.seq)
    )
    return stmt if unit_ids is None else stmt.where(E.unit_id.in_(unit_ids))


async def apply(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    as_of: date,
    posted_by: UUID | None,
    *,
    required: bool = True,
) -> list[OwnerLedgerEntry]:
    """Charge the late fees due on `as_of`; returns the fee rows."""
    # One run per association at a time: the rule's row lock.
    rule = await session.scalar(select(LateFeeRule).where(LateFeeRule.association_id == association_id).with_for_update())
    if rule is None or not rule.is_active:
        if required:
            raise LateFeeRuleMissing("This association has no active late-fee rule (lateFeeRuleSet).", field=["associationId"])
        return []
    await ledger.check_open(session, association_id, as_of)
    units = sorted({r.unit_id for r in await session.execute(_late_charges(association_id, as_of, rule.grace_days))})
    if not units:
        return []
    book = await Book.open(session, organization_id, association_id, posted_by)
    units = await book.lock(units)
    # Read again under the locks: a payment may have landed in between.
    late = (await session.execute(_late_charges(association_id, as_of, rule.grace_days, units))).all()
    await book.load_open(units)
    account = book.account(ControlRole.LATE_FEE_INCOME)
    for charge in late:
        fee = fee_for(rule, charge.open)
        if fee > 0:
            book.debit(
                charge.unit_id,
                EntryKind.LATE_FEE,
                fee,
                on=as_of,
                due=as_of,
                fund_id=book.home_fund,
                account_id=account,
                memo=f"Late fee: {charge.memo}",
                related_entry_id=charge.id,
            )
    for unit in units:
        book.settle(unit, as_of)
    if not book.rows:
        return []
    rows, _ = await book.post(source=EntrySource.LATE_FEE, source_id=rule.id, memo=f"Late fees as of {as_of}")
    await _reminders(session, organization_id, association_id, as_of, book, rows, posted_by or durable.SYSTEM_ACTOR)
    return rows


async def _reminders(
    session: AsyncSession,
    organization_id: UUID,
    association_id: UUID,
    as_of: date,
    book: Book,
    fees: list[OwnerLedgerEntry],
    actor: UUID,
) -> None:
    """A late-payment reminder to the owners of each unit charged a fee, in the
    fees' transaction: the event is the unit's first fee of this run, so a fee is
    reminded once, and a run refused or rolled back reminds no one."""
    fee: dict[UUID, Decimal] = defaultdict(Decimal)
    first: dict[UUID, UUID] = {}
    for row in fees:
        fee[row.unit_id] += row.amount
        first.setdefault(row.unit_id, row.id)
    oldest: dict[UUID, date] = {}
    for charge in book.charges.values():
        if charge.open > 0 and charge.unit_id in fee:
            oldest[charge.unit_id] = min(oldest.get(charge.unit_id, charge.due_date), charge.due_date)
    owed = book.owed()

    def source(r: Recipient) -> str:
        assert r.unit_id is not None
        return f"late-fee:{first[r.unit_id]}"

    def balance(r: Recipient) -> dict[str, Any]:
        assert r.unit_id is not None
        unit = r.unit_id
        return {
            "balance": {
                "amount": money(owed[unit]),
                "as_of": as_of.isoformat(),
                "oldest_due_on": oldest[unit].isoformat(),
                "late_fee": money(fee[unit]),
            }
        }

    owners = await people.owners_of_units(session, association_id, list(fee))
    await outbox.write(
        session,
        organization_id,
        association_id,
        TemplateKind.LATE_PAYMENT_REMINDER,
        source,
        owners,
        balance,
        actor,
    )


async def targets(session: AsyncSession) -> list[tuple[UUID, UUID]]:
    """(organization, association) of every active late-fee rule, across
    organizations (a SECURITY DEFINER function: the daily run has no organization
    yet, and learns nothing else)."""
    rows = (await session.execute(text("SELECT organization_id, association_id FROM late_fee_rule_targets()"))).all()
    return [(org, association) for org, association in rows]


async def apply_daily(session: AsyncSession, org: UUID, association: UUID, as_of: date) -> int:
    """The daily run's fees for one association, with their audit row (the
    system acts); how many."""
    fees = await apply(session, org, association, as_of, None, required=False)
    if fees:
        durable.audit(
            session,
            org,
            "lateFeeRule/apply",
            [encode("ole", f.id) for f in fees],
            {"associationId": encode("asn", association), "asOf": as_of.isoformat(), "count": len(fees)},
        )
    return len(fees)
