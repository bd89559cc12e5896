"""Error codes of the board packages domain."""

from __future__ import annotations

from graph.errors import Conflict


class BoardPackageNotReady(Conflict):
    """The package is still being generated (or failed): it has no files to download yet."""

    code = "BOARD_PACKAGE_NOT_READY"
