"""The package as one PDF (ReportLab, as the estoppel certificate): a cover,
then each section — balance sheet by fund, income statement with budget versus
actual, AR aging, delinquencies, AP register, bank reconciliations, reserve
percent funded, open violations, ARC requests, minutes — printed from the
report operations' outputs, every amount written as `dollars()` writes it, so
a reader (or pypdf) finds each figure as the report gives it. Deterministic for
the same contents (`invariant`)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

from domains.estoppels.service.pdf import dollars

FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 8
WIDTH, HEIGHT = LETTER
LEFT, RIGHT = 0.75 * inch, WIDTH - 0.75 * inch


class Writer:
    """Lines of text and right-aligned columns, page after page."""

    def __init__(self, out: io.BytesIO, title: str, author: str) -> None:
        self.pdf = Canvas(out, pagesize=LETTER, invariant=True)
        self.pdf.setTitle(title)
        self.pdf.setAuthor(author)
        self.y = HEIGHT - inch

    def _room(self, gap: float) -> None:
        if self.y - gap < 0.75 * inch:
            self.pdf.showPage()
            self.y = HEIGHT - inch

    def text(self, text: str, font: str = FONT, size: float = SIZE, indent: float = 0, gap: float = 11) -> None:
        for part in simpleSplit(text, font, size, RIGHT - LEFT - indent) or [""]:
            self._room(gap)
            self.pdf.setFont(font, size)
            self.pdf.drawString(LEFT + indent, self.y, part)
            self.y -= gap

    def row(self, label: str, columns: list[str], font: str = FONT, indent: float = 0, width: float = 1.0 * inch) -> None:
        """A label and amounts in columns ending at the right margin; a label too long wraps below (never cut)."""
        self._room(11)
        self.pdf.setFont(font, SIZE)
        room = RIGHT - LEFT - indent - width * len(columns)
        first, *more = simpleSplit(label, font, SIZE, room) or [""]
        self.pdf.drawString(LEFT + indent, self.y, first)
        for i, value in enumerate(columns):
            self.pdf.drawRightString(RIGHT - width * (len(columns) - 1 - i), self.y, value)
        self.y -= 11
        for part in more:
            self.text(part, font, indent=indent + 6)

    def heading(self, text: str) -> None:
        self.y -= 6
        self._room(40)
        self.text(text, BOLD, 11, gap=15)

    def new_page(self) -> None:
        self.pdf.showPage()
        self.y = HEIGHT - inch

    def save(self) -> None:
        self.pdf.save()


def _day(text: str | None) -> str:
    return "—" if not text else date.fromisoformat(text[:10]).strftime("%b %-d, %Y")


def _unavailable(w: Writer, section: dict[str, Any]) -> dict[str, Any] | None:
    if "unavailable" in section:
        w.text(f"Not available: {section['unavailable']['message']}", indent=8)
        return None
    report: dict[str, Any] = section["report"]
    return report


def _balance_sheet(w: Writer, section: dict[str, Any]) -> None:
    w.heading("Balance sheet by fund")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"As of {_day(r['asOf'])}, {r['basis']} basis")
    for fund in r["funds"]:
        w.text(f"{fund['fundCode']} — {fund['fundName']}", BOLD, gap=12)
        for part, label in (("assets", "Assets"), ("liabilities", "Liabilities"), ("equity", "Equity")):
            w.text(label, BOLD, indent=8)
            for a in fund[part]:
                w.row(f"{a['accountNumber']} {a['accountName']}", [dollars(a["amount"])], indent=16)
        w.row("Current year net income", [dollars(fund["currentYearNetIncome"])], indent=8)
        w.row("Total assets", [dollars(fund["totalAssets"])], BOLD, indent=8)
        w.row("Total liabilities", [dollars(fund["totalLiabilities"])], BOLD, indent=8)
        w.row("Total equity", [dollars(fund["totalEquity"])], BOLD, indent=8)
        w.row("Total liabilities and equity", [dollars(fund["totalLiabilitiesAndEquity"])], BOLD, indent=8)
    w.row("All funds: total assets", [dollars(r["totalAssets"])], BOLD)
    w.row("All funds: total liabilities and equity", [dollars(r["totalLiabilitiesAndEquity"])], BOLD)


def _figures(f: dict[str, Any]) -> list[str]:
    return [dollars(f["actual"]), dollars(f["budget"]), dollars(f["variance"])]


def _income_statement(w: Writer, section: dict[str, Any]) -> None:
    w.heading("Income statement: budget versus actual")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"{_day(r['fromDate'])} to {_day(r['toDate'])}, {r['basis']} basis; year to date from {_day(r['fiscalYearStart'])}")
    w.row("Account (fund)", ["Month", "Budget", "Variance", "YTD", "YTD budget", "YTD variance"], BOLD, width=0.8 * inch)
    for line in r["lines"]:
        w.row(
            f"{line['accountNumber']} {line['accountName']} ({line['fundCode']})",
            _figures(line["period"]) + _figures(line["yearToDate"]),
            width=0.8 * inch,
        )
    for total in r["totals"]:
        for key, label in (("income", "Income"), ("expense", "Expenses"), ("netIncome", "Net income")):
            name = f"{label} — {total['fundCode'] or 'all funds'}"
            w.row(name, _figures(total[key]["period"]) + _figures(total[key]["yearToDate"]), BOLD, width=0.8 * inch)


AGING = ("current", "days1To30", "days31To60", "days61To90", "over90", "credit", "balance")


def _ar_aging(w: Writer, section: dict[str, Any], units: dict[str, str]) -> None:
    w.heading("Accounts receivable aging")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"As of {_day(r['asOf'])}")
    w.row("Unit", ["Current", "1-30", "31-60", "61-90", "Over 90", "Credit", "Balance"], BOLD, width=0.8 * inch)
    for row in r["rows"]:
        w.row(units.get(row["unitId"], row["unitId"]), [dollars(row[k]) for k in AGING], width=0.8 * inch)
    w.row("Totals", [dollars(r["totals"][k]) for k in AGING], BOLD, width=0.8 * inch)


def _delinquencies(w: Writer, section: dict[str, Any]) -> None:
    w.heading("Delinquency list")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"As of {_day(r['asOf'])}: owing on charges more than {r['minDaysPastDue']} days past due")
    w.row("Unit — owners", ["Past due", "Balance", "Oldest due", "Days"], BOLD)
    for row in r["rows"]:
        w.row(
            f"{row['unitNumber']} — {'; '.join(row['ownerNames'])}",
            [dollars(row["pastDue"]), dollars(row["balance"]), _day(row["oldestDueDate"]), str(row["daysPastDue"])],
        )
    w.row("Total past due", [dollars(r["totalPastDue"])], BOLD)


def _ap_register(w: Writer, section: dict[str, Any]) -> None:
    w.heading("Accounts payable register")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"Invoices dated {_day(r['fromDate'])} to {_day(r['toDate'])}; paid and open as of {_day(r['toDate'])}")
    w.row("Vendor, invoice", ["Date", "Status", "Total", "Paid", "Open"], BOLD)
    for row in r["rows"]:
        w.row(
            f"{row['vendorName']}, invoice {row['invoiceNumber']}",
            [
                _day(row["invoiceDate"]),
                row["status"].replace("_", " "),
                dollars(row["total"]),
                dollars(row["paid"]),
                dollars(row["open"]),
            ],
        )
    w.row("Totals", [dollars(r["total"]), dollars(r["paid"]), dollars(r["open"])], BOLD)


def _reconciliations(w: Writer, items: list[dict[str, Any]]) -> None:
    w.heading("Bank reconciliations")
    if not items:
        w.text("No bank reconciliation for this month.", indent=8)
    for item in items:
        account, r = item["account"], item["report"]
        rec = r["reconciliation"]
        w.text(f"{account['name']} ({account['institution']} ••••{account['accountNumberLast4']}): {rec['status']}", BOLD)
        w.row("Statement ending balance", [dollars(rec["statementEndingBalance"])], indent=8)
        w.row("Deposits in transit", [dollars(r["depositsInTransit"])], indent=8)
        w.row("Outstanding payments", [dollars(r["outstandingPayments"])], indent=8)
        w.row("Cleared balance", [dollars(r["clearedBalance"])], indent=8)
        w.row("Book balance", [dollars(r["bookBalance"])], indent=8)
        w.row("Difference", [dollars(r["difference"])], indent=8)
        for o in r["outstandingItems"]:
            w.row(f"{_day(o['entryDate'])} {o['memo']}", [dollars(o["amount"])], indent=16)


def _reserves(w: Writer, section: dict[str, Any]) -> None:
    w.heading("Reserves: percent funded")
    if (r := _unavailable(w, section)) is None:
        return
    w.text(f"As of {_day(r['asOf'])}, against study version {r['studyVersion']}")
    w.row("Reserve balance (from the ledger)", [dollars(r["reserveBalance"])])
    w.row("Fully funded balance", [dollars(r["fullyFundedBalance"])])
    percent = r["percentFunded"]
    w.row("Percent funded", ["—" if percent is None else f"{percent}%"], BOLD)


def _violations(w: Writer, rows: list[dict[str, Any]], units: dict[str, str]) -> None:
    w.heading(f"Open violations ({len(rows)})")
    if not rows:
        w.text("None open.", indent=8)
    for v in rows:
        due = f"; cure by {_day(v['cureBy'])}" if v.get("cureBy") else ""
        hearing = f"; hearing {_day(v['hearingOn'])}" if v.get("hearingOn") else ""
        w.text(
            f"Unit {units.get(v['unitId'], v['unitId'])}: {v['description']} — {v['status'].replace('_', ' ')}, "
            f"observed {_day(v['observedOn'])}{due}{hearing}",
            indent=8,
        )


def _arc(w: Writer, rows: list[dict[str, Any]], units: dict[str, str]) -> None:
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    w.heading(f"Architectural requests ({len(rows)})")
    w.text(", ".join(f"{status.replace('_', ' ')}: {n}" for status, n in sorted(counts.items())) or "None.", indent=8)
    for r in rows:
        decided = f", decided {_day(r['decidedOn'])}" if r["decidedOn"] else f", decision due {_day(r['decisionDueBy'])}"
        w.text(
            f"Unit {units.get(r['unitId'], r['unitId'])}: {r['projectType'].replace('_', ' ')} — {r['status'].replace('_', ' ')}"
            f" (submitted {_day(r['submittedOn'])}{decided})",
            indent=8,
        )


def _minutes(w: Writer, meetings: list[dict[str, Any]]) -> None:
    w.heading("Minutes of the month's meetings")
    if not meetings:
        w.text("No meeting this month.", indent=8)
    for item in meetings:
        m, minutes = item["meeting"], item["minutes"]
        w.text(f"{m['title']} — {_day(m['startsAt'])} ({m['status'].replace('_', ' ')})", BOLD)
        if minutes is None:
            w.text("No minutes recorded yet.", indent=8)
            continue
        state = "approved" if minutes["approvedAt"] else "draft"
        w.text(f"Version {minutes['version']}, {state}", indent=8)
        for paragraph in minutes["text"].splitlines():
            w.text(paragraph, indent=8)


def render(association: str, contents: dict[str, Any], units: dict[str, str], reference: str) -> bytes:
    """The package's PDF. `units` names unit ids by their numbers."""
    out = io.BytesIO()
    month = date.fromisoformat(contents["month"]).strftime("%B %Y")
    w = Writer(out, f"Board package {month} {reference}", association)
    w.text(association, BOLD, 16, gap=22)
    w.text(f"Board package — {month}", BOLD, 13, gap=18)
    w.text(f"Package {reference}. Prepared for the board; not for distribution to owners.", size=8)
    _balance_sheet(w, contents["balanceSheet"])
    w.new_page()
    _income_statement(w, contents["incomeStatement"])
    _ar_aging(w, contents["arAging"], units)
    _delinquencies(w, contents["delinquencies"])
    _ap_register(w, contents["apRegister"])
    _reconciliations(w, contents["bankReconciliations"])
    _reserves(w, contents["reserves"])
    _violations(w, contents["openViolations"], units)
    _arc(w, contents["arcRequests"], units)
    _minutes(w, contents["meetings"])
    w.save()
    return out.getvalue()
