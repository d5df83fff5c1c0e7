"""KEGG pathway maps: compounds, reactions (with their KOs / enzymes) and entry relations.

A :class:`Pathway` is what one KGML map says, with KEGG's prefixes stripped (``cpd:C00022`` ->
``C00022``, ``rn:R00200`` -> ``R00200``, ``ko:K00873`` -> ``K00873``). The graph views
(compound-reaction bipartite edges, compound-compound projection) are pure functions of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from astrobio.domain.errors import InvalidDataset

_PATHWAY_ID = re.compile(r"^[a-z]{2,4}\d{5}$")


def require_pathway_id(value: str, name: str = "pathway_id") -> str:
    """``ko00010``, ``map00260``, ``hsa00020``: an organism / reference code and five digits."""
    if not isinstance(value, str) or not _PATHWAY_ID.match(value):
        raise InvalidDataset(
            f"{name} {value!r} is not a KEGG pathway id (e.g. ko00010, map00260)", field=name
        )
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayReaction:
    """One reaction of a map.

    ``id``: KEGG reaction id(s), space-separated when one KGML reaction names several.
    ``substrates`` / ``products``: compound ids. ``orthologs``: KOs (or organism genes) of the
    entry that catalyses it.
    """

    id: str
    reversible: bool
    substrates: tuple[str, ...]
    products: tuple[str, ...]
    orthologs: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.id.strip():
            raise InvalidDataset("reaction without an id", field="reactions.id")
        if not self.substrates and not self.products:
            raise InvalidDataset(f"reaction {self.id} has neither substrates nor products", field="reactions")


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayRelation:
    """A KGML ``relation`` between two entries (``ECrel``, ``PPrel``, ``GErel``, ``maplink``...)."""

    source: str
    target: str
    kind: str
    subtypes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayStats:
    """Sizes of a map and of its two graph views (undirected edge counts)."""

    n_compounds: int
    n_reactions: int
    n_orthologs: int
    n_relations: int
    n_bipartite_edges: int
    n_compound_edges: int
    mean_compound_degree: float


@dataclass(frozen=True, slots=True, kw_only=True)
class Pathway:
    """One KEGG pathway map (the aggregate persisted and served).

    Rules: ``id`` is a KEGG pathway id; the title is not empty; every compound a reaction uses is
    one of the map's ``compounds``; reaction ids are unique. ``compound_names`` maps compound ids
    to their first KEGG name where the catalog knows it; ``layout_px`` maps compound ids to their
    (x, y) position on the drawn map, in pixels (KGML ``graphics``).
    """

    id: str
    title: str
    organism: str
    compounds: tuple[str, ...]
    reactions: tuple[PathwayReaction, ...]
    orthologs: tuple[str, ...] = ()
    relations: tuple[PathwayRelation, ...] = ()
    compound_names: dict[str, str] = field(default_factory=dict)
    layout_px: dict[str, tuple[float, float]] = field(default_factory=dict)
    source: str = ""

    def __post_init__(self) -> None:
        require_pathway_id(self.id, "id")
        if not self.title.strip():
            raise InvalidDataset(f"pathway {self.id} has an empty title", field="title")
        known = set(self.compounds)
        if len(known) != len(self.compounds):
            raise InvalidDataset(f"pathway {self.id} lists a compound twice", field="compounds")
        seen: set[str] = set()
        for r in self.reactions:
            if r.id in seen:
                raise InvalidDataset(f"pathway {self.id}: reaction {r.id} appears twice", field="reactions")
            seen.add(r.id)
            missing = sorted(set(r.substrates + r.products) - known)
            if missing:
                raise InvalidDataset(
                    f"pathway {self.id}: reaction {r.id} uses compound(s) {missing} "
                    "that are not entries of the map",
                    field="reactions",
                )

    def bipartite_edges(self) -> list[tuple[str, str]]:
        """Compound -> reaction (substrates) and reaction -> compound (products) edges; reversible
        reactions get both directions. Node names: compound ids and ``"rxn:" + reaction id``."""
        edges: list[tuple[str, str]] = []
        for r in self.reactions:
            node = f"rxn:{r.id}"
            for c in r.substrates:
                edges.append((c, node))
                if r.reversible:
                    edges.append((node, c))
            for c in r.products:
                edges.append((node, c))
                if r.reversible:
                    edges.append((c, node))
        return sorted(set(edges))

    def compound_edges(self) -> list[tuple[str, str]]:
        """The compound-compound projection: an undirected edge (sorted pair) for every substrate
        and product of one reaction."""
        pairs = {
            tuple(sorted((s, p))) for r in self.reactions for s in r.substrates for p in r.products if s != p
        }
        return sorted((a, b) for a, b in pairs)

    def stats(self) -> PathwayStats:
        undirected = {frozenset(e) for e in self.bipartite_edges()}
        projection = self.compound_edges()
        degree = 2 * len(projection) / len(self.compounds) if self.compounds else 0.0
        return PathwayStats(
            n_compounds=len(self.compounds),
            n_reactions=len(self.reactions),
            n_orthologs=len(self.orthologs),
            n_relations=len(self.relations),
            n_bipartite_edges=len(undirected),
            n_compound_edges=len(projection),
            mean_compound_degree=degree,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class SimilarPathway:
    """A pathway and its cosine similarity (in [-1, 1]) to a query pathway's latent embedding."""

    id: str
    title: str
    similarity: float


@dataclass(frozen=True, slots=True, kw_only=True)
class GraphVaeMetrics:
    """Held-out link prediction of a trained graph VAE, and how it was trained."""

    model_id: str
    auroc: float
    average_precision: float
    val_auroc: float
    epochs: int
    best_epoch: int
    seconds_per_epoch: float
    n_graphs: int
    n_nodes: int
    n_test_edges: int
    path: str
