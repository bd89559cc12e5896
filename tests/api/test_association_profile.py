"""The small operation proving the machinery: read and save an association profile."""

from __future__ import annotations

import uuid

PROFILE = {"legalName": "Maple Grove Homeowners Association, Inc.", "taxId": "12-3456789", "fiscalYearStartMonth": 7, "accountingBasis": "accrual"}


async def test_profile_round_trip_and_audit(api) -> None:  # type: ignore[no-untyped-def]
    admin, org = await api.admin_of_new_org()
    assert (await api.rpc("associationProfile/v1/get", token=admin.token)).json() is None
    saved = await api.rpc("associationProfile/v1/update", PROFILE, token=admin.token, key=uuid.uuid4().hex)
    assert saved.status_code == 200, saved.text
    assert {k: saved.json()[k] for k in PROFILE} == PROFILE and saved.json()["organizationId"] == org
    body = await api.gql("{ associationProfile { legalName fiscalYearStartMonth accountingBasis } }", token=admin.token)
    assert body["data"]["associationProfile"] == {"legalName": PROFILE["legalName"], "fiscalYearStartMonth": 7, "accountingBasis": "ACCRUAL"}
    changed = await api.rpc("associationProfile/v1/update", PROFILE | {"fiscalYearStartMonth": 1}, token=admin.token, key=uuid.uuid4().hex)
    assert changed.json()["fiscalYearStartMonth"] == 1
    audit = await api.gql('{ auditEvents(first: 5, operation: "associationProfile/v1/update") { nodes { summary actorKind } } }', token=admin.token)
    newest = audit["data"]["auditEvents"]["nodes"][0]
    assert newest["summary"]["changed"] == {"fiscal_year_start_month": {"from": "7", "to": "1"}}


async def test_bad_input_is_refused_and_nothing_is_written(api) -> None:  # type: ignore[no-untyped-def]
    admin, _ = await api.admin_of_new_org()
    for bad in ({**PROFILE, "fiscalYearStartMonth": 13}, {**PROFILE, "taxId": "123"}, {**PROFILE, "legalName": ""}, {**PROFILE, "extra": 1}):
        r = await api.rpc("associationProfile/v1/update", bad, token=admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED", r.text
    assert (await api.rpc("associationProfile/v1/get", token=admin.token)).json() is None


async def test_only_associations_have_profiles(api) -> None:  # type: ignore[no-untyped-def]
    admin, _ = await api.admin_of_new_org("management_company")
    r = await api.rpc("associationProfile/v1/update", PROFILE, token=admin.token, key=uuid.uuid4().hex)
    assert r.status_code == 422 and r.json()["error"]["code"] == "NOT_AN_ASSOCIATION"


async def test_a_plain_member_may_read_but_not_update(api) -> None:  # type: ignore[no-untyped-def]
    admin, org = await api.admin_of_new_org()
    member, _ = await api.add_member(admin, ["member"])
    await api.select(member, org)
    assert (await api.rpc("associationProfile/v1/get", token=member.token)).status_code == 200
    r = await api.rpc("associationProfile/v1/update", PROFILE, token=member.token, key=uuid.uuid4().hex)
    assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"


async def test_audit_chain_detects_tampering(api, settings) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from graph.db import create_engine, session_factory

    admin, org = await api.admin_of_new_org()
    for month in (2, 3, 4):
        r = await api.rpc("associationProfile/v1/update", PROFILE | {"fiscalYearStartMonth": month}, token=admin.token, key=uuid.uuid4().hex)
        assert r.status_code == 200
    verify = "{ auditChainVerify { checked intact firstBrokenAt } }"
    body = await api.gql(verify, token=admin.token)
    assert body["data"]["auditChainVerify"] == {"checked": 5, "intact": True, "firstBrokenAt": None}, body
    # Someone with the owner's credentials edits the third event behind the API's back.
    from graph.ids import decode

    owner = create_engine(settings.database_url.get_secret_value(), settings, pool_size=1)
    try:
        async with session_factory(owner)() as s, s.begin():
            await s.execute(
                text("UPDATE audit_events SET summary = '{}'::jsonb WHERE organization_id = :o AND chain_seq = 3"),
                {"o": decode(org)[1]},
            )
    finally:
        await owner.dispose()
    body = await api.gql(verify, token=admin.token)
    assert body["data"]["auditChainVerify"] == {"checked": 5, "intact": False, "firstBrokenAt": 3}
