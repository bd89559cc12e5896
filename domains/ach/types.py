"""GraphQL relation fields of the ACH domain, resolved through loaders."""

from __future__ import annotations

from domains.ach.schemas import AchAuthorizationRead, AchEntryRead, AchFileRead, AchReturnFileRead
from graph.gqltypes import extend, output_type, to_one


@extend(AchAuthorizationRead)
class AchAuthorizationRelations:
    unit = to_one("The unit whose owner authorized debits (autopay).")
    vendor = to_one("The vendor paid by ACH credit.")


@extend(AchFileRead)
class AchFileRelations:
    bank_account = to_one("The association's bank account the file moves money through.")


@extend(AchEntryRead)
class AchEntryRelations:
    file = to_one("The file.")
    authorization = to_one("The authorization it used.")
    unit = to_one("The unit debited.")
    vendor_payment = to_one("The vendor payment it pays.")


# Built after every extension.
AchAuthorizationType = output_type(AchAuthorizationRead)
AchFileType = output_type(AchFileRead)
AchEntryType = output_type(AchEntryRead)
AchReturnFileType = output_type(AchReturnFileRead)
