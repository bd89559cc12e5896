"""The 1099-NEC report: what an association paid each vendor in a calendar
year, on the cash basis (payments dated that year, less those later voided as
entered in error), against the year's federal threshold — a jurisdiction rule
(`form_1099_nec_threshold`), one version per change of the law, read as in
force on the year's last day — with each vendor's tax id and W-9 status.

A vendor gets no form when it is not marked for 1099 reporting, when its W-9
classification is exempt (Treas. Reg. §1.6041-3(p): corporations, governments,
tax-exempt organizations), or when it was paid less than the threshold.
Payments are one statement (ix_vendor_payments_invoice)."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domains.associations.models import Association
from domains.jurisdictions.service import rules as jurisdiction_rules
from domains.payables.models import Invoice, TaxClassification, Vendor, VendorPayment, VendorPaymentVoid
from domains.payables.schemas import Form1099Exclusion, Form1099Report, Form1099Row, TinStatus
from graph.handlers import require
from graph.ids import encode

THRESHOLD_RULE = "form_1099_nec_threshold"
EXEMPT = {
    TaxClassification.C_CORPORATION: "A corporation is an exempt payee (Treas. Reg. §1.6041-3(p)(1)).",
    TaxClassification.S_CORPORATION: "A corporation is an exempt payee (Treas. Reg. §1.6041-3(p)(1)).",
    TaxClassification.GOVERNMENT: "A government or its agency is an exempt payee (Treas. Reg. §1.6041-3(p)(4)-(5)).",
    TaxClassification.TAX_EXEMPT: "A §501(a) tax-exempt organization is an exempt payee (Treas. Reg. §1.6041-3(p)(2)).",
}
COLUMNS = [
    "vendor_id",
    "vendor_name",
    "tax_classification",
    "tin_type",
    "tin_last4",
    "tin_status",
    "w9_received_on",
    "payments",
    "gross",
    "voided",
    "box1_nonemployee_compensation",
    "reportable",
    "exclusion",
    "flags",
]


def _row(vendor: Vendor, payments: int, gross: Decimal, voided: Decimal, threshold: Decimal) -> Form1099Row:
    total = gross - voided
    exclusion: Form1099Exclusion | None = None
    detail: str | None = None
    if not vendor.is_1099:
        exclusion, detail = Form1099Exclusion.NOT_1099_VENDOR, "Not marked for 1099 reporting."
    elif vendor.tax_classification in EXEMPT:
        exclusion, detail = Form1099Exclusion.EXEMPT_PAYEE, EXEMPT[vendor.tax_classification]
    elif total < threshold:
        exclusion, detail = Form1099Exclusion.BELOW_THRESHOLD, f"Paid {total}, under the year's {threshold} threshold."
    flags = []
    if exclusion is None:
        flags += ["missing_tin"] if vendor.tax_id_kind is None else []
        flags += ["missing_w9"] if vendor.w9_received_on is None else []
        flags += ["unknown_classification"] if vendor.tax_classification is None else []
    return Form1099Row(
        vendor_id=vendor.id,
        vendor_name=vendor.name,
        is_1099=vendor.is_1099,
        tax_classification=vendor.tax_classification,
        tax_id_kind=vendor.tax_id_kind,
        tax_id_last4=vendor.tax_id_last4,
        tin_status=TinStatus.MISSING if vendor.tax_id_kind is None else TinStatus.ON_FILE,
        w9_received_on=vendor.w9_received_on,
        payments=payments,
        gross=gross,
        voided=voided,
        total=total,
        reportable=exclusion is None,
        exclusion=exclusion,
        exclusion_detail=detail,
        flags=flags,
    )


async def report(session: AsyncSession, data: Any, visible: ColumnElement[bool]) -> Form1099Report:
    association = await require(session, Association, data.association_id, "associationId")
    year_end = date(data.tax_year, 12, 31)
    rule = await jurisdiction_rules.effective_rule(session, association, THRESHOLD_RULE, year_end)
    threshold = rule.amount if rule.amount is not None else Decimal(0)
    P, V = VendorPayment, VendorPaymentVoid
    statement = (
        select(
            Vendor,
            func.count(P.id).label("payments"),
            func.sum(P.amount).label("gross"),
            func.coalesce(func.sum(V.amount), 0).label("voided"),
        )
        .select_from(P)
        .join(Invoice, and_(Invoice.organization_id == P.organization_id, Invoice.id == P.invoice_id))
        .join(Vendor, and_(Vendor.organization_id == Invoice.organization_id, Vendor.id == Invoice.vendor_id))
        .outerjoin(V, and_(V.organization_id == P.organization_id, V.vendor_payment_id == P.id))
        .where(visible, P.association_id == association.id, P.paid_on.between(date(data.tax_year, 1, 1), year_end))
        .group_by(Vendor.id)
        .order_by(Vendor.name, Vendor.id)
    )
    rows = [_row(v, n, gross, voided, threshold) for v, n, gross, voided in (await session.execute(statement)).all()]
    reportable = [r for r in rows if r.reportable]
    return Form1099Report(
        association_id=association.id,
        tax_year=data.tax_year,
        threshold=threshold,
        threshold_citation=rule.citation,
        rows=rows,
        reportable_count=len(reportable),
        reportable_total=sum((r.total for r in reportable), Decimal(0)),
    )


def as_csv(report: Form1099Report) -> str:
    """The report's rows as CSV, vendors by their public ids."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for r in report.rows:
        writer.writerow(
            [
                encode("vnd", r.vendor_id),
                r.vendor_name,
                r.tax_classification or "",
                r.tax_id_kind or "",
                r.tax_id_last4 or "",
                r.tin_status.value,
                r.w9_received_on or "",
                r.payments,
                f"{r.gross:.2f}",
                f"{r.voided:.2f}",
                f"{r.total:.2f}",
                "yes" if r.reportable else "no",
                r.exclusion or "",
                " ".join(r.flags),
            ]
        )
    return out.getvalue()
