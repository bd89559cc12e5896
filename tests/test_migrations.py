"""Migrations are frozen history: what one does must not change when the
application changes after it ran."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "migrations"
# The application: every Python package at the top of the repository but the migrations.
APPLICATION = {p.parent.name for p in ROOT.glob("*/*.py")} - {"migrations"}


def _imported(tree: ast.AST) -> list[str]:
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.append(node.module)
    return names


def test_migrations_import_nothing_from_the_application() -> None:
    # env.py is the runner, not history: it reads the settings and hands the
    # migrations what they need (the database URL, the application role).
    files = [p for p in MIGRATIONS.rglob("*.py") if p.name != "env.py"]
    assert len(files) > 9 and {"graph", "domains"} <= APPLICATION
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for path in files
        for name in _imported(ast.parse(path.read_text()))
        if name.split(".")[0] in APPLICATION
    ]
    assert offenders == [], "migrations may import only the standard library, third parties and migrations/"


def test_each_migration_docstring_names_its_parent() -> None:
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        tree = ast.parse(path.read_text())
        doc = ast.get_docstring(tree) or ""
        values = {
            node.targets[0].id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name) and isinstance(node.value, ast.Constant)
        }
        assert re.search(rf"^Revision ID: {values['revision']}$", doc, re.MULTILINE), path.name
        assert re.search(rf"^Revises:[ ]?{values['down_revision'] or ''}$", doc, re.MULTILINE), path.name
