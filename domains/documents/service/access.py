"""What a user is to the libraries, for Cerbos: the associations of the units
they own today, and those associations' masters, travel as the principal
attribute `owner_association_ids`, so owners are told apart from tenants
(whose associations are in `association_ids` only) for rows and lists alike.

The relation is part of the statement that reads a user's roles on every
request (`hooks.principal_roles`), so it is one plain join driven by the
user's party (unique per organization and user), never a union of subqueries:
an owner of many units on a large association must cost no more than a few
index probes (tests/documents/test_owner_relation.py)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sqlalchemy import and_, func, literal_column, select
from sqlalchemy.dialects.postgresql import array

from domains.associations.models import Association, Ownership, Party, Unit
from domains.associations.service.access import current
from graph.auth.principal import relation


@relation("owner_association_ids")
def owner_association_ids(user_id: UUID) -> Any:
    ids = func.unnest(array([Association.id, Association.master_association_id])).table_valued("id").render_derived()
    theirs = (
        select(ids.c.id)
        .select_from(Party)
        .join(Ownership, and_(Ownership.organization_id == Party.organization_id, Ownership.party_id == Party.id))
        .join(Unit, and_(Unit.organization_id == Ownership.organization_id, Unit.id == Ownership.unit_id))
        .join(Association, and_(Association.organization_id == Unit.organization_id, Association.id == Unit.association_id))
        .join(ids, literal_column("true"))
        .where(Party.user_id == user_id, current(Ownership.starts_on, Ownership.ends_on), ids.c.id.is_not(None))
        .distinct()
    )
    return func.array(theirs.scalar_subquery())
