"""A bounded mapping that drops its least recently used entry first.

The read path keeps three process-wide caches keyed by what they are built from
(compiled statements, Cerbos query plans, plans turned into SQL): their keys
name their contents exactly, so nothing is ever stale, and the bound only caps
memory when a deployment sees many distinct queries or principals.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: K, value: V) -> V:
        self._items[key] = value
        self._items.move_to_end(key)
        if len(self._items) > self.size:
            self._items.popitem(last=False)
        return value
