"""The board's monthly package: its numbers are the report operations' numbers
(the PDF's text, read back with pypdf, against each report called through the
API); asking again is idempotent; the board and staff read it, owners, tenants
and vendors do not — neither the package nor its files in the library; a
month's close generates it where the association's settings say so."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

from domains.estoppels.service.pdf import dollars
from tests.board_packages.month import FENCE, JANUARY, Month, fetch, open_month, ready, text_of
from tests.helpers import Api

LAST = "2026-01-31"


async def _reports(api: Api, m: Month) -> dict[str, Any]:
    """Each report as the manager reads it through its own operation."""
    a, who = m.c.association, m.manager
    recs = await api.call("bankReconciliation/v1/list", {"bankAccountId": m.bank.account["id"]}, who)
    return {
        "balanceSheet": await api.call("financialReport/v1/balanceSheet", {"associationId": a, "asOf": LAST}, who),
        "incomeStatement": await api.call(
            "financialReport/v1/incomeStatement", {"associationId": a, "fromDate": JANUARY, "toDate": LAST}, who
        ),
        "arAging": await api.call("arAging/v1/get", {"associationId": a, "asOf": LAST}, who),
        "delinquencies": await api.call("delinquencyList/v1/get", {"associationId": a, "asOf": LAST}, who),
        "apRegister": await api.call("apRegister/v1/get", {"associationId": a, "fromDate": JANUARY, "toDate": LAST}, who),
        "reconciliation": await api.call("bankReconciliation/v1/report", {"id": recs["nodes"][0]["id"]}, who),
    }


async def test_the_package_prints_the_reports_numbers(api) -> None:
    m = await open_month(api)
    asked = await api.call("boardPackage/v1/generate", {"associationId": m.c.association, "month": "2026-01-15"}, m.board)
    assert (asked["month"], asked["version"], asked["status"], asked["trigger"]) == (JANUARY, 1, "generating", "request")
    package = await ready(api, m.board, asked["id"])
    reports = await _reports(api, m)
    contents = package["contents"]
    # The package holds the operations' own outputs, figure for figure.
    for name in ("balanceSheet", "incomeStatement", "arAging", "delinquencies", "apRegister"):
        assert contents[name]["report"] == reports[name], name
    [rec] = contents["bankReconciliations"]
    assert rec["report"] == reports["reconciliation"]
    assert contents["reserves"]["unavailable"]["code"] == "NO_RESERVE_STUDY"

    text = text_of(await fetch(api, m.board, package["id"]))
    bs, inc, aging, late = reports["balanceSheet"], reports["incomeStatement"], reports["arAging"], reports["delinquencies"]
    printed = [dollars(bs["totalAssets"]), dollars(bs["totalLiabilitiesAndEquity"])]
    for fund in bs["funds"]:
        printed += [dollars(fund["totalAssets"]), dollars(fund["totalEquity"]), dollars(fund["currentYearNetIncome"])]
        printed += [dollars(a["amount"]) for a in fund["assets"]]
    for line in inc["lines"]:
        printed += [dollars(line["period"]["actual"]), dollars(line["period"]["budget"]), dollars(line["yearToDate"]["actual"])]
    for total in inc["totals"]:
        printed += [dollars(total["netIncome"]["period"]["actual"]), dollars(total["income"]["period"]["actual"])]
    printed += [dollars(aging["totals"][k]) for k in ("current", "days1To30", "over90", "credit", "balance")]
    printed += [dollars(r["balance"]) for r in aging["rows"]]
    printed += [dollars(late["totalPastDue"])] + [dollars(r["pastDue"]) for r in late["rows"]]
    r = reports["reconciliation"]
    printed += [dollars(r["bookBalance"]), dollars(r["clearedBalance"]), dollars(r["reconciliation"]["statementEndingBalance"])]
    missing = [p for p in printed if p not in text]
    assert not missing, (missing, text)
    # Figures the month really has: two units still owe their January assessment; the check cleared.
    assert Decimal(aging["totals"]["balance"]) == Decimal("600.00") and "$600.00" in text
    assert r["bookBalance"] == "10179.50" and "$10,179.50" in text
    # The month's invoice, the open violation and the fence request are in it, by name.
    [invoice] = reports["apRegister"]["rows"]
    assert invoice["vendorName"] in text and invoice["invoiceNumber"] in text
    assert dollars(invoice["total"]) == "$845.25" and "$845.25" in text
    [violation] = contents["openViolations"]
    assert violation["description"] in text and "Unit 2" in text
    [fence] = contents["arcRequests"]
    assert fence["description"] == FENCE and "Unit 1: fence" in text
    for heading in ("Balance sheet by fund", "budget versus actual", "Accounts receivable aging", "Delinquency list",
                    "Accounts payable register", "Bank reconciliations", "percent funded", "Open violations",
                    "Architectural requests", "Minutes of the month's meetings"):  # fmt: skip
        assert heading in text, heading

    archive = zipfile.ZipFile(io.BytesIO(await fetch(api, m.manager, package["id"], "zip")))
    names = set(archive.namelist())
    assert {"reports/balanceSheet.json", "reports/arAging.json", "reports/bankReconciliations.json"} <= names
    assert any(n.startswith("reconciliations/Operating Checking 2026-01") for n in names), names


async def test_asking_again_is_idempotent_and_a_new_version_generates_again(api) -> None:
    m = await open_month(api, units=2)
    body = {"associationId": m.c.association, "month": JANUARY}
    first = await api.call("boardPackage/v1/generate", body, m.manager)
    again = await api.call("boardPackage/v1/generate", body | {"month": "2026-01-31"}, m.board)
    assert again["id"] == first["id"] and again["workflowId"] == first["workflowId"]
    await ready(api, m.manager, first["id"])
    later = await api.call("boardPackage/v1/generate", body, m.manager)
    assert later["id"] == first["id"] and later["status"] == "ready"
    second = await api.call("boardPackage/v1/generate", body | {"version": 2}, m.manager)
    assert second["id"] != first["id"] and second["version"] == 2
    await ready(api, m.manager, second["id"])
    listed = await api.call("boardPackage/v1/list", {"associationId": m.c.association, "month": JANUARY}, m.board)
    assert [p["id"] for p in listed["nodes"]] == [second["id"], first["id"]]
    library = await api.call("document/v1/list", {"associationId": m.c.association, "first": 100}, m.manager)
    assert sum(d["title"].startswith("Board package") for d in library["nodes"]) == 4


async def test_board_and_staff_read_it_owners_tenants_and_vendors_do_not(api) -> None:
    m = await open_month(api, units=2)
    c = m.c
    body = {"associationId": c.association, "month": JANUARY}
    package = await ready(api, m.board, (await api.call("boardPackage/v1/generate", body, m.board))["id"])
    for who in (c.admin, m.manager, m.board):
        assert (await api.call("boardPackage/v1/get", {"id": package["id"]}, who))["id"] == package["id"]
        assert text_of(await fetch(api, who, package["id"])).count("Board package") >= 1
    pdf_doc = package["pdfDocumentId"]
    doc = await api.call("document/v1/get", {"id": pdf_doc}, m.board)
    assert doc["visibility"] == "board"
    for who in (c.owner, c.tenant, c.nobody, m.vendor):
        r = await api.rpc("boardPackage/v1/generate", body, token=who.token, key=f"g-{who.user_id}")
        assert r.status_code in (403, 422), r.text
        r = await api.rpc("boardPackage/v1/get", {"id": package["id"]}, token=who.token)
        assert r.status_code in (404, 422), r.text
        r = await api.rpc("boardPackage/v1/download", {"id": package["id"]}, token=who.token)
        assert r.status_code in (404, 422), r.text
        r = await api.rpc("boardPackage/v1/list", {"associationId": c.association}, token=who.token)
        assert r.status_code in (403, 422), r.text
        r = await api.rpc("document/v1/get", {"id": pdf_doc}, token=who.token)
        assert r.status_code in (404, 422), r.text
    for who in (c.owner, c.tenant):
        r = await api.rpc("document/v1/list", {"associationId": c.association, "first": 100}, token=who.token)
        assert r.status_code == 200 and not any(d["title"].startswith("Board package") for d in r.json()["nodes"])


async def test_a_month_close_generates_it_when_the_settings_say_so(api) -> None:
    m = await open_month(api, units=2)
    c = m.c
    # Never set: null in GraphQL, NOT_FOUND over RPC — and no package follows a close.
    r = await api.rpc("boardPackageSettings/v1/get", {"associationId": c.association}, token=m.board.token)
    assert r.status_code == 404, r.text
    r = await api.rpc(
        "boardPackageSettings/v1/set", {"associationId": c.association, "generateOnClose": True}, token=c.owner.token, key="o"
    )
    assert r.status_code == 403, r.text
    settings = await api.call("boardPackageSettings/v1/set", {"associationId": c.association, "generateOnClose": True}, m.board)
    assert settings["generateOnClose"] is True
    await api.call("fiscalPeriod/v1/close", {"associationId": c.association, "month": JANUARY}, m.manager)
    listed = await api.call("boardPackage/v1/list", {"associationId": c.association}, m.board)
    [package] = listed["nodes"]
    assert (package["month"], package["version"], package["trigger"]) == (JANUARY, 1, "month_close")
    done = await ready(api, m.board, package["id"])
    assert done["contents"]["bankReconciliations"][0]["report"]["reconciliation"]["status"] == "finished"
    # Asking for the month by hand now answers the package the close made.
    asked = await api.call("boardPackage/v1/generate", {"associationId": c.association, "month": JANUARY}, m.manager)
    assert asked["id"] == package["id"]
