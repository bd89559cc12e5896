"""Demo data for `make run`: a management company running two associations, a
vendor, and people with different roles. Idempotent: a second run changes nothing."""

from __future__ import annotations

from graph.db import create_engine, new_id, scoped_transaction, session_factory
from graph.settings import Settings

PASSWORD = "hestami-demo-2026"

PEOPLE = [
    ("alex.admin@demo.hestami.app", "Alex Admin", {"Summit Property Management": ["admin"], "Maple Grove HOA": ["admin"], "Cedar Point Condominiums": ["admin"]}),
    ("morgan.manager@demo.hestami.app", "Morgan Manager", {"Summit Property Management": ["member"], "Maple Grove HOA": ["manager"], "Cedar Point Condominiums": ["manager"]}),
    ("bailey.board@demo.hestami.app", "Bailey Board", {"Maple Grove HOA": ["board_member"]}),
    ("harper.homeowner@demo.hestami.app", "Harper Homeowner", {"Maple Grove HOA": ["member"]}),
    ("val.vendor@demo.hestami.app", "Val Vendor", {"Ace Plumbing & Drain": ["admin"]}),
]
ORGANIZATIONS = [
    ("Summit Property Management", "management_company"),
    ("Maple Grove HOA", "association"),
    ("Cedar Point Condominiums", "association"),
    ("Ace Plumbing & Drain", "service_provider"),
]


async def seed(settings: Settings) -> None:
    from domains.identity import service as identity
    from domains.organizations import service as orgs
    from domains.organizations.models import Membership, OrganizationType

    engine = create_engine(settings.app_url(), settings, pool_size=2)
    sessions = session_factory(engine)
    founder, *_ = PEOPLE
    try:
        async with scoped_transaction(sessions, None, None) as session:
            existing = await identity.find_by_email(session, founder[0])
        if existing is not None:
            print("Demo data already loaded.")
        else:
            users = {}
            for email, name, _ in PEOPLE:
                user_id = new_id()
                async with scoped_transaction(sessions, None, user_id) as session:
                    users[email] = await identity.register(session, email, name, PASSWORD, user_id=user_id)
            org_ids = {}
            for name, kind in ORGANIZATIONS:
                org_id = new_id()
                owner = next(u for e, _, roles in PEOPLE if name in roles and "admin" in roles[name] for u in [users[e]])
                async with scoped_transaction(sessions, org_id, owner.id) as session:
                    await orgs.create_organization(session, org_id, OrganizationType(kind), name, owner.id)
                    for email, _, roles in PEOPLE:
                        if name in roles and users[email].id != owner.id:
                            session.add(Membership(organization_id=org_id, user_id=users[email].id, roles=roles[name]))
                org_ids[name] = org_id
            manager = org_ids["Summit Property Management"]
            for association in ("Maple Grove HOA", "Cedar Point Condominiums"):
                async with scoped_transaction(sessions, org_ids[association], None) as session:
                    await orgs.link_manager(session, org_ids[association], manager)
            print("Demo data loaded.")
    finally:
        await engine.dispose()
    print(f"\nDemo logins (password for all: {PASSWORD}):")
    for email, _, roles in PEOPLE:
        where = ", ".join(f"{org} ({'/'.join(r)})" for org, r in roles.items())
        print(f"  {email:<36} {where}")
    print(f"\nGraphiQL: http://{settings.host}:{settings.port}/graphql  ·  OpenAPI: /api/v1/openapi.json\n")
