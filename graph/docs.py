"""Descriptions of enum members, written where the members are.

A member is described by the string literal right after it (an attribute
docstring, as Sphinx reads them):

    class UnitStatus(StrEnum):
        ACTIVE = "active"
        \"\"\"Billed and counted in votes.\"\"\"

Python keeps no such string at run time, so it is read from the class's source.
GraphQL's enum values and OpenAPI's `x-enum-descriptions` both come from here.
"""

from __future__ import annotations

import ast
import enum
import inspect
import itertools
import textwrap
from functools import cache


@cache
def member_docs(cls: type[enum.Enum]) -> dict[str, str]:
    """Member name → its description, for the members that have one."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    except (OSError, TypeError):
        return {}
    body = tree.body[0].body if tree.body and isinstance(tree.body[0], ast.ClassDef) else []
    docs: dict[str, str] = {}
    for node, after in itertools.pairwise(body):
        if (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
            and isinstance(after, ast.Expr)
            and isinstance(after.value, ast.Constant)
            and isinstance(after.value.value, str)
        ):
            docs[node.targets[0].id] = " ".join(inspect.cleandoc(after.value.value).split())
    return docs
