"""GraphQL relation fields of the banking domain, resolved through loaders."""

from __future__ import annotations

from domains.banking.schemas import (
    BankAccountRead,
    BankReconciliationRead,
    BankStatementRead,
    BankTransactionRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(BankAccountRead)
class BankAccountRelations:
    gl_account = to_one("The cash account whose balance the bank account holds.")
    fund = to_one("The cash account's fund.")


@extend(BankTransactionRead)
class BankTransactionRelations:
    bank_account = to_one("The bank account.")
    statement = to_one("The statement that first brought it.")


@extend(BankStatementRead)
class BankStatementRelations:
    bank_account = to_one("The bank account.")


@extend(BankReconciliationRead)
class BankReconciliationRelations:
    bank_account = to_one("The bank account.")


# Built after every extension.
BankAccountType = output_type(BankAccountRead)
BankStatementType = output_type(BankStatementRead)
BankTransactionType = output_type(BankTransactionRead)
BankReconciliationType = output_type(BankReconciliationRead)
