"""GraphQL relation fields of the governance domain, each resolved through a loader."""

from __future__ import annotations

from typing import Any

import strawberry

from domains.governance import loaders
from domains.governance.models import (
    ElectionCandidate,
    ElectionTransition,
    MeetingAgendaItem,
    MeetingMotion,
    MeetingTransition,
    MeetingVote,
)
from domains.governance.schemas import (
    ElectionCandidateRead,
    ElectionRead,
    ElectionTransitionRead,
    GoverningBodyRead,
    MeetingAgendaItemRead,
    MeetingMotionRead,
    MeetingRead,
    MeetingTransitionRead,
    MeetingVoteRead,
    OfficeRead,
    SeatRead,
)
from graph.gqltypes import extend, output_type, to_many, to_one


@extend(GoverningBodyRead)
class GoverningBodyRelations:
    association = to_one("The association the body governs or serves.")

    @strawberry.field(description="Today's members: the terms in force today, earliest start first.")
    async def current_seats(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[SeatType]:
        return await loaders.current_seats(info.context).load(root.id)

    @strawberry.field(description="Today's officers, by title.")
    async def current_offices(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OfficeType]:
        return await loaders.current_offices_by_body(info.context).load(root.id)


@extend(SeatRead)
class SeatRelations:
    body = to_one("The board or committee.")
    party = to_one("Who holds the seat.")

    @strawberry.field(description="The offices the holder holds today through this term, by title.")
    async def current_offices(self, root: strawberry.Parent[Any], info: strawberry.Info) -> list[OfficeType]:
        return await loaders.current_offices_by_seat(info.context).load(root.id)


@extend(OfficeRead)
class OfficeRelations:
    body = to_one("The board or committee.")
    seat = to_one("The term of the holder.")


# A meeting's agenda, transitions, motions and votes are seen wherever the
# meeting is (Cerbos decided that on the meeting): these rows don't carry the
# meeting's kind, which decides whether an owner may see it.
@extend(MeetingRead)
class MeetingRelations:
    association = to_one("The association.", kind="association")
    body = to_one("The board or committee meeting (null for a membership meeting).")
    agenda_items = to_many(
        MeetingAgendaItem,
        "meeting_id",
        "MeetingAgendaItemType",
        "The agenda, in order.",
        order_by=lambda: [MeetingAgendaItem.position],
    )
    transitions = to_many(
        MeetingTransition,
        "meeting_id",
        "MeetingTransitionType",
        "Its lifecycle so far, oldest first: who moved it (null: its workflow, on a deadline), when, from what, to what.",
        order_by=lambda: [MeetingTransition.created_at, MeetingTransition.id],
    )
    motions = to_many(
        MeetingMotion,
        "meeting_id",
        "MeetingMotionType",
        "The motions made, in the order moved.",
        order_by=lambda: [MeetingMotion.created_at, MeetingMotion.id],
    )


@extend(MeetingMotionRead)
class MeetingMotionRelations:
    votes = to_many(
        MeetingVote,
        "motion_id",
        "MeetingVoteType",
        "The votes recorded, in the order cast (board meetings: each member's by name).",
        order_by=lambda: [MeetingVote.created_at, MeetingVote.id],
    )


# An election's candidates and history are seen wherever the election is; its
# results are `election/v1/results`, which owners see only once certified.
@extend(ElectionRead)
class ElectionRelations:
    association = to_one("The association.", kind="association")
    body = to_one("The board or committee whose seats are filled.")
    candidates = to_many(
        ElectionCandidate,
        "election_id",
        "ElectionCandidateType",
        "The candidates, in the order nominated.",
        order_by=lambda: [ElectionCandidate.created_at, ElectionCandidate.id],
    )
    transitions = to_many(
        ElectionTransition,
        "election_id",
        "ElectionTransitionType",
        "Its lifecycle so far, oldest first: who moved it (null: its workflow), when, from what, to what.",
        order_by=lambda: [ElectionTransition.created_at, ElectionTransition.id],
    )


# Built after every extension: return annotations above name these lazily.
GoverningBodyType = output_type(GoverningBodyRead)
SeatType = output_type(SeatRead)
OfficeType = output_type(OfficeRead)
MeetingType = output_type(MeetingRead)
MeetingAgendaItemType = output_type(MeetingAgendaItemRead)
MeetingMotionType = output_type(MeetingMotionRead)
MeetingVoteType = output_type(MeetingVoteRead)
MeetingTransitionType = output_type(MeetingTransitionRead)
ElectionType = output_type(ElectionRead)
ElectionCandidateType = output_type(ElectionCandidateRead)
ElectionTransitionType = output_type(ElectionTransitionRead)
