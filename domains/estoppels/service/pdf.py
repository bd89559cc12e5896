"""The certificate as a PDF (ReportLab): the form's title and statute, then
each section's fields in the form's order, each with the figure it names
printed as text (so a reader — or pypdf — finds every amount as written).
Built in memory and deterministic for the same figures (`invariant`)."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

FONT, BOLD, SIZE = "Helvetica", "Helvetica-Bold", 9


def dollars(text: str) -> str:
    """A money string as printed: $1,234.56, or -$12.00 for a credit."""
    sign, digits = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, cents = digits.partition(".")
    return f"{sign}${int(whole):,}.{cents or '00'}"


def _day(text: str | None) -> str:
    return "—" if not text else date.fromisoformat(text).strftime("%B %-d, %Y")


def shown(source: str, figures: dict[str, Any]) -> list[str]:
    """The lines a field printing `source` shows."""
    value: Any = figures.get(source)
    match source:
        case "issued_on" | "valid_through" | "closing_date":
            return [_day(value)]
        case "balance" | "credit":
            return [dollars(value)]
        case "owners":
            return ["; ".join(value) or "—"]
        case "open_items":
            return [f"{_day(i['dueDate'])}  {i['memo']}  {dollars(i['open'])}" for i in value] or ["None."]
        case "regular_assessment":
            return [
                f"{r['name']}: {dollars(r['amount'])} {r['frequency']}; next due {_day(r['nextDueDate'])}" for r in value
            ] or ["None on file."]
        case "upcoming":
            return [f"{_day(u['dueDate'])}  {u['name']}  {dollars(u['amount'])}" for u in value] or ["None."]
        case "special_assessments":
            return [
                f"{s['name']}: {dollars(s['amount'])} {s['frequency']}, next due {_day(s['nextDueDate'])}"
                + (
                    "; continuing"
                    if s["remainingInstallments"] is None
                    else f"; {s['remainingInstallments']} installment(s), {dollars(s['remainingTotal'])} in all"
                )
                for s in value
            ] or ["None."]
        case "violations":
            return [f"{v['rule']}: {v['status'].replace('_', ' ')} (observed {_day(v['observedOn'])})" for v in value] or [
                "None open."
            ]
        case "governing_documents" | "insurance":
            return [f"{d['title']} ({_day(d['recordDate'])}) {d['documentId']}" for d in value] or ["None on file."]
        case "fee":
            return [f"{dollars(value['amount'])}: {value['terms']}"]
        case _:
            return [str(value) if value else "—"]


def render(form: dict[str, Any], figures: dict[str, Any], reference: str) -> bytes:
    """The PDF of a certificate: `form` (title, citation, sections) filled with `figures`."""
    out = io.BytesIO()
    pdf = Canvas(out, pagesize=LETTER, invariant=True)
    pdf.setTitle(f"{form['title']} {reference}")
    pdf.setAuthor(figures["association"])
    width, height = LETTER
    text_width = width - 2 * inch
    y = height - inch

    def line(text: str, font: str = FONT, size: float = SIZE, indent: float = 0, gap: float = 12) -> None:
        nonlocal y
        for part in simpleSplit(text, font, size, text_width - indent) or [""]:
            if y < inch:
                pdf.showPage()
                y = height - inch
            pdf.setFont(font, size)
            pdf.drawString(inch + indent, y, part)
            y -= gap

    line(figures["association"], BOLD, 13, gap=18)
    line(form["title"], BOLD, 12, gap=14)
    line(form["citation"], size=8)
    y -= 6
    for section in form["sections"]:
        line(section["heading"], BOLD, 10, gap=14)
        for field in section["fields"]:
            line(field["label"], BOLD)
            for text in shown(field["source"], figures) if "source" in field else [field["text"]]:
                line(text, indent=12)
        y -= 4
    line(form["validity_citation"], size=7)
    line(f"Certificate {reference}", size=7)
    pdf.save()
    return out.getvalue()
