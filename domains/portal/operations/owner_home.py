"""ownerHome/v1/get."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID

from domains.ach.models import AchAuthorization
from domains.amenities.models import AmenityBooking
from domains.arc_requests.models import ArcRequest
from domains.communications.models import Message
from domains.documents.models import Document
from domains.governance.models import Election, Meeting
from domains.portal.schemas import (
    DirectorySettingView,
    HomeArcRequest,
    HomeAutopay,
    HomeBooking,
    HomeCharge,
    HomeDocument,
    HomeElection,
    HomeMeeting,
    HomeMessage,
    HomeStatement,
    HomeUnit,
    HomeViolation,
    HomeWorkOrder,
    OtherOrganization,
    OwnerHome,
    OwnerHomeInput,
)
from domains.portal.service import home
from domains.receivables.models import OwnerLedgerEntry
from domains.violations.models import Violation
from domains.work_orders.models import WorkOrder
from graph.handlers import OperationContext, org
from graph.operations import operation

RESPOND = "violation/v1/respond"
STATEMENT = ("opening_balance", "charges", "payments_and_credits", "closing_balance")
HIDDEN = {"show_name": False, "show_unit": False, "show_phone": False, "show_email": False}


def _ids(ctx: OperationContext, *relations: str) -> list[UUID]:
    assert ctx.principal is not None
    return [UUID(i) for i in dict.fromkeys(i for r in relations for i in ctx.principal.relations.get(r, []))]


@operation(
    "ownerHome/v1/get",
    input=OwnerHomeInput,
    output=OwnerHome,
    kind="owner_home",
    action="read",
    mutates=False,
    graphql_name="ownerHome",
    summary="Your home: everything about the units you own or live in",
)
async def get_home(ctx: OperationContext, data: OwnerHomeInput) -> OwnerHome:
    """The signed-in owner's or tenant's first screen, across every unit they
    own or live in in the active organization: each unit's balance, open
    charges, last month's statement and autopay; open work orders and ARC
    requests with their stage; open violations with the next deadline and the
    operation to respond with; unread messages; the associations' documents
    they may read; meetings and bookings ahead; elections open. Each section
    reads what the resource's own list would show them (the same Cerbos rules),
    in one statement for all units, however many. Sessions act in one
    organization (row-level security): units in the caller's other
    organizations are only counted, under `otherOrganizations` — select one to
    see them."""
    assert ctx.principal is not None
    owned = set(_ids(ctx, "owner_of"))
    lived = set(_ids(ctx, "resident_of"))
    unit_ids = _ids(ctx, "owner_of", "resident_of")
    associations = _ids(ctx, "association_ids")
    user = ctx.user_id
    today = date.today()
    until = datetime.now(UTC) + timedelta(days=data.days_ahead)
    limit = data.limit
    session = ctx.session

    units = await home.units(session, unit_ids)
    ledger = await ctx.visible("owner_ledger_entry", "read", OwnerLedgerEntry)
    money = await home.money(session, unit_ids, ledger, today)
    charges = await home.open_charges(session, unit_ids, ledger, today, limit)
    autopay = await home.autopay(session, unit_ids, await ctx.visible("ach_authorization", "read", AchAuthorization))
    work_orders, work_order_count = await home.work_orders(
        session, unit_ids, user, await ctx.visible("work_order", "read", WorkOrder), limit
    )
    arcs, arc_count = await home.arc_requests(session, unit_ids, await ctx.visible("arc_request", "read", ArcRequest), limit)
    violations, violation_count = await home.violations(
        session, unit_ids, await ctx.visible("violation", "read", Violation), today, limit
    )
    messages, message_count = (
        await home.unread_messages(session, user, await ctx.visible("message", "read", Message), limit) if user else ([], 0)
    )
    documents, document_count = await home.documents(
        session, associations, await ctx.visible("document", "read", Document), limit
    )
    meetings = await home.meetings(session, associations, await ctx.visible("meeting", "read", Meeting), until, limit)
    elections = await home.elections(session, associations, await ctx.visible("election", "read", Election), limit)
    bookings = await home.bookings(session, unit_ids, await ctx.visible("amenity_booking", "read", AmenityBooking), until, limit)
    parties = _ids(ctx, "party_ids")
    setting = await home.directory_setting(session, parties)
    elsewhere = await home.elsewhere(session)

    start, end = home.last_month(today)
    out_units = []
    for u in units:
        sums = money.get(u["id"]) if u["id"] in owned else None
        past_due, open_items = charges.get(u["id"], (Decimal(0), []))
        auth = autopay.get(u["id"])
        out_units.append(
            HomeUnit(
                **u,
                owned=u["id"] in owned,
                lives_in=u["id"] in lived,
                balance=(sums or {}).get("balance", Decimal(0)) if u["id"] in owned else None,
                past_due=past_due if u["id"] in owned else None,
                next_charges=[HomeCharge(**c) for c in open_items] if u["id"] in owned else [],
                last_statement=HomeStatement(
                    from_date=start,
                    to_date=end,
                    **{k: (sums or {}).get(k, Decimal(0)) for k in STATEMENT},
                )
                if u["id"] in owned
                else None,
                autopay=HomeAutopay.model_validate(auth) if auth is not None else None,
            )
        )
    return OwnerHome(
        organization_id=org(ctx),
        as_of=today,
        units=out_units,
        total_balance=sum((u.balance or Decimal(0) for u in out_units), Decimal(0)),
        work_orders=[HomeWorkOrder(**w) for w in work_orders],
        work_order_count=work_order_count,
        arc_requests=[HomeArcRequest(**a) for a in arcs],
        arc_request_count=arc_count,
        violations=[HomeViolation(**v, respond_with=RESPOND if v["unit_id"] in owned else None) for v in violations],
        violation_count=violation_count,
        unread_messages=[HomeMessage(**m) for m in messages],
        unread_message_count=message_count,
        documents=[HomeDocument(**d) for d in documents],
        document_count=document_count,
        meetings=[HomeMeeting(**m) for m in meetings],
        elections=[HomeElection(**e) for e in elections],
        bookings=[HomeBooking(**b) for b in bookings],
        other_organizations=[OtherOrganization(**o) for o in elsewhere],
        directory=DirectorySettingView.model_validate(setting)
        if setting is not None
        else DirectorySettingView(party_id=parties[0], **HIDDEN, updated_at=None)
        if parties
        else None,
    )
