"""Hypergeometric over-representation against closed forms, SciPy, and KEGG's glycolysis map."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog
from astrobio.application.use_cases.pathways import EnrichCompounds, EnrichCompoundsCommand
from astrobio.domain.enrichment import hypergeometric_sf, over_representation
from astrobio.domain.errors import InsufficientData, InvalidQuantity

KEGG = Path(__file__).resolve().parents[3] / "data" / "kegg"


def test_drawing_every_success_has_the_closed_form_probability() -> None:
    # 5 draws from 10 items of which 5 are marked: all 5 marked with probability 1 / C(10, 5)
    assert hypergeometric_sf(5, 10, 5, 5) == pytest.approx(1 / 252)
    assert hypergeometric_sf(0, 10, 5, 5) == 1.0
    assert hypergeometric_sf(6, 10, 5, 5) == 0.0


@pytest.mark.parametrize(
    ("k", "n_universe", "successes", "draws"), [(3, 50, 10, 8), (10, 20000, 31, 12), (1, 7, 3, 2)]
)
def test_matches_scipy(k: int, n_universe: int, successes: int, draws: int) -> None:
    stats = pytest.importorskip("scipy.stats")
    expected = stats.hypergeom.sf(k - 1, n_universe, successes, draws)
    assert hypergeometric_sf(k, n_universe, successes, draws) == pytest.approx(expected, rel=1e-9)


def test_benjamini_hochberg_q_values_are_monotone_and_bounded() -> None:
    maps = {f"map{i:05d}": (f"m{i}", frozenset({f"C{j:05d}" for j in range(i, i + 5)})) for i in range(10)}
    found = over_representation({"C00000", "C00001", "C00002"}, maps)
    ps = [e.p_value for e in found]
    qs = [e.q_value for e in found]
    assert ps == sorted(ps) and qs == sorted(qs)
    assert all(p <= q <= 1.0 for p, q in zip(ps, qs, strict=True))
    assert found[-1].q_value == pytest.approx(min(1.0, found[-1].p_value))  # largest p: q = p * m / m


def test_glycolytic_intermediates_point_to_the_glycolysis_map() -> None:
    # glucose, G6P, F6P, F1,6BP, DHAP, GAP, 1,3BPG, 3PG, 2PG, PEP, pyruvate
    glycolytic = (
        "C00031",
        "C00668",
        "C00085",
        "C00354",
        "C00111",
        "C00118",
        "C00236",
        "C00197",
        "C00631",
        "C00074",
        "C00022",
    )
    found = EnrichCompounds(FileKeggCatalog(KEGG)).execute(
        EnrichCompoundsCommand(compounds=glycolytic, top=3)
    )
    assert found[0].pathway_id == "map00010"
    assert found[0].overlap == len(glycolytic)


def test_rejects_empty_or_malformed_compound_lists() -> None:
    with pytest.raises(InvalidQuantity):
        EnrichCompoundsCommand(compounds=())
    with pytest.raises(InvalidQuantity, match="pyruvate"):
        EnrichCompoundsCommand(compounds=("pyruvate",))
    with pytest.raises(InsufficientData):
        over_representation({"C99999"}, {"map00010": ("g", frozenset({"C00022"}))})
