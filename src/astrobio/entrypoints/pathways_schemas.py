"""msgspec DTOs of the pathways API (HTTP and CLI)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

import msgspec

from astrobio.application.use_cases.pathways import FindSimilarCommand
from astrobio.domain.pathway import Pathway, PathwayStats, SimilarPathway


class PathwayStatsRead(msgspec.Struct):
    n_compounds: int
    n_reactions: int
    n_orthologs: int
    n_relations: int
    n_bipartite_edges: int
    n_compound_edges: int
    mean_compound_degree: float

    @classmethod
    def from_domain(cls, s: PathwayStats) -> PathwayStatsRead:
        return cls(**msgspec.structs.asdict(msgspec.convert(s, cls, from_attributes=True)))


class PathwaySummaryRead(msgspec.Struct):
    id: str
    title: str
    organism: str
    source: str
    stats: PathwayStatsRead

    @classmethod
    def from_domain(cls, p: Pathway) -> PathwaySummaryRead:
        return cls(
            id=p.id,
            title=p.title,
            organism=p.organism,
            source=p.source,
            stats=PathwayStatsRead.from_domain(p.stats()),
        )


#: KEGG map00680 as a list item; the full map's example adds its reactions and graph.
_METHANE_MAP_SUMMARY: dict[str, Any] = {
    "id": "map00680",
    "title": "Methane metabolism",
    "organism": "ko",
    "source": "KEGG",
    "stats": {
        "n_compounds": 21,
        "n_reactions": 14,
        "n_orthologs": 38,
        "n_relations": 12,
        "n_bipartite_edges": 52,
        "n_compound_edges": 30,
        "mean_compound_degree": 2.86,
    },
}


class PathwayPageRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("one KEGG map",
         {
             "items": [_METHANE_MAP_SUMMARY],
             "total": 1,
             "offset": 0,
             "limit": 20,
         }),
    ]

    items: list[PathwaySummaryRead]
    total: int
    offset: int
    limit: int


class NodeRead(msgspec.Struct):
    id: str
    kind: str
    name: str


class ReactionRead(msgspec.Struct):
    id: str
    reversible: bool
    substrates: list[str]
    products: list[str]
    orthologs: list[str]


class GraphRead(msgspec.Struct):
    """The compound-reaction bipartite graph (directed edges) as node and edge lists."""

    nodes: list[NodeRead]
    edges: list[tuple[str, str]]


class PathwayRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("methane metabolism",
         {
             **_METHANE_MAP_SUMMARY,
             "reactions": [
                 {
                     "id": "R04541",
                     "reversible": False,
                     "substrates": ["C03920", "C04628"],
                     "products": ["C04832", "C01438"],
                     "orthologs": ["K00399"],
                 },
             ],
             "orthologs": ["K00399"],
             "graph": {
                 "nodes": [
                     {"id": "R04541", "kind": "reaction", "name": "methyl-CoM reductase"},
                     {"id": "C01438", "kind": "compound", "name": "Methane"},
                 ],
                 "edges": [["R04541", "C01438"]],
             },
         }),
    ]

    id: str
    title: str
    organism: str
    source: str
    stats: PathwayStatsRead
    reactions: list[ReactionRead]
    orthologs: list[str]
    graph: GraphRead

    @classmethod
    def from_domain(cls, p: Pathway) -> PathwayRead:
        nodes = [NodeRead(id=c, kind="compound", name=p.compound_names.get(c, c)) for c in p.compounds]
        nodes += [NodeRead(id=f"rxn:{r.id}", kind="reaction", name=r.id) for r in p.reactions]
        return cls(
            id=p.id,
            title=p.title,
            organism=p.organism,
            source=p.source,
            stats=PathwayStatsRead.from_domain(p.stats()),
            reactions=[
                ReactionRead(
                    id=r.id,
                    reversible=r.reversible,
                    substrates=list(r.substrates),
                    products=list(r.products),
                    orthologs=list(r.orthologs),
                )
                for r in p.reactions
            ],
            orthologs=list(p.orthologs),
            graph=GraphRead(nodes=nodes, edges=p.bipartite_edges()),
        )


class SimilarBody(msgspec.Struct, forbid_unknown_fields=True):
    """A stored pathway to compare with every other stored pathway."""
    #: Worked examples (summary, body): in the OpenAPI schema and posted by the test suite.
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("maps closest to methane metabolism",
         {"pathway_id": "ko00680", "top_k": 5}),
    ]

    pathway_id: str
    top_k: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 5

    def to_command(self) -> FindSimilarCommand:
        return FindSimilarCommand(pathway_id=self.pathway_id, top_k=self.top_k)


class SimilarItemRead(msgspec.Struct):
    id: str
    title: str
    similarity: float

    @classmethod
    def from_domain(cls, s: SimilarPathway) -> SimilarItemRead:
        return cls(id=s.id, title=s.title, similarity=s.similarity)


class SimilarRead(msgspec.Struct):
    __examples__: ClassVar[list[tuple[str, dict[str, Any]]]] = [
        ("maps close to methane metabolism",
         {
             "pathway_id": "map00680",
             "model_id": "gnn-20261203-c3",
             "items": [
                 {"id": "map00720", "title": "Carbon fixation pathways in prokaryotes", "similarity": 0.83},
             ],
         }),
    ]

    pathway_id: str
    model_id: str
    items: list[SimilarItemRead]
