"""GraphQL relation fields of the board packages domain, resolved through loaders."""

from __future__ import annotations

from domains.board_packages.schemas import BoardPackageRead
from graph.gqltypes import extend, output_type, to_one


@extend(BoardPackageRead)
class BoardPackageRelations:
    association = to_one("The association reported.")


# Built after every extension.
BoardPackageType = output_type(BoardPackageRead)
