"""API models of the owner portal: the home (a read shaped for a phone's first
screen: short summaries, each list capped, with its full count) and the
resident directory."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from domains.ach.models import AchAuthorizationId
from domains.amenities.models import AmenityBookingId, BookingStatus
from domains.arc_requests.models import ArcRequestId, ArcStatus
from domains.associations.models import AssociationId, PartyId, UnitId
from domains.communications.models import MessageId
from domains.documents.models import DocumentCategory, DocumentId
from domains.governance.models import ElectionId, ElectionStatus, MeetingId, MeetingKind, MeetingStatus
from domains.organizations.models import OrganizationId
from domains.receivables.models import EntryKind, OwnerLedgerEntryId
from domains.violations.models import ViolationId, ViolationStatus
from domains.work_orders.models import WorkOrderId, WorkOrderPriority, WorkOrderStatus
from graph.schemas import ApiModel, Money, connection_model


class OwnerHomeInput(ApiModel):
    """What the home looks ahead at."""

    days_ahead: int = Field(60, ge=1, le=366, description="Meetings and bookings up to this many days ahead (default 60).")
    limit: int = Field(10, ge=1, le=50, description="Items per list, 1–50 (default 10); each list also gives its full count.")


class HomeCharge(ApiModel):
    """A charge still (partly) open on a unit's ledger."""

    id: OwnerLedgerEntryId = Field(description="The charge's owner-ledger row.")
    kind: EntryKind = Field(description="Charge, late fee, fine…")
    memo: str = Field(description="Its text on the statement.")
    due_date: date | None = Field(description="When it is (was) due.")
    open_amount: Money = Field(description="What is still owed of it.")


class HomeStatement(ApiModel):
    """The unit's statement for the last full month, summed."""

    from_date: date = Field(description="First day of the month.")
    to_date: date = Field(description="Last day of the month.")
    opening_balance: Money = Field(description="Balance before the month (credit negative).")
    charges: Money = Field(description="Charges, fees and fines posted in the month.")
    payments_and_credits: Money = Field(description="Payments and credits in the month, as a negative amount.")
    closing_balance: Money = Field(description="Balance at the month's end.")


class HomeAutopay(ApiModel):
    """The unit's active ACH debit authorization with autopay on, numbers masked."""

    id: AchAuthorizationId = Field(description="The authorization.")
    account_last4: str = Field(description="Last four digits of the account debited.")
    max_amount: Money | None = Field(description="Most one debit may take, if capped.")
    authorized_on: date = Field(description="When it was signed.")


class HomeUnit(ApiModel):
    """One unit the caller owns or lives in, with its money."""

    id: UnitId = Field(description="The unit.")
    unit_number: str = Field(description="Its number.")
    association_id: AssociationId = Field(description="Its association.")
    association_name: str = Field(description="Its association's name.")
    owned: bool = Field(description="The caller owns it (false: lives in it only).")
    lives_in: bool = Field(description="The caller lives in it.")
    balance: Money | None = Field(description="What the unit owes today (credit negative); null for a tenant.")
    past_due: Money | None = Field(description="The part of it past due; null for a tenant.")
    next_charges: list[HomeCharge] = Field(description="Open charges, soonest due first (up to `limit`); empty for a tenant.")
    last_statement: HomeStatement | None = Field(description="Last month's statement; null for a tenant.")
    autopay: HomeAutopay | None = Field(description="Its active autopay authorization; null without one (or for a tenant).")


class HomeWorkOrder(ApiModel):
    """An open work order on one of the caller's units, or one they asked for."""

    id: WorkOrderId = Field(description="The work order.")
    title: str = Field(description="Its summary.")
    unit_id: UnitId | None = Field(description="Its unit; null for a common area.")
    status: WorkOrderStatus = Field(description="Its stage.")
    priority: WorkOrderPriority = Field(description="Its priority.")
    created_at: datetime = Field(description="When it was opened.")


class HomeArcRequest(ApiModel):
    """An architectural request of one of the caller's units still under way."""

    id: ArcRequestId = Field(description="The request.")
    unit_id: UnitId = Field(description="Its unit.")
    description: str = Field(description="The work asked for.")
    status: ArcStatus = Field(description="Its stage.")
    decision_due_by: date = Field(description="The day the decision is due (deemed approved after it where the law says so).")


class HomeViolation(ApiModel):
    """An open violation on one of the caller's units."""

    id: ViolationId = Field(description="The violation.")
    unit_id: UnitId = Field(description="Its unit.")
    description: str = Field(description="What was observed.")
    status: ViolationStatus = Field(description="Its stage.")
    next_deadline: date | None = Field(
        description="The next date that matters: the cure date or the hearing, whichever comes first."
    )
    next_deadline_kind: str | None = Field(description="`cure_by` or `hearing_on`: which date `nextDeadline` is.")
    respond_with: str | None = Field(
        description="The operation an owner answers it with in writing (`violation/v1/respond`, GraphQL "
        "`violationRespond`); null for a tenant, who may not."
    )


class HomeMessage(ApiModel):
    """An unread message of the caller's inbox."""

    id: MessageId = Field(description="The message.")
    subject: str = Field(description="Its subject.")
    created_at: datetime = Field(description="When it was sent.")


class HomeDocument(ApiModel):
    """A document of the caller's association they may read."""

    id: DocumentId = Field(description="The document.")
    association_id: AssociationId | None = Field(description="Its association.")
    title: str = Field(description="Its title.")
    category: DocumentCategory = Field(description="What it is.")
    record_date: date = Field(description="The date it records.")


class HomeMeeting(ApiModel):
    """An upcoming meeting of the caller's association."""

    id: MeetingId = Field(description="The meeting.")
    association_id: AssociationId = Field(description="Its association.")
    title: str = Field(description="Its title.")
    kind: MeetingKind = Field(description="What meeting it is.")
    status: MeetingStatus = Field(description="Scheduled, noticed or in session.")
    starts_at: datetime = Field(description="When it starts.")


class HomeElection(ApiModel):
    """An open election of the caller's association."""

    id: ElectionId = Field(description="The election.")
    association_id: AssociationId = Field(description="Its association.")
    title: str = Field(description="Its title.")
    status: ElectionStatus = Field(description="Nominating or voting.")
    voting_closes_at: datetime = Field(description="When voting closes.")


class HomeBooking(ApiModel):
    """An amenity booking of one of the caller's units, not yet over."""

    id: AmenityBookingId = Field(description="The booking.")
    unit_id: UnitId = Field(description="Its unit.")
    amenity_name: str = Field(description="The amenity booked.")
    status: BookingStatus = Field(description="Requested, confirmed or checked in.")
    starts_at: datetime = Field(description="When the slot starts.")
    ends_at: datetime = Field(description="When it ends.")


class OtherOrganization(ApiModel):
    """An organization where the caller also owns or lives in units: select it
    (`organization/v1/select`) to see them — the home shows only the active one's."""

    id: OrganizationId = Field(description="The organization.")
    name: str = Field(description="Its name.")
    owned_units: int = Field(description="Units the caller owns there today.")
    lived_in_units: int = Field(description="Units the caller lives in there today.")


class DirectorySettingView(ApiModel):
    """The caller's current choice (all false until they opt in)."""

    party_id: PartyId = Field(description="Your party.")
    show_name: bool = Field(description="Your name is shown.")
    show_unit: bool = Field(description="Your unit numbers are shown.")
    show_phone: bool = Field(description="Your primary phone number is shown.")
    show_email: bool = Field(description="Your primary email address is shown.")
    updated_at: datetime | None = Field(description="When you last changed it; null while never set.")


class OwnerHome(ApiModel):
    """The signed-in owner's or tenant's home in the active organization."""

    organization_id: OrganizationId = Field(description="The active organization everything here belongs to.")
    as_of: date = Field(description="The day it was read.")
    units: list[HomeUnit] = Field(description="Units the caller owns or lives in here, by association and number.")
    total_balance: Money = Field(description="Sum of the owned units' balances.")
    work_orders: list[HomeWorkOrder] = Field(description="Open work orders, newest first (up to `limit`).")
    work_order_count: int = Field(description="All open work orders.")
    arc_requests: list[HomeArcRequest] = Field(description="ARC requests under way, decision soonest due first (up to `limit`).")
    arc_request_count: int = Field(description="All of them.")
    violations: list[HomeViolation] = Field(description="Open violations, next deadline first (up to `limit`).")
    violation_count: int = Field(description="All open violations.")
    unread_messages: list[HomeMessage] = Field(description="Unread messages, newest first (up to `limit`).")
    unread_message_count: int = Field(description="All unread messages.")
    documents: list[HomeDocument] = Field(
        description="The associations' documents the caller may read, newest first (up to `limit`)."
    )
    document_count: int = Field(description="All of them.")
    meetings: list[HomeMeeting] = Field(description="Meetings ahead (within `daysAhead`), soonest first (up to `limit`).")
    elections: list[HomeElection] = Field(description="Elections nominating or voting, closing soonest first (up to `limit`).")
    bookings: list[HomeBooking] = Field(
        description="Bookings not yet over (starting within `daysAhead`), soonest first (up to `limit`)."
    )
    other_organizations: list[OtherOrganization] = Field(
        description="Other organizations where the caller owns or lives in units: counts only, never their data."
    )
    directory: DirectorySettingView | None = Field(
        description="What the caller shows in the resident directory; null without a party in this organization."
    )


# --- the resident directory ---------------------------------------------------


class DirectorySettingSetInput(ApiModel):
    """Change what other residents of your association see of you; a field left out keeps its value (hidden at first)."""

    show_name: bool | None = Field(None, description="Show your name.")
    show_unit: bool | None = Field(None, description="Show your unit numbers.")
    show_phone: bool | None = Field(None, description="Show your primary phone number.")
    show_email: bool | None = Field(None, description="Show your primary email address.")


class ResidentDirectoryInput(ApiModel):
    """An association's resident directory."""

    association_id: AssociationId = Field(description="The association.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


class DirectoryEntry(ApiModel):
    """A resident who opted in, with only the fields they chose to show (the others null)."""

    id: PartyId = Field(description="The resident's party (a handle, not their name).")
    name: str | None = Field(description="Their name, if shown.")
    unit_numbers: list[str] | None = Field(description="Units they own or live in here, if shown.")
    phone: str | None = Field(description="Their primary phone number, if shown.")
    email: str | None = Field(description="Their primary email address, if shown.")


DirectoryEntryConnection = connection_model(DirectoryEntry)
