"""API models of the governance domain, derived from its tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated
from uuid import UUID

from pydantic import Field

from domains.associations.models import AssociationId, PartyId, UnitId
from domains.governance.models import (
    Election,
    ElectionCandidate,
    ElectionCandidateId,
    ElectionId,
    ElectionMethod,
    ElectionResult,
    ElectionStatus,
    ElectionTransition,
    ElectionVoter,
    GoverningBody,
    GoverningBodyId,
    GoverningBodyKind,
    GoverningBodyStatus,
    Meeting,
    MeetingAgendaItem,
    MeetingAgendaItemId,
    MeetingAttendance,
    MeetingAttendanceId,
    MeetingId,
    MeetingKind,
    MeetingMinutes,
    MeetingMinutesApproval,
    MeetingMinutesId,
    MeetingMotion,
    MeetingMotionId,
    MeetingNotice,
    MeetingProxy,
    MeetingProxyId,
    MeetingSettings,
    MeetingStatus,
    MeetingTransition,
    MeetingVote,
    Office,
    OfficeTitle,
    ProxyKind,
    Seat,
    SeatEndReason,
    SeatId,
    VoteChoice,
)
from graph.auth.sealing import SealedAtRest
from graph.schemas import ApiModel, at_scale, connection_model, derive

_TRIMMED = {"pattern": r"^\S(.*\S)?$"}
_SEATS = {"ge": 1, "le": 99}

# --- governing bodies -------------------------------------------------------

GoverningBodyRead = derive(
    GoverningBody,
    "GoverningBody",
    ["id", "association_id", "kind", "name", "purpose", "seat_count", "status", "created_at", "updated_at"],
    node=True,
)
GoverningBodyCreateInput = derive(
    GoverningBody,
    "GoverningBodyCreateInput",
    ["association_id", "kind", "name", "purpose", "seat_count"],
    doc="A new board or committee of an association.",
    constraints={"name": _TRIMMED, "seat_count": _SEATS},
    examples=[
        {"associationId": "asn_…", "kind": "committee", "name": "Architectural Review Committee", "seatCount": 3},
    ],
)
GoverningBodyUpdateInput = derive(
    GoverningBody,
    "GoverningBodyUpdateInput",
    ["id", "name", "purpose", "seat_count", "status"],
    doc="Changes to a body; only the fields given change. Dissolving it keeps its history and ends no term by itself.",
    optional=("name", "purpose", "seat_count", "status"),
    constraints={"name": _TRIMMED, "seat_count": _SEATS},
)


class GoverningBodyGetInput(ApiModel):
    """Which body to read."""

    id: GoverningBodyId = Field(description="The body.")


class GoverningBodyListInput(ApiModel):
    """An organization's boards and committees, by name."""

    association_id: AssociationId | None = Field(None, description="Only this association's bodies.")
    kind: GoverningBodyKind | None = Field(None, description="Only boards or only committees.")
    status: GoverningBodyStatus | None = Field(None, description="Only active or only dissolved bodies.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


GoverningBodyConnection = connection_model(GoverningBodyRead)

# --- seats ------------------------------------------------------------------

SeatRead = derive(
    Seat,
    "Seat",
    [
        "id",
        "association_id",
        "body_id",
        "party_id",
        "filled_by",
        "starts_on",
        "ends_on",
        "scheduled_ends_on",
        "ended_early",
        "created_at",
    ],
    node=True,
)
SeatFillInput = derive(
    Seat,
    "SeatFillInput",
    ["body_id", "party_id", "filled_by", "starts_on", "ends_on"],
    doc="A term on a board or committee: who, from when, until the day its powers end, and whether elected or appointed.",
    examples=[
        {
            "bodyId": "gvb_…",
            "partyId": "pty_…",
            "filledBy": "elected",
            "startsOn": "2026-01-15",
            "endsOn": "2028-01-15",
        }
    ],
)


class SeatEndInput(ApiModel):
    """End a term before its scheduled end (a resignation, a removal); its powers end on `endsOn`."""

    id: SeatId = Field(description="The term.")
    ends_on: date = Field(description="The day the term's powers end (after its start, before its scheduled end).")
    reason: SeatEndReason = Field(description="Why it ends early.")


class SeatListInput(ApiModel):
    """The terms on a body, latest start first: the current ones on a day, or its whole history."""

    body_id: GoverningBodyId = Field(description="The board or committee.")
    current_on: date | None = Field(
        None, description="Only the terms in force on this day (their holders are the body's members then)."
    )
    party_id: PartyId | None = Field(None, description="Only this person's terms.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


SeatConnection = connection_model(SeatRead)

# --- offices ----------------------------------------------------------------

OfficeRead = derive(
    Office,
    "Office",
    ["id", "association_id", "body_id", "seat_id", "title", "starts_on", "ends_on", "created_at"],
    node=True,
)


class OfficeAssignInput(ApiModel):
    """Give a member of a body an office from a day until the end of their term
    (or an earlier day); whoever held the title then stops holding it that day."""

    seat_id: SeatId = Field(description="The term of the member who takes the office.")
    title: OfficeTitle = Field(description="The office.")
    starts_on: date = Field(description="First day in office (within the term).")
    ends_on: date | None = Field(None, description="The day the holding ends (default: the term's end).")


class OfficeListInput(ApiModel):
    """The offices of a body, latest start first: those held on a day, or every holding."""

    body_id: GoverningBodyId = Field(description="The board or committee.")
    current_on: date | None = Field(None, description="Only the holdings in force on this day.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


OfficeConnection = connection_model(OfficeRead)

# --- meetings -----------------------------------------------------------------

MeetingSettingsRead = derive(
    MeetingSettings,
    "MeetingSettings",
    [
        "association_id",
        "membership_quorum_share",
        "board_quorum_share",
        "proxies_allowed",
        "cumulative_voting",
        "updated_at",
        "updated_by",
    ],
    optional=("updated_at", "updated_by"),
)


class MeetingSettingsSetInput(ApiModel):
    """An association's meeting rules from its governing documents; what is not given keeps its value (defaults:
    membership quorum 25% of the voting weight, board quorum a majority of the seats, proxies allowed, no cumulative
    voting)."""

    association_id: AssociationId = Field(description="The association.")
    membership_quorum_share: Decimal | None = Field(
        None,
        gt=0,
        le=1,
        decimal_places=4,
        description="At least this share of the voting weight present makes a quorum of the members.",
    )
    board_quorum_share: Decimal | None = Field(
        None,
        ge=0,
        lt=1,
        decimal_places=4,
        description="More than this share of the seats present makes a quorum of a board or committee (0.5: a majority).",
    )
    proxies_allowed: bool | None = Field(None, description="Whether owners may give proxies for membership meetings.")
    cumulative_voting: bool | None = Field(
        None, description="Whether elections may use cumulative voting (as many votes as seats, spread or piled on one)."
    )


class MeetingSettingsGetInput(ApiModel):
    """Which association's meeting rules to read (its defaults if never set)."""

    association_id: AssociationId = Field(description="The association.")


MeetingAgendaItemRead = derive(
    MeetingAgendaItem, "MeetingAgendaItem", ["id", "meeting_id", "position", "title", "description", "requires_vote"], node=True
)


class AgendaItemInput(ApiModel):
    """An item of the agenda, in the order given."""

    title: str = Field(min_length=1, max_length=300, pattern=r"^\S(.*\S)?$", description="What it is about.")
    description: str | None = Field(None, max_length=4000, description="More detail, as the notice gives it.")
    requires_vote: bool = Field(False, description="Whether a vote is expected on it.")


MeetingRead = derive(
    Meeting,
    "Meeting",
    [
        "id",
        "association_id",
        "body_id",
        "kind",
        "title",
        "starts_at",
        "place",
        "video_link",
        "status",
        "notice_days",
        "notice_by",
        "notice_not_before",
        "jurisdiction",
        "rules_used",
        "quorum_total",
        "quorum_required",
        "present_weight",
        "present_voters",
        "opened_at",
        "adjourned_at",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
)


class MeetingScheduleInput(ApiModel):
    """A meeting to call: what, when, where and its agenda. Its notice period comes from the association's rules."""

    association_id: AssociationId = Field(description="The association.")
    kind: MeetingKind = Field(description="What meeting it is.")
    body_id: GoverningBodyId | None = Field(
        None, description="The board (board meetings) or committee (committee meetings); none for a membership meeting."
    )
    title: str = Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$", description="Its title.")
    starts_at: datetime = Field(description="When it starts (with a time zone).")
    place: str | None = Field(None, min_length=1, max_length=300, description="Where it is held, if in person.")
    video_link: str | None = Field(
        None, max_length=500, pattern=r"^https://\S+$", description="The video-conference link (https), if any."
    )
    agenda: list[AgendaItemInput] = Field(min_length=1, max_length=50, description="The agenda, in order.")


class MeetingIdInput(ApiModel):
    """Which meeting."""

    id: MeetingId = Field(description="The meeting.")


class MeetingNoticeInput(ApiModel):
    """Send the meeting's notice: one record per recipient, by email where they consented to it, else by mail."""

    id: MeetingId = Field(description="The meeting.")


class MeetingCancelInput(ApiModel):
    """Cancel a meeting that has not opened."""

    id: MeetingId = Field(description="The meeting.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


class MeetingCheckInInput(ApiModel):
    """Someone arrives: an owner for their unit, a proxy holder with the proxy, or a member of the body for their seat."""

    id: MeetingId = Field(description="The meeting.")
    unit_id: UnitId | None = Field(None, description="Membership meetings: the unit the attendee owns.")
    party_id: PartyId | None = Field(None, description="Membership meetings: the owner attending (with `unitId`).")
    proxy_id: MeetingProxyId | None = Field(None, description="Membership meetings: the proxy the attendee holds.")
    seat_id: SeatId | None = Field(None, description="Board and committee meetings: the seat of the member attending.")


class MeetingCheckOutInput(ApiModel):
    """Someone leaves: their unit's (or seat's) weight leaves the tally unless another of its people is still there."""

    id: MeetingId = Field(description="The meeting.")
    attendance_id: MeetingAttendanceId = Field(description="The check-in of who leaves.")


class MeetingListInput(ApiModel):
    """Meetings you may see, soonest first (or latest first with `descending`)."""

    association_id: AssociationId | None = Field(None, description="Only this association's meetings.")
    kind: MeetingKind | None = Field(None, description="Only meetings of this kind.")
    status: MeetingStatus | None = Field(None, description="Only meetings in this status.")
    upcoming: bool | None = Field(None, description="True: those not yet held (scheduled, noticed); false: the rest.")
    descending: bool = Field(False, description="Latest first.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


MeetingConnection = connection_model(MeetingRead)


class MeetingPageInput(ApiModel):
    """A page of one meeting's records."""

    id: MeetingId = Field(description="The meeting.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


# Voting weight as units keep it (8 places).
Weight = Annotated[Decimal, *at_scale(8)]


class Quorum(ApiModel):
    """A meeting's quorum now: the weight (or seats) present against the weight required."""

    meeting_id: MeetingId = Field(description="The meeting.")
    present_weight: Weight = Field(description="Weight (or seats) present, each unit or seat counted once.")
    present_voters: int = Field(description="Units (or seats) present.")
    required_weight: Weight = Field(description="Weight (or seats) that make a quorum.")
    total_weight: Weight = Field(description="The whole: the active units' voting weight, or the body's seats.")
    share_present: Annotated[Decimal, *at_scale(4)] = Field(
        description="Present weight as a share of the whole (0–1, 4 decimals)."
    )
    present: bool = Field(description="Whether a quorum is present.")


MeetingTransitionRead = derive(
    MeetingTransition,
    "MeetingTransition",
    ["id", "meeting_id", "from_status", "to_status", "actor_id", "note", "created_at"],
    node=True,
)
MeetingNoticeRead = derive(
    MeetingNotice,
    "MeetingNotice",
    ["id", "meeting_id", "party_id", "unit_id", "method", "address", "sent_on", "sent_by", "created_at"],
    node=True,
)
MeetingNoticeConnection = connection_model(MeetingNoticeRead)


class MeetingNoticeResult(ApiModel):
    """The meeting, noticed, and how many notices went out."""

    meeting: MeetingRead = Field(description="The meeting, now noticed.")
    recipients: int = Field(description="Notices recorded, one per recipient.")
    by_email: int = Field(description="Of those, sent by email (consent on file).")


MeetingAttendanceRead = derive(
    MeetingAttendance,
    "MeetingAttendance",
    [
        "id",
        "meeting_id",
        "voter_id",
        "unit_id",
        "seat_id",
        "party_id",
        "proxy_id",
        "attendee_name",
        "weight",
        "left_at",
        "created_at",
    ],
    node=True,
)
MeetingAttendanceConnection = connection_model(MeetingAttendanceRead)


class MeetingCheckInResult(ApiModel):
    """Who checked in and the quorum after it."""

    attendance: MeetingAttendanceRead = Field(description="The check-in.")
    counted: bool = Field(description="False when the unit (or seat) was already present: its weight counts once.")
    quorum: Quorum = Field(description="The quorum now.")


class ProxyDirection(ApiModel):
    """How a directed proxy votes on one agenda item."""

    agenda_item_id: MeetingAgendaItemId = Field(description="The agenda item (one that requires a vote).")
    choice: VoteChoice = Field(description="The vote the holder must cast.")


MeetingProxyRead = derive(
    MeetingProxy,
    "MeetingProxy",
    [
        "id",
        "association_id",
        "meeting_id",
        "unit_id",
        "grantor_party_id",
        "holder_party_id",
        "holder_name",
        "kind",
        "revoked_at",
        "created_at",
    ],
    node=True,
    extra={"directions": (list[ProxyDirection], Field(description="A directed proxy's instructions, per agenda item."))},
)


class MeetingProxyGrantInput(ApiModel):
    """An owner gives their unit's vote at one meeting to another owner or a named person."""

    meeting_id: MeetingId = Field(description="The meeting (a membership meeting).")
    unit_id: UnitId = Field(description="The unit whose vote it carries.")
    grantor_party_id: PartyId = Field(description="The owner giving it (a current owner of the unit).")
    holder_party_id: PartyId | None = Field(None, description="The holder, when a party of the association.")
    holder_name: str | None = Field(
        None, min_length=1, max_length=200, pattern=r"^\S(.*\S)?$", description="The holder, when a named person not on file."
    )
    kind: ProxyKind = Field(description="General or directed.")
    directions: list[ProxyDirection] = Field(
        default_factory=list, max_length=50, description="Directed proxies: the vote on each item it names."
    )


class MeetingProxyRevokeInput(ApiModel):
    """Revoke a proxy before the meeting opens."""

    id: MeetingProxyId = Field(description="The proxy.")


class MeetingProxyListInput(ApiModel):
    """Proxies for a meeting you may see (owners: their units'), latest first."""

    id: MeetingId = Field(description="The meeting.")
    include_revoked: bool = Field(False, description="Revoked ones too.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


MeetingProxyConnection = connection_model(MeetingProxyRead)


def proxy_read(row: MeetingProxy) -> MeetingProxyRead:
    """A proxy as the API shows it: its directions' agenda items by public id (the row keeps them as uuids)."""
    directions = [ProxyDirection(agenda_item_id=UUID(d["agendaItemId"]), choice=d["choice"]) for d in row.directions]
    fields = {name: getattr(row, name) for name in MeetingProxyRead.model_fields if name != "directions"}
    return MeetingProxyRead.model_validate(fields | {"directions": directions})


MeetingVoteRead = derive(
    MeetingVote,
    "MeetingVote",
    ["id", "motion_id", "voter_id", "unit_id", "seat_id", "voter_name", "proxy_id", "choice", "weight", "created_at"],
    node=True,
)
MeetingMotionRead = derive(
    MeetingMotion,
    "MeetingMotion",
    [
        "id",
        "association_id",
        "meeting_id",
        "agenda_item_id",
        "text",
        "moved_by",
        "seconded_by",
        "status",
        "votes_for",
        "votes_against",
        "abstentions",
        "present_at_close",
        "decided_at",
        "created_at",
    ],
    node=True,
)


class MeetingMotionMoveInput(ApiModel):
    """A motion made at a meeting in session, by one present; seconded now or later."""

    meeting_id: MeetingId = Field(description="The meeting (in session).")
    agenda_item_id: MeetingAgendaItemId | None = Field(None, description="The agenda item it decides, if any.")
    text: str = Field(min_length=1, max_length=2000, description="What is moved.")
    moved_by: str = Field(min_length=1, max_length=200, description="Who moves it.")
    seconded_by: str | None = Field(None, min_length=1, max_length=200, description="Who seconds it, if seconded at once.")


class MeetingMotionSecondInput(ApiModel):
    """Second a motion: its vote may then be taken."""

    id: MeetingMotionId = Field(description="The motion.")
    seconded_by: str = Field(min_length=1, max_length=200, description="Who seconds it.")


class MeetingMotionVoteInput(ApiModel):
    """Record one vote: a board member's by seat (by name), or a unit's (its owner's or its proxy holder's) with its weight."""

    id: MeetingMotionId = Field(description="The motion.")
    seat_id: SeatId | None = Field(None, description="Board and committee meetings: the voting member's seat.")
    unit_id: UnitId | None = Field(None, description="Membership meetings: the voting unit (present in the room).")
    choice: VoteChoice = Field(description="Yes, no or abstain.")


class MeetingMotionCloseInput(ApiModel):
    """Close the vote and declare the result; a motion never seconded can only be withdrawn."""

    id: MeetingMotionId = Field(description="The motion.")
    withdraw: bool = Field(False, description="Withdraw it instead of declaring a result.")


class MeetingMotionListInput(ApiModel):
    """The motions of a meeting, in the order moved."""

    meeting_id: MeetingId = Field(description="The meeting.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


MeetingMotionConnection = connection_model(MeetingMotionRead)

MeetingMinutesRead = derive(
    MeetingMinutes,
    "MeetingMinutes",
    ["id", "association_id", "meeting_id", "version", "text", "drafted_by", "created_at"],
    node=True,
    extra={
        "approved_at_meeting_id": (
            MeetingId | None,
            Field(None, description="The later meeting that approved this version; null while a draft."),
        ),
        "approved_at": (datetime | None, Field(None, description="When it was approved.")),
    },
)


def minutes_read(row: MeetingMinutes, approval: MeetingMinutesApproval | None) -> MeetingMinutesRead:
    """A version of minutes with its approval, if it is the approved one."""
    read = MeetingMinutesRead.model_validate(row)
    if approval is None:
        return read
    return read.model_copy(update={"approved_at_meeting_id": approval.approved_at_meeting_id, "approved_at": approval.created_at})


class MeetingMinutesDraftInput(ApiModel):
    """A new draft of a meeting's minutes (the next version), until a version is approved."""

    meeting_id: MeetingId = Field(description="The meeting (adjourned).")
    text: str = Field(min_length=1, max_length=200000, description="The minutes.")


class MeetingMinutesApproveInput(ApiModel):
    """Approve a version of minutes at a later meeting in session, with a quorum present."""

    id: MeetingMinutesId = Field(description="The version approved.")
    at_meeting_id: MeetingId = Field(description="The later meeting (of the same body or the members, in session).")


class MeetingMinutesListInput(ApiModel):
    """A meeting's minutes, latest version first (owners: the approved version only)."""

    meeting_id: MeetingId = Field(description="The meeting.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


MeetingMinutesConnection = connection_model(MeetingMinutesRead)


# --- elections -----------------------------------------------------------------

ElectionRead = derive(
    Election,
    "Election",
    [
        "id",
        "association_id",
        "body_id",
        "meeting_id",
        "title",
        "seats_to_fill",
        "term_starts_on",
        "term_ends_on",
        "method",
        "status",
        "nominations_close_at",
        "voting_closes_at",
        "inspector_party_id",
        "eligible_units",
        "eligible_weight",
        "ballots_cast",
        "weight_cast",
        "tallied_at",
        "certified_at",
        "workflow_id",
        "created_at",
        "updated_at",
    ],
    node=True,
)


class ElectionCallInput(ApiModel):
    """Call an election to a body's seats: the call for candidates is open until `nominationsCloseAt`, then voting
    until `votingClosesAt`; the inspector of elections counts and certifies."""

    association_id: AssociationId = Field(description="The association.")
    body_id: GoverningBodyId = Field(description="The board or committee whose seats are filled.")
    meeting_id: MeetingId | None = Field(
        None, description="The membership meeting it is held at, if any: proxies given for it vote for their units."
    )
    title: str = Field(min_length=1, max_length=200, pattern=r"^\S(.*\S)?$", description="Its title.")
    seats_to_fill: int = Field(ge=1, le=99, description="Seats to fill (1–99).")
    term_starts_on: date = Field(description="First day of the winners' terms.")
    term_ends_on: date = Field(description="The day the winners' terms end (exclusive).")
    method: ElectionMethod = Field(
        ElectionMethod.PLURALITY, description="Plurality (default), or cumulative where the meeting settings allow it."
    )
    nominations_close_at: datetime = Field(description="When nominations close and voting opens (with a time zone).")
    voting_closes_at: datetime = Field(description="When voting closes (with a time zone).")
    inspector_party_id: PartyId = Field(description="The inspector of elections: a person with a login to the organization.")


class ElectionIdInput(ApiModel):
    """Which election."""

    id: ElectionId = Field(description="The election.")


class ElectionCancelInput(ApiModel):
    """Cancel an election before voting opens."""

    id: ElectionId = Field(description="The election.")
    reason: str = Field(min_length=1, max_length=1000, description="Why.")


class ElectionListInput(ApiModel):
    """Elections you may see, latest voting close first."""

    association_id: AssociationId | None = Field(None, description="Only this association's elections.")
    status: ElectionStatus | None = Field(None, description="Only elections in this status.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ElectionConnection = connection_model(ElectionRead)

ElectionTransitionRead = derive(
    ElectionTransition,
    "ElectionTransition",
    ["id", "election_id", "from_status", "to_status", "actor_id", "note", "created_at"],
    node=True,
)

ElectionCandidateRead = derive(
    ElectionCandidate, "ElectionCandidate", ["id", "election_id", "party_id", "name", "statement", "created_at"], node=True
)


class ElectionNominateInput(ApiModel):
    """Put a person of the association forward as a candidate while nominations are open (an owner: themselves)."""

    id: ElectionId = Field(description="The election.")
    party_id: PartyId = Field(description="The candidate.")
    statement: str | None = Field(None, max_length=4000, description="The candidate's statement, sent with the ballot.")


class BallotMark(ApiModel):
    """Votes given to one candidate."""

    candidate_id: ElectionCandidateId = Field(description="The candidate.")
    votes: int = Field(1, ge=1, le=99, description="Votes given (plurality: 1; cumulative: up to the seats to fill).")


class ElectionVoteInput(ApiModel):
    """A unit's secret ballot, cast by a current owner or the holder of its proxy. The marks are sealed before they
    are stored anywhere with the caller (the request's checkpoint, the idempotency key) and reach the ballots with
    no key to the unit."""

    id: ElectionId = Field(description="The election.")
    unit_id: UnitId = Field(description="The unit voting.")
    proxy_id: MeetingProxyId | None = Field(
        None, description="The proxy in force for the election's meeting, when voting as the unit's proxy holder."
    )
    marks: Annotated[list[BallotMark], SealedAtRest()] = Field(
        max_length=99, description="The votes, by candidate; none is a blank ballot (the unit still voted)."
    )


ElectionVoterRead = derive(
    ElectionVoter, "ElectionVoter", ["id", "election_id", "unit_id", "party_id", "proxy_id", "weight", "created_at"], node=True
)


class ElectionVoteReceipt(ApiModel):
    """That the unit's ballot is in the box: the receipt names the unit and its weight, never the marks."""

    election_id: ElectionId = Field(description="The election.")
    unit_id: UnitId = Field(description="The unit that voted.")
    weight: Weight = Field(description="The unit's voting weight, as its ballot counts.")


class ElectionPageInput(ApiModel):
    """A page of one election's records."""

    id: ElectionId = Field(description="The election.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


ElectionVoterConnection = connection_model(ElectionVoterRead)

ElectionResultRead = derive(
    ElectionResult, "ElectionResult", ["id", "election_id", "candidate_id", "votes", "place", "elected", "seat_id"], node=True
)


class ElectionResults(ApiModel):
    """An election's results, best first."""

    election_id: ElectionId = Field(description="The election.")
    certified: bool = Field(description="Whether the inspector has certified them.")
    results: list[ElectionResultRead] = Field(
        description="Each candidate's votes, place and whether elected (empty before the count, or until certified for "
        "owners and residents)."
    )


class ElectionCount(ApiModel):
    """A candidate's votes in a count made from the stored ballots."""

    candidate_id: ElectionCandidateId = Field(description="The candidate.")
    votes: Weight = Field(description="Votes received, each weighted by its unit's voting weight.")


class ElectionRecount(ApiModel):
    """A count made now from the stored ballots, beside the certified (or tallied) one."""

    election_id: ElectionId = Field(description="The election.")
    counts: list[ElectionCount] = Field(description="Each candidate's votes, most first.")
    weight_counted: Weight = Field(description="The voting weight of the ballots counted.")
    matches: bool = Field(description="Whether every candidate's votes equal the stored result's.")
