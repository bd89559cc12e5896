"""Domain discovery: every package under `domains/` registers itself.

A domain's `__init__.py` declares `domain = Domain(...)`, naming by string the
modules that register its operations and GraphQL fields, so importing a domain's
models never drags in the transports (and no import cycles form). Adding a
domain needs no edit here.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from functools import cache
from typing import Any

import domains


@dataclass(frozen=True)
class Domain:
    name: str
    description: str
    # Submodules imported at startup for their side effects (operations, type extensions).
    modules: tuple[str, ...] = ("operations",)
    # "module:Class" of strawberry types whose fields join the root Query.
    queries: tuple[str, ...] = ()
    # "module:attr" of extra GraphQL types to include (reachable only via `node`).
    types: tuple[str, ...] = ()

    def _resolve(self, ref: str) -> Any:
        module, _, attr = ref.partition(":")
        return getattr(importlib.import_module(f"domains.{self.name}.{module}"), attr)

    def query_types(self) -> list[type]:
        return [self._resolve(ref) for ref in self.queries]

    def extra_types(self) -> list[Any]:
        return [self._resolve(ref) for ref in self.types]


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
