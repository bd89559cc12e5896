"""GraphQL relation fields of the associations domain, each resolved through a loader.

Every field is synchronous: a relation returns its loader's future, which
graphql-core awaits, so a page of 100 units costs no coroutine per resolved
relation (most of a large response's CPU is per-field overhead).
"""

from __future__ import annotations

from typing import Any

import strawberry

from domains.associations import loaders
from domains.associations.models import Association, ContactPoint, EmergencyContact, Ownership, Resident, Unit
from domains.associations.schemas import (
    AssociationRead,
    ContactPointRead,
    EmergencyContactRead,
    OwnershipRead,
    PartyRead,
    ResidentRead,
    ShareTotals,
    UnitConnection,
    UnitFilter,
    UnitRead,
)
from domains.associations.service import units
from domains.associations.service.access import current
from graph.gqltypes import extend, output_type, to_many, to_one
from graph.graphql_fields import relation_field
from graph.relations import Paged


@extend(UnitRead)
class UnitRelations:
    association = to_one("The association the unit belongs to.", kind="association")
    current_owners = to_many(
        Ownership,
        "unit_id",
        "OwnershipType",
        "Today's owners, primary first (empty if you may not see ownerships).",
        kind="ownership",
        where=lambda: [current(Ownership.starts_on, Ownership.ends_on)],
        order_by=lambda: [Ownership.is_primary.desc(), Ownership.starts_on],
    )
    ownership_history = to_many(
        Ownership,
        "unit_id",
        "OwnershipType",
        "Every ownership of the unit, latest first: its title history.",
        kind="ownership",
        order_by=lambda: [Ownership.starts_on.desc()],
    )
    residents = to_many(
        Resident,
        "unit_id",
        "ResidentType",
        "People living in the unit today (those you may see).",
        kind="resident",
        where=lambda: [current(Resident.moved_in_on, Resident.moved_out_on)],
        order_by=lambda: [Resident.moved_in_on],
    )
    # Visible wherever their unit is.
    emergency_contacts = to_many(
        EmergencyContact,
        "unit_id",
        "EmergencyContactType",
        "Who to call in an emergency, in call order.",
        order_by=lambda: [EmergencyContact.priority],
    )


class PartyAndUnit:
    party = to_one("The party (person or company).")
    unit = to_one("The unit.")


extend(OwnershipRead)(PartyAndUnit)
extend(ResidentRead)(PartyAndUnit)


@extend(PartyRead)
class PartyRelations:
    # Visible wherever their party is.
    contact_points = to_many(
        ContactPoint,
        "party_id",
        "ContactPointType",
        "Email addresses and phone numbers.",
        order_by=lambda: [ContactPoint.created_at],
    )


@extend(AssociationRead)
class AssociationRelations:
    @relation_field(
        UnitFilter,
        "UnitConnectionType",
        "The units of this association you may see, a page at a time.",
        compiled=Paged(Unit, "association_id", "unit", units.filters, units.page_of),
    )
    async def units(root: Any, info: strawberry.Info, data: UnitFilter) -> Any:
        return await loaders.units_page(info.context, data).load(root.id)

    @strawberry.field(description="Active units' count and the sums of their voting weights and assessment shares.")
    async def share_totals(self, root: strawberry.Parent[Any], info: strawberry.Info) -> ShareTotalsType:
        return await loaders.share_totals(info.context).load(root.id)

    master_association = to_one(
        "The master association this one belongs to, if any (null if you may not see it).", kind="association"
    )

    @strawberry.field(description=Association.tax_id.doc)
    async def tax_id(self, root: strawberry.Parent[Any], info: strawberry.Info) -> str | None:
        if not isinstance(root, Association):
            # An operation's output: get and list masked it for this caller; create and
            # update are open only to roles that may read it.
            return root.tax_id
        return root.tax_id if await loaders.tax_ids_readable(info.context).load(root) else None


# Built after every extension: return annotations above name these lazily.
AssociationType = output_type(AssociationRead)
UnitType = output_type(UnitRead)
UnitConnectionType = output_type(UnitConnection)
OwnershipType = output_type(OwnershipRead)
ResidentType = output_type(ResidentRead)
PartyType = output_type(PartyRead)
ContactPointType = output_type(ContactPointRead)
EmergencyContactType = output_type(EmergencyContactRead)
ShareTotalsType = output_type(ShareTotals)
