"""An association in a chosen state with books, a manager, a board member, its
owners and a rule library, for the violations tests. Dates are relative to
today: steps record what has happened, so they are never in the future."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from tests.associations.community import ASSOCIATION, unit_fields
from tests.helpers import Api, Caller

WORKFLOW = "query($id: String!) { workflow(id: $id) { id name state } }"


def day(offset: int = 0) -> str:
    """Today (UTC) plus `offset` days, as the API writes dates."""
    return (datetime.now(UTC).date() + timedelta(days=offset)).isoformat()


def month(offset: int = 0) -> str:
    """The first day of the month `offset` months from this one (UTC), as the API writes dates."""
    today = datetime.now(UTC).date()
    months = today.year * 12 + today.month - 1 + offset
    return date(months // 12, months % 12 + 1, 1).isoformat()


def on(text: str) -> date:
    return date.fromisoformat(text)


LAWN = {
    "code": "LND-01",
    "title": "Lawn maintenance",
    "documentReference": "CC&Rs §7.3",
    "noticeText": "Your lawn is not maintained as §7.3 of the CC&Rs requires.",
    "actionToResolve": "Mow and edge the lawn and remove weeds.",
    "curable": True,
    "cureDays": 14,
    "fineFirst": "100.00",
    "fineRepeat": "200.00",
}


@dataclass
class Enforcement:
    admin: Caller
    manager: Caller
    board: Caller
    org: str
    association: str
    units: list[str]
    parties: list[str]
    accounts: dict[str, str]
    rule: str
    extra: dict[str, Any] = field(default_factory=dict)
    funds: dict[str, str] = field(default_factory=dict)  # code → id


async def member(api: Api, admin: Caller, org: str, roles: list[str]) -> Caller:
    user, _ = await api.add_member(admin, roles)
    await api.select(user, org)
    return user


async def open_enforcement(
    api: Api,
    region: str = "CA",
    units: int = 2,
    rule: dict[str, Any] | None = None,
    overrides: tuple[dict[str, Any], ...] = (),
    *,
    beside: Enforcement | None = None,
    organization_type: str = "association",
) -> Enforcement:
    """An association in `region` (US) with `units` units, each owned and lived
    in by one party, the standard chart, and rule LND-01 (or `rule`);
    `overrides` are governing-document rules set before anything is observed.
    In a new organization of `organization_type`, or `beside` another association:
    in its organization, run by its admin, manager and board (a management
    company's second client)."""
    if beside is None:
        admin, org = await api.admin_of_new_org(organization_type)
    else:
        admin, org = beside.admin, beside.org
    # Codes are unique in an organization; a second association's owners carry
    # its code in their name and email, to tell them apart from the first's.
    tag = "" if beside is None else f"-{uuid.uuid4().hex[:4]}"
    code = f"ENF{tag.upper()}"
    association = (await api.call("association/v1/create", ASSOCIATION | {"code": code, "region": region}, admin))["id"]
    rows = [unit_fields(f"{i + 1}") for i in range(units)]
    unit_ids = (await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin))["unitIds"]
    parties = []
    for i, unit in enumerate(unit_ids):
        party = (
            await api.call(
                "party/v1/create",
                {
                    "kind": "person",
                    "name": f"Owner {i + 1}{tag}",
                    "deliveryPreference": "postal",
                    "contactPoints": [{"kind": "email", "value": f"owner{i + 1}{tag}@example.org", "isPrimary": True}],
                },
                admin,
            )
        )["id"]
        parties.append(party)
        await api.call(
            "ownership/v1/create",
            {"unitId": unit, "partyId": party, "interest": "1", "startsOn": "2020-01-01", "isPrimary": True},
            admin,
        )
        await api.call(
            "resident/v1/create", {"unitId": unit, "partyId": party, "kind": "owner", "movedInOn": "2020-01-01"}, admin
        )
    chart = await api.call("chartOfAccounts/v1/install", {"associationId": association}, admin)
    for o in overrides:
        await api.call("jurisdictionRuleOverride/v1/set", {"id": association} | o, admin)
    if beside is None:
        manager = await member(api, admin, org, ["manager"])
        board = await member(api, admin, org, ["board_member"])
    else:
        manager, board = beside.manager, beside.board
    created = await api.call("violationRule/v1/create", {"associationId": association} | (rule or LAWN), admin)
    return Enforcement(
        admin,
        manager,
        board,
        org,
        association,
        unit_ids,
        parties,
        {a["number"]: a["id"] for a in chart["accounts"]},
        created["id"],
        funds={f["code"]: f["id"] for f in chart["funds"]},
    )


def code(response: Any) -> tuple[int, str | None]:
    body = response.json()
    return response.status_code, (body.get("error") or {}).get("code")


async def observe(api: Api, e: Enforcement, unit: int = 0, observed: str | None = None, **more: Any) -> dict[str, Any]:
    body = {
        "unitId": e.units[unit],
        "ruleId": more.pop("rule", e.rule),
        "observedOn": observed or day(-60),
        "description": "Grass about 10 inches high.",
        "location": "Front yard",
    } | more
    return await api.call("violation/v1/observe", body, e.manager)


async def get(api: Api, e: Enforcement, violation: str) -> dict[str, Any]:
    return await api.call("violation/v1/get", {"id": violation}, e.manager)


async def wait_status(api: Api, e: Enforcement, violation: str, status: str, timeout: float = 20) -> dict[str, Any]:
    """The violation once its workflow has moved it to `status`."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        v = await get(api, e, violation)
        if v["status"] == status:
            return v
        assert asyncio.get_running_loop().time() < deadline, (status, v["status"], [x["kind"] for x in v["events"]])
        await asyncio.sleep(0.05)


async def noticed(api: Api, e: Enforcement, unit: int = 0, sent: int = -50, **more: Any) -> dict[str, Any]:
    """A violation observed 60 days ago whose notice went out `sent` days from today."""
    v = (await observe(api, e, unit, **more))["violation"]
    return await api.call(
        "violation/v1/sendNotice", {"id": v["id"], "method": "first_class_mail", "sentOn": day(sent)}, e.manager
    )


async def uncured(api: Api, e: Enforcement, unit: int = 0, **more: Any) -> dict[str, Any]:
    """A violation whose cure period ended and that a re-inspection found uncured."""
    v = await noticed(api, e, unit, **more)
    return await api.call("violation/v1/reinspect", {"id": v["id"], "inspectedOn": day(-30), "cured": False}, e.manager)


async def heard(api: Api, e: Enforcement, unit: int = 0, notice_days: int = 14, **more: Any) -> dict[str, Any]:
    """An uncured violation whose hearing (noticed `notice_days` before) was yesterday."""
    v = await uncured(api, e, unit, **more)
    return await api.call(
        "violation/v1/scheduleHearing",
        {"id": v["id"], "hearingOn": day(-1), "noticeSentOn": day(-1 - notice_days), "method": "first_class_mail"},
        e.manager,
    )


async def fined(api: Api, e: Enforcement, unit: int = 0, **more: Any) -> dict[str, Any]:
    """A violation fined at yesterday's hearing, decision delivered today, fine posted."""
    v = await heard(api, e, unit, **more)
    await api.call("violation/v1/decide", {"id": v["id"], "heldOn": day(-1), "outcome": "fine"}, e.board)
    await api.call(
        "violation/v1/deliverDecision", {"id": v["id"], "deliveredOn": day(0), "method": "first_class_mail"}, e.manager
    )
    return await wait_status(api, e, v["id"], "fined")
