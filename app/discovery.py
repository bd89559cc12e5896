"""Domain discovery: every package under `domains/` declares `domain = Domain(...)`
(graph/registry.py); importing its modules registers its operations, GraphQL
types and platform hooks. Call `load_domains()` before `Platform.start`.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache
from typing import Any

import domains
import graph.pipeline  # noqa: F401  (its DBOS workflows, like the domains', must exist before DBOS launches)
from graph.registry import Domain


@cache
def load_domains() -> tuple[Domain, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(domains.__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        package = importlib.import_module(f"domains.{info.name}")
        domain = getattr(package, "domain", None)
        if not isinstance(domain, Domain) or domain.name != info.name:
            raise RuntimeError(f"domains/{info.name}/__init__.py must define `domain = Domain(name={info.name!r}, …)`")
        found.append(domain)
    for domain in found:
        for module in domain.modules:
            importlib.import_module(f"domains.{domain.name}.{module}")
    return tuple(found)


def resolve(domain: Domain, ref: str) -> Any:
    """A domain's "module:attr" reference."""
    module, _, attr = ref.partition(":")
    return getattr(importlib.import_module(f"domains.{domain.name}.{module}"), attr)
