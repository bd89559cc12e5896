"""Printed letters: a message without electronic consent becomes a PDF (ReportLab)
with the association as sender, the recipient's name and mailing address where a
#10 window envelope shows it, the day, the subject and the body, kept under the
letters directory (`letters_dir`/<organization>/<message>.pdf) until it is
printed and mailed. Written whole to a temporary name and renamed, so a crash
never leaves half a letter under the final name.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.pdfgen.canvas import Canvas

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


def write(directory: Path, letter: dict[str, Any]) -> Path:
    """Write the letter's PDF; returns its path. `letter` holds the
    association's name, the recipient's name and address, the day, subject and body."""
    target = directory / letter["organization_id"] / f"{letter['public_id']}.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".pdf.partial")
    pdf = Canvas(str(partial), pagesize=LETTER, invariant=True)
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
    os.replace(partial, target)
    return target
