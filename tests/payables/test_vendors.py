"""Vendors: on hold until released (and again when the payee changes), tax ids
shown by their last four digits only, linked only to service providers."""

from __future__ import annotations

import uuid

from tests.payables.desk import code, new_vendor

AUDIT = "query($op: String!) { auditEvents(first: 10, operation: $op) { nodes { summary targetIds } } }"


async def test_new_vendor_is_held_and_its_tax_id_never_shown(api) -> None:
    admin, _ = await api.admin_of_new_org()
    r = await api.rpc(
        "vendor/v1/create",
        {
            "name": "Evergreen Landscaping LLC",
            "taxId": "12-3456789",
            "is1099": True,
            "remittanceAddress": "PO Box 42\nSacramento, CA",
        },
        token=admin.token,
        key=uuid.uuid4().hex,
    )
    assert r.status_code == 200, r.text
    vendor = r.json()
    assert "3456789" not in r.text and "taxId" not in vendor
    assert (vendor["taxIdLast4"], vendor["taxIdKind"], vendor["paymentHold"]) == ("6789", "ein", True)
    assert vendor["holdReason"].startswith("New vendor")
    body = await api.gql(
        "query($id: ID!) { node(id: $id) { ... on Vendor { taxIdLast4 paymentHold } } }", {"id": vendor["id"]}, token=admin.token
    )
    assert body["data"]["node"] == {"taxIdLast4": "6789", "paymentHold": True}
    bad = await api.gql("query($id: ID!) { node(id: $id) { ... on Vendor { taxId } } }", {"id": vendor["id"]}, token=admin.token)
    assert bad["errors"]  # no such field

    released = await api.call("vendor/v1/releaseHold", {"id": vendor["id"], "note": "W-9 verified"}, admin)
    assert (released["paymentHold"], released["holdReason"]) == (False, None)
    events = (await api.gql(AUDIT, {"op": "vendor/v1/releaseHold"}, token=admin.token))["data"]["auditEvents"]["nodes"]
    assert events[0]["summary"]["note"] == "W-9 verified" and vendor["id"] in events[0]["targetIds"]

    # A name change keeps it payable; a new tax id or remittance address holds it again.
    renamed = await api.call("vendor/v1/update", {"id": vendor["id"], "name": "Evergreen Landscapes"}, admin)
    assert renamed["paymentHold"] is False
    changed = await api.call("vendor/v1/update", {"id": vendor["id"], "taxId": "98-7654321"}, admin)
    assert (changed["paymentHold"], changed["taxIdLast4"]) == (True, "4321")
    assert changed["holdReason"].startswith("Payee details changed")
    events = (await api.gql(AUDIT, {"op": "vendor/v1/update"}, token=admin.token))["data"]["auditEvents"]["nodes"]
    assert events[0]["summary"]["changed"]["tax_id"] == {"from": "…6789", "to": "…4321"}
    assert "7654321" not in str(events)


async def test_1099_vendors_need_a_well_formed_tax_id(api) -> None:
    admin, _ = await api.admin_of_new_org()
    cases = [
        ({"name": "Jane Handyman", "is1099": True}, 422, "TAX_ID_REQUIRED"),
        ({"name": "Jane Handyman", "is1099": True, "taxId": "123456789"}, 400, "VALIDATION_FAILED"),
        ({"name": "Jane Handyman", "is1099": True, "taxId": "123-45-678"}, 400, "VALIDATION_FAILED"),
    ]
    for body, status, expected in cases:
        r = await api.rpc("vendor/v1/create", body, token=admin.token, key=uuid.uuid4().hex)
        assert code(r) == (status, expected), r.text
    person = await api.call("vendor/v1/create", {"name": "Jane Handyman", "is1099": True, "taxId": "123-45-6789"}, admin)
    assert (person["taxIdKind"], person["taxIdLast4"]) == ("ssn", "6789")
    utility = await api.call("vendor/v1/create", {"name": "City Water", "is1099": False}, admin)
    r = await api.rpc("vendor/v1/update", {"id": utility["id"], "is1099": True}, token=admin.token, key=uuid.uuid4().hex)
    assert code(r) == (422, "TAX_ID_REQUIRED")


async def test_a_vendor_links_only_to_a_service_provider(api) -> None:
    admin, _ = await api.admin_of_new_org()
    provider = await api.create_org(await api.register(), "service_provider", "Evergreen Landscaping")
    company = await api.create_org(await api.register(), "management_company")
    vendor = await api.call("vendor/v1/create", {"name": "Evergreen", "is1099": False, "providerOrganizationId": provider}, admin)
    assert vendor["providerOrganizationId"] == provider
    r = await api.rpc(
        "vendor/v1/create", {"name": "Again", "is1099": False, "providerOrganizationId": provider}, token=admin.token, key="again"
    )
    assert code(r) == (409, "VENDOR_EXISTS")
    for other in (company, "org_" + "a" * 26):
        r = await api.rpc(
            "vendor/v1/create",
            {"name": "X", "is1099": False, "providerOrganizationId": other},
            token=admin.token,
            key=uuid.uuid4().hex,
        )
        assert code(r) == (422, "INVALID_VENDOR_ORGANIZATION"), r.text


async def test_insurance_certificates_are_recorded_and_listed(api) -> None:
    admin, _ = await api.admin_of_new_org()
    vendor = await new_vendor(api, admin)
    base = {
        "vendorId": vendor,
        "kind": "general_liability",
        "carrier": "Acme Mutual",
        "policyNumber": "GL-1",
        "coverageAmount": "1000000.00",
    }
    await api.call("insuranceCertificate/v1/create", base | {"effectiveOn": "2025-01-01", "expiresOn": "2025-12-31"}, admin)
    await api.call("insuranceCertificate/v1/create", base | {"effectiveOn": "2026-01-01", "expiresOn": "2026-12-31"}, admin)
    r = await api.rpc(
        "insuranceCertificate/v1/create",
        base | {"effectiveOn": "2026-01-01", "expiresOn": "2025-12-31"},
        token=admin.token,
        key="backwards",
    )
    assert code(r) == (422, "INVALID_DATES")
    r = await api.rpc(
        "insuranceCertificate/v1/create",
        base | {"effectiveOn": "2026-01-01", "expiresOn": "2026-12-31", "coverageAmount": "-1"},
        token=admin.token,
        key="negative",
    )
    assert code(r) == (400, "VALIDATION_FAILED")
    got = await api.call("vendor/v1/get", {"id": vendor}, admin)
    assert [c["expiresOn"] for c in got["insuranceCertificates"]] == ["2026-12-31", "2025-12-31"]
    body = await api.gql("{ vendors(first: 10) { nodes { name insuranceCertificates { kind expiresOn } } } }", token=admin.token)
    assert body["data"]["vendors"]["nodes"][0]["insuranceCertificates"][0] == {
        "kind": "GENERAL_LIABILITY",
        "expiresOn": "2026-12-31",
    }
