"""GraphQL relation fields of the amenities domain, resolved through loaders."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.amenities.models import AmenityBookingTransition
from domains.amenities.schemas import AmenityBookingRead, AmenityBookingTransitionRead, AmenityRead
from graph.gqltypes import extend, output_type, to_one


@extend(AmenityRead)
class AmenityRelations:
    association = to_one("The association whose amenity it is.")


@extend(AmenityBookingRead)
class AmenityBookingRelations:
    amenity = to_one("The amenity booked.")
    unit = to_one("The unit that booked it.")
    fee_entry = to_one("The owner-ledger charge of the fee.")
    deposit_entry = to_one("The owner-ledger charge of the deposit.")

    @strawberry.field(description="Every step so far, oldest first.")
    async def transitions(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[AmenityBookingTransitionType]:
        if isinstance(getattr(root, "transitions", None), list):  # an operation's result carries them
            return root.transitions
        return await info.context.loaders.by_column(AmenityBookingTransition, "booking_id", order_by="seq").load(root.id)


# Built after every extension: return annotations above name these lazily.
AmenityType = output_type(AmenityRead)
AmenityBookingTransitionType = output_type(AmenityBookingTransitionRead)
AmenityBookingType = output_type(AmenityBookingRead)
