"""Every domain has the same rooms in the same places (README, "One domain template"),
and only its service/ talks to the database."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = sorted(p for p in (ROOT / "domains").iterdir() if p.is_dir() and p.name != "__pycache__")

MODULES = {"__init__.py", "models.py", "schemas.py", "types.py", "loaders.py", "errors.py", "workflows.py"}
PACKAGES = {"service", "operations"}
REQUIRED = {"__init__.py", "schemas.py", "operations"}
# Where SQL may be written: the tables, and the domain's service.
SQL_HOMES = {"models.py", "service"}
RUNS = {"execute", "scalar", "scalars", "stream", "stream_scalars", "refresh", "flush", "add", "add_all", "delete", "merge"}


def _entries(path: Path) -> set[str]:
    return {p.name for p in path.iterdir() if p.name != "__pycache__"}


def _python(domain: Path) -> list[Path]:
    return sorted(p for p in domain.rglob("*.py") if "__pycache__" not in p.parts)


def _runs_sql(node: ast.AST) -> bool:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    receiver = ast.unparse(node.func.value)
    if node.func.attr == "get":  # session.get(Model, id); a dict's get is no query
        return receiver.split(".")[-1].endswith("session")
    return node.func.attr in RUNS and (receiver.split(".")[-1].endswith("session") or receiver == "ctx")


def test_the_domains_are_there() -> None:
    names = {d.name for d in DOMAINS}
    assert {"associations", "accounting", "receivables", "payables", "organizations", "identity", "audit", "workflows"} <= names


def test_every_domain_has_the_template_rooms_and_no_others() -> None:
    problems = []
    for domain in DOMAINS:
        entries = _entries(domain)
        problems += [f"{domain.name}/{e}: not in the template" for e in sorted(entries - MODULES - PACKAGES)]
        problems += [f"{domain.name}/{r}: missing" for r in sorted(REQUIRED - entries)]
        for package in PACKAGES & entries:
            inside = _entries(domain / package)
            problems += [f"{domain.name}/{package}/{e}: nested" for e in sorted(inside) if not e.endswith(".py")]
            if "__init__.py" not in inside:
                problems.append(f"{domain.name}/{package}/__init__.py: missing")
        if "operations" in entries and _entries(domain / "operations") <= {"__init__.py"}:
            problems.append(f"{domain.name}/operations: no operation module")
    assert problems == [], "\n".join(problems)


def test_only_service_talks_to_the_database() -> None:
    offenders = []
    for domain in DOMAINS:
        for path in _python(domain):
            room = path.relative_to(domain).parts[0]
            if room in SQL_HOMES:
                continue
            tree = ast.parse(path.read_text())
            where = path.relative_to(ROOT)
            for node in ast.walk(tree):
                if _runs_sql(node):
                    offenders.append(f"{where}:{node.lineno} {ast.unparse(node.func)}")  # type: ignore[attr-defined]
                if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "sqlalchemy":
                    offenders.append(f"{where}:{node.lineno} imports {node.module}")
                if isinstance(node, ast.Import) and any(a.name.split(".")[0] == "sqlalchemy" for a in node.names):
                    offenders.append(f"{where}:{node.lineno} imports sqlalchemy")
    assert offenders == [], "SQL belongs in the domain's service/ (README, one domain template):\n" + "\n".join(offenders)


def test_operations_modules_hold_handlers_only() -> None:
    """An operations module's public functions are operations; what they share
    lives in the platform or the service."""
    from app.discovery import load_domains
    from graph.operations import REGISTRY

    load_domains()
    handlers = {(op.handler.__module__, op.handler.__name__) for op in REGISTRY.values()}
    strays = []
    for domain in DOMAINS:
        for path in sorted((domain / "operations").glob("*.py")):
            module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            if path.name == "__init__.py":
                module = module.removesuffix(".__init__")
            strays += [
                f"{module}.{node.name}"
                for node in ast.parse(path.read_text()).body
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                and not node.name.startswith("_")
                and (module, node.name) not in handlers
            ]
    assert strays == [], "move these to the service or the platform:\n" + "\n".join(strays)


def test_every_room_that_registers_something_is_imported_at_startup() -> None:
    """Operations, type extensions and workflows register themselves when imported:
    a module the domain doesn't name in `Domain.modules` would silently serve nothing."""
    from app.discovery import load_domains

    missing = []
    for domain in load_domains():
        root = ROOT / "domains" / domain.name
        rooms = [f"operations.{p.stem}" for p in sorted((root / "operations").glob("*.py")) if p.stem != "__init__"]
        rooms += [name for name in ("types", "workflows") if (root / f"{name}.py").exists()]
        missing += [f"{domain.name}: {room}" for room in rooms if room not in domain.modules]
    assert missing == [], "add them to the domain's `modules`"
