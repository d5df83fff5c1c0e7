"""Ports of the pathways feature: where maps come from, where they are kept, the graph VAE."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from astrobio.domain.pathway import GraphVaeMetrics, Pathway


class PathwayCatalog(Protocol):
    """A source of KEGG maps (bundled KGML files, KEGG REST)."""

    @property
    def source(self) -> str: ...

    def list_ids(self) -> list[str]:
        """Every pathway id the source can serve."""
        ...

    def fetch(self, pathway_id: str) -> Pathway:
        """One parsed map; ``NotFound`` when unknown, ``InvalidDataset`` when its KGML is bad."""
        ...

    def fetch_document(self, pathway_id: str) -> tuple[Pathway, bytes]:
        """Like :meth:`fetch`, with the KGML document the map was parsed from (as served)."""
        ...


class PathwayMembership(Protocol):
    """KEGG's pathway membership tables (reference maps -> compounds), for enrichment."""

    def compound_sets(self) -> dict[str, tuple[str, frozenset[str]]]:
        """Map id -> (map name, its compound ids)."""
        ...


class PathwayRepository(Protocol):
    """Stored pathways. ``save_all`` is one transaction: all maps are written, or none."""

    def save_all(self, pathways: Sequence[Pathway]) -> None: ...

    def get(self, pathway_id: str) -> Pathway | None: ...

    def page(self, offset: int = 0, limit: int = 100) -> tuple[list[Pathway], int]:
        """A page ordered by id, and the total count."""
        ...

    def all(self) -> list[Pathway]: ...


class GraphVaeTrainer(Protocol):
    """Trains the graph VAE on pathway maps and stores it as the active model."""

    def train(self, pathways: Sequence[Pathway], *, epochs: int, seed: int) -> GraphVaeMetrics: ...


class PathwayEmbedder(Protocol):
    """Latent embeddings of pathway maps (one vector per map) from the active graph VAE."""

    @property
    def model_id(self) -> str: ...

    def embed(self, pathways: Sequence[Pathway]) -> list[list[float]]: ...
