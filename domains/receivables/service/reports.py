"""Receivables reports, each a fixed number of SQL statements whatever the
number of units: AR aging, the delinquency list, an owner's statement.

All read the owner ledger as of a date: a charge counts from its entry date,
an allocation from the day it was applied, so a report for a past date shows
what the books showed then. Per unit, open charges less unapplied credit
equals the sum of the ledger's amounts (models.py), which equals the unit's
receivable less its prepaid in the general ledger.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.receivables.models import DEBIT_KINDS

_DEBITS = ", ".join(f"'{k.value}'" for k in sorted(DEBIT_KINDS))

# Each charge of an association still open on :as_of, with its days past due.
# The CTEs are MATERIALIZED: computed once, never re-run per unit of a nested loop.
_OPEN_CHARGES = f"""
  paid AS MATERIALIZED (
    -- One pass over the association's allocations, not one lookup per charge
    -- ever levied (2,400 lookups to find 37 open charges in bench/accounting.py).
    SELECT a.charge_entry_id, sum(a.amount) AS amount FROM owner_ledger_allocations a
     WHERE a.association_id = :association AND a.applied_on <= :as_of
     GROUP BY a.charge_entry_id),
  open_charges AS MATERIALIZED (
    SELECT e.unit_id, e.kind, e.due_date, CAST(:as_of AS date) - e.due_date AS days,
           e.amount - coalesce(p.amount, 0) AS open
      FROM owner_ledger_entries e
      LEFT JOIN paid p ON p.charge_entry_id = e.id
     WHERE e.association_id = :association AND e.kind IN ({_DEBITS}) AND e.entry_date <= :as_of)"""

# The unit's owners on :as_of, primary first.
_OWNERS = """
  coalesce((SELECT array_agg(p.name ORDER BY o.is_primary DESC, p.name)
              FROM ownerships o JOIN parties p ON p.organization_id = o.organization_id AND p.id = o.party_id
             WHERE o.organization_id = u.organization_id AND o.unit_id = u.id
               AND o.starts_on <= :as_of AND (o.ends_on IS NULL OR o.ends_on > :as_of)), '{}') AS owner_names"""

_AGING = text(
    f"""WITH {_OPEN_CHARGES},
  aged AS MATERIALIZED (
    SELECT unit_id,
           coalesce(sum(open) FILTER (WHERE days <= 0), 0) AS current,
           coalesce(sum(open) FILTER (WHERE days BETWEEN 1 AND 30), 0) AS days_1_to_30,
           coalesce(sum(open) FILTER (WHERE days BETWEEN 31 AND 60), 0) AS days_31_to_60,
           coalesce(sum(open) FILTER (WHERE days BETWEEN 61 AND 90), 0) AS days_61_to_90,
           coalesce(sum(open) FILTER (WHERE days > 90), 0) AS over_90
      FROM open_charges WHERE open <> 0 GROUP BY unit_id),
  credit AS MATERIALIZED (
    SELECT unit_id, sum(amount) AS credit FROM (
      SELECT e.unit_id, -e.amount AS amount FROM owner_ledger_entries e
       WHERE e.association_id = :association AND e.kind NOT IN ({_DEBITS}) AND e.entry_date <= :as_of
      UNION ALL
      SELECT a.unit_id, -a.amount FROM owner_ledger_allocations a
       WHERE a.association_id = :association AND a.applied_on <= :as_of) c
     GROUP BY unit_id HAVING sum(amount) <> 0)
SELECT u.id AS unit_id, u.unit_number, {_OWNERS},
       coalesce(g.current, 0) AS current, coalesce(g.days_1_to_30, 0) AS days_1_to_30,
       coalesce(g.days_31_to_60, 0) AS days_31_to_60, coalesce(g.days_61_to_90, 0) AS days_61_to_90,
       coalesce(g.over_90, 0) AS over_90, coalesce(c.credit, 0) AS credit
  FROM units u
  LEFT JOIN aged g ON g.unit_id = u.id
  LEFT JOIN credit c ON c.unit_id = u.id
 WHERE u.association_id = :association AND (g.unit_id IS NOT NULL OR c.unit_id IS NOT NULL)
 ORDER BY u.unit_number, u.id"""
)

BUCKETS = ("current", "days_1_to_30", "days_31_to_60", "days_61_to_90", "over_90")


async def aging(session: AsyncSession, association_id: UUID, as_of: date) -> tuple[list[dict[str, Any]], dict[str, Decimal]]:
    rows = []
    totals = dict.fromkeys((*BUCKETS, "credit", "balance"), Decimal(0))
    for r in (await session.execute(_AGING, {"association": association_id, "as_of": as_of})).mappings():
        row = dict(r) | {"balance": sum((r[b] for b in BUCKETS), Decimal(0)) - r["credit"]}
        for name in totals:
            totals[name] += row[name]
        rows.append(row)
    return rows, totals


_DELINQUENT = text(
    f"""WITH {_OPEN_CHARGES},
  late AS MATERIALIZED (
    SELECT unit_id, sum(open) FILTER (WHERE days > :days) AS past_due, min(due_date) AS oldest_due_date
      FROM open_charges WHERE open > 0 GROUP BY unit_id
    HAVING coalesce(sum(open) FILTER (WHERE days > :days), 0) >= :min_amount)
SELECT u.id AS unit_id, u.unit_number, {_OWNERS}, l.past_due, l.oldest_due_date,
       CAST(:as_of AS date) - l.oldest_due_date AS days_past_due,
       (SELECT sum(e.amount) FROM owner_ledger_entries e
         WHERE e.organization_id = u.organization_id AND e.association_id = u.association_id AND e.unit_id = u.id
           AND e.entry_date <= :as_of) AS balance
  FROM late l JOIN units u ON u.id = l.unit_id
 ORDER BY days_past_due DESC, u.unit_number, u.id"""
)


async def delinquencies(
    session: AsyncSession, association_id: UUID, as_of: date, days: int, min_amount: Decimal
) -> list[dict[str, Any]]:
    params = {"association": association_id, "as_of": as_of, "days": days, "min_amount": min_amount}
    return [dict(r) for r in (await session.execute(_DELINQUENT, params)).mappings()]


_STANDINGS = text(
    f"""WITH {_OPEN_CHARGES},
  late AS MATERIALIZED (
    SELECT unit_id, min(due_date) AS oldest_due_date,
           coalesce(sum(open) FILTER (WHERE kind = 'charge'), 0) AS assessments,
           min(due_date) FILTER (WHERE kind = 'charge') AS oldest_assessment_due_date
      FROM open_charges WHERE open > 0 GROUP BY unit_id)
SELECT u.id AS unit_id,
       (SELECT coalesce(sum(e.amount), 0) FROM owner_ledger_entries e
         WHERE e.organization_id = u.organization_id AND e.association_id = u.association_id AND e.unit_id = u.id
           AND e.entry_date <= :as_of) AS balance,
       l.oldest_due_date, coalesce(l.assessments, 0) AS assessments, l.oldest_assessment_due_date
  FROM units u LEFT JOIN late l ON l.unit_id = u.id
 WHERE u.association_id = :association AND u.id = ANY(:units)"""
)


async def standings(session: AsyncSession, association_id: UUID, unit_ids: list[UUID], as_of: date) -> dict[UUID, dict[str, Any]]:
    """Per unit on `as_of`, one statement: its balance (credit negative), the
    oldest open charge's due date, and the assessments still open (levied
    charges: no fees, late charges, fines or adjustments) with the oldest's."""
    params = {"association": association_id, "units": unit_ids, "as_of": as_of}
    return {r["unit_id"]: dict(r) for r in (await session.execute(_STANDINGS, params)).mappings()}


_STATEMENT_HEAD = text(
    f"""SELECT {_OWNERS},
       (SELECT coalesce(sum(e.amount), 0) FROM owner_ledger_entries e
         WHERE e.organization_id = u.organization_id AND e.association_id = u.association_id AND e.unit_id = u.id
           AND e.entry_date < :from_date) AS opening
  FROM units u WHERE u.id = :unit"""
)
_STATEMENT_LINES = text(
    """SELECT entry_id, entry_date, kind, memo, reference, due_date, amount, balance FROM (
  SELECT e.id AS entry_id, e.entry_date, e.kind, e.memo, e.reference, e.due_date, e.amount, e.seq,
         sum(e.amount) OVER (ORDER BY e.entry_date, e.seq) AS balance
    FROM owner_ledger_entries e
   WHERE e.association_id = :association AND e.unit_id = :unit AND e.entry_date <= :as_of) s
 WHERE s.entry_date >= :from_date ORDER BY s.entry_date, s.seq"""
)


async def statement(
    session: AsyncSession, association_id: UUID, unit_id: UUID, from_date: date, to_date: date
) -> tuple[list[str], Decimal, list[dict[str, Any]]]:
    """(owner names on the last day, opening balance, the range's rows with running balances)."""
    params = {"association": association_id, "unit": unit_id, "from_date": from_date, "as_of": to_date}
    head = (await session.execute(_STATEMENT_HEAD, params)).one()
    lines = [dict(r) for r in (await session.execute(_STATEMENT_LINES, params)).mappings()]
    return list(head.owner_names), head.opening, lines
