"""GraphQL relation fields of the associations domain, each resolved through a loader.

Every field is synchronous: a relation returns its loader's future, which
graphql-core awaits, so a page of 100 units costs no coroutine per resolved
relation (most of a large response's CPU is per-field overhead).
"""

from __future__ import annotations

from typing import Any

import strawberry

from domains.associations import loaders
from domains.associations.models import Association
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
from graph.gqltypes import extend, output_type, to_one
from graph.graphql_fields import relation_field


@extend(UnitRead)
class UnitRelations:
    @strawberry.field(description="The association the unit belongs to.")
    def association(self, root: strawberry.Parent[Any], info: strawberry.Info) -> AssociationType | None:
        return loaders.associations_visible(info.context).load(root.association_id)

    @strawberry.field(description="Today's owners, primary first (empty if you may not see ownerships).")
    def current_owners(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OwnershipType]:
        return loaders.current_owners(info.context).load(root.id)

    @strawberry.field(description="Every ownership of the unit, latest first: its title history.")
    def ownership_history(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OwnershipType]:
        return loaders.ownership_history(info.context).load(root.id)

    @strawberry.field(description="People living in the unit today (those you may see).")
    def residents(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ResidentType]:
        return loaders.current_residents(info.context).load(root.id)

    @strawberry.field(description="Who to call in an emergency, in call order.")
    def emergency_contacts(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[EmergencyContactType]:
        return loaders.emergency_contacts(info.context).load(root.id)


class PartyAndUnit:
    party = to_one("The party (person or company).")
    unit = to_one("The unit.")


extend(OwnershipRead)(PartyAndUnit)
extend(ResidentRead)(PartyAndUnit)


@extend(PartyRead)
class PartyRelations:
    @strawberry.field(description="Email addresses and phone numbers.")
    def contact_points(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[ContactPointType]:
        return loaders.contact_points(info.context).load(root.id)


@extend(AssociationRead)
class AssociationRelations:
    @relation_field(UnitFilter, "UnitConnectionType", "The units of this association you may see, a page at a time.")
    async def units(root: Any, info: strawberry.Info, data: UnitFilter) -> Any:
        return await loaders.units_page(info.context, data).load(root.id)

    @strawberry.field(description="Active units' count and the sums of their voting weights and assessment shares.")
    def share_totals(self, root: strawberry.Parent[Any], info: strawberry.Info) -> ShareTotalsType:
        return loaders.share_totals(info.context).load(root.id)

    @strawberry.field(description="The master association this one belongs to, if any (null if you may not see it).")
    async def master_association(self, root: strawberry.Parent[Any], info: strawberry.Info) -> AssociationType | None:
        if root.master_association_id is None:
            return None
        return await loaders.associations_visible(info.context).load(root.master_association_id)

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
