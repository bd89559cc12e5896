"""The board's financial reports, each computed by one SQL statement over the
journal lines of one association.

Basis: an accrual report reads the lines in both views and the accrual-only
ones, a cash report those in both views and the cash-only ones
(`basis IN ('both', :view)`), so the one posting of a levy or a payment serves
either (domains/accounting/models.py). The association's basis is the default.

Fiscal years: the reports close in their heads: as of a date, income and
expense accounts show the fiscal year to date, and the net income of earlier
fiscal years counts in each fund's fund-balance account (its `fund_balance`
control account; a fund without one gets a line of its own, with no account).
Each fund's assets then equal its liabilities plus its equity plus its
current-year net income, because every entry balances per fund in both views.

A year-end close posted by `fiscalYear/v1/close` (service/closing.py) reads
either way with the same figures: its entry (and a reversal of it) is dated the
closed year's last day, so a report in a later year meets it among earlier
years' lines, where it moves into fund balance just what the reports' own close
moves; a report in the closed year leaves it out, as the year's reports showed
before it was posted. The income statement never reads closing postings: they
are not income or expenses.

Closed months change nothing here: they stop postings, not reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from sqlalchemy import TextClause, text
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.models import AccountType
from domains.accounting.service import fiscal
from domains.associations.models import AccountingBasis, Association

ZERO = Decimal("0.00")
EARLIER_YEARS = "Net income of earlier fiscal years"

# Balance of every account × fund as of :as_of in one view, earlier fiscal
# years' income and expense closed into the fund's fund-balance account.
# Every fund of the association appears at least once (account and net null
# when it has no balance), so empty funds still show on the balance sheet.
BALANCES = text(
    """
    WITH sums AS (
      SELECT l.account_id, l.fund_id, l.entry_date < :year_start AS earlier, sum(l.debit) - sum(l.credit) AS net
        FROM journal_lines l
       WHERE l.organization_id = :org AND l.association_id = :association
         AND l.entry_date <= :as_of AND l.basis IN ('both', CAST(:view AS ledger_basis))
         AND l.entry_id NOT IN (SELECT e.id FROM journal_entries e
                                 WHERE e.organization_id = :org AND e.association_id = :association
                                   AND e.source = 'year_end_close' AND e.entry_date BETWEEN :year_start AND :as_of)
       GROUP BY 1, 2, 3
    ), closed AS (
      SELECT CASE WHEN a.type IN ('income', 'expense') AND s.earlier THEN c.id ELSE s.account_id END AS account_id,
             a.type IN ('income', 'expense') AND s.earlier AND c.id IS NULL AS unclosed,
             s.fund_id, sum(s.net) AS net
        FROM sums s
        JOIN gl_accounts a ON a.organization_id = :org AND a.association_id = :association AND a.id = s.account_id
        LEFT JOIN gl_accounts c
          ON c.organization_id = :org AND c.association_id = :association
         AND c.control = 'fund_balance' AND c.fund_id = s.fund_id
       GROUP BY 1, 2, 3
    )
    SELECT f.id AS fund_id, f.code AS fund_code, f.name AS fund_name,
           b.account_id, a.number AS account_number,
           CASE WHEN b.unclosed THEN :earlier_years ELSE a.name END AS account_name,
           CASE WHEN b.unclosed THEN 'equity' ELSE a.type::text END AS account_type,
           b.net
      FROM funds f
      LEFT JOIN closed b ON b.fund_id = f.id AND b.net <> 0
      LEFT JOIN gl_accounts a ON a.organization_id = :org AND a.association_id = :association AND a.id = b.account_id
     WHERE f.organization_id = :org AND f.association_id = :association
     ORDER BY f.code, a.number NULLS LAST
    """
)

# Per income or expense account × fund: actual (credit − debit) and budget,
# for the period and for the fiscal year to date. A budget month counts when
# the range touches it.
INCOME = text(
    """
    WITH actual AS (
      SELECT l.account_id, l.fund_id,
             coalesce(sum(l.credit - l.debit) FILTER (WHERE l.entry_date >= :from_date), 0) AS period,
             coalesce(sum(l.credit - l.debit) FILTER (WHERE l.entry_date >= :year_start), 0) AS ytd
        FROM journal_lines l
       WHERE l.organization_id = :org AND l.association_id = :association
         AND l.account_id IN (SELECT id FROM gl_accounts
                               WHERE organization_id = :org AND association_id = :association
                                 AND type IN ('income', 'expense'))
         AND l.entry_date BETWEEN LEAST(CAST(:from_date AS date), :year_start) AND :to_date
         AND l.basis IN ('both', CAST(:view AS ledger_basis))
         AND l.entry_id NOT IN (SELECT e.id FROM journal_entries e
                                 WHERE e.organization_id = :org AND e.association_id = :association
                                   AND e.source = 'year_end_close'
                                   AND e.entry_date BETWEEN LEAST(CAST(:from_date AS date), :year_start) AND :to_date)
       GROUP BY 1, 2
    ), budget AS (
      SELECT b.account_id, b.fund_id,
             coalesce(sum(b.amount) FILTER (WHERE m.month >= :from_month), 0) AS period,
             coalesce(sum(b.amount) FILTER (WHERE m.month >= :year_start), 0) AS ytd
        FROM budget_amounts b
       CROSS JOIN LATERAL (
             SELECT CAST(make_date(b.fiscal_year, :start_month, 1) + make_interval(months => b.period - 1) AS date) AS month) m
       WHERE b.organization_id = :org AND b.association_id = :association
         AND b.fiscal_year BETWEEN :first_year AND :last_year
         AND m.month BETWEEN LEAST(CAST(:from_month AS date), :year_start) AND :to_date
       GROUP BY 1, 2
    )
    SELECT a.id AS account_id, a.number AS account_number, a.name AS account_name, a.type::text AS account_type,
           f.id AS fund_id, f.code AS fund_code,
           CASE WHEN a.type = 'expense' THEN -1 ELSE 1 END * t.actual AS actual, t.budget,
           CASE WHEN a.type = 'expense' THEN -1 ELSE 1 END * t.ytd_actual AS ytd_actual, t.ytd_budget
      FROM (SELECT coalesce(x.account_id, bu.account_id) AS account_id, coalesce(x.fund_id, bu.fund_id) AS fund_id,
                   coalesce(x.period, 0) AS actual, coalesce(bu.period, 0) AS budget,
                   coalesce(x.ytd, 0) AS ytd_actual, coalesce(bu.ytd, 0) AS ytd_budget
              FROM actual x
              FULL JOIN budget bu ON bu.account_id = x.account_id AND bu.fund_id = x.fund_id) t
      JOIN gl_accounts a ON a.organization_id = :org AND a.association_id = :association AND a.id = t.account_id
      JOIN funds f ON f.organization_id = :org AND f.association_id = :association AND f.id = t.fund_id
     ORDER BY a.type, a.number, f.code
    """
)


@dataclass(frozen=True)
class ReportScope:
    """Who and which view a report is about."""

    organization_id: UUID
    association: Association
    basis: AccountingBasis

    @classmethod
    def of(cls, organization_id: UUID, association: Association, basis: AccountingBasis | None) -> ReportScope:
        return cls(organization_id, association, basis or association.accounting_basis)

    @classmethod
    async def read(
        cls, session: AsyncSession, organization_id: UUID, association_id: UUID, basis: AccountingBasis | None
    ) -> ReportScope:
        """The scope of a report on an association the pipeline has already found
        (it is in the session: no query)."""
        association = await session.get(Association, association_id)
        assert association is not None
        return cls.of(organization_id, association, basis)

    def params(self, **more: Any) -> dict[str, Any]:
        return {"org": self.organization_id, "association": self.association.id, "view": self.basis.value, **more}

    def year_start(self, day: date) -> date:
        start_month = self.association.fiscal_year_start_month
        return fiscal.year_start(fiscal.year_of(day, start_month), start_month)


def balances_query(scope: ReportScope, as_of: date) -> tuple[TextClause, dict[str, Any]]:
    return BALANCES, scope.params(as_of=as_of, year_start=scope.year_start(as_of), earlier_years=EARLIER_YEARS)


def income_query(scope: ReportScope, from_date: date, to_date: date) -> tuple[TextClause, dict[str, Any]]:
    start_month = scope.association.fiscal_year_start_month
    year_start = scope.year_start(to_date)
    return INCOME, scope.params(
        from_date=from_date,
        to_date=to_date,
        from_month=from_date.replace(day=1),
        year_start=year_start,
        start_month=start_month,
        first_year=fiscal.year_of(min(from_date, year_start), start_month),
        last_year=fiscal.year_of(to_date, start_month),
    )


async def _balances(session: AsyncSession, scope: ReportScope, as_of: date) -> list[Any]:
    return list((await session.execute(*balances_query(scope, as_of))).mappings())


def _header(scope: ReportScope, as_of: date) -> dict[str, Any]:
    return {
        "association_id": scope.association.id,
        "as_of": as_of,
        "basis": scope.basis,
        "fiscal_year_start": scope.year_start(as_of),
    }


_ACCOUNT = ("account_id", "account_number", "account_name")
_ACCOUNT_AND_FUND = (*_ACCOUNT, "account_type", "fund_id", "fund_code")


async def trial_balance(session: AsyncSession, scope: ReportScope, as_of: date) -> dict[str, Any]:
    lines = [
        {k: row[k] for k in _ACCOUNT_AND_FUND} | {"debit": max(row["net"], ZERO), "credit": max(-row["net"], ZERO)}
        for row in await _balances(session, scope, as_of)
        if row["net"] is not None
    ]
    return _header(scope, as_of) | {
        "lines": lines,
        "total_debit": sum((line["debit"] for line in lines), ZERO),
        "total_credit": sum((line["credit"] for line in lines), ZERO),
    }


_SECTIONS = {AccountType.ASSET: "assets", AccountType.LIABILITY: "liabilities", AccountType.EQUITY: "equity"}


async def balance_sheet(session: AsyncSession, scope: ReportScope, as_of: date) -> dict[str, Any]:
    funds: dict[UUID, dict[str, Any]] = {}
    for row in await _balances(session, scope, as_of):
        fund = funds.setdefault(
            row["fund_id"],
            {
                "fund_id": row["fund_id"],
                "fund_code": row["fund_code"],
                "fund_name": row["fund_name"],
                "assets": [],
                "liabilities": [],
                "equity": [],
                "current_year_net_income": ZERO,
            },
        )
        if row["net"] is None:
            continue
        type_ = AccountType(row["account_type"])
        if type_ in _SECTIONS:
            # Assets are debit balances; liabilities and equity credit balances.
            amount = row["net"] if type_ is AccountType.ASSET else -row["net"]
            fund[_SECTIONS[type_]].append({k: row[k] for k in _ACCOUNT} | {"amount": amount})
        else:
            fund["current_year_net_income"] -= row["net"]
    for fund in funds.values():
        fund["total_assets"] = sum((line["amount"] for line in fund["assets"]), ZERO)
        fund["total_liabilities"] = sum((line["amount"] for line in fund["liabilities"]), ZERO)
        fund["total_equity"] = sum((line["amount"] for line in fund["equity"]), fund["current_year_net_income"])
        fund["total_liabilities_and_equity"] = fund["total_liabilities"] + fund["total_equity"]
    return _header(scope, as_of) | {
        "funds": list(funds.values()),
        "total_assets": sum((f["total_assets"] for f in funds.values()), ZERO),
        "total_liabilities_and_equity": sum((f["total_liabilities_and_equity"] for f in funds.values()), ZERO),
    }


def _compare(type_: AccountType, actual: Decimal, budget: Decimal) -> dict[str, Decimal]:
    """Variance is favourable when positive: income above budget, expenses below."""
    variance = actual - budget if type_ is AccountType.INCOME else budget - actual
    return {"actual": actual, "budget": budget, "variance": variance}


def _add(into: dict[str, dict[str, Decimal]], line: dict[str, Any]) -> None:
    for span in ("period", "year_to_date"):
        for figure in ("actual", "budget", "variance"):
            into[span][figure] += line[span][figure]


def _figures() -> dict[str, dict[str, Decimal]]:
    return {span: {"actual": ZERO, "budget": ZERO, "variance": ZERO} for span in ("period", "year_to_date")}


def _net(totals: dict[str, Any]) -> None:
    totals["net_income"] = {
        span: {
            "actual": totals["income"][span]["actual"] - totals["expense"][span]["actual"],
            "budget": totals["income"][span]["budget"] - totals["expense"][span]["budget"],
            "variance": totals["income"][span]["variance"] + totals["expense"][span]["variance"],
        }
        for span in ("period", "year_to_date")
    }


async def income_statement(session: AsyncSession, scope: ReportScope, from_date: date, to_date: date) -> dict[str, Any]:
    lines = []
    overall: dict[str, Any] = {"fund_id": None, "fund_code": None, "income": _figures(), "expense": _figures()}
    by_fund: dict[UUID, dict[str, Any]] = {}
    for row in (await session.execute(*income_query(scope, from_date, to_date))).mappings():
        type_ = AccountType(row["account_type"])
        line = {k: row[k] for k in _ACCOUNT_AND_FUND} | {
            "period": _compare(type_, row["actual"], row["budget"]),
            "year_to_date": _compare(type_, row["ytd_actual"], row["ytd_budget"]),
        }
        lines.append(line)
        fund = by_fund.setdefault(
            row["fund_id"],
            {"fund_id": row["fund_id"], "fund_code": row["fund_code"], "income": _figures(), "expense": _figures()},
        )
        for into in (fund, overall):
            _add(into[type_.value], line)
    totals = [*sorted(by_fund.values(), key=lambda t: t["fund_code"]), overall]
    for t in totals:
        _net(t)
    return {
        "association_id": scope.association.id,
        "from_date": from_date,
        "to_date": to_date,
        "basis": scope.basis,
        "fiscal_year_start": scope.year_start(to_date),
        "lines": lines,
        "totals": totals,
    }
