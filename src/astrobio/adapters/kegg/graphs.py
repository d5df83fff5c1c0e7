"""networkx views of a pathway: compound-reaction bipartite digraph, compound-compound projection."""

from __future__ import annotations

from typing import Any

from astrobio.domain.pathway import Pathway


def bipartite_graph(pathway: Pathway) -> Any:
    """``nx.DiGraph``: compound and reaction nodes (``kind`` attribute, ``bipartite`` 0/1),
    substrate -> reaction -> product edges (both ways for reversible reactions)."""
    import networkx as nx

    g = nx.DiGraph(pathway_id=pathway.id, title=pathway.title)
    for c in pathway.compounds:
        g.add_node(c, kind="compound", bipartite=0, name=pathway.compound_names.get(c, c))
    for r in pathway.reactions:
        g.add_node(
            f"rxn:{r.id}", kind="reaction", bipartite=1, reversible=r.reversible, orthologs=list(r.orthologs)
        )
    g.add_edges_from(pathway.bipartite_edges())
    return g


def compound_graph(pathway: Pathway) -> Any:
    """``nx.Graph`` over compounds: an edge joins a substrate and a product of one reaction."""
    import networkx as nx

    g = nx.Graph(pathway_id=pathway.id, title=pathway.title)
    for c in pathway.compounds:
        g.add_node(c, name=pathway.compound_names.get(c, c), xy=pathway.layout_px.get(c))
    g.add_edges_from(pathway.compound_edges())
    return g


def connected_components(pathway: Pathway) -> int:
    """Weakly connected components of the bipartite graph."""
    import networkx as nx

    return int(nx.number_weakly_connected_components(bipartite_graph(pathway)))
