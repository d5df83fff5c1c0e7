"""In-memory pathway repository (the fake held to the same contract as the SQL one)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from astrobio.application.ports.pathways import PathwayRepository
from astrobio.domain.pathway import Pathway


class InMemoryPathwayRepository(PathwayRepository):
    def __init__(self) -> None:
        self._items: dict[str, Pathway] = {}
        self._lock = threading.Lock()

    def save_all(self, pathways: Sequence[Pathway]) -> None:
        with self._lock:
            self._items.update({p.id: p for p in pathways})

    def get(self, pathway_id: str) -> Pathway | None:
        return self._items.get(pathway_id)

    def page(self, offset: int = 0, limit: int = 100) -> tuple[list[Pathway], int]:
        ordered = sorted(self._items.values(), key=lambda p: p.id)
        return ordered[offset : offset + limit], len(ordered)

    def all(self) -> list[Pathway]:
        return sorted(self._items.values(), key=lambda p: p.id)
