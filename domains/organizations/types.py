"""GraphQL relation fields of the organizations domain, resolved through loaders."""

from __future__ import annotations

from domains.organizations.schemas import (
    ManagementLinkRead,
    MembershipRead,
    ServiceAccountRead,
)
from graph.gqltypes import extend, output_type, to_one


@extend(MembershipRead)
class MembershipRelations:
    organization = to_one("The organization of this membership.")
    user = to_one("The member.")


ServiceAccountType = output_type(ServiceAccountRead)
ManagementLinkType = output_type(ManagementLinkRead)
