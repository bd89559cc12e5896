"""bankStatement/v1/{import,list}."""

from __future__ import annotations

from domains.banking.models import BankAccount, BankStatement
from domains.banking.schemas import (
    BankStatementConnection,
    BankStatementImportInput,
    BankStatementImportResult,
    BankStatementListInput,
    BankStatementRead,
)
from domains.banking.service import statements
from graph.handlers import OperationContext, actor, as_connection, org, require
from graph.operations import operation


@operation(
    "bankStatement/v1/import",
    input=BankStatementImportInput,
    output=BankStatementImportResult,
    kind="bank_statement",
    action="import",
    result_field="result",
    summary="Import a bank statement",
)
async def import_statement(ctx: OperationContext, data: BankStatementImportInput) -> BankStatementImportResult:
    """Import a bank account's statement: an OFX file (its account number must
    end in the account's last four digits: STATEMENT_ACCOUNT_MISMATCH), or a CSV
    read through a column mapping. Each transaction is kept once by the bank's
    id, so the same file — or overlapping statements — adds nothing twice; a
    file with a row that can't be read imports nothing (STATEMENT_UNREADABLE),
    nor one adding transactions to a reconciled month (MONTH_RECONCILED)."""
    account = await require(ctx.session, BankAccount, data.bank_account_id, "bankAccountId")
    statement, added, duplicates = await statements.import_statement(ctx.session, org(ctx), account, data, actor(ctx))
    ctx.audit_summary = {"format": statement.format.value, "added": added, "duplicates": duplicates}
    return BankStatementImportResult(statement=BankStatementRead.model_validate(statement), added=added, duplicates=duplicates)


@operation(
    "bankStatement/v1/list",
    input=BankStatementListInput,
    output=BankStatementConnection,
    kind="bank_statement",
    action="list",
    mutates=False,
    graphql_name="bankStatements",
    summary="List imported statements",
)
async def list_statements(ctx: OperationContext, data: BankStatementListInput) -> BankStatementConnection:
    """A bank account's imported statements, newest first."""
    rows, page = await statements.page(ctx.session, data, await ctx.visible("bank_statement", "read", BankStatement))
    return as_connection(BankStatementConnection, rows, page)
