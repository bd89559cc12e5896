"""Request-scoped loaders of the payables domain."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from strawberry.dataloader import DataLoader

from domains.payables.models import InsuranceCertificate
from domains.payables.service import vendors
from graph.pages import group


def certificates(ctx: Any) -> DataLoader[UUID, list[InsuranceCertificate]]:
    """`InsuranceCertificatesByVendor`, latest expiry first."""

    async def load(vendor_ids: list[UUID]) -> list[list[InsuranceCertificate]]:
        async with ctx.read_session() as session:
            rows = await vendors.certificates_of(session, vendor_ids)
        return group(rows, "vendor_id", vendor_ids)

    return ctx.loaders.keyed(("certificates_by_vendor",), load)
