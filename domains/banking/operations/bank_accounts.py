"""bankAccount/v1/{create,update,get,list}."""

from __future__ import annotations

from domains.banking.models import BankAccount
from domains.banking.schemas import (
    BankAccountConnection,
    BankAccountCreateInput,
    BankAccountGetInput,
    BankAccountListInput,
    BankAccountRead,
    BankAccountUpdateInput,
)
from domains.banking.service import accounts
from graph.handlers import OperationContext, as_connection, org
from graph.operations import operation


@operation(
    "bankAccount/v1/create",
    input=BankAccountCreateInput,
    output=BankAccountRead,
    kind="bank_account",
    action="create",
    summary="Add a bank account",
)
async def create_bank_account(ctx: OperationContext, data: BankAccountCreateInput) -> BankAccountRead:
    """Add an association's bank account, tied to one of its cash accounts (an
    active asset account of one fund: INVALID_CASH_ACCOUNT otherwise), whose fund
    it takes; one bank account per cash account (CASH_ACCOUNT_TAKEN). Only the
    account number's last four digits are stored."""
    row = await accounts.create(ctx.session, org(ctx), data)
    ctx.audit_summary = {"name": row.name, "last4": row.account_number_last4}
    return BankAccountRead.model_validate(row)


@operation(
    "bankAccount/v1/update",
    input=BankAccountUpdateInput,
    output=BankAccountRead,
    kind="bank_account",
    action="update",
    target=BankAccount,
    summary="Change a bank account",
)
async def update_bank_account(ctx: OperationContext, data: BankAccountUpdateInput) -> BankAccountRead:
    """Rename a bank account, or (de)activate it: an inactive account takes no
    statements and no month waits for its reconciliation."""
    row = ctx.target
    ctx.audit_summary = await accounts.update(ctx.session, row, data)
    return BankAccountRead.model_validate(row)


@operation(
    "bankAccount/v1/get",
    input=BankAccountGetInput,
    output=BankAccountRead,
    kind="bank_account",
    action="read",
    target=BankAccount,
    mutates=False,
    summary="Read a bank account",
)
async def get_bank_account(ctx: OperationContext, data: BankAccountGetInput) -> BankAccountRead:
    """One bank account."""
    return BankAccountRead.model_validate(ctx.target)


@operation(
    "bankAccount/v1/list",
    input=BankAccountListInput,
    output=BankAccountConnection,
    kind="bank_account",
    action="list",
    mutates=False,
    graphql_name="bankAccounts",
    summary="List bank accounts",
)
async def list_bank_accounts(ctx: OperationContext, data: BankAccountListInput) -> BankAccountConnection:
    """An association's bank accounts, by name."""
    rows, page = await accounts.page(ctx.session, data, await ctx.visible("bank_account", "read", BankAccount))
    return as_connection(BankAccountConnection, rows, page)
