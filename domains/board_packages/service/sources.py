"""What goes into a package: the month's reports, read by calling the report
operations' own handlers (financialReport, arAging, delinquencyList,
apRegister, bankReconciliation, reserveStudy/status, violation, arcRequest,
meeting/minutes) — never SQL of our own — so every figure printed is the figure
those operations answer.

They are called as the board reads them: a principal holding the board role of
the association's organization and nothing else, so Cerbos filters each list
(and RLS each statement) exactly as for a board member. Generation runs in a
workflow with no user in it, and a package must not depend on who asked for it
(a manager sees staff-only rows a board member doesn't).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from graph.auth.principal import Principal, PrincipalKind
from graph.authz import Decisions
from graph.durable import SYSTEM_ACTOR
from graph.errors import AppError
from graph.handlers import OperationContext
from graph.operations import REGISTRY
from graph.pipeline import authorize
from graph.platform import Platform

PAGE = 100


def month_end(month: date) -> date:
    return (month.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def board_reader(organization_id: UUID) -> Principal:
    """The board of the organization, as Cerbos knows it, with no one's own relations."""
    return Principal(kind=PrincipalKind.USER, id=SYSTEM_ACTOR, active_organization_id=organization_id, roles=["board_member"])


class Reader:
    """Calls report operations inside one RLS-scoped transaction, as the board."""

    def __init__(self, session: AsyncSession, platform: Platform, organization_id: UUID) -> None:
        self.ctx = OperationContext(
            session=session,
            principal=board_reader(organization_id),
            organization_id=organization_id,
            platform=platform,
            decisions=Decisions(platform.authorizer),
        )

    async def call(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """The operation's output as its API answers it (JSON, camelCase)."""
        op = REGISTRY[name]
        inputs = op.input.model_validate(data)
        if op.target is not None:
            # What the pipeline does for a read by id: the row, authorized for the caller.
            self.ctx.pinned = await authorize(self.ctx.decisions, op, self.ctx.principal, inputs, self.ctx.session)
        output = await op.handler(self.ctx, inputs)
        assert output is not None
        return output.model_dump(mode="json", by_alias=True)

    async def every(self, name: str, data: dict[str, Any]) -> list[dict[str, Any]]:
        """Every node of a list operation, page after page."""
        nodes: list[dict[str, Any]] = []
        after = None
        while True:
            page = await self.call(name, data | {"first": PAGE, "after": after})
            nodes.extend(page["nodes"])
            if not page["pageInfo"]["hasNextPage"]:
                return nodes
            after = page["pageInfo"]["endCursor"]

    async def section(self, name: str, data: dict[str, Any]) -> dict[str, Any]:
        """A report, or the refusal its operation answered (no reserve study yet…), printed as such."""
        try:
            return {"report": await self.call(name, data)}
        except AppError as err:
            return {"unavailable": {"code": err.code, "message": str(err)}}


def _in_month(stamp: str | None, first: date, last: date) -> bool:
    return stamp is not None and first <= datetime.fromisoformat(stamp).date() <= last


async def read(session: AsyncSession, platform: Platform, organization_id: UUID, association: str, month: date) -> dict[str, Any]:
    """Every section of the package for `association` (its public id) and `month` (first day)."""
    reader = Reader(session, platform, organization_id)
    first, last = month, month_end(month)
    whole = {"associationId": association}
    contents: dict[str, Any] = {
        "month": first.isoformat(),
        "balanceSheet": await reader.section("financialReport/v1/balanceSheet", whole | {"asOf": last.isoformat()}),
        "incomeStatement": await reader.section(
            "financialReport/v1/incomeStatement", whole | {"fromDate": first.isoformat(), "toDate": last.isoformat()}
        ),
        "arAging": await reader.section("arAging/v1/get", whole | {"asOf": last.isoformat()}),
        "delinquencies": await reader.section("delinquencyList/v1/get", whole | {"asOf": last.isoformat()}),
        "apRegister": await reader.section(
            "apRegister/v1/get", whole | {"fromDate": first.isoformat(), "toDate": last.isoformat()}
        ),
        "reserves": await reader.section("reserveStudy/v1/status", whole | {"asOf": last.isoformat()}),
    }
    reconciliations = []
    for account in await reader.every("bankAccount/v1/list", whole):
        for rec in await reader.every("bankReconciliation/v1/list", {"bankAccountId": account["id"]}):
            if rec["month"] == first.isoformat():
                report = await reader.call("bankReconciliation/v1/report", {"id": rec["id"]})
                reconciliations.append({"account": account, "report": report})
    contents["bankReconciliations"] = reconciliations
    contents["openViolations"] = await reader.every("violation/v1/list", whole | {"open": True})
    arc = await reader.every("arcRequest/v1/list", whole)
    # Those still before the committee, and those decided this month.
    contents["arcRequests"] = [
        r for r in arc if r["decidedOn"] is None or first.isoformat() <= r["decidedOn"] <= last.isoformat()
    ]
    meetings = []
    for meeting in await reader.every("meeting/v1/list", whole):
        if _in_month(meeting["startsAt"], first, last):
            versions = await reader.every("meeting/v1/minutes", {"id": meeting["id"]})
            meetings.append({"meeting": meeting, "minutes": versions[0] if versions else None})
    contents["meetings"] = meetings
    return contents
