"""Use cases of KEGG pathways: ingest, list, show, train the graph VAE, find similar maps."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from astrobio.application.ports.pathways import (
    GraphVaeTrainer,
    PathwayCatalog,
    PathwayEmbedder,
    PathwayMembership,
    PathwayRepository,
)
from astrobio.domain.enrichment import PathwayEnrichment, over_representation
from astrobio.domain.errors import InsufficientData, InvalidQuantity, NotFound
from astrobio.domain.pathway import GraphVaeMetrics, Pathway, SimilarPathway, require_pathway_id


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestKeggCommand:
    source: str = "bundled"
    pathway_ids: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestKeggReport:
    source: str
    ids: tuple[str, ...]


class IngestKegg:
    """Read KEGG maps from a source (``bundled`` files or KEGG ``rest``) and store them.

    Every requested map (all of the source's when none are named) is read and parsed before
    anything is written; then all are saved in one transaction. One malformed or truncated map
    fails the whole ingestion and writes nothing. Re-ingesting a map replaces it.
    """

    def __init__(self, repository: PathwayRepository, catalogs: Callable[[str], PathwayCatalog]) -> None:
        self._repository = repository
        self._catalogs = catalogs

    def execute(self, command: IngestKeggCommand) -> IngestKeggReport:
        if command.source not in {"bundled", "rest"}:
            raise InvalidQuantity(f"unknown source {command.source!r} (bundled or rest)", field="source")
        ids = [require_pathway_id(i) for i in command.pathway_ids]
        catalog = self._catalogs(command.source)
        pathways = [catalog.fetch(i) for i in (ids or catalog.list_ids())]
        self._repository.save_all(pathways)
        return IngestKeggReport(source=catalog.source, ids=tuple(p.id for p in pathways))


class ListPathways:
    """A page of the stored pathways, ordered by id, with the total count."""

    def __init__(self, repository: PathwayRepository) -> None:
        self._repository = repository

    def execute(self, offset: int = 0, limit: int = 100) -> tuple[list[Pathway], int]:
        return self._repository.page(offset, limit)


class GetPathway:
    """One stored pathway by id (``NotFound`` when it was not ingested)."""

    def __init__(self, repository: PathwayRepository) -> None:
        self._repository = repository

    def execute(self, pathway_id: str) -> Pathway:
        found = self._repository.get(require_pathway_id(pathway_id))
        if found is None:
            raise NotFound(
                f"no pathway {pathway_id!r} (run `astrobio ingest kegg` first)", field="pathway_id"
            )
        return found


@dataclass(frozen=True, slots=True, kw_only=True)
class TrainGraphVaeCommand:
    epochs: int = 60
    seed: int = 0

    def __post_init__(self) -> None:
        if not 1 <= self.epochs <= 10_000:
            raise InvalidQuantity("epochs must be in 1..10000", field="epochs")


class TrainGraphVae:
    """Train the graph VAE on the stored maps (the bundled maps when none are stored).

    Each map's compound graph has edges held out (validation picks the epoch, test edges give
    the reported AUROC and average precision); the model becomes the active one.
    """

    def __init__(
        self, repository: PathwayRepository, bundled: Callable[[], PathwayCatalog], trainer: GraphVaeTrainer
    ) -> None:
        self._repository = repository
        self._bundled = bundled
        self._trainer = trainer

    def execute(self, command: TrainGraphVaeCommand) -> GraphVaeMetrics:
        pathways = self._repository.all()
        if not pathways:
            catalog = self._bundled()
            pathways = [catalog.fetch(i) for i in catalog.list_ids()]
        return self._trainer.train(pathways, epochs=command.epochs, seed=command.seed)


@dataclass(frozen=True, slots=True, kw_only=True)
class FindSimilarCommand:
    pathway_id: str
    top_k: int = 5

    def __post_init__(self) -> None:
        require_pathway_id(self.pathway_id)
        if not 1 <= self.top_k <= 1000:
            raise InvalidQuantity("top_k must be in 1..1000", field="top_k")


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return sum(x * y for x, y in zip(a, b, strict=True)) / norm if norm else 0.0


class FindSimilarPathways:
    """The stored maps closest to one stored map, by cosine similarity of their latent embeddings
    (mean of the active graph VAE's node embeddings); the query map itself is left out."""

    def __init__(self, repository: PathwayRepository, embedder: Callable[[], PathwayEmbedder]) -> None:
        self._repository = repository
        self._embedder = embedder

    def execute(self, command: FindSimilarCommand) -> tuple[str, list[SimilarPathway]]:
        pathways = self._repository.all()
        by_id = {p.id: i for i, p in enumerate(pathways)}
        if command.pathway_id not in by_id:
            raise NotFound(
                f"no pathway {command.pathway_id!r} (run `astrobio ingest kegg` first)", field="pathway_id"
            )
        if len(pathways) < 2:
            raise InsufficientData("need at least two stored pathways to compare", field="pathway_id")
        embedder = self._embedder()
        vectors = embedder.embed(pathways)
        query = vectors[by_id[command.pathway_id]]
        scored = [
            SimilarPathway(id=p.id, title=p.title, similarity=cosine(query, v))
            for p, v in zip(pathways, vectors, strict=True)
            if p.id != command.pathway_id
        ]
        scored.sort(key=lambda s: (-s.similarity, s.id))
        return embedder.model_id, scored[: command.top_k]


@dataclass(frozen=True, slots=True, kw_only=True)
class EnrichCompoundsCommand:
    compounds: tuple[str, ...]
    top: int = 10

    def __post_init__(self) -> None:
        if not self.compounds:
            raise InvalidQuantity("give at least one compound id (e.g. C00022)", field="compounds")
        bad = [c for c in self.compounds if not (len(c) == 6 and c[0] in "CGD" and c[1:].isdigit())]
        if bad:
            raise InvalidQuantity(f"not KEGG compound ids: {bad}", field="compounds")
        if not 1 <= self.top <= 1000:
            raise InvalidQuantity("top must be in 1..1000", field="top")


class EnrichCompounds:
    """KEGG maps over-represented in a compound list (hypergeometric test, Benjamini-Hochberg
    q-values), over KEGG's pathway membership table; the ``top`` smallest p-values."""

    def __init__(self, membership: PathwayMembership) -> None:
        self._membership = membership

    def execute(self, command: EnrichCompoundsCommand) -> list[PathwayEnrichment]:
        found = over_representation(set(command.compounds), self._membership.compound_sets())
        return found[: command.top]
