"""Jurisdiction rules: versioned statutes with citations, an association's
effective rules (its state's, else the default, made stricter by its governing
documents) and overrides that may never be looser than the statute."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from tests.associations import community
from tests.associations.community import ASSOCIATION

# The statutes seeded by migration 0010, the compliance calendar's by 0016 and 0021, the meetings' by 0019,
# the 1099-NEC threshold by 0037.
DATA_FILES = [
    Path(__file__).parents[2] / "migrations" / "data" / name
    for name in (
        "0010_jurisdiction_rules.json",
        "0016_compliance_rules.json",
        "0019_meeting_rules.json",
        "0021_compliance_rules.json",
        "0022_records_rules.json",
        "0030_collection_rules.json",
        "0037_interest_and_1099.json",
    )
]


def seeded_rules() -> list[dict[str, Any]]:
    return [r for path in DATA_FILES for r in json.loads(path.read_text())["rules"]]


AUDIT = "query($op: String!) { auditEvents(first: 10, operation: $op) { nodes { summary targetIds } } }"


def _by_key(rules: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["key"]: r for r in rules}


async def _association(api, admin, region: str, country: str = "US") -> str:
    body = ASSOCIATION | {"code": uuid.uuid4().hex[:8].upper(), "region": region, "country": country}
    return (await api.call("association/v1/create", body, admin))["id"]


async def test_every_seeded_rule_is_readable_with_its_citation(api) -> None:
    admin, _ = await api.admin_of_new_org()
    seeded = seeded_rules()
    read = []
    for jurisdiction in sorted({r["jurisdiction"] for r in seeded}):
        body = {"jurisdiction": jurisdiction, "asOf": "2030-01-01", "includeHistory": True}
        read += (await api.call("jurisdictionRule/v1/list", body, admin))["rules"]
    assert sorted((r["jurisdiction"], r["key"], r["effectiveOn"], r["citation"]) for r in read) == sorted(
        (r["jurisdiction"], r["key"], r["effective_on"], r["citation"]) for r in seeded
    )


async def test_versions_resolve_by_date(api) -> None:
    admin, _ = await api.admin_of_new_org()

    async def solar(as_of: str, history: bool = False) -> list[dict[str, Any]]:
        body = {"jurisdiction": "US-CA", "asOf": as_of, "includeHistory": history}
        rules = (await api.call("jurisdictionRule/v1/list", body, admin))["rules"]
        return [r for r in rules if r["key"] == "solar_arc_decision_days"]

    # CA Civil Code §714 went from 60 to 45 days on 2015-01-01.
    assert [(r["days"], r["supersededOn"]) for r in await solar("2014-12-31")] == [(60, None)]
    assert [(r["days"], r["supersededOn"]) for r in await solar("2015-01-01")] == [(45, None)]
    assert [(r["days"], r["supersededOn"]) for r in await solar("2020-06-01", history=True)] == [
        (60, "2015-01-01"),
        (45, None),
    ]
    assert await solar("2008-12-31") == []
    rule = (await solar("2020-06-01"))[0]
    assert (rule["kind"], rule["stricter"], rule["jurisdiction"]) == ("days", "fewer", "US-CA")
    assert "§714" in rule["citation"] and rule["effectiveOn"] == "2015-01-01"

    association = await _association(api, admin, "CA")
    before = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": association, "asOf": "2014-06-01"}, admin))["rules"])
    after = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": association, "asOf": "2016-06-01"}, admin))["rules"])
    assert (before["solar_arc_decision_days"]["days"], after["solar_arc_decision_days"]["days"]) == (60, 45)


async def test_effective_rules_follow_the_region_and_fall_back_to_the_default(api) -> None:
    admin, _ = await api.admin_of_new_org()
    expected = {"CA": ("US-CA", 10), "FL": ("US-FL", 14), "TX": ("US-TX", 10), "WA": ("default", 10)}
    for region, (jurisdiction, notice_days) in expected.items():
        association = await _association(api, admin, region)
        result = await api.call("jurisdictionRule/v1/effective", {"id": association}, admin)
        rules = _by_key(result["rules"])
        assert (result["jurisdiction"], result["associationId"]) == (jurisdiction, association)
        assert rules["hearing_notice_days"]["days"] == notice_days, region
        # Every key resolves everywhere: the jurisdiction's own rule or the default's.
        assert set(rules) == {r["key"] for r in seeded_rules() if r["jurisdiction"] == "default"}
        for rule in rules.values():
            want = "default" if rule["statute"]["jurisdiction"] == "default" else "statute"
            assert rule["source"] == want and rule["citation"] == rule["statute"]["citation"]

    tx = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": await _association(api, admin, "TX")}, admin))["rules"])
    assert (
        tx["notice_delivery_methods"]["methods"] == ["certified_mail"] and "209.006" in tx["notice_delivery_methods"]["citation"]
    )
    assert tx["arc_decision_days"]["source"] == "default"
    fl = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": await _association(api, admin, "FL")}, admin))["rules"])
    assert fl["hearing_decision_delivery_days"]["days"] == 7 and "720.305" in fl["hearing_notice_days"]["citation"]


async def test_governing_documents_make_rules_stricter_and_are_audited(api) -> None:
    admin, _ = await api.admin_of_new_org()
    association = await _association(api, admin, "CA")
    key = uuid.uuid4().hex
    body = {"id": association, "key": "hearing_notice_days", "days": 21, "documentReference": "CC&Rs §7.3"}
    first = await api.rpc("jurisdictionRuleOverride/v1/set", body, token=admin.token, key=key)
    again = await api.rpc("jurisdictionRuleOverride/v1/set", body, token=admin.token, key=key)
    assert first.status_code == 200 and again.content == first.content, first.text
    rule = first.json()
    assert (rule["days"], rule["source"], rule["documentReference"]) == (21, "governing_documents", "CC&Rs §7.3")
    assert "§5855" in rule["citation"] and rule["statute"]["days"] == 10

    # Stricter in each direction: fewer days to decide, fewer methods, a requirement kept.
    for change in (
        {"key": "solar_arc_decision_days", "days": 30},
        {"key": "notice_delivery_methods", "methods": ["first_class_mail"]},
        {"key": "appeal_required", "flag": True},
        {"key": "max_fine", "amount": "250.00"},
    ):
        result = await api.call(
            "jurisdictionRuleOverride/v1/set", {"id": association, "documentReference": "Bylaws 4"} | change, admin
        )
        assert result["source"] == "governing_documents", change

    rules = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": association}, admin))["rules"])
    assert rules["hearing_notice_days"]["days"] == 21 and rules["max_fine"]["amount"] == "250.00"
    assert rules["solar_arc_decision_days"]["source"] == "governing_documents"
    assert rules["hearing_decision_delivery_days"]["source"] == "statute"

    # Replacing the value changes it; the audit row has from and to, once per effect.
    await api.call("jurisdictionRuleOverride/v1/set", body | {"days": 30}, admin)
    events = (await api.gql(AUDIT, {"op": "jurisdictionRuleOverride/v1/set"}, token=admin.token))["data"]["auditEvents"]["nodes"]
    notices = [e["summary"] for e in events if e["summary"]["key"] == "hearing_notice_days"]
    assert [n["days"] for n in notices] == [{"from": 21, "to": 30}, {"from": 10, "to": 21}]
    assert association in events[0]["targetIds"]

    cleared = await api.call("jurisdictionRuleOverride/v1/clear", {"id": association, "key": "hearing_notice_days"}, admin)
    assert (cleared["days"], cleared["source"], cleared["documentReference"]) == (10, "statute", None)
    # Clearing again changes nothing and says so.
    await api.call("jurisdictionRuleOverride/v1/clear", {"id": association, "key": "hearing_notice_days"}, admin)
    events = (await api.gql(AUDIT, {"op": "jurisdictionRuleOverride/v1/clear"}, token=admin.token))["data"]["auditEvents"][
        "nodes"
    ]
    assert [e["summary"]["removed"] for e in events] == [False, True]


async def test_looser_than_the_statute_is_refused_citing_it(api) -> None:
    admin, _ = await api.admin_of_new_org()
    ca = await _association(api, admin, "CA")
    tx = await _association(api, admin, "TX")
    cases: list[tuple[str, dict[str, Any], str]] = [
        (ca, {"key": "hearing_notice_days", "days": 9}, "§5855(b)"),
        (ca, {"key": "hearing_decision_delivery_days", "days": 16}, "§5855(d)"),
        (ca, {"key": "solar_arc_decision_days", "days": 46}, "§714"),
        (ca, {"key": "appeal_required", "flag": False}, "§4765"),
        (ca, {"key": "fine_schedule_required", "flag": False}, "§5850"),
        (tx, {"key": "notice_delivery_methods", "methods": ["certified_mail", "email"]}, "§209.006"),
    ]
    for association, change, cited in cases:
        body = {"id": association, "documentReference": "CC&Rs"} | change
        r = await api.rpc("jurisdictionRuleOverride/v1/set", body, token=admin.token, key=uuid.uuid4().hex)
        error = r.json()["error"]
        assert (r.status_code, error["code"]) == (422, "LOOSER_THAN_STATUTE"), (change, r.text)
        assert cited in error["message"], error
    # Nothing was written: the statute still applies.
    rules = _by_key((await api.call("jurisdictionRule/v1/effective", {"id": ca}, admin))["rules"])
    assert all(rule["source"] == "statute" for key, rule in rules.items() if rule["statute"]["jurisdiction"] == "US-CA")


async def test_bad_input_is_refused_with_its_code(api) -> None:
    admin, _ = await api.admin_of_new_org()
    association = await _association(api, admin, "CA")
    other_admin, _ = await api.admin_of_new_org()
    foreign = await _association(api, other_admin, "CA")
    base = {"id": association, "documentReference": "CC&Rs"}
    cases = [
        (base | {"key": "no_such_rule", "days": 10}, 422, "UNKNOWN_RULE"),
        (base | {"key": "hearing_notice_days", "flag": True}, 422, "RULE_VALUE_MISMATCH"),
        (base | {"key": "hearing_notice_days"}, 400, "VALIDATION_FAILED"),
        (base | {"key": "hearing_notice_days", "days": 20, "flag": True}, 400, "VALIDATION_FAILED"),
        (base | {"key": "hearing_notice_days", "days": "ten"}, 400, "VALIDATION_FAILED"),
        (base | {"key": "hearing_notice_days", "days": 99999}, 400, "VALIDATION_FAILED"),
        (base | {"key": "max_fine", "amount": "-1"}, 400, "VALIDATION_FAILED"),
        (base | {"key": "notice_delivery_methods", "methods": []}, 400, "VALIDATION_FAILED"),
        (base | {"key": "Hearing Notice", "days": 20}, 400, "VALIDATION_FAILED"),
        ({"id": foreign, "key": "hearing_notice_days", "days": 20, "documentReference": "x"}, 404, "NOT_FOUND"),
    ]
    for body, status, code in cases:
        r = await api.rpc("jurisdictionRuleOverride/v1/set", body, token=admin.token, key=uuid.uuid4().hex)
        assert (r.status_code, r.json()["error"]["code"]) == (status, code), (body, r.text)
    r = await api.rpc("jurisdictionRule/v1/list", {"jurisdiction": "California"}, token=admin.token)
    assert r.status_code == 400 and r.json()["error"]["code"] == "VALIDATION_FAILED"
    unknown = await api.call("jurisdictionRule/v1/list", {"jurisdiction": "US-ZZ"}, admin)
    assert unknown["rules"] == []
    rules = (await api.call("jurisdictionRule/v1/effective", {"id": association}, admin))["rules"]
    assert all(rule["source"] != "governing_documents" for rule in rules)


async def test_owners_and_tenants_read_their_associations_rules_only(api) -> None:
    c = await community.add_people(api, await community.build(api, 2))
    other = await _association(api, c.admin, "TX")
    for caller in (c.owner, c.tenant):
        result = await api.call("jurisdictionRule/v1/effective", {"id": c.association}, caller)
        assert result["jurisdiction"] == "US-CA"
        r = await api.rpc("jurisdictionRule/v1/effective", {"id": other}, token=caller.token)
        assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
        body = {"id": c.association, "key": "hearing_notice_days", "days": 30, "documentReference": "x"}
        r = await api.rpc("jurisdictionRuleOverride/v1/set", body, token=caller.token, key=uuid.uuid4().hex)
        assert r.status_code == 403 and r.json()["error"]["code"] == "FORBIDDEN"
    r = await api.rpc("jurisdictionRule/v1/effective", {"id": c.association}, token=c.nobody.token)
    assert r.status_code == 404


async def test_graphql_reads_and_writes_the_same_rules(api) -> None:
    admin, _ = await api.admin_of_new_org()
    association = await _association(api, admin, "FL")
    body = await api.gql(
        """query($id: ID!) {
             effectiveJurisdictionRules(id: $id) { jurisdiction rules { key days source statute { effectiveOn } } }
             jurisdictionRules(jurisdiction: "US-FL") { rules { key days citation } }
           }""",
        {"id": association},
        token=admin.token,
    )
    assert "errors" not in body, body
    effective = _by_key(body["data"]["effectiveJurisdictionRules"]["rules"])
    assert effective["hearing_notice_days"] == {
        "key": "hearing_notice_days",
        "days": 14,
        "source": "STATUTE",
        "statute": {"effectiveOn": "2024-07-01"},
    }
    assert (
        {r["key"] for r in body["data"]["jurisdictionRules"]["rules"]}
        == {r["key"] for r in seeded_rules() if r["jurisdiction"] == "US-FL"}
        >= {"hearing_notice_days", "hearing_decision_delivery_days", "financial_statement_audited_threshold"}
    )
    set_ = await api.gql(
        """mutation($id: ID!, $key: String!) {
             jurisdictionRuleOverrideSet(
               input: {id: $id, key: "hearing_notice_days", days: 20, documentReference: "Declaration 9.1"}, idempotencyKey: $key
             ) { rule { days source documentReference } }
           }""",
        {"id": association, "key": uuid.uuid4().hex},
        token=admin.token,
    )
    assert set_["data"]["jurisdictionRuleOverrideSet"]["rule"] == {
        "days": 20,
        "source": "GOVERNING_DOCUMENTS",
        "documentReference": "Declaration 9.1",
    }, set_
