"""Error codes of the estoppels domain."""

from __future__ import annotations

from graph.errors import AppError, Conflict


class NoOwnerOfRecord(Conflict):
    """The unit has no current owner on file: a certificate names the owner of record."""

    code = "NO_OWNER_OF_RECORD"


class NoEstoppelForm(AppError):
    """No certificate form is in force for the association's jurisdiction (nor a default one) on the day of issue."""

    code = "NO_ESTOPPEL_FORM"
    status = 422
