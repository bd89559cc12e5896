"""budget/v1/{set,get}."""

from __future__ import annotations

from domains.accounting.schemas import Budget, BudgetGetInput, BudgetSetInput
from domains.accounting.service import budgets
from domains.associations.models import Association
from graph.handlers import OperationContext, org, require
from graph.operations import operation


@operation(
    "budget/v1/set", input=BudgetSetInput, output=Budget, kind="budget", action="set", summary="Set a fiscal year's budget"
)
async def set_budget(ctx: OperationContext, data: BudgetSetInput) -> Budget:
    """Set an association's budget for one fiscal year, replacing the year's
    previous budget: per income or expense account and fund, twelve monthly
    amounts or an annual amount spread evenly (periods 1–11 get annual / 12 cut
    down to the cent, period 12 the rest). Refused, with nothing changed, when a
    line names an unknown or inactive account (UNKNOWN_ACCOUNT), a balance-sheet
    account or the same account and fund twice (INVALID_BUDGET), or an unknown
    fund (UNKNOWN_FUND). Admins, managers and the board."""
    association, ctx.audit_summary = await budgets.set_budget(ctx.session, org(ctx), data)
    return Budget.model_validate(await budgets.read_budget(ctx.session, association, data.fiscal_year))


@operation(
    "budget/v1/get",
    input=BudgetGetInput,
    output=Budget,
    kind="budget",
    action="read",
    mutates=False,
    summary="Read a fiscal year's budget",
)
async def get_budget(ctx: OperationContext, data: BudgetGetInput) -> Budget:
    """An association's budget for one fiscal year, by account number and fund
    code, with its first day and its income and expense totals (no lines when
    none is set)."""
    association = await require(ctx.session, Association, data.association_id, "associationId")
    return Budget.model_validate(await budgets.read_budget(ctx.session, association, data.fiscal_year))
