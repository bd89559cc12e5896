"""The benchmarks are not run by `make test` (they take minutes each), so nothing
else would notice one importing a name that a refactoring removed."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OURS = {p.name for p in ROOT.iterdir() if p.is_dir() and any(p.glob("*.py"))}


@pytest.mark.parametrize("path", sorted(BENCH.glob("*.py")), ids=lambda p: p.name)
def test_every_name_a_bench_imports_exists(path: Path) -> None:
    missing = []
    for node in ast.walk(ast.parse(path.read_text())):
        # The project's own modules: a refactoring renames those.
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] in OURS:
            module = importlib.import_module(node.module)
            missing += [f"{node.module}.{a.name}" for a in node.names if not _importable(module, a.name)]
    assert not missing, f"{path.name} imports names that do not exist: {missing}"


def _importable(module: object, name: str) -> bool:
    if hasattr(module, name):
        return True
    try:  # a submodule not imported yet
        importlib.import_module(f"{module.__name__}.{name}")  # type: ignore[attr-defined]
    except ModuleNotFoundError:
        return False
    return True
