"""form1099Report/v1/{get,csv}."""

from __future__ import annotations

from domains.payables.models import VendorPayment
from domains.payables.schemas import Form1099Csv, Form1099Report, Form1099ReportInput
from domains.payables.service import form_1099
from graph.handlers import OperationContext
from graph.operations import operation


async def _report(ctx: OperationContext, data: Form1099ReportInput) -> Form1099Report:
    return await form_1099.report(ctx.session, data, await ctx.visible("vendor_payment", "read", VendorPayment))


@operation(
    "form1099Report/v1/get",
    input=Form1099ReportInput,
    output=Form1099Report,
    kind="form_1099_report",
    action="read",
    mutates=False,
    summary="1099-NEC report",
)
async def get_report(ctx: OperationContext, data: Form1099ReportInput) -> Form1099Report:
    """What the association paid each vendor in a calendar year (cash basis:
    payments made that year, less those voided as entered in error), against
    the year's federal 1099-NEC threshold ($600 through 2025, $2,000 for
    payments after 2025, kept as data with its citation). Each vendor shows its
    tax id status (last four digits only), W-9 date and classification; one
    not marked for 1099, an exempt payee (a corporation, a government, a
    tax-exempt organization) or one under the threshold is listed with the
    reason it gets no form, and a reportable one with what to fix before filing
    (`missing_tin`, `missing_w9`)."""
    return await _report(ctx, data)


@operation(
    "form1099Report/v1/csv",
    input=Form1099ReportInput,
    output=Form1099Csv,
    kind="form_1099_report",
    action="read",
    mutates=False,
    summary="1099-NEC report as CSV",
)
async def get_csv(ctx: OperationContext, data: Form1099ReportInput) -> Form1099Csv:
    """The 1099-NEC report as a CSV file, one row per vendor paid in the year
    (reportable or not, with the reason), for the filing service or a spreadsheet."""
    report = await _report(ctx, data)
    return Form1099Csv(
        association_id=data.association_id,
        tax_year=data.tax_year,
        filename=f"1099-nec-{data.tax_year}.csv",
        content_type="text/csv",
        csv=form_1099.as_csv(report),
    )
