"""The layers hold: the platform (graph/) imports nothing above it, its modules
import each other without circles, and the running server never loads the
developer tooling (devtools/).

Above graph/ sit, in order: domains/, resolvers/ (GraphQL fields spanning
domains), app/ (the assembly); devtools/ beside app/. What the platform needs
from a domain is provided through graph/hooks.py.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORM = ROOT / "graph"
ABOVE = {"domains", "resolvers", "dataloaders", "app", "devtools"}


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(PLATFORM.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, path, ast.parse(path.read_text(), filename=str(path))


def _imported(node: ast.Import | ast.ImportFrom) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    assert node.level == 0, "graph/ uses absolute imports"
    # `from graph import hooks` imports the module graph.hooks.
    return [node.module or ""] + [f"{node.module}.{alias.name}" for alias in node.names]


def _function_local(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    for fn in ast.walk(tree):
        if isinstance(fn, ast.FunctionDef | ast.AsyncFunctionDef):
            for node in ast.walk(fn):
                if isinstance(node, ast.Import | ast.ImportFrom):
                    yield node


def test_platform_imports_nothing_above_it() -> None:
    offenders = []
    for name, path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for target in _imported(node):
                    if target.split(".")[0] in ABOVE:
                        offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {target}")
            # Importing by name at run time is importing all the same.
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
                "import_module",
                "__import__",
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} imports a module by name")
    assert offenders == [], "graph/ is the bottom layer; provide what it needs through graph/hooks.py:\n" + "\n".join(offenders)


def test_function_local_imports_say_why() -> None:
    offenders = []
    for _, path, tree in _modules():
        lines = path.read_text().splitlines()
        for node in _function_local(tree):
            around = lines[node.lineno - 2 : (node.end_lineno or node.lineno)]
            if not any("#" in line for line in around):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    assert offenders == [], "an import inside a function needs a comment saying why it must be local:\n" + "\n".join(offenders)


def test_platform_modules_import_each_other_without_circles() -> None:
    modules = {name: tree for name, _, tree in _modules()}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    for name, tree in modules.items():
        for node in ast.walk(tree):  # TYPE_CHECKING imports count: they tie the files together too
            if isinstance(node, ast.Import | ast.ImportFrom):
                edges[name] |= {t for t in _imported(node) if t in modules and t != name}
    circles: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = 1
        for nxt in sorted(edges[name]):
            if state.get(nxt) == 1:
                circles.append([*trail[trail.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[name] = 2

    for name in sorted(modules):
        if name not in state:
            visit(name, [name])
    assert circles == [], "circular imports in graph/:\n" + "\n".join(" → ".join(c) for c in circles)


def test_the_server_does_not_load_developer_tooling() -> None:
    probe = (
        "import sys\n"
        "from app.server import create_app\n"
        "from graph.settings import get_settings\n"
        "create_app(get_settings())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'devtools'))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]", f"the server imported developer tooling: {done.stdout}"
