"""In-memory :class:`~astrobio.application.ports.metabolism.MetabolicModelRepository` (the fake)."""

from __future__ import annotations

import copy
from collections.abc import Sequence

from astrobio.application.ports.metabolism import MetabolicModelRepository
from astrobio.domain.metabolism import MetabolicModel


class InMemoryMetabolicModelRepository(MetabolicModelRepository):
    def __init__(self) -> None:
        self._models: dict[str, MetabolicModel] = {}

    def add(self, model: MetabolicModel) -> None:
        self._models[model.id] = copy.deepcopy(model)

    def get(self, model_id: str) -> MetabolicModel | None:
        m = self._models.get(model_id)
        return None if m is None else copy.deepcopy(m)

    def list(self, *, ncbi_taxid: int | None = None) -> Sequence[MetabolicModel]:
        return [copy.deepcopy(self._models[k]) for k in sorted(self._models)
                if ncbi_taxid is None or self._models[k].ncbi_taxid == ncbi_taxid]
