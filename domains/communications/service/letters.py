"""Printed letters: a message without electronic consent becomes a PDF (ReportLab)
with the association as sender, the recipient's name and mailing address where a
#10 window envelope shows it, the day, the subject and the body, kept in the
document store (under `key`, private like every stored file) until it is printed
and mailed; staff fetch it by a short-lived signed link (`message/v1/letter`).
"""

from __future__ import annotations

from datetime import date
from io import BytesIO
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

from domains.documents.service import storage
from graph.settings import Settings

_WRAP = 92  # characters per body line at 10 pt Helvetica within 1-inch margins


def _lines(text: str) -> list[str]:
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        words, line = paragraph.split(), ""
        for word in words:
            if line and len(line) + 1 + len(word) > _WRAP:
                out.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        out.append(line)
    return out


def key(organization_id: str, public_id: str) -> str:
    """Where a message's letter is stored: one name per message, so a re-run
    delivery step writes the same letter over itself."""
    return f"letters/{organization_id}/{public_id}.pdf"


def render(letter: dict[str, Any]) -> bytes:
    """The letter's PDF. `letter` holds the association's name, the recipient's
    name and address, the day, subject and body."""
    out = BytesIO()
    pdf = Canvas(out, pagesize=LETTER, invariant=True)
    pdf.setTitle(letter["subject"])
    pdf.setAuthor(letter["association"])
    width, height = LETTER
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(inch, height - 0.75 * inch, letter["association"])
    # The address block sits where a #10 window envelope shows it.
    y = height - 2.0 * inch
    pdf.setFont("Helvetica", 11)
    for line in [letter["name"], *[part.strip() for part in letter["address"].replace("\n", ",").split(",") if part.strip()]]:
        pdf.drawString(inch, y, line)
        y -= 14
    pdf.setFont("Helvetica", 10)
    pdf.drawRightString(width - inch, height - 2.0 * inch, date.fromisoformat(letter["day"]).strftime("%B %-d, %Y"))
    y = height - 3.4 * inch
    pdf.setFont("Helvetica-Bold", 11)
    pdf.drawString(inch, y, letter["subject"])
    y -= 24
    pdf.setFont("Helvetica", 10)
    for line in _lines(letter["body"]):
        if y < inch:
            pdf.showPage()
            pdf.setFont("Helvetica", 10)
            y = height - inch
        pdf.drawString(inch, y, line)
        y -= 13
    pdf.setFont("Helvetica", 7)
    pdf.drawString(inch, 0.5 * inch, f"Ref. {letter['public_id']}")
    pdf.save()
    return out.getvalue()


async def store(settings: Settings, letter: dict[str, Any]) -> str:
    """Render the letter and keep it in the document store; returns its key."""
    name = key(letter["organization_id"], letter["public_id"])
    await storage.write_bytes(settings, name, render(letter))
    return name


async def link(settings: Settings, name: str, public_id: str) -> tuple[str, float]:
    """A short-lived signed URL to GET the stored letter."""
    return await storage.url(settings, storage.Grant(name, "GET", 0, "application/pdf", f"{public_id}.pdf"))
