"""Pathway over-representation: which maps hold more of a compound list than chance would give.

One-sided hypergeometric test per map, Benjamini-Hochberg q-values over the maps tested.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from math import comb

from astrobio.domain.errors import InsufficientData


def hypergeometric_sf(k: int, universe: int, successes: int, draws: int) -> float:
    """P(X >= k) for X ~ Hypergeometric(universe N, successes K, draws n), exact."""
    top = min(successes, draws)
    if k <= 0:
        return 1.0
    if k > top:
        return 0.0
    hits = sum(comb(successes, i) * comb(universe - successes, draws - i) for i in range(k, top + 1))
    return hits / comb(universe, draws)


@dataclass(frozen=True, slots=True, kw_only=True)
class PathwayEnrichment:
    """One map's over-representation: ``overlap`` of the query's compounds among the map's ``size``."""

    pathway_id: str
    name: str
    overlap: int
    size: int
    p_value: float
    q_value: float
    compounds: tuple[str, ...]


def over_representation(
    query: set[str], maps: Mapping[str, tuple[str, frozenset[str]]], *, min_overlap: int = 1
) -> list[PathwayEnrichment]:
    """Test every map of ``maps`` (id -> (name, compound set)) against ``query``.

    The universe is every compound of any map; query compounds outside it are ignored. Results
    with at least ``min_overlap`` hits, sorted by p-value then id.
    """
    universe = set().union(*(members for _, members in maps.values())) if maps else set()
    hits_query = query & universe
    if not hits_query:
        raise InsufficientData("none of the compounds belongs to any known pathway", field="compounds")
    n_universe, n_query = len(universe), len(hits_query)
    tested = []
    for pid, (name, members) in maps.items():
        overlap = hits_query & members
        if len(overlap) >= min_overlap and members:
            p = hypergeometric_sf(len(overlap), n_universe, len(members), n_query)
            tested.append((p, pid, name, len(members), tuple(sorted(overlap))))
    tested.sort(key=lambda t: (t[0], t[1]))
    m = len(tested)
    q_values = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):  # Benjamini-Hochberg step-up, monotone from the largest p
        running = min(running, tested[rank - 1][0] * m / rank)
        q_values[rank - 1] = running
    return [
        PathwayEnrichment(
            pathway_id=pid, name=name, overlap=len(hits), size=size, p_value=p, q_value=q, compounds=hits
        )
        for (p, pid, name, size, hits), q in zip(tested, q_values, strict=True)
    ]
