"""Pathway maps as ML datasets: torch-geometric Data and features that do not leak held-out edges."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
from astrobio.adapters.ml.data.pathway_graphs import FEATURES, edge_array, node_features, to_pyg

KEGG = Path(__file__).resolve().parents[3] / "data" / "kegg"


def test_pyg_data_is_the_undirected_compound_projection() -> None:
    p = FileKeggCatalog(KEGG).fetch("ko00020")
    data = to_pyg(p)
    assert data.num_nodes == len(p.compounds)
    assert data.edge_index.shape == (2, 2 * len(p.compound_edges()))
    assert data.is_undirected()
    assert data.x.shape == (len(p.compounds), len(FEATURES))
    citrate, isocitrate = data.node_ids.index("C00158"), data.node_ids.index("C00311")
    pairs = set(map(tuple, data.edge_index.t().tolist()))
    assert (citrate, isocitrate) in pairs or (
        citrate,
        data.node_ids.index("C00417"),
    ) in pairs  # via cis-aconitate


def test_degree_feature_counts_only_the_edges_given() -> None:
    p = FileKeggCatalog(KEGG).fetch("ko00010")
    nodes, edges = edge_array(p)
    full = node_features(p, nodes, edges)
    assert np.allclose(np.expm1(full[:, 0]), np.bincount(edges[0], minlength=len(nodes)))
    none = node_features(p, nodes, edges[:, :0])
    assert (none[:, 0] == 0).all() and (none[:, 1] == 1).all()
    assert np.array_equal(none[:, 3:], full[:, 3:])  # layout features do not depend on edges
