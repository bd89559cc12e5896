"""Builds an association with units, owners, residents and contact points through
the API, for the associations tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.helpers import Api, Caller

ASSOCIATION = {
    "code": "MGV",
    "legalName": "Maple Grove Homeowners Association, Inc.",
    "kind": "hoa",
    "status": "active",
    "region": "CA",
    "country": "US",
    "taxId": "12-3456789",
    "fiscalYearStartMonth": 1,
    "accountingBasis": "accrual",
}


def unit_fields(number: str, share: str = "0.01") -> dict[str, Any]:
    return {
        "unitNumber": number,
        "unitType": "condo",
        "status": "active",
        "street": f"{number} Maple Grove Ln",
        "city": "Sacramento",
        "region": "CA",
        "postalCode": "95814",
        "country": "US",
        "squareFeet": 1000,
        "votingWeight": share,
        "assessmentShare": share,
    }


@dataclass
class Community:
    admin: Caller
    org: str
    association: str
    units: list[str] = field(default_factory=list)
    parties: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:  # ids a test stores for later (c.unit, c.ownership…)
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.__dataclass_fields__:
            object.__setattr__(self, name, value)
        else:
            self.extra[name] = value


async def build(api: Api, units: int = 3, *, code: str = "MGV", admin: Caller | None = None, org: str | None = None) -> Community:
    """An association with `units` units, each owned by one party with two
    contact points and lived in by that owner."""
    if admin is None:
        admin, org = await api.admin_of_new_org()
    assert org is not None
    association = (await api.call("association/v1/create", ASSOCIATION | {"code": code}, admin))["id"]
    c = Community(admin, org, association)
    rows = [unit_fields(f"{i + 1}") for i in range(units)]
    result = await api.call("unit/v1/bulkImport", {"associationId": association, "rows": rows}, admin)
    c.units = result["unitIds"]
    for i, unit in enumerate(c.units):
        party = (
            await api.call(
                "party/v1/create",
                {
                    "kind": "person",
                    "name": f"Owner {code} {i + 1}",
                    "deliveryPreference": "postal",
                    "contactPoints": [
                        {"kind": "email", "value": f"owner{i + 1}@example.org", "isPrimary": True},
                        {"kind": "phone", "value": "+14155550100", "isPrimary": True},
                    ],
                },
                admin,
            )
        )["id"]
        c.parties.append(party)
        await api.call(
            "ownership/v1/create",
            {"unitId": unit, "partyId": party, "interest": "1", "startsOn": "2020-01-01", "isPrimary": True},
            admin,
        )
        await api.call(
            "resident/v1/create", {"unitId": unit, "partyId": party, "kind": "owner", "movedInOn": "2020-01-01"}, admin
        )
    return c


async def add_people(api: Api, c: Community) -> Community:
    """Three members with the organization selected: `owner` (linked to the owner of
    unit 1), `tenant` (renting unit 2 as Tess Tenant) and `nobody` (no unit)."""
    owner, _ = await api.add_member(c.admin, ["member"])
    tenant, _ = await api.add_member(c.admin, ["member"])
    nobody, _ = await api.add_member(c.admin, ["member"])
    await api.call("party/v1/update", {"id": c.parties[0], "userId": owner.user_id}, c.admin)
    tenant_party = await api.call(
        "party/v1/create",
        {"kind": "person", "name": "Tess Tenant", "deliveryPreference": "postal", "userId": tenant.user_id},
        c.admin,
    )
    await api.call(
        "resident/v1/create",
        {"unitId": c.units[1], "partyId": tenant_party["id"], "kind": "tenant", "movedInOn": "2025-01-01"},
        c.admin,
    )
    for caller in (owner, tenant, nobody):
        await api.select(caller, c.org)
    c.owner, c.tenant, c.nobody, c.tenant_party = owner, tenant, nobody, tenant_party["id"]
    return c
