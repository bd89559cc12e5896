"""API models of the estoppels domain, derived from its tables."""

from __future__ import annotations

from datetime import date

from pydantic import Field

from domains.associations.models import AssociationId, UnitId
from domains.estoppels.models import EstoppelCertificate, EstoppelCertificateId, EstoppelStatus
from graph.schemas import ApiModel, connection_model, derive

EstoppelCertificateRead = derive(
    EstoppelCertificate,
    "EstoppelCertificate",
    [
        "id",
        "association_id",
        "unit_id",
        "jurisdiction",
        "form_effective_on",
        "title",
        "citation",
        "requester_kind",
        "requested_by",
        "requester_name",
        "closing_date",
        "issued_at",
        "issued_on",
        "valid_through",
        "balance",
        "fee",
        "fee_disposition",
        "fee_entry_id",
        "document_id",
        "figures",
    ],
    extra={
        "status": (
            EstoppelStatus,
            Field(description="`current` through its validity date, `stale` after it (request a new one)."),
        )
    },
    node=True,
)


class EstoppelCertificateRequestInput(ApiModel):
    """A certificate for a unit, issued at once from the books as they stand."""

    unit_id: UnitId = Field(description="The unit.")
    requester_name: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        pattern=r"^\S(.*\S)?$",
        description="The requestor's name as printed (a title company's, a closing agent's); omitted, the owner's "
        "names for an owner, the service account's name for an integration, the association's management for staff.",
    )
    closing_date: date | None = Field(None, description="The sale's closing date, if known (printed on the certificate).")
    waive_fee: bool = Field(False, description="Issue it without a fee (admins and managers only).")


class EstoppelCertificateGetInput(ApiModel):
    """Which certificate."""

    id: EstoppelCertificateId = Field(description="The certificate.")


class EstoppelCertificateListInput(ApiModel):
    """An association's certificates, latest first."""

    association_id: AssociationId = Field(description="The association.")
    unit_id: UnitId | None = Field(None, description="Only this unit's.")
    first: int = Field(20, ge=1, le=100, description="Page size, 1–100 (default 20).")
    after: str | None = Field(None, description="Cursor of the last item seen.")


EstoppelCertificateConnection = connection_model(EstoppelCertificateRead)
