"""Funds, accounts and the standard chart of accounts a new association starts from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from uuid import UUID

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.accounting.errors import (
    AccountNumberTaken,
    FundCodeTaken,
    InvalidAccount,
    UnknownAccount,
    UnknownFund,
)
from domains.accounting.models import (
    NUMBER_RANGES,
    AccountType,
    ControlRole,
    Fund,
    FundKind,
    GlAccount,
)
from domains.associations.models import Association
from graph.db import add_or_raise, flush_or_raise
from graph.handlers import require
from graph.pages import Page, page_statement

# (code, name, kind)
STANDARD_FUNDS = [("OPER", "Operating Fund", FundKind.OPERATING), ("RESV", "Reserve Fund", FundKind.RESERVE)]
# (number, name, type, fund code or None, control role or None)
STANDARD_ACCOUNTS: list[tuple[str, str, AccountType, str | None, ControlRole | None]] = [
    ("1010", "Operating Cash", AccountType.ASSET, "OPER", ControlRole.CASH),
    ("1020", "Reserve Cash", AccountType.ASSET, "RESV", ControlRole.CASH),
    ("1200", "Assessments Receivable", AccountType.ASSET, "OPER", ControlRole.ACCOUNTS_RECEIVABLE),
    ("1210", "Reserve Assessments Receivable", AccountType.ASSET, "RESV", ControlRole.ACCOUNTS_RECEIVABLE),
    ("1900", "Operating Due from (to) Other Funds", AccountType.ASSET, "OPER", ControlRole.INTERFUND),
    ("1910", "Reserve Due from (to) Other Funds", AccountType.ASSET, "RESV", ControlRole.INTERFUND),
    ("2000", "Accounts Payable", AccountType.LIABILITY, "OPER", ControlRole.ACCOUNTS_PAYABLE),
    ("2010", "Reserve Accounts Payable", AccountType.LIABILITY, "RESV", ControlRole.ACCOUNTS_PAYABLE),
    ("2100", "Prepaid Assessments", AccountType.LIABILITY, "OPER", ControlRole.PREPAID_ASSESSMENTS),
    ("2110", "Reserve Prepaid Assessments", AccountType.LIABILITY, "RESV", ControlRole.PREPAID_ASSESSMENTS),
    ("3000", "Operating Fund Balance", AccountType.EQUITY, "OPER", ControlRole.FUND_BALANCE),
    ("3100", "Reserve Fund Balance", AccountType.EQUITY, "RESV", ControlRole.FUND_BALANCE),
    ("4000", "Assessment Income", AccountType.INCOME, None, ControlRole.ASSESSMENT_INCOME),
    ("4100", "Late Fee Income", AccountType.INCOME, None, ControlRole.LATE_FEE_INCOME),
    ("4110", "Returned Payment Fees", AccountType.INCOME, None, ControlRole.NSF_FEE_INCOME),
    ("4120", "Violation Fines", AccountType.INCOME, None, ControlRole.FINE_INCOME),
    ("4130", "Resale and Estoppel Fees", AccountType.INCOME, None, ControlRole.ESTOPPEL_FEE_INCOME),
    ("4140", "Interest on Delinquent Assessments", AccountType.INCOME, None, ControlRole.DELINQUENCY_INTEREST_INCOME),
    ("4200", "Interest Income", AccountType.INCOME, None, None),
    ("5000", "Management Fees", AccountType.EXPENSE, None, None),
    ("5100", "Landscaping", AccountType.EXPENSE, None, None),
    ("5200", "Utilities", AccountType.EXPENSE, None, None),
    ("5300", "Repairs and Maintenance", AccountType.EXPENSE, None, None),
    ("5400", "Insurance", AccountType.EXPENSE, None, None),
    ("5500", "Legal and Professional", AccountType.EXPENSE, None, None),
    ("6000", "Reserve Expenditures", AccountType.EXPENSE, None, None),
]


def check_account(number: str, type_: AccountType, fund_id: UUID | None) -> None:
    first = number[0]
    allowed = NUMBER_RANGES[type_]
    if not (first == allowed or ("-" in allowed and allowed[0] <= first <= allowed[-1])):
        raise InvalidAccount(f"A {type_.value} account's number starts with {allowed}.", field=["number"])
    balance_sheet = type_ in (AccountType.ASSET, AccountType.LIABILITY, AccountType.EQUITY)
    if balance_sheet and fund_id is None:
        raise InvalidAccount("Asset, liability and equity accounts belong to a fund.", field=["fundId"])
    if not balance_sheet and fund_id is not None:
        raise InvalidAccount(
            "Income and expense accounts are shared by the funds; each posting names its fund.", field=["fundId"]
        )


async def create_fund(session: AsyncSession, organization_id: UUID, values: dict[str, Any]) -> Fund:
    await require(session, Association, values["association_id"], "associationId")
    fund = Fund(organization_id=organization_id, **values)
    await add_or_raise(session, fund, FundCodeTaken(f"Fund code {values['code']} is already used here.", field=["code"]))
    return fund


async def create_account(session: AsyncSession, organization_id: UUID, values: dict[str, Any]) -> GlAccount:
    await require(session, Association, values["association_id"], "associationId")
    check_account(values["number"], values["type"], values.get("fund_id"))
    if values.get("fund_id") is not None:
        fund = await session.get(Fund, values["fund_id"])
        if fund is None or fund.association_id != values["association_id"]:
            raise UnknownFund("No fund of this association has this id.", field=["fundId"])
    account = GlAccount(organization_id=organization_id, is_active=True, **values)
    await add_or_raise(
        session,
        account,
        AccountNumberTaken(f"Account {values['number']} exists, or its control role is taken for this fund.", field=["number"]),
    )
    return account


async def update_account(session: AsyncSession, account: GlAccount, data: Any) -> dict[str, Any]:
    changed = {}
    for name in data.model_fields_set - {"id"}:
        new, old = getattr(data, name), getattr(account, name)
        if new is not None and new != old:
            changed[name] = {"from": str(old), "to": str(new)}
            setattr(account, name, new)
    await flush_or_raise(session, AccountNumberTaken("That control role is taken for this fund.", field=["control"]))
    return changed


async def install(session: AsyncSession, organization_id: UUID, association_id: UUID) -> tuple[list[Fund], list[GlAccount]]:
    """The standard funds and chart of accounts; refused if the association has any account already."""
    await require(session, Association, association_id, "associationId", lock=True)
    if await session.scalar(select(GlAccount.id).where(GlAccount.association_id == association_id).limit(1)):
        raise AccountNumberTaken("This association already has a chart of accounts.", field=["associationId"])
    funds = {
        code: Fund(organization_id=organization_id, association_id=association_id, code=code, name=name, kind=kind)
        for code, name, kind in STANDARD_FUNDS
    }
    existing = {f.code: f for f in (await session.scalars(select(Fund).where(Fund.association_id == association_id))).all()}
    session.add_all(f for code, f in funds.items() if code not in existing)
    funds |= existing
    await session.flush()
    accounts = [
        GlAccount(
            organization_id=organization_id,
            association_id=association_id,
            number=number,
            name=name,
            type=type_,
            fund_id=funds[fund].id if fund else None,
            control=role,
            is_active=True,
        )
        for number, name, type_, fund, role in STANDARD_ACCOUNTS
    ]
    session.add_all(accounts)
    await session.flush()
    return list(funds.values()), accounts


async def funds_of(session: AsyncSession, association_id: UUID) -> Sequence[Fund]:
    return (await session.scalars(select(Fund).where(Fund.association_id == association_id))).all()


async def fund_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[Fund], Page]:
    """An association's funds, by code:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "code")
    where = [visible, Fund.association_id == data.association_id]
    return (await session.scalars(page_statement(Fund, page, where))).all(), page


async def account_page(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> tuple[Sequence[GlAccount], Page]:
    """An association's chart of accounts, by number:
    the page `data` asks for, of the rows `visible` admits."""
    page = Page(data.first, data.after, "number")
    where = [visible, GlAccount.association_id == data.association_id]
    if data.type is not None:
        where.append(GlAccount.type == data.type)
    if not data.include_inactive:
        where.append(GlAccount.is_active.is_(True))
    return (await session.scalars(page_statement(GlAccount, page, where))).all(), page


async def coded_accounts(session: AsyncSession, association_id: UUID, lines: Sequence[Any]) -> list[GlAccount]:
    """The account each line (`account_id`, `fund_id`) is coded to, in line order,
    once both are checked to be this association's: an active account
    (UNKNOWN_ACCOUNT) and a fund (UNKNOWN_FUND), naming the line at fault. What
    kind of account a line may use is the caller's rule."""
    account_ids, fund_ids = {line.account_id for line in lines}, {line.fund_id for line in lines}
    accounts = {
        a.id: a
        for a in await session.scalars(
            select(GlAccount).where(GlAccount.association_id == association_id, GlAccount.id.in_(account_ids))
        )
    }
    funds = set(await session.scalars(select(Fund.id).where(Fund.association_id == association_id, Fund.id.in_(fund_ids))))
    coded = []
    for i, line in enumerate(lines):
        account = accounts.get(line.account_id)
        if account is None or not account.is_active:
            raise UnknownAccount("No active account of this association has this id.", field=["lines", str(i), "accountId"])
        if line.fund_id not in funds:
            raise UnknownFund("No fund of this association has this id.", field=["lines", str(i), "fundId"])
        coded.append(account)
    return coded
