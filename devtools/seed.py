"""Demo data, and association data at scale: `hestami seed` (what `make run` runs).

Two parts, both idempotent (a second run changes nothing):

* **Demo logins** — a management company running two self-managed associations, a board
  member, a homeowner, a tenant and a vendor — through the domain services as the
  application role, as the API would create them. Missing users, organizations and
  memberships are added, and a demo membership's roles are set back to the demo's;
  nothing else is changed.
* **Their world** — each self-managed association organization holds its own association
  (named after it, units and owners generated as below), so its board member finds units;
  the vendor's service-provider organization is a released payables vendor (with a
  certificate of insurance) of the management company and of Maple Grove; and the demo
  associations have books: the standard funds and chart of accounts, an opening-balance
  entry and this year's monthly dues schedule (none of it levied), a reserve study (twenty
  components, version 1 as of the first of the year), and a compliance calendar (last
  month's annual meeting overdue, the policy renewal, the budget, the reserve study and the
  bond coming up).
  Each piece is added once; a second run finds it and moves on.
* **Associations at scale** — `--associations N` associations of `--units M` units each in
  ONE organization (the demo management company unless `--organization` names another
  association or management-company organization): codes, legal names, kinds, regions;
  units with addresses, types, areas and shares (voting weights and assessment shares sum
  to exactly 1 per association); one or two owners per unit (some units a company), each
  party with one or two contact points; title history on about a fifth of the units;
  owner-occupants, tenants in about a quarter of the units, some household members; a few
  emergency contacts. The demo homeowner owns two units of the first association (living
  in one, renting the other to the demo tenant), linked through `parties.user_id`, so
  `viewer { myUnits }` lists them.

  Every row of association `i` derives from (random seed, organization, i), codes included;
  associations whose code already exists are skipped, so `--associations 10` after a run of
  3 adds 7. Rows are written a batch of whole associations at a time, each batch one
  transaction of COPYs (asyncpg `copy_records_to_table`) through the **owner** role, which
  bypasses RLS — COPY is refused on RLS tables for any role RLS applies to. That is for
  seeding only; nothing else writes as the owner. If the owner role cannot bypass RLS the
  batches fall back to INSERTs under the organization's transaction-local scope.
"""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

if TYPE_CHECKING:  # imported where used: `hestami --help` reads this module's defaults
    import asyncpg

    from graph.settings import Settings

PASSWORD = "hestami-demo-2026"
MANAGER = "Summit Property Management"
OWNER_LOGIN = "harper.homeowner@demo.hestami.app"
TENANT_LOGIN = "terry.tenant@demo.hestami.app"

MANAGER_LOGIN = "morgan.manager@demo.hestami.app"
ADMIN_LOGIN = "alex.admin@demo.hestami.app"
BOARD_LOGIN = "bailey.board@demo.hestami.app"
VENDOR_LOGIN = "val.vendor@demo.hestami.app"
MAPLE_GROVE = "Maple Grove HOA"
CEDAR_POINT = "Cedar Point Condominiums"
VENDOR = "Ace Plumbing & Drain"
INDIVIDUAL_LOGIN = "ivy.individual@demo.hestami.app"
INDIVIDUAL = "Ivy Individual"

# A plain `member` of the management company sees only the associations they own or
# live in: the manager is a manager there, the homeowner and tenant members.
PEOPLE = [
    ("alex.admin@demo.hestami.app", "Alex Admin", {MANAGER: ["admin"], MAPLE_GROVE: ["admin"], CEDAR_POINT: ["admin"]}),
    (MANAGER_LOGIN, "Morgan Manager", {MANAGER: ["manager"], MAPLE_GROVE: ["manager"], CEDAR_POINT: ["manager"]}),
    # A plain member: the board role comes from Bailey's seat on the Maple Grove board.
    (BOARD_LOGIN, "Bailey Board", {MAPLE_GROVE: ["member"]}),
    (OWNER_LOGIN, "Harper Homeowner", {MANAGER: ["member"]}),
    (TENANT_LOGIN, "Terry Tenant", {MANAGER: ["member"]}),
    (VENDOR_LOGIN, "Val Vendor", {VENDOR: ["admin"]}),
    # A homeowner in no association: an individual organization of her own.
    (INDIVIDUAL_LOGIN, "Ivy Individual", {INDIVIDUAL: ["admin"]}),
]
# What each login finds once it selects its organization (printed by `hestami seed`, and
# in the README).
TRY = {
    "alex.admin@demo.hestami.app": "admin everywhere: memberships, service accounts, the audit log",
    MANAGER_LOGIN: f"{MANAGER}: associations, units, owners; vendors (Ace); books of the first three associations; "
    "violations (and violationRules) of the first, at every stage; its arcRequests (Morgan chairs its committee); "
    "workOrders at several states (one escalated: escalated: true); messageTemplates, announcements, messages "
    "(the outbox; status: print_queued is the print queue), contactLog of the first; documents: each association's "
    "library; recordsRequests: the homeowner's, answered; estoppelCertificates: the homeowner's unit's, issued for a "
    "title company (estoppelCertificateRequest issues another at once)",
    BOARD_LOGIN: f"{MAPLE_GROVE}: its association (MG001), its units and owners, funds and trial balance, vendors; "
    "governingBodies: the board (Bailey is president: the board role comes from that seat) and the ARC committee; "
    "violations (a hearing ahead to decide); workOrders; meetings: the board's last two (minutes approved) and "
    "the annual meeting ahead with proxies; documents: the library, board-only minutes included; boardPackages: "
    "last month's package, made when the month closed (boardPackageDownload: the PDF, or file ZIP for the sources), "
    "boardPackageGenerate for another month or version",
    OWNER_LOGIN: f"{MANAGER}: viewer {{ myUnits }} — two units; associations lists only theirs; "
    "violations: the notice on their lawn (respond to it); arcRequests: their solar panels, under review; "
    "workOrders: their unit's and their own (workOrderCreate for their unit or a common area); "
    "meetings: the annual meeting ahead (meetingProxyGrant for their unit); inbox: the pool announcement "
    "(messageMarkRead); documents: CC&Rs, minutes, budget; recordsRequests: theirs, answered (recordsRequestSubmit "
    "to ask again); estoppelCertificates: the one issued on their unit (estoppelCertificateDownload for its PDF); "
    "ownerHome: it all on one screen; ownerPaymentCreate: pay a unit's balance by card (processor stripe, a pi_… "
    "reference) or from a saved bank account (achAuthorizationCreate with autopay false; achAuthorizationSetAutopay)",
    TENANT_LOGIN: f"{MANAGER}: viewer {{ myUnits }} — the unit they rent; associations lists only theirs; "
    "workOrders: their unit's; documents: the CC&Rs and the budget (not the owners' minutes)",
    VENDOR_LOGIN: f"{VENDOR}: a service provider, on file as a vendor of {MANAGER} and {MAPLE_GROVE}; "
    f"serviceOfferings (Plumbing, Electrical); jobs: {INDIVIDUAL}'s water heater, done, with its estimate",
    INDIVIDUAL_LOGIN: f"{INDIVIDUAL}: a homeowner in no association; serviceRequests: the water heater {VENDOR} "
    "fixed (dispatches, estimates, transitions) — serviceRequestTransition to completed; serviceProviders(category: "
    '"Plumbing"), then serviceRequestCreate (posted, or to Ace by providerOrganizationId) and answer it as val.vendor',
}
ORGANIZATIONS = [
    (MANAGER, "management_company"),
    (MAPLE_GROVE, "association"),
    (CEDAR_POINT, "association"),
    (VENDOR, "service_provider"),
    (INDIVIDUAL, "individual"),
]
# The association a self-managed association organization holds: (place name, kind).
OWN_ASSOCIATION = {MAPLE_GROVE: ("Maple Grove", "hoa"), CEDAR_POINT: ("Cedar Point", "condominium")}
# Organizations whose vendor list holds the demo vendor.
VENDOR_CUSTOMERS = (MANAGER, MAPLE_GROVE)
# The architectural committee's name, in Maple Grove and wherever the demo makes one.
ARC_COMMITTEE = "Architectural Review Committee"
DEMO_ASSOCIATIONS = 3
DEMO_UNITS = 40
# The demo's violations, elections and hearings take owners from the first associations' units.
MIN_UNITS = 15
RANDOM_SEED = 2026
BATCH_UNITS = 2500  # rows of about this many units per transaction
WRITERS = 2  # owner connections writing batches concurrently


# --------------------------------------------------------------------------------------
# Demo logins (application role, domain services)
# --------------------------------------------------------------------------------------


async def ensure_demo_logins(settings: Settings, owner: asyncpg.Connection) -> tuple[dict[str, UUID], dict[str, UUID], int]:
    """Users, organizations and memberships of the demo, added where missing.
    Returns users by email, organizations by name, and how many things were added."""
    from sqlalchemy import update

    from domains.identity import service as identity
    from domains.organizations import service as orgs
    from domains.organizations.models import Membership, OrganizationType
    from graph.db import create_engine, new_id, scoped_transaction, session_factory

    engine = create_engine(settings.app_url(), settings, pool_size=2)
    sessions = session_factory(engine)
    added = 0
    try:
        users: dict[str, UUID] = {}
        for email, name, _ in PEOPLE:
            async with scoped_transaction(sessions, None, None) as session:
                user = await identity.find_by_email(session, email)
            if user is None:
                user_id = new_id()
                async with scoped_transaction(sessions, None, user_id) as session:
                    user = await identity.register(session, email, name, PASSWORD, user_id=user_id)
                added += 1
            users[email] = user.id
        # Looked up as the owner: an organization is the demo's if a demo user belongs to it.
        rows = await owner.fetch(
            """SELECT DISTINCT ON (o.name) o.name, o.id FROM organizations o
                 JOIN memberships m ON m.organization_id = o.id
                WHERE o.name = ANY($1::text[]) AND m.user_id = ANY($2::uuid[])
                ORDER BY o.name, o.created_at""",
            [n for n, _ in ORGANIZATIONS],
            list(users.values()),
        )
        org_ids: dict[str, UUID] = {r["name"]: r["id"] for r in rows}
        created: list[str] = []
        for name, kind in ORGANIZATIONS:
            if name in org_ids:
                continue
            org_id = new_id()
            founder = next(users[e] for e, _, roles in PEOPLE if "admin" in roles.get(name, []))
            async with scoped_transaction(sessions, org_id, founder) as session:
                await orgs.create_organization(session, org_id, OrganizationType(kind), name, founder)
            org_ids[name] = org_id
            created.append(name)
            added += 1
        members = {
            (r["organization_id"], r["user_id"]): list(r["roles"])
            for r in await owner.fetch(
                "SELECT organization_id, user_id, roles FROM memberships WHERE user_id = ANY($1::uuid[])", list(users.values())
            )
        }
        for email, _, roles in PEOPLE:
            for org_name, held in roles.items():
                org_id, user_id = org_ids[org_name], users[email]
                if members.get((org_id, user_id)) == held:
                    continue
                async with scoped_transaction(sessions, org_id, None) as session:
                    if (org_id, user_id) in members:
                        await session.execute(
                            update(Membership)
                            .where(Membership.organization_id == org_id, Membership.user_id == user_id)
                            .values(roles=held)
                        )
                    else:
                        session.add(Membership(organization_id=org_id, user_id=user_id, roles=held))
                added += 1
        for name in created:
            if dict(ORGANIZATIONS)[name] == "association":
                async with scoped_transaction(sessions, org_ids[name], None) as session:
                    await orgs.link_manager(session, org_ids[name], org_ids[MANAGER])
    finally:
        await engine.dispose()
    return users, org_ids, added


async def ensure_demo_world(
    settings: Settings, owner: asyncpg.Connection, org_ids: dict[str, UUID], rng_seed: int, users: dict[str, UUID]
) -> int:
    """What the demo logins find once they select their organization (see the module
    docstring). Returns how many things were added."""
    from graph.db import create_engine, scoped_transaction, session_factory

    added = 0
    for name, named in OWN_ASSOCIATION.items():
        added += (await seed_associations(settings, org_ids[name], 1, DEMO_UNITS, rng_seed=rng_seed, named=named)).created
    booked = [(org_ids[MANAGER], association_code(rng_seed, org_ids[MANAGER], i)) for i in range(DEMO_ASSOCIATIONS)] + [
        (org_ids[name], association_code(rng_seed, org_ids[name], 0, named)) for name, named in OWN_ASSOCIATION.items()
    ]
    unbooked = await owner.fetch(
        """SELECT a.organization_id, a.id, a.accounting_basis::text = 'accrual' AS accrual,
                  (SELECT count(*) FROM units u WHERE u.organization_id = a.organization_id
                    AND u.association_id = a.id) AS units,
                  ARRAY(SELECT u.unit_number FROM units u WHERE u.organization_id = a.organization_id
                         AND u.association_id = a.id ORDER BY u.unit_sort LIMIT 3) AS first_units
             FROM associations a JOIN unnest($1::uuid[], $2::text[]) AS b(org, code)
               ON a.organization_id = b.org AND a.code = b.code
            WHERE NOT EXISTS (SELECT 1 FROM gl_accounts g WHERE g.organization_id = a.organization_id
                                 AND g.association_id = a.id)""",
        [o for o, _ in booked],
        [c for _, c in booked],
    )
    vendors = {
        r["organization_id"]
        for r in await owner.fetch("SELECT organization_id FROM vendors WHERE provider_organization_id = $1", org_ids[VENDOR])
    }
    unstudied = await owner.fetch(
        """SELECT a.organization_id, a.id
             FROM associations a JOIN unnest($1::uuid[], $2::text[]) AS b(org, code)
               ON a.organization_id = b.org AND a.code = b.code
            WHERE NOT EXISTS (SELECT 1 FROM reserve_components r WHERE r.organization_id = a.organization_id
                                 AND r.association_id = a.id)""",
        [o for o, _ in booked],
        [c for _, c in booked],
    )
    maple_grove = org_ids[MAPLE_GROVE]
    governed = await owner.fetchval("SELECT count(*) FROM governing_bodies WHERE organization_id = $1", maple_grove)
    engine = create_engine(settings.app_url(), settings, pool_size=2)
    sessions = session_factory(engine)
    try:
        if not governed:
            code = association_code(rng_seed, maple_grove, 0, OWN_ASSOCIATION[MAPLE_GROVE])
            async with scoped_transaction(sessions, maple_grove, None) as session:
                await _seat_board(session, maple_grove, code, users[BOARD_LOGIN])
            added += 1
        for r in unbooked:
            async with scoped_transaction(sessions, r["organization_id"], None) as session:
                await _open_books(
                    session, r["organization_id"], r["id"], r["units"], r["first_units"], r["accrual"], users[MANAGER_LOGIN]
                )
            added += 1
        recorders = {
            r["email"]: r["id"]
            for r in await owner.fetch("SELECT id, email FROM users WHERE email = ANY($1)", [MANAGER_LOGIN, BOARD_LOGIN])
        }
        for r in unstudied:
            managed = r["organization_id"] == org_ids[MANAGER]
            recorder = recorders[MANAGER_LOGIN if managed else BOARD_LOGIN]
            async with scoped_transaction(sessions, r["organization_id"], None) as session:
                await _add_reserves(session, r["organization_id"], r["id"], managed, recorder)
            added += 1
        # Meetings in Maple Grove (the board's, and an annual meeting) and in the
        # demo homeowner's association (an annual meeting they may give a proxy for).
        for name in (MAPLE_GROVE, MANAGER):
            org = org_ids[name]
            if await owner.fetchval("SELECT EXISTS (SELECT 1 FROM meetings WHERE organization_id = $1)", org):
                continue
            people = await _work_order_people(owner, org, users)
            if people is None:
                continue
            async with scoped_transaction(sessions, org, None) as session:
                spare = people["owner"][1] if people["owner"] else None
                await _hold_meetings(session, org, people["association"], users[ADMIN_LOGIN], name == MAPLE_GROVE, spare)
            added += 1
        # Letters in the demo homeowner's association and in Maple Grove: their own
        # templates, an announcement to all owners (in the homeowner's inbox), the contact log.
        for name in (MANAGER, MAPLE_GROVE):
            org = org_ids[name]
            if await owner.fetchval("SELECT EXISTS (SELECT 1 FROM announcements WHERE organization_id = $1)", org):
                continue
            people = await _work_order_people(owner, org, users)
            if people is None:
                continue
            async with scoped_transaction(sessions, org, None) as session:
                await _communicate(session, org, people, users[MANAGER_LOGIN])
            added += 1
        # Each demo association's library (and the homeowner's answered records request).
        unfiled = await owner.fetch(
            """SELECT a.organization_id, a.id FROM associations a JOIN unnest($1::uuid[], $2::text[]) AS b(org, code)
                 ON a.organization_id = b.org AND a.code = b.code
              WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.organization_id = a.organization_id
                                   AND d.association_id = a.id)""",
            [o for o, _ in booked],
            [c for _, c in booked],
        )
        for r in unfiled:
            managed = r["organization_id"] == org_ids[MANAGER]
            homeowner = await owner.fetchval(
                """SELECT u.id FROM users u JOIN parties p ON p.user_id = u.id JOIN ownerships o
                     ON o.organization_id = p.organization_id AND o.party_id = p.id JOIN units n
                     ON n.organization_id = o.organization_id AND n.id = o.unit_id
                    WHERE u.email = $1 AND n.organization_id = $2 AND n.association_id = $3 LIMIT 1""",
                OWNER_LOGIN,
                r["organization_id"],
                r["id"],
            )
            async with scoped_transaction(sessions, r["organization_id"], None) as session:
                await _add_documents(
                    session,
                    settings,
                    r["organization_id"],
                    r["id"],
                    recorders[MANAGER_LOGIN if managed else BOARD_LOGIN],
                    homeowner,
                )
            added += 1
        # Elections in the demo homeowner's association: last year's, certified,
        # and this year's, in its voting window, which the homeowner may vote in.
        org = org_ids[MANAGER]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM elections WHERE organization_id = $1)", org):
            people = await _work_order_people(owner, org, users)
            if people is not None and people["owner"] is not None:
                async with scoped_transaction(sessions, org, None) as session:
                    await _hold_elections(session, org, people["association"], users[MANAGER_LOGIN], people["owner"][1])
                added += 1
        for name in VENDOR_CUSTOMERS:
            if org_ids[name] in vendors:
                continue
            async with scoped_transaction(sessions, org_ids[name], None) as session:
                await _add_vendor(session, org_ids[name], org_ids[VENDOR])
            added += 1
        # Violations in the management company's first association (the demo
        # homeowner's) and in Maple Grove's, where none are yet.
        enforced = [
            (org_ids[MANAGER], association_code(rng_seed, org_ids[MANAGER], 0)),
            (org_ids[MAPLE_GROVE], association_code(rng_seed, org_ids[MAPLE_GROVE], 0, OWN_ASSOCIATION[MAPLE_GROVE])),
        ]
        unenforced = await owner.fetch(
            """SELECT a.organization_id, a.id FROM associations a JOIN unnest($1::uuid[], $2::text[]) AS b(org, code)
                 ON a.organization_id = b.org AND a.code = b.code
              WHERE NOT EXISTS (SELECT 1 FROM violation_rules r WHERE r.organization_id = a.organization_id
                                   AND r.association_id = a.id)""",
            [o for o, _ in enforced],
            [c for _, c in enforced],
        )
        manager = await owner.fetchval("SELECT id FROM users WHERE email = $1", MANAGER_LOGIN)
        homeowner = await owner.fetchval("SELECT id FROM users WHERE email = $1", OWNER_LOGIN)
        for r in unenforced:
            async with scoped_transaction(sessions, r["organization_id"], manager) as session:
                await _enforce(session, settings, r["organization_id"], r["id"], manager, homeowner)
        # One estoppel certificate, for the demo homeowner's unit, ordered through the
        # manager by a title company (issued after the violations it lists).
        org = org_ids[MANAGER]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM estoppel_certificates WHERE organization_id = $1)", org):
            people = await _work_order_people(owner, org, users)
            if people is not None and people["owner"] is not None:
                async with scoped_transaction(sessions, org, users[MANAGER_LOGIN]) as session:
                    await _issue_certificate(session, settings, org, people["owner"][2], users[MANAGER_LOGIN])
                added += 1
        # Interest on delinquent assessments where the demo homeowner lives (last
        # month accrued), and this year's payments to Ace there (its 1099-NEC).
        org = org_ids[MANAGER]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM interest_policies WHERE organization_id = $1)", org):
            people = await _work_order_people(owner, org, users)
            if people is not None and people["vendor"] is not None:
                async with scoped_transaction(sessions, org, users[MANAGER_LOGIN]) as session:
                    await _add_interest_and_1099(session, org, people, users[MANAGER_LOGIN])
                added += 1
        for name in WORK_ORDER_ORGANIZATIONS:
            org = org_ids[name]
            if await owner.fetchval("SELECT EXISTS (SELECT 1 FROM work_orders WHERE organization_id = $1)", org):
                continue
            people = await _work_order_people(owner, org, users)
            if people is None:
                continue
            async with scoped_transaction(sessions, org, None) as session:
                to_estimate = await _add_work_orders(session, settings, org, people)
            for dispatch_id in to_estimate:
                await _add_estimate(sessions, org, dispatch_id, users[VENDOR_LOGIN])
            if name == MANAGER and people["vendor"] is not None:
                await _add_invoiced_job(sessions, settings, org, people, users[VENDOR_LOGIN])
            added += 1
        # Amenities and bookings where the demo homeowner lives.
        org = org_ids[MANAGER]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM amenities WHERE organization_id = $1)", org):
            people = await _work_order_people(owner, org, users)
            if people is not None and people["owner"] is not None:
                async with scoped_transaction(sessions, org, None) as session:
                    await _add_amenities(session, org, people)
                added += 1
        # The demo manager runs the company's first two associations: `portfolioDashboard(portfolioManagerId:)`.
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM portfolio_assignments WHERE organization_id = $1)", org):
            async with scoped_transaction(sessions, org, users[MANAGER_LOGIN]) as session:
                await _assign_portfolio(session, org, users[MANAGER_LOGIN], users[ADMIN_LOGIN])
            added += 1
        # The resident directory: the homeowner shows their name, unit and email, the tenant their name.
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM directory_settings WHERE organization_id = $1)", org):
            people = await _work_order_people(owner, org, users)
            if people is not None and people["owner"] is not None:
                async with scoped_transaction(sessions, org, None) as session:
                    await _add_directory(session, org, people)
                added += 1
        # Maple Grove's last month closed, and the board's package for it.
        org = org_ids[MAPLE_GROVE]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM board_packages WHERE organization_id = $1)", org):
            association = await owner.fetchval(
                "SELECT id FROM associations WHERE organization_id = $1 ORDER BY code LIMIT 1", org
            )
            await _close_with_package(settings, owner, sessions, org, association, users[MANAGER_LOGIN])
            added += 1
        # The homeowner in no association: her request Ace answered, done.
        home = org_ids[INDIVIDUAL]
        if not await owner.fetchval("SELECT EXISTS (SELECT 1 FROM service_requests WHERE organization_id = $1)", home):
            await _add_service_request(sessions, home, org_ids[VENDOR], users[INDIVIDUAL_LOGIN], users[VENDOR_LOGIN])
            added += 1
    finally:
        await engine.dispose()
    return added


async def _open_books(
    session: Any, organization_id: UUID, association_id: UUID, units: int, numbers: list[str], accrual: bool, by: UUID
) -> None:
    """The standard funds and chart of accounts; the association moved in on the
    last day of last year (openingBalance/v1/post's path): cash in both funds
    (about what a year of dues leaves), the first unit two months behind (and on a
    payment plan since last month), the second paid a month ahead and on autopay (an ACH debit authorization,
    its bank numbers sealed), the third (where there is one) three months behind and in collections (a policy,
    and the friendly reminder of last night's run); an operating bank account whose last month is
    reconciled (its statement imported, the interest booked from it, finished)."""
    from domains.accounting.service import chart
    from domains.ach.models import AchAccountKind
    from domains.ach.schemas import AchAuthorizationCreateInput
    from domains.ach.service import authorizations
    from domains.banking.models import BankAccountKind
    from domains.banking.schemas import (
        BankAccountCreateInput,
        BankReconciliationStartInput,
        BankStatementImportInput,
        CsvMapping,
    )
    from domains.banking.service import accounts, matching, reconciliations, statements
    from domains.collections.schemas import CollectionPolicySetInput
    from domains.collections.service import cases, policies
    from domains.receivables.models import AssessmentKind, AssessmentMethod, Frequency
    from domains.receivables.schemas import AssessmentScheduleCreateInput, OpeningBalancePostInput, PaymentPlanCreateInput
    from domains.receivables.service import assessments, opening_balances, payment_plans
    from graph.auth.sealing import Sealer
    from graph.auth.tokens import load_keyset
    from graph.settings import get_settings

    funds, chart_accounts = await chart.install(session, organization_id, association_id)
    cut_over = date(date.today().year - 1, 12, 31)
    accounts_by_number = {a.number: a.id for a in chart_accounts}
    # This year's dues, 250.00 a unit on the 1st (what the opening balances charged):
    # no month is levied yet, so calendars show the months ahead as projected charges.
    await assessments.create_schedule(
        session,
        organization_id,
        AssessmentScheduleCreateInput(
            association_id=association_id,
            name=f"Regular Assessment {cut_over.year + 1}",
            kind=AssessmentKind.REGULAR,
            frequency=Frequency.MONTHLY,
            method=AssessmentMethod.FIXED,
            amount=Decimal(250),
            income_account_id=accounts_by_number["4000"],
            fund_id=next(f.id for f in funds if f.code == "OPER"),
            starts_on=date(cut_over.year + 1, 1, 1),
            due_day=1,
        ),
    )
    cash, reserve = Decimal(180) * units, Decimal(1250) * units
    # A cash-basis trial balance carries no receivable: the owners' charges go in the accrual view only.
    behind = Decimal(400) if len(numbers) > 2 else Decimal(0)
    receivable = Decimal(500) + behind if accrual else Decimal(0)
    trial = (
        f"accountNumber,fundCode,debit,credit\n1010,OPER,{cash},\n"
        + (f"1200,OPER,{receivable},\n" if accrual else "")
        + f"2100,OPER,,100.00\n3000,OPER,,{cash + receivable - 100}\n1020,RESV,{reserve},\n3100,RESV,,{reserve}\n"
    )
    owners = (
        f"unitNumber,kind,amount,dueDate,memo\n{numbers[0]},charge,250.00,{cut_over.year}-11-01,Dues {cut_over.year}-11\n"
        f"{numbers[0]},charge,250.00,{cut_over.year}-12-01,Dues {cut_over.year}-12\n{numbers[1]},prepaid,100.00,,\n"
        + (f"{numbers[2]},charge,{behind},{cut_over.year}-10-01,Dues {cut_over.year}-Q4\n" if behind else "")
    )
    await opening_balances.post(
        session,
        organization_id,
        OpeningBalancePostInput(association_id=association_id, cut_over_date=cut_over, accounts_csv=trial, units_csv=owners),
        by,
    )
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    # The owner behind agreed last month to pay it off in four monthly instalments.
    [first_unit] = await opening_balances.units_numbered(session, association_id, numbers[:1])
    await payment_plans.create(
        session,
        organization_id,
        PaymentPlanCreateInput(
            unit_id=first_unit,
            starts_on=last_month,
            instalments=4,
            first_due_on=date.today().replace(day=1) + timedelta(days=14),
            memo="Agreed after the late notice",
        ),
        by,
    )
    # Collections: the association's policy, and last night's run reminding the third owner.
    await policies.set_policy(
        session,
        organization_id,
        CollectionPolicySetInput(
            # Forty-five days before the notice of intent and before the lien: Florida's, and more than California's.
            association_id=association_id,
            intent_after_days=45,
            lien_wait_days=45,
            late_notice_fee=Decimal(15),
        ),
        date.today(),
        by,
    )
    if behind:
        [third_unit] = await opening_balances.units_numbered(session, association_id, numbers[2:3])
        await cases.advance(session, organization_id, association_id, third_unit, date.today() - timedelta(days=1), 86400.0)
    bank = await accounts.create(
        session,
        organization_id,
        BankAccountCreateInput(
            association_id=association_id,
            name="Operating Checking",
            institution="First Community Bank",
            kind=BankAccountKind.CHECKING,
            routing_number="121000358",
            account_number="4410027781",
            gl_account_id=accounts_by_number["1010"],
            opened_on=last_month,
        ),
    )
    interest = Decimal("2.15") if last_month > cut_over else Decimal(0)
    if interest:
        day = last_month.replace(day=28)
        statement = f"Date,Description,Amount,Id\n{day},INTEREST PAID,{interest},INT{day:%Y%m}\n"
        mapping = CsvMapping(date="Date", amount="Amount", description="Description", transaction_id="Id")
        await statements.import_statement(
            session,
            organization_id,
            bank,
            BankStatementImportInput(bank_account_id=bank.id, csv=statement, csv_mapping=mapping, ending_balance=cash + interest),
            by,
        )
        [transaction] = await matching.unmatched_of(session, bank.id)
        await matching.create_entry(session, organization_id, transaction, _Entry(accounts_by_number["4200"]), by)
    reconciliation = await reconciliations.start(
        session,
        organization_id,
        BankReconciliationStartInput(bank_account_id=bank.id, month=last_month, statement_ending_balance=cash + interest),
        by,
    )
    await reconciliations.finish(session, reconciliation, by)
    # The owner paid ahead signed up for autopay last month: each due date's debit file takes what they owe.
    [second_unit] = await opening_balances.units_numbered(session, association_id, numbers[1:2])
    await authorizations.create(
        session,
        organization_id,
        AchAuthorizationCreateInput(
            association_id=association_id,
            unit_id=second_unit,
            holder_name="Autopay Owner",
            account_kind=AchAccountKind.CHECKING,
            routing_number="011000015",
            account_number="20004417",
            authorized_on=last_month,
            terms="Debit my account for assessments on each due date until I revoke this authorization.",
        ),
        Sealer(load_keyset(get_settings())),
        by,
    )
    await _standing_entries(session, organization_id, association_id, accounts_by_number, by)


async def _standing_entries(
    session: Any, organization_id: UUID, association_id: UUID, accounts_by_number: dict[str, UUID], by: UUID
) -> None:
    """A management fee accrued on the 28th of each month since last month and
    reversed on the 1st (recurringEntry/v1's path, last month's posted now), and
    this month's contribution moved from operating to reserve cash (reserveTransfer/v1/create's)."""
    from domains.accounting.models import AccountType
    from domains.accounting.schemas import RecurringEntryCreateInput, RecurringEntryLineInput
    from domains.accounting.service import chart, recurring, transfers

    funds = {f.code: f.id for f in await chart.funds_of(session, association_id)}
    accrued = await chart.create_account(
        session,
        organization_id,
        {
            "association_id": association_id,
            "number": "2200",
            "name": "Accrued Expenses",
            "type": AccountType.LIABILITY,
            "fund_id": funds["OPER"],
        },
    )
    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    fee = Decimal("450.00")
    await recurring.create(
        session,
        organization_id,
        RecurringEntryCreateInput(
            association_id=association_id,
            memo="Management fee accrual (invoiced the following month)",
            day_of_month=28,
            starts_on=last_month,
            auto_reverse=True,
            lines=[
                RecurringEntryLineInput(account_id=accounts_by_number["5000"], fund_id=funds["OPER"], debit=fee),
                RecurringEntryLineInput(account_id=accrued.id, fund_id=funds["OPER"], credit=fee),
            ],
        ),
        by,
    )
    await recurring.post_due(session, association_id, date.today(), by)
    await transfers.transfer(
        session,
        organization_id=organization_id,
        association_id=association_id,
        from_fund_id=funds["OPER"],
        to_fund_id=funds["RESV"],
        amount=Decimal("100.00"),
        on=date.today(),
        memo="Monthly reserve contribution",
        posted_by=by,
    )


@dataclass
class _Entry:
    """bankTransaction/v1/createEntry's input, as the seed gives it."""

    account_id: UUID
    memo: str | None = "Interest"


DEMO_RULES = [
    {
        "code": "LND-01",
        "title": "Lawn and landscaping",
        "document_reference": "CC&Rs §7.3",
        "notice_text": "Lawns and front landscaping must be kept mowed, edged and free of weeds (CC&Rs §7.3).",
        "action_to_resolve": "Mow and edge the lawn and remove weeds.",
        "curable": True,
        "cure_days": 14,
        "fine_first": Decimal("100.00"),
        "fine_repeat": Decimal("200.00"),
        "fine_continuing": Decimal("25.00"),
        "continuing_period": "week",
        "fine_cap": Decimal("500.00"),
    },
    {
        "code": "TRS-02",
        "title": "Trash containers",
        "document_reference": "Rules and Regulations §4.1",
        "notice_text": "Trash and recycling containers must be stored out of view except on collection days.",
        "action_to_resolve": "Store the containers in the garage or behind the side fence.",
        "curable": True,
        "cure_days": 7,
        "fine_first": Decimal("50.00"),
    },
    {
        "code": "ARC-03",
        "title": "Unapproved exterior change",
        "document_reference": "CC&Rs §8.1",
        "notice_text": "No exterior change may be made without the architectural committee's written approval.",
        "action_to_resolve": "Submit an architectural request or restore the exterior.",
        "curable": True,
        "cure_days": 30,
        "fine_first": Decimal("250.00"),
    },
]


async def _enforce(
    session: Any, settings: Settings, organization_id: UUID, association_id: UUID, by: UUID, homeowner: UUID | None
) -> None:
    """A rule library and violations at several stages, as a manager would have
    logged and moved them: one observed, one noticed (the demo homeowner's unit
    where they own one here), one with a hearing ahead, one fined, one cured;
    the inspector's photos filed in the library (board only) and attached."""
    from sqlalchemy import select

    from domains.accounting.models import AccountType, ControlRole, GlAccount
    from domains.accounting.service import chart
    from domains.associations.models import Ownership, Party, Unit
    from domains.documents.models import DocumentCategory, DocumentVisibility
    from domains.violations.models import HearingOutcome
    from domains.violations.schemas import (
        ViolationDecideInput,
        ViolationDeliverInput,
        ViolationHearingInput,
        ViolationNoticeInput,
        ViolationObserveInput,
        ViolationReinspectInput,
        ViolationRuleCreateInput,
    )
    from domains.violations.service import fines, rules, violations
    from graph import hooks

    # Books opened before fines had an income account of their own get one.
    fine_income = select(GlAccount.id).where(
        GlAccount.association_id == association_id, GlAccount.control == ControlRole.FINE_INCOME
    )
    if await session.scalar(fine_income) is None:
        values = {"number": "4120", "name": "Violation Fines", "type": AccountType.INCOME, "control": ControlRole.FINE_INCOME}
        await chart.create_account(session, organization_id, {"association_id": association_id, **values})
    made = [
        await rules.create(session, organization_id, ViolationRuleCreateInput(association_id=association_id, **r))
        for r in DEMO_RULES
    ]
    mine = (
        await session.scalars(
            select(Ownership.unit_id)
            .join(Party, (Party.organization_id == Ownership.organization_id) & (Party.id == Ownership.party_id))
            .join(Unit, (Unit.organization_id == Ownership.organization_id) & (Unit.id == Ownership.unit_id))
            .where(Party.user_id == homeowner, Unit.association_id == association_id, Ownership.ends_on.is_(None))
            .order_by(Unit.unit_sort)
        )
    ).all()
    others = (
        await session.scalars(
            select(Unit.id).where(Unit.association_id == association_id, Unit.id.not_in(mine)).order_by(Unit.unit_sort).limit(5)
        )
    ).all()
    today = date.today()

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    async def photo(title: str, days: int) -> UUID:
        what = (DocumentCategory.PHOTOS, title, DocumentVisibility.BOARD)
        filed = await _file(session, settings, organization_id, association_id, by, what, ago(days))
        return filed.id  # type: ignore[no-any-return]

    async def observed(unit: UUID, rule: Any, days: int, what: str, photos: list[UUID] | None = None) -> Any:
        data = ViolationObserveInput(
            unit_id=unit, rule_id=rule.id, observed_on=ago(days), description=what, location="Front", document_ids=photos or []
        )
        violation, _, _ = await violations.observe(session, organization_id, data, by)
        hooks.workflow_run.call(session, organization_id, violation.workflow_id, violations.WORKFLOW)
        return violation

    def how(v: Any) -> str:  # a delivery method the association's jurisdiction allows
        return str(violations.rule(v, "notice_delivery_methods")["value"][0])

    units = [*mine[:1], *others]
    lawn, trash, exterior = made
    # Observed on a drive-by, nothing sent yet.
    bins = await photo("Trash bins at the curb, drive-by", 2)
    await observed(units[1], trash, 2, "Two trash bins at the curb on a non-collection day.", [bins])
    # Noticed, cure date ahead (the homeowner's own unit where they have one here).
    v = await observed(units[0], lawn, 10, "Lawn about 8 inches high, weeds along the walk.")
    await violations.send_notice(session, v, ViolationNoticeInput(id=v.id, method=how(v), sent_on=ago(9)), by)
    # Uncured after its notice; hearing two weeks ahead.
    pergola = [await photo("Pergola from the street", 60), await photo("Pergola, side view", 60)]
    v = await observed(units[2], exterior, 60, "New pergola in the back yard; no ARC approval on file.", pergola)
    await violations.send_notice(session, v, ViolationNoticeInput(id=v.id, method=how(v), sent_on=ago(58)), by)
    still = [await photo("Pergola still standing, re-inspection", 20)]
    await violations.reinspect(
        session, v, ViolationReinspectInput(id=v.id, inspected_on=ago(20), cured=False, document_ids=still), by
    )
    await violations.schedule_hearing(
        session, v, ViolationHearingInput(id=v.id, hearing_on=today + timedelta(days=14), notice_sent_on=today, method=how(v)), by
    )
    # Heard, fined, decision delivered, fine posted on the owner's ledger.
    v = await observed(units[3], trash, 75, "Trash bins left in the driveway all week.")
    await violations.send_notice(session, v, ViolationNoticeInput(id=v.id, method=how(v), sent_on=ago(74)), by)
    await violations.reinspect(session, v, ViolationReinspectInput(id=v.id, inspected_on=ago(60), cured=False), by)
    await violations.schedule_hearing(
        session, v, ViolationHearingInput(id=v.id, hearing_on=ago(5), notice_sent_on=ago(30), method=how(v)), by
    )
    await violations.decide(session, v, ViolationDecideInput(id=v.id, held_on=ago(5), outcome=HearingOutcome.FINE), by)
    await violations.deliver(session, v, ViolationDeliverInput(id=v.id, delivered_on=ago(3), method=how(v)), by)
    # Posting reads the violation again under a lock (populate_existing): the steps above must reach the row first.
    await session.flush()
    await fines.post_decided(session, v.id)
    # Cured after its notice: closed.
    v = await observed(units[4], lawn, 40, "Dead shrubs in the front bed.")
    await violations.send_notice(session, v, ViolationNoticeInput(id=v.id, method=how(v), sent_on=ago(39)), by)
    await violations.reinspect(session, v, ViolationReinspectInput(id=v.id, inspected_on=ago(20), cured=True), by)
    await _review(session, settings, organization_id, association_id, by, homeowner, units)


async def _review(
    session: Any,
    settings: Settings,
    organization_id: UUID,
    association_id: UUID,
    manager: UUID,
    homeowner: UUID | None,
    units: list[UUID],
) -> None:
    """Two architectural requests: one under review (the demo homeowner's,
    where they own a unit here, with the plan and photo they filed themselves
    for the board and the committee), one approved with conditions by the committee —
    the association's Architectural Review Committee, one of its governing
    bodies (made here where there is none), on which the manager takes a term
    and, where no one holds it, the chair."""
    from sqlalchemy import select

    from domains.arc_requests.models import ArcDecisionMode, ArcProjectType, ArcVoteChoice
    from domains.arc_requests.schemas import ArcRequestSubmitInput, ArcRequestVoteInput, ArcSettingsSetInput
    from domains.arc_requests.service import requests
    from domains.associations.models import DeliveryPreference, Party, PartyKind, Unit
    from domains.documents.models import DocumentCategory, DocumentVisibility
    from domains.governance.models import GoverningBody, GoverningBodyKind, Office, OfficeTitle, SeatFilledBy
    from domains.governance.schemas import GoverningBodyCreateInput, OfficeAssignInput, SeatFillInput
    from domains.governance.service import bodies, seats
    from graph import hooks

    today = date.today()
    committee = await session.scalar(
        select(GoverningBody).where(GoverningBody.association_id == association_id, GoverningBody.name == ARC_COMMITTEE)
    )
    if committee is None:
        create = GoverningBodyCreateInput(
            association_id=association_id,
            kind=GoverningBodyKind.COMMITTEE,
            name=ARC_COMMITTEE,
            purpose="Reviews owners' applications for exterior changes against the architectural guidelines.",
            seat_count=3,
        )
        committee = await bodies.create(session, organization_id, create)
    morgan = await session.scalar(select(Party).where(Party.user_id == manager))
    if morgan is None:
        morgan = Party(
            organization_id=organization_id,
            kind=PartyKind.PERSON,
            name="Morgan Manager",
            user_id=manager,
            delivery_preference=DeliveryPreference.POSTAL,
        )
        session.add(morgan)
        await session.flush()
    fill = SeatFillInput(
        body_id=committee.id,
        party_id=morgan.id,
        filled_by=SeatFilledBy.APPOINTED,
        starts_on=today,
        ends_on=today + timedelta(days=365),
    )
    term = await seats.fill(session, organization_id, committee, fill)
    chaired = await session.scalar(
        select(Office.id).where(Office.body_id == committee.id, Office.title == OfficeTitle.CHAIR, Office.ends_on > today)
    )
    if chaired is None:
        chair = OfficeAssignInput(seat_id=term.id, title=OfficeTitle.CHAIR, starts_on=today)
        await seats.assign_office(session, organization_id, term, chair)
    arc = ArcSettingsSetInput(association_id=association_id, decision_mode=ArcDecisionMode.VOTE, committee_body_id=committee.id)
    await requests.set_settings(session, organization_id, arc, manager)

    async def submitted(unit_id: UUID, by: UUID, **data: Any) -> Any:
        unit = await session.get(Unit, unit_id)
        request = await requests.submit(session, organization_id, unit, ArcRequestSubmitInput(unit_id=unit_id, **data), by)
        hooks.workflow_run.call(session, organization_id, request.workflow_id, requests.WORKFLOW)
        await requests.accept(session, request, None, manager)
        return request

    # The homeowner files their own plan and photo, for the board (and the committee):
    # staff, the board, the committee and they read them, the neighbours don't.
    plans = [
        await _file(session, settings, organization_id, association_id, homeowner or manager, what, today)
        for what in (
            (DocumentCategory.PLANS, "Solar roof layout", DocumentVisibility.BOARD),
            (DocumentCategory.PHOTOS, "South roof, before", DocumentVisibility.BOARD),
        )
    ]
    mine = await submitted(
        units[0],
        homeowner or manager,
        project_type=ArcProjectType.SOLAR,
        description="Fourteen rooftop solar panels on the south-facing roof, black frames, conduit painted to match.",
        contractor="Sunward Solar, CSLB #1048821",
        document_ids=[d.id for d in plans],
    )
    assert mine is not None
    other = await submitted(
        units[3],
        manager,
        project_type=ArcProjectType.FENCE,
        description="Replace the side-yard fence with 6 ft cedar, gate toward the street.",
        contractor="Valley Fence Co.",
    )
    vote = ArcRequestVoteInput(
        id=other.id, vote=ArcVoteChoice.APPROVE_WITH_CONDITIONS, conditions="Stain to match the house trim; gate swings inward."
    )
    await requests.vote(session, other, vote, manager)


# (category, name, quantity, unit, unit cost, useful life, remaining life) — a typical
# townhome community's reserve component list.
RESERVE_COMPONENTS: list[tuple[str, str, str, str, str, int, int]] = [
    ("Roofing", "Clubhouse roof, composition shingle", "4200", "sq ft", "9.50", 25, 6),
    ("Roofing", "Pool house roof", "900", "sq ft", "10.25", 25, 11),
    ("Roofing", "Gutters and downspouts", "1800", "lin ft", "14.00", 30, 9),
    ("Paving", "Asphalt streets, overlay", "62000", "sq ft", "2.35", 25, 14),
    ("Paving", "Asphalt seal coat", "62000", "sq ft", "0.28", 5, 2),
    ("Paving", "Concrete sidewalk repairs", "1", "allowance", "9500.00", 10, 4),
    ("Painting", "Clubhouse exterior paint", "1", "lump sum", "14500.00", 10, 3),
    ("Painting", "Wood fence stain", "2400", "lin ft", "4.10", 6, 1),
    ("Pool", "Pool plaster", "1", "lump sum", "38000.00", 12, 5),
    ("Pool", "Pool heater", "1", "each", "6800.00", 10, 2),
    ("Pool", "Pool furniture", "1", "lump sum", "7200.00", 8, 0),
    ("Pool", "Pool fence, wrought iron", "420", "lin ft", "62.00", 30, 17),
    ("Mechanical", "Clubhouse HVAC", "2", "each", "11500.00", 18, 7),
    ("Mechanical", "Irrigation controllers", "6", "each", "2200.00", 12, 4),
    ("Mechanical", "Entry gate operators", "2", "each", "8500.00", 12, 8),
    ("Interior", "Clubhouse flooring", "2600", "sq ft", "8.00", 15, 10),
    ("Interior", "Fitness equipment", "1", "lump sum", "24000.00", 10, 6),
    ("Site", "Mailbox kiosks", "8", "each", "3600.00", 20, 12),
    ("Site", "Monument sign refurbish", "1", "lump sum", "12000.00", 20, 15),
    ("Site", "Playground equipment", "1", "lump sum", "65000.00", 20, 3),
]


async def _add_reserves(session: Any, organization_id: UUID, association_id: UUID, managed: bool, recorder: UUID) -> None:
    """Twenty reserve components and a study as of the first of this year (its
    starting balance is the reserve fund's opening balance), as a manager would
    record them; the management company's associations on a 3% contribution
    increase, the self-managed ones on flat contributions (so some dashboards show a
    special assessment)."""
    from domains.reserves.schemas import ReserveComponentCreateInput, ReserveStudyCreateInput
    from domains.reserves.service import components, studies

    year_start = date(date.today().year, 1, 1)
    for category, name, quantity, unit, unit_cost, useful, remaining in RESERVE_COMPONENTS:
        data = ReserveComponentCreateInput(
            association_id=association_id,
            category=category,
            name=name,
            quantity=Decimal(quantity),
            unit=unit,
            unit_cost=Decimal(unit_cost),
            useful_life_years=useful,
            remaining_life_years=remaining,
            remaining_life_as_of=year_start,
            association_responsibility=True,
            limited_useful_life=True,
            predictable_remaining_life=True,
            above_threshold=True,
        )
        await components.create(session, organization_id, data, recorder)
    study = ReserveStudyCreateInput(
        association_id=association_id,
        study_date=year_start,
        prepared_by="Summit Reserve Consultants, RS" if managed else "The board",
        interest_rate=Decimal("0.0150"),
        inflation_rate=Decimal("0.0300"),
        current_annual_contribution=Decimal("36000.00") if managed else Decimal("18000.00"),
        contribution_increase_rate=Decimal("0.0300") if managed else Decimal(0),
        threshold_balance=Decimal("25000.00"),
        threshold_percent_funded=Decimal("0.3000"),
    )
    await studies.create(session, organization_id, study, date.today(), recorder)
    await _add_compliance(session, organization_id, association_id, recorder)


async def _add_compliance(session: Any, organization_id: UUID, association_id: UUID, recorder: UUID) -> None:
    """Compliance settings and the calendar they generate: the annual meeting was due
    at the end of last month (overdue), the policy renews in two months, the fidelity
    bond is on file; the budget, the reserve study and the bond's renewal come up."""
    from sqlalchemy import select

    from domains.associations.models import Association
    from domains.compliance.models import ComplianceTask, Requirement, TaskStatus
    from domains.compliance.schemas import ComplianceSettingsSetInput
    from domains.compliance.service import calendar

    today = date.today()
    last_month = (today.replace(day=1) - timedelta(days=1)).month
    settings = ComplianceSettingsSetInput(
        association_id=association_id,
        annual_meeting_month=last_month,
        insurance_renews_on=today + timedelta(days=60),
        fidelity_bond_amount=Decimal("500000.00"),
        fidelity_bond_expires_on=today + timedelta(days=200),
    )
    await calendar.set_settings(session, organization_id, settings, recorder)
    association = (await session.scalars(select(Association).where(Association.id == association_id))).one()
    await calendar.generate(session, organization_id, association, today)
    # What fell due before the demo began was done before Hestami, its records kept
    # elsewhere: waived here with that reason (evidence must be on file). Only the
    # meeting is late.
    earlier = await session.scalars(
        select(ComplianceTask).where(
            ComplianceTask.association_id == association_id,
            ComplianceTask.due_on < today,
            ComplianceTask.requirement != Requirement.ANNUAL_MEETING,
        )
    )
    for task in earlier.all():
        await calendar.close(
            session, task, TaskStatus.WAIVED, recorder, None, None, "Done before Hestami; records kept outside it"
        )
    await calendar.escalate(session, organization_id, association_id, today)


def _demo_pdf(title: str) -> bytes:
    """A small file that starts like a PDF (the library checks the leading bytes)."""
    return f"%PDF-1.4\n% Hestami demo document: {title}\n%%EOF\n".encode()


def _demo_jpeg(title: str) -> bytes:
    """A small file that starts like a JPEG (a JFIF header and a comment naming it)."""
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + f"Hestami demo photo: {title}".encode() + b"\xff\xd9"


async def _file(
    session: Any, settings: Settings, organization_id: UUID, association_id: UUID, recorder: UUID, what: Any, record_date: date
) -> Any:
    """A document filed in the association's library with its file confirmed, as
    `document/v1/create`, `startUpload`, the upload and `confirmUpload` would:
    `what` is (category, title, visibility); photos are JPEGs, the rest PDFs."""
    import hashlib

    from domains.documents.models import DocumentCategory
    from domains.documents.schemas import DocumentCreateInput, DocumentStartUploadInput
    from domains.documents.service import documents, storage

    category, title, visibility = what
    data = DocumentCreateInput(
        association_id=association_id, category=category, title=title, visibility=visibility, record_date=record_date
    )
    document = await documents.add(session, documents.create(organization_id, data, recorder))
    photo = category is DocumentCategory.PHOTOS
    content = _demo_jpeg(title) if photo else _demo_pdf(title)
    upload = DocumentStartUploadInput(
        id=document.id,
        filename=f"{title.lower().replace(' ', '-').replace('&', 'and').replace(',', '')}.{'jpg' if photo else 'pdf'}",
        media_type="image/jpeg" if photo else "application/pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    version, _, _ = await documents.start_upload(session, settings, document, upload, recorder)

    async def chunks() -> Any:
        yield content

    await storage.write(settings, version.storage_key, chunks(), version.size)
    await documents.confirm(session, settings, version)
    return document


async def _add_documents(
    session: Any, settings: Settings, organization_id: UUID, association_id: UUID, recorder: UUID, homeowner: UUID | None
) -> None:
    """The association's library: its CC&Rs (public), last year's annual meeting
    minutes (owners), this year's budget (residents) and the board's executive
    session minutes (board only), each with its file confirmed; where the demo
    homeowner owns a unit, their records request, answered with the minutes and the budget."""
    from domains.associations.models import Association
    from domains.documents.models import DocumentCategory, DocumentVisibility
    from domains.documents.service import records

    year = date.today().year
    library = [
        (DocumentCategory.GOVERNING_DOCUMENTS, "Declaration of CC&Rs (restated)", DocumentVisibility.PUBLIC, date(2019, 6, 1)),
        (DocumentCategory.MINUTES, f"Annual meeting minutes {year - 1}", DocumentVisibility.OWNERS, date(year - 1, 11, 14)),
        (DocumentCategory.FINANCIAL, f"Budget {year}", DocumentVisibility.RESIDENTS, date(year - 1, 12, 1)),
        (DocumentCategory.MINUTES, f"Executive session minutes {year - 1}", DocumentVisibility.BOARD, date(year - 1, 9, 10)),
    ]
    filed = [
        await _file(session, settings, organization_id, association_id, recorder, (category, title, visibility), record_date)
        for category, title, visibility, record_date in library
    ]
    if homeowner is not None:
        association = await session.get(Association, association_id)
        asked = "Last year's annual meeting minutes and this year's budget, to review before the annual meeting."
        request = await records.submit(session, organization_id, association, asked, homeowner)
        await records.fulfill(
            session, request, [filed[1].id, filed[2].id], "Both attached; the budget is also in the library.", recorder
        )


async def _close_with_package(
    settings: Settings, owner: asyncpg.Connection, sessions: Any, organization_id: UUID, association_id: UUID, manager: UUID
) -> None:
    """Last month (reconciled when the books were opened) closed by the manager,
    with the association's settings asking for the board's package on every
    close; the package generated here, as its workflow does (the seed runs
    without DBOS), reading the reports as the board through Cerbos."""
    from types import SimpleNamespace

    from domains.accounting.service import fiscal
    from domains.board_packages.models import BoardPackageTrigger
    from domains.board_packages.service import packages
    from graph.authz import Authorizer
    from graph.db import scoped_transaction

    last_month = (date.today().replace(day=1) - timedelta(days=1)).replace(day=1)
    closed = await owner.fetchval(
        "SELECT EXISTS (SELECT 1 FROM fiscal_period_closes WHERE organization_id = $1 AND association_id = $2 AND month = $3)",
        organization_id,
        association_id,
        last_month,
    )
    async with scoped_transaction(sessions, organization_id, manager) as session:
        await packages.set_settings(session, organization_id, association_id, True, manager)
        if closed:
            await packages.request(session, organization_id, association_id, last_month, 1, manager, BoardPackageTrigger.REQUEST)
        else:  # the close asks for the package (the settings say so)
            await fiscal.close(session, organization_id, association_id, last_month, manager)
    package_id = await owner.fetchval(
        "SELECT id FROM board_packages WHERE organization_id = $1 AND association_id = $2 AND month = $3 AND version = 1",
        organization_id,
        association_id,
        last_month,
    )
    authorizer = Authorizer(settings.cerbos_address, timeout_seconds=settings.cerbos_timeout_seconds)
    await authorizer.start()
    # What the package's reads need of the platform: the settings and Cerbos.
    platform: Any = SimpleNamespace(settings=settings, authorizer=authorizer)
    try:
        async with scoped_transaction(sessions, organization_id, None) as session:
            contents = await packages.contents_for(session, platform, package_id)
            assert contents is not None
            await packages.file(session, settings, platform, package_id, contents)
    finally:
        await authorizer.close()


async def _issue_certificate(session: Any, settings: Settings, organization_id: UUID, unit_id: UUID, manager: UUID) -> None:
    """An estoppel certificate for the unit, as the manager would issue it for a
    title company's order: its fee on the owner's ledger (income account 4130,
    added to books opened before certificates had one)."""
    from sqlalchemy import select

    from domains.accounting.models import AccountType, ControlRole, GlAccount
    from domains.accounting.service import chart
    from domains.associations.models import Unit
    from domains.estoppels.schemas import EstoppelCertificateRequestInput
    from domains.estoppels.service import certificates
    from graph.auth.principal import Principal, PrincipalKind

    unit = await session.get(Unit, unit_id)
    fees = select(GlAccount.id).where(
        GlAccount.association_id == unit.association_id, GlAccount.control == ControlRole.ESTOPPEL_FEE_INCOME
    )
    if await session.scalar(fees) is None:
        values = {"number": "4130", "name": "Resale and Estoppel Fees", "type": AccountType.INCOME}
        values |= {"control": ControlRole.ESTOPPEL_FEE_INCOME}
        await chart.create_account(session, organization_id, {"association_id": unit.association_id, **values})
    order = EstoppelCertificateRequestInput(
        unit_id=unit_id, requester_name="Coastal Title & Escrow", closing_date=date.today() + timedelta(days=21)
    )
    principal = Principal(kind=PrincipalKind.USER, id=manager, active_organization_id=organization_id, roles=["manager"])
    await certificates.issue(session, settings, organization_id, unit, order, principal)


async def _seat_board(session: Any, organization_id: UUID, code: str, board_user: UUID) -> None:
    """Maple Grove's board of five with Bailey as president (a seat elected at the
    last annual meeting, so the board role comes from it), a treasurer and a
    secretary among the owners, and an architectural review committee."""
    from sqlalchemy import select

    from domains.associations.models import Association, DeliveryPreference, Ownership, Party, PartyKind, Unit
    from domains.governance.models import GoverningBodyKind, OfficeTitle, SeatFilledBy
    from domains.governance.schemas import GoverningBodyCreateInput, OfficeAssignInput, SeatFillInput
    from domains.governance.service import bodies, seats

    association = await session.scalar(select(Association.id).where(Association.code == code))
    owners = list(
        (
            await session.scalars(
                select(Ownership.party_id)
                .join(Unit, (Unit.organization_id == Ownership.organization_id) & (Unit.id == Ownership.unit_id))
                .where(Unit.association_id == association, Ownership.ends_on.is_(None), Ownership.is_primary)
                .order_by(Unit.unit_sort)
                .limit(6)
            )
        ).all()
    )
    bailey = Party(
        organization_id=organization_id,
        kind=PartyKind.PERSON,
        name="Bailey Board",
        user_id=board_user,
        delivery_preference=DeliveryPreference.POSTAL,
    )
    session.add(bailey)
    await session.flush()
    today = date.today()
    # Elected at an annual meeting at least two months back, so the board's
    # recent meetings (the demo's, see _hold_meetings) fall within its terms.
    elected = date(today.year, 1, 15) if today >= date(today.year, 3, 16) else date(today.year - 1, 1, 15)
    board = await bodies.create(
        session,
        organization_id,
        GoverningBodyCreateInput(
            association_id=association, kind=GoverningBodyKind.BOARD, name="Board of Directors", seat_count=5
        ),
    )
    arc = await bodies.create(
        session,
        organization_id,
        GoverningBodyCreateInput(
            association_id=association,
            kind=GoverningBodyKind.COMMITTEE,
            name=ARC_COMMITTEE,
            purpose="Reviews owners' applications for exterior changes against the architectural guidelines.",
            seat_count=3,
        ),
    )
    terms = {}
    for party, title in (
        (bailey.id, OfficeTitle.PRESIDENT),
        (owners[0], OfficeTitle.TREASURER),
        (owners[1], OfficeTitle.SECRETARY),
    ):
        fill = SeatFillInput(
            body_id=board.id,
            party_id=party,
            filled_by=SeatFilledBy.ELECTED,
            starts_on=elected,
            ends_on=date(elected.year + 2, 1, 15),
        )
        terms[title] = await seats.fill(session, organization_id, board, fill)
    for party in owners[2:4]:
        fill = SeatFillInput(
            body_id=arc.id,
            party_id=party,
            filled_by=SeatFilledBy.APPOINTED,
            starts_on=elected,
            ends_on=date(elected.year + 1, 1, 15),
        )
        terms.setdefault(OfficeTitle.CHAIR, await seats.fill(session, organization_id, arc, fill))
    for title, term in terms.items():
        await seats.assign_office(
            session, organization_id, term, OfficeAssignInput(seat_id=term.id, title=title, starts_on=today)
        )


async def _primary_owners(session: Any, association_id: UUID, spare: UUID | None, limit: int) -> list[Any]:
    """The first `limit` units' primary owners (unit, party, the unit's voting weight), in unit order, but party `spare`."""
    from sqlalchemy import select

    from domains.associations.models import Ownership, Unit

    return list(
        (
            await session.execute(
                select(Ownership.unit_id, Ownership.party_id, Unit.voting_weight)
                .join(Unit, (Unit.organization_id == Ownership.organization_id) & (Unit.id == Ownership.unit_id))
                .where(
                    Unit.association_id == association_id,
                    Ownership.ends_on.is_(None),
                    Ownership.is_primary,
                    Ownership.party_id.is_distinct_from(spare),
                )
                .order_by(Unit.unit_sort)
                .limit(limit)
            )
        ).all()
    )


async def _hold_meetings(
    session: Any, organization_id: UUID, association_id: UUID, recorder: UUID, board: bool, spare: UUID | None
) -> None:
    """An upcoming annual meeting, noticed, with two owners' proxies (one
    general, one directed; none for party `spare`, the demo homeowner, who
    gives their own); with `board`, also the board's last two meetings:
    the first's motion carried by a vote by name and its minutes approved at
    the second, whose own minutes await the next meeting."""
    from sqlalchemy import select, true

    from domains.governance.models import (
        GoverningBody,
        GoverningBodyKind,
        MeetingAgendaItem,
        MeetingKind,
        MeetingStatus,
        ProxyKind,
        VoteChoice,
    )
    from domains.governance.schemas import (
        AgendaItemInput,
        MeetingCheckInInput,
        MeetingMotionMoveInput,
        MeetingMotionVoteInput,
        MeetingProxyGrantInput,
        MeetingScheduleInput,
        ProxyDirection,
    )
    from domains.governance.service import meetings, minutes, motions, proxies
    from domains.governance.service import seats as seat_terms

    today = date.today()

    def at(day: date, hour: int) -> datetime:
        return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)

    def call(kind: MeetingKind, title: str, starts_at: datetime, agenda: list[AgendaItemInput], body: UUID | None = None) -> Any:
        return MeetingScheduleInput(
            association_id=association_id,
            kind=kind,
            body_id=body,
            title=title,
            starts_at=starts_at,
            place="Clubhouse, community room",
            video_link="https://meet.example.org/hestami-demo",
            agenda=agenda,
        )

    owners = [(unit, party) for unit, party, _ in await _primary_owners(session, association_id, spare, 12)]
    annual_agenda = [
        AgendaItemInput(title="Election of directors", requires_vote=True),
        AgendaItemInput(title="Approval of next year's budget", requires_vote=True),
        AgendaItemInput(title="Owners' forum"),
    ]
    annual = await meetings.schedule(
        session,
        organization_id,
        call(
            MeetingKind.ANNUAL_MEMBERSHIP,
            f"{today.year} Annual Meeting of the Members",
            at(today + timedelta(days=25), 18),
            annual_agenda,
        ),
        recorder,
    )
    await meetings.send_notice(session, annual, recorder)
    budget = (await meetings.rows_of(session, MeetingAgendaItem, annual.id, _Page(), "position"))[0][1]
    general = MeetingProxyGrantInput(
        meeting_id=annual.id,
        unit_id=owners[-1][0],
        grantor_party_id=owners[-1][1],
        holder_party_id=owners[-2][1],
        kind=ProxyKind.GENERAL,
    )
    directed = MeetingProxyGrantInput(
        meeting_id=annual.id,
        unit_id=owners[-3][0],
        grantor_party_id=owners[-3][1],
        holder_name="Jordan Rivera (neighbor)",
        kind=ProxyKind.DIRECTED,
        directions=[ProxyDirection(agenda_item_id=budget.id, choice=VoteChoice.YES)],
    )
    for grant in (general, directed):
        await proxies.give(session, await proxies.build(session, annual, grant, recorder))
    if not board:
        return

    body = await session.scalar(
        select(GoverningBody).where(GoverningBody.association_id == association_id, GoverningBody.kind == GoverningBodyKind.BOARD)
    )
    terms = await seat_terms.current_seats_of(session, [body.id], true())
    held: list[tuple[Any, Any]] = []
    for days_ago, title in ((30, "Regular board meeting"), (6, "Regular board meeting")):
        starts_at = at(today - timedelta(days=days_ago), 19)
        agenda = [
            AgendaItemInput(title="Approval of the previous meeting's minutes", requires_vote=True),
            AgendaItemInput(title="Landscaping contract renewal", requires_vote=True),
            AgendaItemInput(title="Treasurer's report"),
        ]
        meeting = await meetings.schedule(
            session,
            organization_id,
            call(MeetingKind.BOARD_OPEN, title, starts_at, agenda, body.id),
            recorder,
            as_of=starts_at.date() - timedelta(days=10),
        )
        await meetings.send_notice(session, meeting, recorder, as_of=starts_at.date() - timedelta(days=7))
        meetings.move(session, meeting, MeetingStatus.IN_SESSION, recorder)
        meeting.opened_at = starts_at
        for term in terms:
            await meetings.check_in(session, meeting, MeetingCheckInInput(id=meeting.id, seat_id=term.id), recorder)
        if held:
            await minutes.approve(session, held[-1][1], held[-1][0], meeting, recorder)
        else:
            item = (await meetings.rows_of(session, MeetingAgendaItem, meeting.id, _Page(), "position"))[0][1]
            move = MeetingMotionMoveInput(
                meeting_id=meeting.id,
                agenda_item_id=item.id,
                text="Renew the landscaping contract with Evergreen Grounds for one year at $18,400.",
                moved_by="Bailey Board",
                seconded_by="the treasurer",
            )
            motion = await motions.move_motion(session, meeting, move)
            for term, choice in zip(terms, (VoteChoice.YES, VoteChoice.YES, VoteChoice.NO), strict=False):
                await motions.vote(
                    session, meeting, motion, MeetingMotionVoteInput(id=motion.id, seat_id=term.id, choice=choice), recorder
                )
            await motions.close(session, motion, meeting, withdraw=False)
        meetings.move(session, meeting, MeetingStatus.ADJOURNED, recorder)
        meeting.adjourned_at = starts_at + timedelta(hours=1, minutes=30)
        text = (
            f"{title}, {starts_at.date():%B %d, %Y}. Called to order at 7:00 pm with {len(terms)} directors present (quorum). "
            + ("The minutes of the previous meeting were approved. " if held else "")
            + "The landscaping contract was renewed, 2 to 1. The treasurer reported the operating and reserve balances. "
            "Adjourned at 8:30 pm."
        )
        held.append((meeting, await minutes.draft(session, meeting, text, recorder)))


async def _communicate(session: Any, organization_id: UUID, people: dict[str, Any], recorder: UUID) -> None:
    """The association's own meeting-notice and announcement templates, the pool's
    opening announced to all owners (delivered by the minute's sweep once the server
    runs: email where consent is on file, else a letter in the print queue), and two
    calls in the contact log."""
    from domains.communications.models import Audience, ContactChannel, ContactDirection, TemplateKind
    from domains.communications.schemas import AnnouncementPostInput, ContactLogEntryRecordInput, MessageTemplateCreateInput
    from domains.communications.service import announcements, contact_log, templates

    association = people["association"]
    for kind, subject, body in (
        (
            TemplateKind.ANNOUNCEMENT,
            "{{ association.name }}: {{ announcement.title }}",
            "Dear {{ recipient.name }},\n\n{{ announcement.body }}\n\nWith best regards,\nThe board of {{ association.name }}\n",
        ),
        (
            TemplateKind.MEETING_NOTICE,
            "{{ association.name }} — notice of the {{ meeting.kind }} ({{ meeting.starts_at }})",
            "Dear {{ recipient.name }} (unit {{ unit.number }}),\n\n"
            "The {{ meeting.kind }}, {{ meeting.title }}, is called for {{ meeting.starts_at }} at {{ meeting.place }}.\n"
            "{% for item in meeting.agenda %}{{ loop.index }}. {{ item }}\n{% endfor %}\n"
            "If you cannot attend, give a proxy for your unit in the portal.\n",
        ),
    ):
        data = MessageTemplateCreateInput(association_id=association, kind=kind, subject=subject, body=body)
        await templates.create(session, organization_id, data, recorder)
    post = AnnouncementPostInput(
        association_id=association,
        title="The pool opens Saturday",
        body="The community pool opens for the season this Saturday at 10 am. Pool passes are at the clubhouse office.",
        audience=Audience.ALL_OWNERS,
    )
    await announcements.post(session, organization_id, post, recorder)
    now = datetime.now(UTC)
    calls = [(ContactDirection.INBOUND, ContactChannel.PHONE, "Question about the pool passes", "Asked where to collect them.")]
    if people["owner"]:
        calls.append((ContactDirection.OUTBOUND, ContactChannel.EMAIL, "Lawn notice follow-up", "Owner will mow by Friday."))
    for i, (direction, channel, subject, notes) in enumerate(calls):
        party = people["owner"][1] if people["owner"] and i else None
        entry = ContactLogEntryRecordInput(
            association_id=association,
            party_id=party,
            direction=direction,
            channel=channel,
            subject=subject,
            notes=notes,
            occurred_at=now - timedelta(days=2 - i, hours=3),
        )
        await contact_log.record(session, organization_id, entry, recorder)


async def _hold_elections(session: Any, organization_id: UUID, association_id: UUID, inspector: UUID, spare: UUID) -> None:
    """A board for the association (if it has none), last year's election of two
    directors counted and certified (the winners' terms filled), and this year's
    in its voting window with a few owners' ballots in — not party `spare`'s,
    the demo homeowner, who casts their own. The demo manager inspects both."""
    from sqlalchemy import select

    from domains.associations.models import DeliveryPreference, Party, PartyKind
    from domains.governance.models import ElectionStatus, GoverningBody, GoverningBodyKind
    from domains.governance.schemas import ElectionCallInput, ElectionNominateInput, GoverningBodyCreateInput
    from domains.governance.service import bodies, elections
    from graph.auth.sealing import Sealer
    from graph.auth.tokens import load_keyset
    from graph.settings import get_settings

    sealer = Sealer(load_keyset(get_settings()))
    board = await session.scalar(
        select(GoverningBody).where(GoverningBody.association_id == association_id, GoverningBody.kind == GoverningBodyKind.BOARD)
    )
    if board is None:
        board = await bodies.create(
            session,
            organization_id,
            GoverningBodyCreateInput(
                association_id=association_id, kind=GoverningBodyKind.BOARD, name="Board of Directors", seat_count=5
            ),
        )
    owners = await _primary_owners(session, association_id, spare, 15)
    morgan = await session.scalar(select(Party.id).where(Party.user_id == inspector))
    if morgan is None:
        party = Party(
            organization_id=organization_id,
            kind=PartyKind.PERSON,
            name="Morgan Manager",
            user_id=inspector,
            delivery_preference=DeliveryPreference.POSTAL,
        )
        session.add(party)
        await session.flush()
        morgan = party.id
    now = datetime.now(UTC)
    today = now.date()

    async def election(title: str, starts_on: date, candidates: list[UUID], ballots: int) -> Any:
        e = await elections.call(
            session,
            organization_id,
            ElectionCallInput(
                association_id=association_id,
                body_id=board.id,
                title=title,
                seats_to_fill=2,
                term_starts_on=starts_on,
                term_ends_on=date(starts_on.year + 2, starts_on.month, starts_on.day),
                nominations_close_at=now + timedelta(hours=1),
                voting_closes_at=now + timedelta(days=14),
                inspector_party_id=morgan,
            ),
            inspector,
        )
        ids = [
            str((await elections.nominate(session, e, ElectionNominateInput(id=e.id, party_id=candidate), inspector)).id)
            for candidate in candidates
        ]
        await elections.open_voting(session, e)
        for k, (unit, party, weight) in enumerate(owners[4 : 4 + ballots]):
            marks = {ids[0]: 1, ids[1 if k < 6 else 2]: 1}
            await elections.record_ballot(session, e, unit, party, None, weight, marks, inspector, sealer)
        return e

    # Last year's: counted and certified, its winners seated for two years.
    held = date(today.year - 1, 1, 15)
    past = await election(f"{held.year} Election of Directors", held, [p for _, p, _ in owners[:3]], 9)
    await elections.close(session, past, sealer)
    elections.move(session, past, ElectionStatus.TALLYING, inspector, "The inspector asked for the count.")
    await elections.tally(session, past)
    await elections.certify(session, past, inspector)
    past.nominations_close_at = datetime(held.year - 1, 12, 1, 18, tzinfo=UTC)
    past.voting_closes_at = datetime(held.year, 1, 10, 18, tzinfo=UTC)
    # This year's: nominations closed yesterday; voting open for two weeks more.
    current = await election(f"{today.year} Election of Directors", today + timedelta(days=30), [p for _, p, _ in owners[3:6]], 4)
    current.nominations_close_at = now - timedelta(days=1)
    await session.flush()


@dataclass
class _Page:
    """The first page of a meeting's rows, for the seed."""

    first: int = 100
    after: str | None = None


async def _add_vendor(session: Any, organization_id: UUID, provider: UUID) -> None:
    """The demo vendor, as a manager would enter it: on file with its W-9 and a
    certificate of insurance, hold released."""
    from domains.payables.models import InsuranceKind, TaxClassification
    from domains.payables.schemas import (
        InsuranceCertificateCreateInput,
        VendorCreateInput,
    )
    from domains.payables.service import vendors

    vendor = await vendors.create(
        session,
        organization_id,
        VendorCreateInput(
            name=VENDOR,
            provider_organization_id=provider,
            is_1099=True,
            tax_id="47-2019384",
            remittance_address="1180 Delta Way\nSacramento, CA 95814",
            tax_classification=TaxClassification.LLC,
            w9_received_on=date(date.today().year, 1, 5),
        ),
    )
    year = date.today().year
    await vendors.add_certificate(
        session,
        organization_id,
        InsuranceCertificateCreateInput(
            vendor_id=vendor.id,
            kind=InsuranceKind.GENERAL_LIABILITY,
            carrier="Golden State Mutual",
            policy_number="GL-88213",
            coverage_amount=Decimal("1000000.00"),
            effective_on=date(year, 1, 1),
            expires_on=date(year + 1, 12, 31),
        ),
    )
    await vendors.set_hold(session, vendor, None)


async def _add_interest_and_1099(session: Any, organization_id: UUID, people: dict[str, Any], manager: UUID) -> None:
    """An interest policy (10% a year from 30 days past due, on balances from
    $450) with last month's interest accrued; and Ace paid three times this
    year for repairs (one check voided as entered in error), approved by the
    manager under a $2,500 board threshold."""
    from sqlalchemy import select

    from domains.accounting.models import Fund, GlAccount
    from domains.payables.models import Decision, VendorPaymentMethod
    from domains.payables.schemas import InvoiceCreateInput, InvoiceLineInput, VendorPaymentCreateInput, VendorPaymentVoidInput
    from domains.payables.service import approvals, invoices, payments
    from domains.receivables.schemas import InterestPolicySetInput
    from domains.receivables.service import interest

    association, today = people["association"], date.today()
    policy = InterestPolicySetInput(
        association_id=association, annual_rate=Decimal("10.00"), grace_days=30, min_balance=Decimal("450.00")
    )
    await interest.set_policy(session, organization_id, policy, today, manager)
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    await interest.accrue(session, organization_id, association, last_month, today, manager, required=False)

    repairs = await session.scalar(
        select(GlAccount.id).where(GlAccount.association_id == association, GlAccount.number == "5300")
    )
    if repairs is None:
        return  # an association without books: no invoices
    fund = await session.scalar(select(Fund.id).where(Fund.association_id == association, Fund.code == "OPER"))
    start = date(today.year, 1, 2)
    # The board approves invoices above $2,500; these the manager approves alone.
    if await approvals.settings(session, association) is None:
        await approvals.set_threshold(session, organization_id, association, Decimal("2500.00"), manager)
    for n, (days_ago, amount, voided) in enumerate(((100, "1450.00", False), (80, "300.00", True), (70, "850.00", False)), 1):
        on = min(today, max(start, today - timedelta(days=days_ago)))
        invoice = await invoices.enter(
            session,
            organization_id,
            InvoiceCreateInput(
                association_id=association,
                vendor_id=people["vendor"],
                invoice_number=f"ACE-{today.year}-{n:03d}",
                invoice_date=on,
                due_date=on,
                memo="Drain and water heater repairs",
                lines=[InvoiceLineInput(account_id=repairs, fund_id=fund, amount=Decimal(amount))],
            ),
            manager,
        )
        await approvals.decide(session, invoice, Decision.APPROVED, manager, "Work verified")
        payment, _ = await payments.pay(
            session,
            organization_id,
            VendorPaymentCreateInput(
                invoice_id=invoice.id,
                paid_on=on,
                amount=Decimal(amount),
                method=VendorPaymentMethod.CHECK,
                reference=f"{1040 + n}",
            ),
            manager,
        )
        if voided:
            void = VendorPaymentVoidInput(id=payment.id, voided_on=on, reason="Entered twice")
            await payments.void(session, organization_id, payment, void, manager)


# Organizations whose first association gets demo work orders at several states.
WORK_ORDER_ORGANIZATIONS = (MANAGER, MAPLE_GROVE)


async def _work_order_people(owner: asyncpg.Connection, org: UUID, users: dict[str, UUID]) -> dict[str, Any] | None:
    """Where the demo work orders go: the association the demo homeowner lives in
    (else the organization's first), its units (the homeowner's and the tenant's
    first), their parties, and the demo vendor."""
    mine = await owner.fetch(
        """SELECT p.user_id, p.id AS party, x.unit_id, un.association_id, x.how FROM parties p
             JOIN (SELECT organization_id, party_id, unit_id, 'owns' AS how FROM ownerships
                    WHERE starts_on <= current_date AND (ends_on IS NULL OR ends_on > current_date)
                   UNION ALL
                   SELECT organization_id, party_id, unit_id, 'rents' FROM residents
                    WHERE kind = 'tenant' AND moved_in_on <= current_date
                      AND (moved_out_on IS NULL OR moved_out_on > current_date)) x
               ON x.organization_id = p.organization_id AND x.party_id = p.id
             JOIN units un ON un.organization_id = p.organization_id AND un.id = x.unit_id
            WHERE p.organization_id = $1 AND p.user_id = ANY($2::uuid[])
            ORDER BY x.how, un.unit_number""",
        org,
        [users[OWNER_LOGIN], users[TENANT_LOGIN]],
    )
    owned = [r for r in mine if r["how"] == "owns" and r["user_id"] == users[OWNER_LOGIN]]
    rented = [r for r in mine if r["how"] == "rents" and r["user_id"] == users[TENANT_LOGIN]]
    association = (
        owned[0]["association_id"]
        if owned
        else await owner.fetchval("SELECT id FROM associations WHERE organization_id = $1 ORDER BY code LIMIT 1", org)
    )
    if association is None:
        return None
    units = [
        r["id"]
        for r in await owner.fetch(
            "SELECT id FROM units WHERE organization_id = $1 AND association_id = $2 ORDER BY unit_number LIMIT 3",
            org,
            association,
        )
    ]
    vendor = await owner.fetchval("SELECT id FROM vendors WHERE organization_id = $1 AND name = $2", org, VENDOR)
    return {
        "association": UUID(str(association)),
        "units": [UUID(str(u)) for u in units],
        "owner": (users[OWNER_LOGIN], UUID(str(owned[0]["party"])), UUID(str(owned[0]["unit_id"]))) if owned else None,
        "tenant": (users[TENANT_LOGIN], UUID(str(rented[0]["party"])), UUID(str(rented[0]["unit_id"]))) if rented else None,
        "vendor": UUID(str(vendor)) if vendor else None,
        "staff": users[ADMIN_LOGIN],
    }


async def _add_amenities(session: Any, org: UUID, people: dict[str, Any]) -> None:
    """A clubhouse (fee, deposit, a manager confirms), the pool (free, lanes) and
    a tennis court in the homeowner's association; the homeowner's clubhouse
    party confirmed for Saturday week and a pool lane tomorrow, and a neighbour's
    clubhouse request waiting for the manager. Bookings are made as the API makes
    them; their workflows start with their next step."""
    from datetime import time as clock
    from zoneinfo import ZoneInfo

    from domains.amenities.models import AmenityBooking, AmenityKind
    from domains.amenities.schemas import AmenityBookingRequestInput, AmenityCreateInput
    from domains.amenities.service import amenities, bookings
    from domains.associations.models import Unit
    from graph import hooks

    association, (homeowner, _, home) = people["association"], people["owner"]
    zone = "America/Los_Angeles"
    rules = [
        (
            "Clubhouse",
            AmenityKind.CLUBHOUSE,
            "Party room by the pool, 40 guests.",
            clock(9),
            clock(21),
            240,
            1,
            True,
            "75",
            "200",
            72,
        ),
        ("Pool", AmenityKind.POOL, "Lap lanes, one per booking.", clock(6), clock(21), 60, 4, False, "0", "0", 2),
        ("Tennis court", AmenityKind.COURT, "Court 1, lights until 9 pm.", clock(7), clock(21), 60, 1, False, "0", "0", 4),
    ]
    made = []
    for name, kind, text, opens, closes, minutes, places, approval, fee, deposit, hours in rules:
        data = AmenityCreateInput(
            association_id=association,
            name=name,
            kind=kind,
            description=text,
            time_zone=zone,
            opens_at=opens,
            closes_at=closes,
            slot_minutes=minutes,
            capacity=places,
            max_bookings_per_unit_week=2,
            # Only the court asks for good standing: the demo homeowner's books may show a unit behind.
            max_days_past_due=90 if kind is AmenityKind.COURT else None,
            requires_approval=approval,
            fee=Decimal(fee),
            deposit=Decimal(deposit),
            cancellation_hours=hours,
        )
        made.append(await amenities.create(session, org, data))
    clubhouse, pool, _ = made
    local = datetime.now(ZoneInfo(zone))
    saturday = (local + timedelta(days=(5 - local.weekday()) % 7 + 7)).replace(hour=13, minute=0, second=0, microsecond=0)
    tomorrow = (local + timedelta(days=1)).replace(hour=7, minute=0, second=0, microsecond=0)
    unit = await session.get(Unit, home)

    async def book(unit: Any, amenity: Any, at: datetime, note: str) -> AmenityBooking:
        data = AmenityBookingRequestInput(amenity_id=amenity.id, unit_id=unit.id, starts_at=at, note=note)
        booking = await bookings.request(session, org, unit, data, homeowner)
        hooks.workflow_run.call(session, org, booking.workflow_id, bookings.WORKFLOW)
        return booking

    party = await book(unit, clubhouse, saturday, "Birthday party, about 25 guests.")
    await session.flush()
    await bookings.confirm(session, party, people["staff"])
    await book(unit, pool, tomorrow, "Morning laps.")
    # A neighbour in good standing asks for the clubhouse (the demo has a unit far behind, which may not).
    for neighbour in [await session.get(Unit, u) for u in people["units"] if u != home]:
        if not await bookings.standing(session, clubhouse, neighbour, local.date()):
            await book(neighbour, clubhouse, saturday + timedelta(days=7), "Book club.")
            break


async def _assign_portfolio(session: Any, org: UUID, manager: UUID, admin: UUID) -> None:
    """The manager runs the organization's first two associations (by code) since last year."""
    from sqlalchemy import select

    from domains.associations.models import Association
    from domains.portfolio.service import assignments

    first = (await session.scalars(select(Association.id).order_by(Association.code).limit(2))).all()
    for association in first:
        await assignments.assign(session, org, association, manager, date.today() - timedelta(days=400), admin)


async def _add_directory(session: Any, org: UUID, people: dict[str, Any]) -> None:
    from domains.portal.service import directory

    await directory.set_flags(session, org, people["owner"][1], {"show_name": True, "show_unit": True, "show_email": True})
    if people["tenant"]:
        await directory.set_flags(session, org, people["tenant"][1], {"show_name": True})


async def _add_work_orders(session: Any, settings: Settings, org: UUID, people: dict[str, Any]) -> list[UUID]:
    """Work orders at several states, as staff, the homeowner and the tenant would
    have opened and moved them (transitions, notices and deadlines as the API writes
    them), the roof leak with a photo filed in the library (board only). Seeding
    runs no workflows: one work order past its response deadline is escalated
    here the way its workflow would have done it. Returns the dispatches of the
    work orders whose estimates came in, for `_add_estimate`."""
    from types import SimpleNamespace

    from domains.audit import models as _audit  # noqa: F401  (the audit-row hook the escalation writes through)
    from domains.documents.models import DocumentCategory, DocumentVisibility
    from domains.work_orders.models import ActorKind, RequesterKind, WorkOrderPriority
    from domains.work_orders.models import WorkOrderStatus as S
    from domains.work_orders.service import categories, dispatches, lifecycle, work_orders

    await categories.install_defaults(session, org, people["association"])
    to_estimate = []
    staff = (ActorKind.USER, people["staff"])
    leak = (DocumentCategory.PHOTOS, "Garage ceiling, water stain", DocumentVisibility.BOARD)
    filed = await _file(session, settings, org, people["association"], people["staff"], leak, date.today())
    photos = {"Roof leak over the garage": [filed.id]}
    units = people["units"]
    # (title, unit, location, priority, opened by (user, party) or None for staff, moves)
    plan: list[tuple[str, Any, str | None, WorkOrderPriority, Any, list[S]]] = [
        ("Clubhouse lights out", None, "Clubhouse, main hall", WorkOrderPriority.URGENT, None, []),
        (
            "Irrigation leak by the entrance",
            None,
            "Front entrance median",
            WorkOrderPriority.ROUTINE,
            None,
            [S.REVIEW, S.ESTIMATES_REQUESTED],
        ),
        (
            "Roof leak over the garage",
            units[-1],
            None,
            WorkOrderPriority.EMERGENCY,
            None,
            [S.REVIEW, S.VENDOR_CHOSEN, S.ASSIGNED, S.SCHEDULED, S.IN_PROGRESS],
        ),
        ("Dryer vent cleaning", units[0], None, WorkOrderPriority.ROUTINE, None, [S.REVIEW, S.NOT_RESPONSIBLE]),
        (
            "Gutter cleaning, building B",
            None,
            "Building B",
            WorkOrderPriority.ROUTINE,
            None,
            [S.REVIEW, S.VENDOR_CHOSEN, S.ASSIGNED, S.IN_PROGRESS, S.WORK_DONE, S.COMPLETED],
        ),
        ("Duplicate: pool light", None, "Pool", WorkOrderPriority.ROUTINE, None, [S.CANCELED]),
    ]
    if people["owner"]:
        user, party, unit = people["owner"]
        plan += [
            (
                "Pool gate does not latch",
                None,
                "Pool gate",
                WorkOrderPriority.URGENT,
                (user, party, RequesterKind.OWNER),
                [S.REVIEW],
            ),
            (
                "Leak under the kitchen sink",
                unit,
                None,
                WorkOrderPriority.ROUTINE,
                (user, party, RequesterKind.OWNER),
                [S.REVIEW, S.VENDOR_CHOSEN, S.ASSIGNED],
            ),
        ]
    if people["tenant"]:
        user, party, unit = people["tenant"]
        plan.append(
            (
                "Water stain on the bedroom ceiling",
                unit,
                None,
                WorkOrderPriority.ROUTINE,
                (user, party, RequesterKind.TENANT),
                [S.REVIEW, S.ESTIMATES_REQUESTED, S.ESTIMATES_RECEIVED],
            )
        )
    for title, unit, location, priority, requester, moves in plan:
        if any(m is S.VENDOR_CHOSEN for m in moves) and people["vendor"] is None:
            continue
        data = SimpleNamespace(
            association_id=people["association"],
            unit_id=unit,
            location=location,
            title=title,
            description=None,
            category_id=None,
            priority=priority,
            document_ids=photos.get(title, []),
        )
        user, party, kind = requester if requester else (None, None, RequesterKind.STAFF)
        wo = work_orders.draft(org, data, kind, user or people["staff"], party, user or people["staff"])
        await work_orders.open_(session, wo, (ActorKind.USER, user) if user else staff)
        for to in moves:
            await lifecycle.move(session, wo, to, staff, None, vendor_id=people["vendor"])
        if not moves:  # the one nobody looked at: past its response deadline
            wo.respond_by = wo.created_at - timedelta(hours=1)
            await session.flush()
            await lifecycle.track(session, wo.id)
        elif moves[-1] is S.NOT_RESPONSIBLE:
            await lifecycle.track(session, wo.id)
        elif moves[-1] is S.ESTIMATES_RECEIVED and people["vendor"] is not None:
            dispatch = await dispatches.create(session, wo, people["vendor"])
            to_estimate += [dispatch.id] if dispatch else []
    return to_estimate


async def _add_estimate(sessions: Any, org: UUID, dispatch_id: UUID, vendor_user: UUID) -> None:
    """The demo vendor's job for a dispatch and its estimate on both sides, as
    the dispatch workflow and `job/v1/estimate` write them (no workflow runs)."""
    from decimal import Decimal
    from types import SimpleNamespace

    from domains.jobs.service import estimates as job_estimates
    from domains.jobs.service import jobs
    from domains.work_orders.models import WorkOrder, WorkOrderDispatch
    from domains.work_orders.service import dispatches, estimates
    from graph.db import scoped_transaction

    lines = [
        SimpleNamespace(
            description="Inspect and trace the leak (hours)",
            quantity=Decimal("1.5"),
            unit_price=Decimal("95.00"),
            price_book_item_id=None,
        ),
        SimpleNamespace(
            description="Drywall patch and paint", quantity=Decimal("1"), unit_price=Decimal("240.00"), price_book_item_id=None
        ),
    ]
    async with scoped_transaction(sessions, org, None) as session:
        provider, values = await dispatches.job_of(session, dispatch_id)
    async with scoped_transaction(sessions, provider, None) as session:
        await jobs.receive(session, provider, dispatch_id, values)
        job = await jobs.lock(session, dispatch_id)
        assert job is not None
        estimate, priced = await job_estimates.submit(session, job, lines, "Price holds 30 days.", vendor_user)
        sent = job_estimates.event(estimate, priced)
    async with scoped_transaction(sessions, org, None) as session:
        dispatch = await session.get(WorkOrderDispatch, dispatch_id)
        assert dispatch is not None
        wo = await session.get(WorkOrder, dispatch.work_order_id)
        assert wo is not None
        await estimates.receive(session, wo, dispatch, sent)


# The demo vendor's price book: (name, category, unit, price of one).
PRICE_BOOK = [
    ("Service call", "plumbing", "visit", "89.00"),
    ("Labor", "plumbing", "hour", "95.00"),
    ("Drain clearing (snake)", "drains", "drain", "150.00"),
    ("Hydro-jetting", "drains", "hour", "325.00"),
    ("Water heater flush", "water heaters", "each", "140.00"),
]


async def _add_invoiced_job(sessions: Any, settings: Settings, org: UUID, people: dict[str, Any], vendor_user: UUID) -> None:
    """The demo vendor's price book, and a work order it finished and invoiced:
    dispatched, accepted, scheduled (Val booked for the visit), done, and
    invoiced from the price book; the invoice entered in the customer's payables
    awaiting the manager's approval, and the work order completed — each step
    as the API and the dispatch workflow write it (no workflow runs: the
    invoice's approval workflow starts with the first decision)."""
    from datetime import time as clock
    from types import SimpleNamespace

    from sqlalchemy import select

    from domains.jobs.models import JobActorKind, JobInvoiceStatus, JobStatus, PriceBookItem
    from domains.jobs.schemas import PriceBookItemCreateInput
    from domains.jobs.service import invoices, jobs, visits
    from domains.jobs.service import price_book as book
    from domains.work_orders.models import ActorKind, RequesterKind, WorkOrderPriority
    from domains.work_orders.models import WorkOrderStatus as S
    from domains.work_orders.service import dispatches, lifecycle, work_orders
    from graph.db import scoped_transaction

    async with scoped_transaction(sessions, org, None) as session:
        data = SimpleNamespace(
            association_id=people["association"],
            unit_id=None,
            location="Laundry room, building A",
            title="Laundry room floor drain backing up",
            description="Standing water around the floor drain after each wash cycle.",
            category_id=None,
            priority=WorkOrderPriority.URGENT,
            document_ids=[],
        )
        wo = work_orders.draft(org, data, RequesterKind.STAFF, people["staff"], None, people["staff"])
        staff = (ActorKind.USER, people["staff"])
        await work_orders.open_(session, wo, staff)
        for to in (S.REVIEW, S.VENDOR_CHOSEN, S.ASSIGNED):
            await lifecycle.move(session, wo, to, staff, None, vendor_id=people["vendor"])
        dispatch = await dispatches.create(session, wo, people["vendor"])
        assert dispatch is not None
        provider, values = await dispatches.job_of(session, dispatch.id)

    today = date.today()
    visit = datetime.combine(today - timedelta(days=1), clock(9), tzinfo=UTC)
    vendor = (JobActorKind.USER, vendor_user)
    async with scoped_transaction(sessions, provider, vendor_user) as session:
        if not await session.scalar(select(PriceBookItem.id).limit(1)):
            for name, category, unit, price in PRICE_BOOK:
                row = PriceBookItemCreateInput(name=name, category=category, unit=unit, unit_price=Decimal(price), active=True)
                await book.create(session, provider, row)
        items = {i.name: i.id for i in await session.scalars(select(PriceBookItem))}
        await jobs.receive(session, provider, dispatch.id, values)
        job = await jobs.lock(session, dispatch.id)
        assert job is not None
        await jobs.move(session, job, JobStatus.ACCEPTED, vendor, None)
        await jobs.move(session, job, JobStatus.SCHEDULED, vendor, "Val comes at 9", visit)
        await visits.book(session, job, [vendor_user], visit, visit + timedelta(hours=2), "Bring the jetter", vendor_user)
        await jobs.move(session, job, JobStatus.IN_PROGRESS, vendor, None)
        await jobs.move(session, job, JobStatus.WORK_DONE, vendor, "Cleared a grease blockage 12 ft down; jetted the line")

        def line(name: str, quantity: str) -> SimpleNamespace:
            return SimpleNamespace(price_book_item_id=items[name], quantity=Decimal(quantity), description=None, unit_price=None)

        invoice_data = SimpleNamespace(
            invoice_number=f"ACE-{today:%y%m}-0417",
            invoice_date=today,
            due_date=today + timedelta(days=30),
            note="Laundry room floor drain: blockage cleared and line jetted",
            lines=[line("Service call", "1"), line("Drain clearing (snake)", "1"), line("Hydro-jetting", "1.5")],
        )
        invoice, priced = await invoices.submit(session, job, invoice_data, vendor_user)
        moves: list[dict[str, Any]] = [
            {"status": JobStatus.ACCEPTED.value},
            {"status": JobStatus.SCHEDULED.value, "scheduledFor": visit.isoformat()},
            {"status": JobStatus.IN_PROGRESS.value},
            {"status": JobStatus.WORK_DONE.value},
            {"invoice": invoices.event(invoice, priced)},
        ]

    async with scoped_transaction(sessions, org, None) as session:
        for event in moves:
            state = await dispatches.apply(session, dispatch.id, event, settings.invoice_approval_reminder_seconds)
        answer = state["invoice"]
    async with scoped_transaction(sessions, provider, None) as session:
        await invoices.answered(session, invoice.id, JobInvoiceStatus(answer["status"]), answer["code"], answer["note"])


async def _add_service_request(sessions: Any, org: UUID, provider: UUID, requester: UUID, vendor_user: UUID) -> None:
    """Ace offers plumbing and electrical work; Ivy's leaking water heater went to
    it, and Ace accepted, estimated, scheduled and finished it: written as the
    dispatch workflow and `job/v1/*` write each side (seeding runs no workflows),
    so it waits for Ivy to confirm it completed."""
    from types import SimpleNamespace

    from domains.jobs.models import JobActorKind, JobStatus
    from domains.jobs.service import estimates as job_estimates
    from domains.jobs.service import jobs
    from domains.service_requests.models import ServiceRequestActorKind
    from domains.service_requests.service import dispatches, offerings, requests
    from graph.db import scoped_transaction

    async with scoped_transaction(sessions, provider, None) as session:
        await offerings.set_(session, provider, ["Electrical", "Plumbing"])
    visit = datetime.combine(date.today() - timedelta(days=2), datetime.min.time(), UTC) + timedelta(hours=9)
    data = SimpleNamespace(
        title="Water heater leaking",
        description="A puddle under the water heater in the garage; the pilot light keeps going out.",
        address="48 Juniper Way, Springfield, OR 97477",
        category="Plumbing",
        preferred_dates=[visit.date(), visit.date() + timedelta(days=1)],
        document_ids=[],
        provider_organization_id=provider,
    )
    async with scoped_transaction(sessions, org, requester) as session:
        request = requests.draft(org, data, requester, requester)
        await requests.open_(session, request, (ServiceRequestActorKind.USER, requester))
        dispatch = await dispatches.send(session, request, provider, (ServiceRequestActorKind.USER, requester), start=False)
        assert dispatch is not None
        _, values = await dispatches.job_of(session, dispatch.id)
    lines = [
        SimpleNamespace(
            description="Drain, flush and inspect (hours)",
            quantity=Decimal("1.5"),
            unit_price=Decimal("110.00"),
            price_book_item_id=None,
        ),
        SimpleNamespace(
            description="Thermocouple and drain valve",
            quantity=Decimal("1"),
            unit_price=Decimal("48.00"),
            price_book_item_id=None,
        ),
    ]
    events: list[dict[str, Any]] = []
    async with scoped_transaction(sessions, provider, None) as session:
        await jobs.receive(session, provider, dispatch.id, values)
        job = await jobs.lock(session, dispatch.id)
        assert job is not None
        by = (JobActorKind.USER, vendor_user)
        await jobs.move(session, job, JobStatus.ACCEPTED, by, None)
        events.append({"status": "accepted"})
        estimate, priced = await job_estimates.submit(session, job, lines, "Parts in stock.", vendor_user)
        events.append({"estimate": job_estimates.event(estimate, priced)})
        await jobs.move(session, job, JobStatus.SCHEDULED, by, None, visit)
        events.append({"status": "scheduled", "scheduledFor": visit.isoformat()})
        await jobs.move(session, job, JobStatus.IN_PROGRESS, by, None)
        events.append({"status": "in_progress"})
        note = "New thermocouple and drain valve; tank flushed."
        await jobs.move(session, job, JobStatus.WORK_DONE, by, note)
        events.append({"status": "work_done", "note": note})
    for event in events:
        async with scoped_transaction(sessions, org, None) as session:
            await dispatches.apply(session, dispatch.id, event)


# --------------------------------------------------------------------------------------
# Associations at scale: row generation (pure Python, deterministic per association)
# --------------------------------------------------------------------------------------

COLUMNS: dict[str, tuple[str, ...]] = {  # in foreign-key order
    "associations": (
        "id", "organization_id", "code", "legal_name", "kind", "status", "region", "country", "tax_id",
        "fiscal_year_start_month", "accounting_basis", "master_association_id", "managing_organization_id",
    ),
    "units": (
        "id", "organization_id", "association_id", "unit_number", "building", "unit_type", "status", "street",
        "city", "region", "postal_code", "country", "square_feet", "voting_weight", "assessment_share",
    ),
    "emergency_contacts": ("id", "organization_id", "unit_id", "name", "relationship", "phone", "priority"),
    "parties": (
        "id", "organization_id", "kind", "name", "user_id", "delivery_preference", "electronic_consent_at", "mailing_address",
    ),
    "contact_points": ("id", "organization_id", "party_id", "kind", "value", "label", "is_primary"),
    "ownerships": ("id", "organization_id", "unit_id", "party_id", "interest", "starts_on", "ends_on", "is_primary"),
    "residents": ("id", "organization_id", "unit_id", "party_id", "kind", "moved_in_on", "moved_out_on"),
}  # fmt: skip


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


PLACE = _words(
    "Maple Aspen Birch Cedar Willow Oak Pine Magnolia Sycamore Juniper Cypress Hawthorn Laurel Alder Elm Spruce "
    "Chestnut Sage Heather Harbor Lake River Meadow Stone Silver Golden Eagle Falcon Fox Deer Quail Sunset Sunrise "
    "Highland Bay Canyon Mesa Prairie Coral Palm Mission Vista Brook Spring Cobble Windsor Hampton Kingston Ashford "
    "Bristol Chelsea Lexington Preston Waverly Carlisle Briar Heron Osprey Pelican Tamarack Linden Poplar Redwood"
)
PLACE_END = _words(
    "Grove Point Creek Ridge Park Commons Estates Village Heights Landing Crossing Hills Glen Hollow Terrace "
    "Gardens Place Square Shores Meadows Run Trace Woods Springs Bluff Court Harbor Station Vista Pointe"
)
STREET = _words(
    "Maple Oak Elm Cedar Birch Willow Aspen Hickory Walnut Laurel Magnolia Dogwood Juniper Spruce Poplar Hawthorn "
    "Sparrow Robin Cardinal Bluebird Finch Lark Wren Heron Meadowlark Ridge Valley Summit Canyon Brook Creek Spring "
    "Lakeview Hillcrest Sunset Sunrise Orchard Vineyard Harvest Prairie Meadow Stone Granite Slate Amber Copper"
)
STREET_SUFFIX = _words("Ln Dr Ct Way Cir Pl Trl Rd Loop Pass")
METROS = [  # city, region, ZIP prefix, area code
    ("Sacramento", "CA", "958", "916"), ("San Diego", "CA", "921", "619"), ("Irvine", "CA", "926", "949"),
    ("San Jose", "CA", "951", "408"), ("Phoenix", "AZ", "850", "602"), ("Scottsdale", "AZ", "852", "480"),
    ("Las Vegas", "NV", "891", "702"), ("Henderson", "NV", "890", "702"), ("Denver", "CO", "802", "303"),
    ("Aurora", "CO", "800", "720"), ("Austin", "TX", "787", "512"), ("Houston", "TX", "770", "713"),
    ("Plano", "TX", "750", "972"), ("Orlando", "FL", "328", "407"), ("Tampa", "FL", "336", "813"),
    ("Naples", "FL", "341", "239"), ("Boca Raton", "FL", "334", "561"), ("Atlanta", "GA", "303", "404"),
    ("Charlotte", "NC", "282", "704"), ("Raleigh", "NC", "276", "919"), ("Nashville", "TN", "372", "615"),
    ("Seattle", "WA", "981", "206"), ("Bellevue", "WA", "980", "425"), ("Portland", "OR", "972", "503"),
    ("Boise", "ID", "837", "208"), ("Salt Lake City", "UT", "841", "801"), ("Naperville", "IL", "605", "630"),
    ("Minneapolis", "MN", "554", "612"), ("Columbus", "OH", "432", "614"), ("Alexandria", "VA", "223", "703"),
    ("Richmond", "VA", "232", "804"), ("Boston", "MA", "021", "617"), ("Hoboken", "NJ", "070", "201"),
]  # fmt: skip
FIRST = _words(
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph "
    "Jessica Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Sandra Mark Margaret "
    "Donald Ashley Steven Kimberly Andrew Emily Paul Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Melissa "
    "George Deborah Timothy Stephanie Ronald Rebecca Jason Sharon Edward Laura Jeffrey Cynthia Ryan Dorothy Jacob "
    "Amy Gary Kathleen Nicholas Angela Eric Shirley Jonathan Emma Stephen Brenda Larry Pamela Justin Nicole Scott "
    "Anna Brandon Samantha Benjamin Katherine Samuel Christine Gregory Debra Alexander Rachel Priya Wei Mei Hiroshi "
    "Yuki Aisha Omar Fatima Carlos Sofia Diego Lucia Mateo Valentina Ahmed Leila Arjun Ananya Kwame Amara Nguyen Linh"
)
LAST = _words(
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson "
    "Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis "
    "Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera "
    "Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart "
    "Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim "
    "Cox Ward Richardson Watson Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo "
    "Sanders Patel Myers Long Ross Foster Jimenez Chen Wang Zhang Singh Kumar Okafor Haddad Kowalski Novak Schmidt"
)
COMPANY = (
    "Holdings LLC",
    "Properties LLC",
    "Investments LLC",
    "Realty Trust",
    "Family Trust",
    "Living Trust",
    "Capital Partners LP",
)
MAIL = ("example.com", "example.net", "example.org", "mail.example.com")
RELATIONSHIPS = ("neighbor", "sister", "brother", "daughter", "son", "friend", "parent", "caretaker")
KINDS = (("hoa", 0.55), ("condominium", 0.33), ("cooperative", 0.07), ("master", 0.05))
Q = 10**8  # NUMERIC(9,8): shares in hundred-millionths


def split_shares(weights: list[int]) -> list[Decimal]:
    """Fractions proportional to `weights`, each to 8 decimals, summing to exactly 1:
    every share is rounded down and the remainder goes to the last one."""
    total = sum(weights)
    parts = [w * Q // total for w in weights[:-1]]
    parts.append(Q - sum(parts))
    return [Decimal(p).scaleb(-8) for p in parts]


@dataclass
class Demo:
    """Users to link to parties of the first association generated."""

    owner: tuple[UUID, str, str] | None = None  # user id, display name, email
    tenant: tuple[UUID, str, str] | None = None
    index: int = -1  # the association they live in


@dataclass
class Batch:
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=lambda: {t: [] for t in COLUMNS})
    codes: list[str] = field(default_factory=list)


def _weighted(rng: random.Random, choices: tuple[tuple[str, float], ...]) -> str:
    x, acc = rng.random(), 0.0
    for value, weight in choices:
        acc += weight
        if x < acc:
            return value
    return choices[-1][0]


def _association_name(rng: random.Random, named: tuple[str, str] | None = None) -> tuple[str, str, str]:
    """(kind, place name, code initials) of association i, from its own random stream,
    unless `named` gives (place name, kind)."""
    kind = _weighted(rng, KINDS)
    a, b = rng.choice(PLACE), rng.choice(PLACE_END)
    if named is not None:
        place, kind = named
        a, b = [*place.split(), ""][:2]
        return kind, place, a[0] + b[:1]
    return kind, f"{a} {b}", a[0] + b[0]


def association_code(rng_seed: int, organization_id: UUID, index: int, named: tuple[str, str] | None = None) -> str:
    rng = _rng(rng_seed, organization_id, index)
    _kind, _place, initials = _association_name(rng, named)
    return f"{initials}{index + 1:03d}"


def _rng(rng_seed: int, organization_id: UUID, index: int) -> random.Random:
    return random.Random(f"{rng_seed}:{organization_id}:{index}")


class AssociationGenerator:
    """All rows of one association, appended to a batch."""

    def __init__(
        self,
        batch: Batch,
        org: UUID,
        managing: UUID | None,
        index: int,
        units: int,
        rng_seed: int,
        today: date,
        named: tuple[str, str] | None = None,
    ) -> None:
        self.named = named
        self.rows = batch.rows
        self.org = org
        self.managing = managing
        self.index = index
        self.units = units
        self.rng = _rng(rng_seed, org, index)
        self.today = today
        self.batch = batch

    def uid(self) -> UUID:
        return UUID(int=self.rng.getrandbits(128), version=4)

    def day_between(self, start: date, end: date) -> date:
        span = (end - start).days
        return start + timedelta(days=self.rng.randint(0, max(span, 0)))

    # ---- parties --------------------------------------------------------------------

    def phone(self) -> str:
        return f"+1{self.area}555{self.rng.randint(100, 199):04d}"

    def party(
        self,
        name: str,
        *,
        kind: str = "person",
        user_id: UUID | None = None,
        email: str | None = None,
        mailing: str | None = None,
    ) -> UUID:
        rng = self.rng
        pid = self.uid()
        pref = _weighted(rng, (("electronic", 0.45), ("both", 0.2), ("postal", 0.35)))
        consent = None
        if pref != "postal":
            consent = datetime(2015, 1, 1, 9, tzinfo=UTC) + timedelta(minutes=rng.randint(0, 5_500_000))
        self.rows["parties"].append((pid, self.org, kind, name, user_id, pref, consent, mailing))
        slug = "".join(ch for ch in name.lower().replace(" ", ".") if ch.isalnum() or ch == ".")
        email = email or f"{slug}{rng.randint(1, 99)}@{rng.choice(MAIL)}"
        which = rng.random()
        points = []
        if which < 0.9 or user_id is not None:
            points.append(("email", email, rng.choice(("home", "work", None)) if kind == "person" else "office"))
        if which >= 0.3 or not points:
            points.append(("phone", self.phone(), rng.choice(("mobile", "home", "mobile")) if kind == "person" else "office"))
        for cp_kind, value, label in points:
            self.rows["contact_points"].append((self.uid(), self.org, pid, cp_kind, value, label, True))
        return pid

    def person(self, last: str | None = None, **kw: Any) -> tuple[UUID, str]:
        last = last or self.rng.choice(LAST)
        return self.party(f"{self.rng.choice(FIRST)} {last}", **kw), last

    def mailing_address(self) -> str:
        city, region, zip3, _area = self.rng.choice(METROS)
        street = f"{self.rng.randint(10, 9899)} {self.rng.choice(STREET)} {self.rng.choice(STREET_SUFFIX)}"
        return f"{street}\n{city}, {region} {zip3}{self.rng.randint(0, 99):02d}"

    # ---- the association ------------------------------------------------------------

    def generate(self, demo: Demo, masters: dict[int, UUID]) -> str:
        rng = self.rng
        kind, place, initials = _association_name(rng, self.named)
        code = f"{initials}{self.index + 1:03d}"
        city, region, zip3, area = rng.choice(METROS)
        self.area = area
        suffix = {
            "hoa": rng.choice(("Homeowners Association, Inc.", "Community Association, Inc.", "Owners Association")),
            "condominium": rng.choice(("Condominium Association, Inc.", "Condominium Owners Association")),
            "cooperative": rng.choice(("Housing Cooperative, Inc.", "Owners Corp.")),
            "master": "Master Association, Inc.",
        }[kind]
        aid = self.uid()
        # A master association takes the next few HOAs of the same batch under it.
        master = next((m for i, m in masters.items() if 0 < self.index - i <= 3), None) if kind == "hoa" else None
        if kind == "master":
            masters[self.index] = aid
        status = "onboarding" if rng.random() < 0.03 else "active"
        # One in ten has no tax id on file — never an organization's own association (Maple Grove, Cedar
        # Point), whose board the demo shows it to; its random draw is made all the same, so the rest
        # of the stream doesn't move.
        has_tax_id = rng.random() < 0.9 or self.named is not None
        tax_id = f"{rng.randint(10, 99)}-{rng.randint(0, 9_999_999):07d}" if has_tax_id else None
        self.rows["associations"].append(
            (
                aid,
                self.org,
                code,
                f"{place} {suffix}",
                kind,
                status,
                region,
                "US",
                tax_id,
                rng.choice((1, 1, 1, 1, 7, 10)),
                "cash" if rng.random() < 0.2 else "accrual",
                master,
                self.managing,
            )
        )
        self.batch.codes.append(code)
        units = self.units_of(kind, place, city, region, zip3)
        areas = [u[4] for u in units]
        assessment = split_shares(areas)
        voting = split_shares([1] * len(units)) if kind in ("hoa", "master") else assessment
        for k, (number, building, utype, street, sqft) in enumerate(units):
            uid = self.uid()
            self.rows["units"].append(
                (
                    uid,
                    self.org,
                    aid,
                    number,
                    building,
                    utype,
                    "active",
                    street,
                    city,
                    region,
                    f"{zip3}{rng.randint(0, 99):02d}",
                    "US",
                    sqft,
                    voting[k],
                    assessment[k],
                )
            )
            self.people_of(uid, k, utype, demo if self.index == demo.index else None)
        return code

    def units_of(self, kind: str, place: str, city: str, region: str, zip3: str) -> list[tuple[str, str | None, str, str, int]]:
        """(number, building, type, street, square feet) of each unit."""
        rng, n = self.rng, self.units
        out: list[tuple[str, str | None, str, str, int]] = []
        if kind in ("hoa", "master"):
            streets = [f"{s} {rng.choice(STREET_SUFFIX)}" for s in rng.sample(STREET, min(len(STREET), max(1, n // 25 + 1)))]
            townhomes = rng.random() < 0.25
            house: dict[str, int] = {s: rng.randint(1, 40) * 10 for s in streets}
            for k in range(n):
                street = streets[k % len(streets)]
                house[street] += rng.choice((2, 4, 6))
                utype = "townhome" if townhomes and rng.random() < 0.6 else "single_family"
                sqft = int(rng.gauss(2400, 550)) if utype == "single_family" else int(rng.gauss(1600, 250))
                out.append((str(k + 1), None, utype, f"{house[street]} {street}", max(sqft, 700)))
            return out
        # Condominiums and co-ops: buildings with floors; condos also sell parking and storage.
        base = f"{rng.randint(100, 9800)} {rng.choice(STREET)} {rng.choice(('St', 'Ave', 'Blvd', 'Way'))}"
        extras = 0 if kind == "cooperative" or n < 20 else n // 12
        commercial = 1 if kind == "condominium" and n >= 30 and rng.random() < 0.3 else 0
        homes = n - extras - commercial
        buildings = max(1, -(-homes // 48))
        per_floor = rng.randint(6, 10)
        for k in range(homes):
            b, j = divmod(k, -(-homes // buildings))
            floor, slot = divmod(j, per_floor)
            letter = chr(ord("A") + b)
            apartment = f"{floor + 2}{chr(ord('A') + slot)}" if kind == "cooperative" else f"{floor + 1}{slot + 1:02d}"
            number = f"{letter}-{apartment}" if buildings > 1 else apartment
            sqft = max(420, int(rng.gauss(1050, 260)))
            out.append((number, f"Building {letter}" if buildings > 1 else None, "condo", f"{base}, Unit {number}", sqft))
        out.extend(
            (f"C-{c + 1}", None, "commercial", f"{base}, Suite C-{c + 1}", rng.randint(900, 3500)) for c in range(commercial)
        )
        for e in range(extras):
            if e % 3 == 2:
                out.append((f"S-{e // 3 + 1}", None, "storage", f"{base}, Storage S-{e // 3 + 1}", rng.randint(40, 120)))
            else:
                out.append((f"P-{e - e // 3 + 1}", None, "parking", f"{base}, Parking P-{e - e // 3 + 1}", rng.randint(150, 200)))
        return out

    # ---- owners, residents, emergency contacts of one unit -----------------------------

    def own(self, unit: UUID, party: UUID, interest: Decimal, starts: date, ends: date | None, primary: bool) -> None:
        self.rows["ownerships"].append((self.uid(), self.org, unit, party, interest, starts, ends, primary))

    def live(self, unit: UUID, party: UUID, kind: str, moved_in: date, moved_out: date | None = None) -> None:
        self.rows["residents"].append((self.uid(), self.org, unit, party, kind, moved_in, moved_out))

    def people_of(self, unit: UUID, k: int, utype: str, demo: Demo | None) -> None:
        rng, today = self.rng, self.today
        if demo is not None and demo.owner is not None and k < 2:
            self.demo_unit(unit, k, demo)
            return
        starts = self.day_between(date(1996, 1, 1), today - timedelta(days=45))
        history = rng.random() < 0.2 and starts > date(2001, 1, 1)
        company = rng.random() < (0.04 if utype not in ("parking", "storage", "commercial") else 0.3)
        lived_in = not company and utype not in ("parking", "storage", "commercial")
        occupied_by_owner = lived_in and rng.random() < 0.75
        mailing = None if occupied_by_owner else self.mailing_address()
        if company:
            owners = [
                self.party(f"{rng.choice(PLACE)} {rng.choice(LAST)} {rng.choice(COMPANY)}", kind="company", mailing=mailing)
            ]
        else:
            first, last = self.person(mailing=mailing)
            owners = [first]
            if rng.random() < 0.5:  # a couple; usually one family name
                owners.append(self.person(last if rng.random() < 0.7 else None, mailing=mailing)[0])
        share = Decimal(1) if len(owners) == 1 else Decimal("0.5")
        for i, party in enumerate(owners):
            self.own(unit, party, share, starts, None, i == 0)
        if history:  # the seller(s): an ownership that ended the day the current one started
            before = self.day_between(max(date(1985, 1, 1), starts - timedelta(days=365 * 15)), starts - timedelta(days=400))
            sellers = [self.person()[0] for _ in range(1 if rng.random() < 0.6 else 2)]
            for i, party in enumerate(sellers):
                self.own(unit, party, Decimal(1) / len(sellers), before, starts, i == 0)
                if lived_in and rng.random() < 0.6:
                    self.live(unit, party, "owner", before, starts)
        if occupied_by_owner:
            for party in owners:
                self.live(unit, party, "owner", starts)
            if rng.random() < 0.15:
                self.live(unit, self.person()[0], "household_member", self.day_between(starts, today))
        elif lived_in:
            lease = self.day_between(max(starts, today - timedelta(days=5 * 365)), today - timedelta(days=1))
            tenant, last = self.person()
            self.live(unit, tenant, "tenant", lease)
            if rng.random() < 0.3:
                self.live(unit, self.person(last)[0], "tenant", lease)
        if lived_in and rng.random() < 0.08:
            for priority in range(1, rng.choice((2, 3))):
                self.rows["emergency_contacts"].append(
                    (
                        self.uid(),
                        self.org,
                        unit,
                        f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                        rng.choice(RELATIONSHIPS),
                        self.phone(),
                        priority,
                    )
                )

    def demo_unit(self, unit: UUID, k: int, demo: Demo) -> None:
        """The demo homeowner lives in the first unit and rents the second to the demo tenant."""
        assert demo.owner is not None
        starts = date(2019, 6, 14)
        if k == 0:
            user_id, name, email = demo.owner
            self.demo_owner_party = self.party(name, user_id=user_id, email=email)
            self.own(unit, self.demo_owner_party, Decimal(1), starts, None, True)
            self.live(unit, self.demo_owner_party, "owner", starts)
            self.rows["emergency_contacts"].append((self.uid(), self.org, unit, "Jordan Homeowner", "sister", self.phone(), 1))
            return
        self.own(unit, self.demo_owner_party, Decimal(1), date(2021, 3, 1), None, True)
        if demo.tenant is not None:
            user_id, name, email = demo.tenant
            self.live(unit, self.party(name, user_id=user_id, email=email), "tenant", date(2024, 8, 1))


def generate_batch(
    org: UUID,
    managing: UUID | None,
    indexes: list[int],
    units: int,
    rng_seed: int,
    today: date,
    demo: Demo,
    named: tuple[str, str] | None = None,
) -> Batch:
    batch = Batch()
    masters: dict[int, UUID] = {}
    for i in indexes:
        AssociationGenerator(batch, org, managing, i, units, rng_seed, today, named).generate(demo, masters)
    return batch


# --------------------------------------------------------------------------------------
# Associations at scale: writing (owner role)
# --------------------------------------------------------------------------------------


@dataclass
class SeedReport:
    organization_id: UUID
    organization_name: str
    requested: int
    created: int
    skipped: int
    rows: dict[str, int]
    seconds: float
    method: str


async def _owner_connection(settings: Settings) -> asyncpg.Connection:
    import asyncpg

    from graph.db import libpq_url

    return await asyncpg.connect(libpq_url(settings.database_url.get_secret_value()))


async def _write(conn: asyncpg.Connection, batch: Batch, org: UUID, copy: bool) -> None:
    async with conn.transaction():
        if not copy:  # RLS applies to this role: state the scope, as the application does
            await conn.execute("SELECT set_config('app.org_id', $1, true)", str(org))
        for table, cols in COLUMNS.items():
            rows = batch.rows[table]
            if not rows:
                continue
            if copy:
                await conn.copy_records_to_table(table, records=rows, columns=cols)
            else:
                marks = ", ".join(f"${i + 1}" for i in range(len(cols)))
                await conn.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", rows)


async def seed_associations(
    settings: Settings,
    organization_id: UUID,
    associations: int,
    units: int,
    *,
    rng_seed: int = RANDOM_SEED,
    demo: Demo | None = None,
    progress: bool = False,
    named: tuple[str, str] | None = None,
) -> SeedReport:
    """`associations` × `units` into the organization (see the module docstring);
    `named` = (place name, kind) names them all alike (one association, in practice)."""
    started = time.perf_counter()
    conn = await _owner_connection(settings)
    try:
        org = await conn.fetchrow("SELECT name, type::text AS type FROM organizations WHERE id = $1", organization_id)
        if org is None:
            raise SystemExit(f"No organization {organization_id}.")
        if org["type"] not in ("association", "management_company"):
            raise SystemExit(
                f"{org['name']} is a {org['type']}: only association and management-company organizations hold associations."
            )
        managing = organization_id if org["type"] == "management_company" else None
        copy = bool(await conn.fetchval("SELECT rolbypassrls OR rolsuper FROM pg_roles WHERE rolname = current_user"))
        existing = {
            r["code"] for r in await conn.fetch("SELECT code FROM associations WHERE organization_id = $1", organization_id)
        }
        todo = [i for i in range(associations) if association_code(rng_seed, organization_id, i, named) not in existing]
        demo = demo or Demo()
        linked = {
            r["user_id"]
            for r in await conn.fetch(
                "SELECT user_id FROM parties WHERE organization_id = $1 AND user_id IS NOT NULL", organization_id
            )
        }
        if demo.owner is not None and (demo.owner[0] in linked or units < 1 or not todo):
            demo.owner = None
        if demo.tenant is not None and (demo.tenant[0] in linked or demo.owner is None or units < 2):
            demo.tenant = None
        demo.index = todo[0] if todo else -1
        per_batch = max(1, BATCH_UNITS // max(units, 1))
        chunks = [todo[i : i + per_batch] for i in range(0, len(todo), per_batch)]
        today = date.today()
        totals = dict.fromkeys(COLUMNS, 0)

        def make(chunk: list[int]) -> Batch:
            return generate_batch(organization_id, managing, chunk, units, rng_seed, today, demo, named)

        # One thread generates batches in order while WRITERS connections write them:
        # Postgres (index and foreign-key checks) gets both cores of a small machine.
        queue: asyncio.Queue[Batch | None] = asyncio.Queue(maxsize=WRITERS)
        done = 0

        async def produce() -> None:
            for chunk in chunks:
                await queue.put(await asyncio.to_thread(make, chunk))
            for _ in range(WRITERS):
                await queue.put(None)

        async def write(writer: asyncpg.Connection) -> None:
            nonlocal done
            while (batch := await queue.get()) is not None:
                await _write(writer, batch, organization_id, copy)
                for t in COLUMNS:
                    totals[t] += len(batch.rows[t])
                done += len(batch.codes)
                if progress and len(chunks) > 1:
                    print(f"\r  {done}/{len(todo)} associations, {time.perf_counter() - started:.1f} s", end="", flush=True)

        writers = [conn, *[await _owner_connection(settings) for _ in range(min(WRITERS, len(chunks)) - 1)]]
        try:
            tasks = [asyncio.ensure_future(produce()), *(asyncio.ensure_future(write(w)) for w in writers)]
            try:
                await asyncio.gather(*tasks)
            except BaseException:
                for task in tasks:
                    task.cancel()
                raise
        finally:
            for w in writers[1:]:
                await w.close()
        if progress and len(chunks) > 1:
            print()
        if todo:
            await conn.execute(f"ANALYZE {', '.join(COLUMNS)}")
        return SeedReport(
            organization_id,
            org["name"],
            associations,
            len(todo),
            associations - len(todo),
            totals,
            time.perf_counter() - started,
            "COPY" if copy else "INSERT",
        )
    finally:
        await conn.close()


# --------------------------------------------------------------------------------------
# `hestami seed`
# --------------------------------------------------------------------------------------


def parse_organization(value: str) -> UUID:
    """A public id (`org_…`) or a raw UUID."""
    from graph.ids import decode_as

    try:
        return decode_as("org", value) if value.startswith("org_") else UUID(value)
    except ValueError:
        raise SystemExit(f"--organization: {value!r} is neither an org_… id nor a UUID.") from None


async def start_workflows(settings: Settings) -> int:
    """Start the workflows of the work the seed wrote in the demo logins'
    organizations (open work orders, their dispatches, homeowners' dispatches):
    the seed writes rows as those workflows would have, without DBOS, so a demo
    user's next move — approving an estimate, a provider's answer — finds a
    workflow to tell. Each reads where its row stands when it starts. A start
    under an id that has a workflow joins it: seeding again starts nothing twice.
    Needs DBOS launched; workflows left waiting when this process ends are
    recovered by the server. Returns how many were started or joined."""
    from dbos import DBOS, SetWorkflowID

    from domains.service_requests.service import dispatches as homeowner_dispatches
    from domains.work_orders.service import dispatches, lifecycle
    from graph.durable import WORKFLOWS

    # (the workflow, its rows still running in organizations $1, whose ended statuses are $2)
    running = (
        (
            lifecycle.WORKFLOW,
            "SELECT organization_id, id, workflow_id FROM work_orders "
            "WHERE organization_id = ANY($1) AND NOT status::text = ANY($2)",
            lifecycle.TERMINAL,
        ),
        (
            dispatches.WORKFLOW,
            "SELECT organization_id, id, workflow_id FROM work_order_dispatches "
            "WHERE organization_id = ANY($1) AND NOT status::text = ANY($2) AND invoice_id IS NULL",
            dispatches.ENDED,
        ),
        (
            homeowner_dispatches.WORKFLOW,
            "SELECT d.organization_id, d.id, d.workflow_id FROM service_request_dispatches d "
            "WHERE d.organization_id = ANY($1) AND NOT d.status::text = ANY($2) AND NOT EXISTS "
            "(SELECT 1 FROM service_request_invoices i WHERE i.organization_id = d.organization_id AND i.dispatch_id = d.id)",
            homeowner_dispatches.ENDED,
        ),
    )
    owner = await _owner_connection(settings)
    try:
        demo = [
            r["organization_id"]
            for r in await owner.fetch(
                "SELECT DISTINCT m.organization_id FROM memberships m JOIN users u ON u.id = m.user_id "
                "WHERE lower(u.email) = ANY($1)",
                [email.lower() for email, _, _ in PEOPLE],
            )
        ]
        started = 0
        for name, query, ended in running:
            for row in await owner.fetch(query, demo, [s.value for s in ended]):
                with SetWorkflowID(row["workflow_id"]):
                    await DBOS.start_workflow_async(WORKFLOWS[name], str(row["organization_id"]), str(row["id"]))
                started += 1
        return started
    finally:
        await owner.close()


async def seed(
    settings: Settings,
    *,
    associations: int = DEMO_ASSOCIATIONS,
    units: int = DEMO_UNITS,
    organization: str | None = None,
    rng_seed: int = RANDOM_SEED,
) -> SeedReport | None:
    from graph.ids import encode

    owner = await _owner_connection(settings)
    try:
        users, org_ids, added = await ensure_demo_logins(settings, owner)
        print("Demo logins loaded." if added else "Demo logins already loaded.")
        target = parse_organization(organization) if organization else org_ids[MANAGER]
        target_name = await owner.fetchval("SELECT name FROM organizations WHERE id = $1", target)
        if target_name is None:
            raise SystemExit(f"--organization: no organization {organization}.")
        members = {r["user_id"] for r in await owner.fetch("SELECT user_id FROM memberships WHERE organization_id = $1", target)}
        names = {email: name for email, name, _ in PEOPLE}
        demo = Demo(
            owner=(users[OWNER_LOGIN], names[OWNER_LOGIN], OWNER_LOGIN) if users[OWNER_LOGIN] in members else None,
            tenant=(users[TENANT_LOGIN], names[TENANT_LOGIN], TENANT_LOGIN) if users[TENANT_LOGIN] in members else None,
        )
        report = None
        if associations > 0:
            report = await seed_associations(settings, target, associations, units, rng_seed=rng_seed, demo=demo, progress=True)
            rows = ", ".join(f"{n:,} {t.replace('_', ' ')}" for t, n in report.rows.items())
            print(
                f"Associations in {report.organization_name} ({encode('org', target)}): "
                f"{report.created} of {report.requested} × {units} units added, {report.skipped} already there"
                + (f"; {rows}; {report.seconds:.1f} s ({report.method})" if report.created else "")
                + "."
            )
        # After the management company's associations: their books are part of it.
        world = await ensure_demo_world(settings, owner, org_ids, rng_seed, users)
        print(f"Demo world (own associations, books, vendor): {world} added." if world else "Demo world already there.")
        mine = await owner.fetch(
            """SELECT u.email, a.code, un.unit_number, x.how FROM (
                   SELECT p.user_id, o.unit_id, 'owns' AS how FROM parties p JOIN ownerships o
                     ON o.organization_id = p.organization_id AND o.party_id = p.id
                    WHERE o.starts_on <= current_date AND (o.ends_on IS NULL OR o.ends_on > current_date)
                      AND p.organization_id = $1 AND p.user_id IS NOT NULL
                   UNION ALL
                   SELECT p.user_id, r.unit_id, 'rents' FROM parties p JOIN residents r
                     ON r.organization_id = p.organization_id AND r.party_id = p.id
                    WHERE r.kind = 'tenant' AND r.moved_in_on <= current_date
                      AND (r.moved_out_on IS NULL OR r.moved_out_on > current_date)
                      AND p.organization_id = $1 AND p.user_id IS NOT NULL) x
                 JOIN users u ON u.id = x.user_id
                 JOIN units un ON un.organization_id = $1 AND un.id = x.unit_id
                 JOIN associations a ON a.organization_id = $1 AND a.id = un.association_id
                ORDER BY u.email, a.code, un.unit_number""",
            target,
        )
    finally:
        await owner.close()
    units_of: dict[str, list[str]] = {}
    for r in mine:
        units_of.setdefault(r["email"], []).append(f"{r['how']} {r['code']} unit {r['unit_number']}")
    print(f"\nDemo logins (password for all: {PASSWORD}):")
    for email, _, roles in PEOPLE:
        where = ", ".join(f"{org} ({'/'.join(r)})" for org, r in roles.items())
        print(f"  {email:<36} {where}")
        print(f"  {'':<36}   try: {TRY[email]}")
        if email in units_of:
            print(f"  {'':<36}   {'; '.join(units_of[email])} — viewer {{ myUnits }} after selecting {target_name}")
    print(f"\nGraphiQL: http://{settings.host}:{settings.port}/graphql  ·  OpenAPI: /api/v1/openapi.json\n")
    return report
