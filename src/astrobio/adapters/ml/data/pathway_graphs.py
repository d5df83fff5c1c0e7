"""Pathway maps as ML graph datasets: node features, torch-geometric ``Data``, NPZ export.

Nodes are the compounds of a map, edges the compound-compound projection (undirected).
Node features (``FEATURES``): log(1 + degree), isolated flag, a glycan/drug flag, and
sin/cos Fourier features of the compound's position on the drawn map (KGML layout, scaled to
[0, 1] per map) at 8 octaves: the layout places compounds that react with each other close
together, which a featureless GCN cannot see.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from astrobio.domain.pathway import Pathway

OCTAVES = 8
FEATURES = ["log1p_degree", "isolated", "non_compound"] + [
    f"{fn}_{axis}_{k}" for fn in ("sin", "cos") for axis in ("x", "y") for k in range(OCTAVES)
]


def edge_array(pathway: Pathway) -> tuple[list[str], np.ndarray]:
    """Node ids and a ``(2, 2E)`` int64 array of both directions of every projection edge."""
    nodes = list(pathway.compounds)
    index = {c: i for i, c in enumerate(nodes)}
    pairs = np.array([(index[a], index[b]) for a, b in pathway.compound_edges()], dtype=np.int64).reshape(
        -1, 2
    )
    return nodes, np.concatenate([pairs.T, pairs.T[::-1]], axis=1)


def node_features(pathway: Pathway, nodes: list[str], edge_index: np.ndarray) -> np.ndarray:
    """``(N, len(FEATURES))`` float32 features; degrees are counted on ``edge_index`` (pass the
    training edges only, so held-out edges do not leak through the degree)."""
    n = len(nodes)
    degree = np.bincount(edge_index[0], minlength=n).astype(np.float64) if edge_index.size else np.zeros(n)
    xy = np.array([pathway.layout_px.get(c, (0.0, 0.0)) for c in nodes], dtype=np.float64).reshape(n, 2)
    span = xy.max(axis=0) - xy.min(axis=0) if n else np.ones(2)
    unit = (xy - (xy.min(axis=0) if n else 0.0)) / np.where(span > 0, span, 1.0)
    angles = (unit[:, :, None] * (np.pi * 2.0 ** np.arange(OCTAVES))).reshape(n, 2, OCTAVES)
    fourier = np.concatenate([np.sin(angles).reshape(n, -1), np.cos(angles).reshape(n, -1)], axis=1)
    other = np.array([0.0 if c.startswith("C") else 1.0 for c in nodes]).reshape(n, 1)
    return np.concatenate([np.log1p(degree)[:, None], (degree == 0)[:, None], other, fourier], axis=1).astype(
        np.float32
    )


def to_pyg(pathway: Pathway) -> Any:
    """A ``torch_geometric.data.Data`` (``x``, ``edge_index``, ``node_ids``, ``pathway_id``)."""
    import torch
    from torch_geometric.data import Data

    nodes, edges = edge_array(pathway)
    x = node_features(pathway, nodes, edges)
    return Data(
        x=torch.from_numpy(x),
        edge_index=torch.from_numpy(edges),
        num_nodes=len(nodes),
        node_ids=nodes,
        pathway_id=pathway.id,
    )


def export_npz(pathways: list[Pathway], directory: Path) -> list[Path]:
    """One ``<id>.npz`` per map: ``edge_index`` (2, 2E), ``adjacency`` (N, N) uint8, ``x``,
    ``feature_names``, ``node_ids``; readable without torch (``numpy.load``)."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for p in pathways:
        nodes, edges = edge_array(p)
        adjacency = np.zeros((len(nodes), len(nodes)), dtype=np.uint8)
        adjacency[edges[0], edges[1]] = 1
        target = directory / f"{p.id}.npz"
        tmp = directory / f".{p.id}.npz.part"
        with tmp.open("wb") as fh:
            np.savez_compressed(
                fh,
                edge_index=edges,
                adjacency=adjacency,
                x=node_features(p, nodes, edges),
                feature_names=np.array(FEATURES),
                node_ids=np.array(nodes),
            )
        tmp.replace(target)
        written.append(target)
    return written
