"""Pathway aggregate rules, and the bundled glycolysis map against KEGG's known stoichiometry."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.kegg.kgml import parse_kgml
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.pathway import Pathway, PathwayReaction

KGML = Path(__file__).resolve().parents[3] / "data" / "kegg" / "kgml"


def test_aldolase_splits_fructose_bisphosphate_into_the_two_triose_phosphates() -> None:
    glycolysis = parse_kgml((KGML / "ko00010.xml").read_bytes())
    # R01070 (EC 4.1.2.13): beta-D-fructose 1,6-bisphosphate (C05378)
    #   <=> glycerone phosphate (C00111) + D-glyceraldehyde 3-phosphate (C00118)
    aldolase = next(r for r in glycolysis.reactions if r.id == "R01070")
    assert aldolase.reversible
    assert aldolase.substrates == ("C05378",)
    assert set(aldolase.products) == {"C00111", "C00118"}
    assert "K01623" in aldolase.orthologs  # fructose-bisphosphate aldolase, class I
    assert ("C00111", "C05378") in glycolysis.compound_edges()
    assert ("C05378", "rxn:R01070") in glycolysis.bipartite_edges()
    assert ("rxn:R01070", "C05378") in glycolysis.bipartite_edges()  # reversible: both ways


def test_citrate_synthase_joins_oxaloacetate_and_acetyl_coa_in_the_tca_map() -> None:
    tca = parse_kgml((KGML / "ko00020.xml").read_bytes())
    # R00351: acetyl-CoA + H2O + oxaloacetate <=> citrate + CoA; the map draws the carbon skeleton
    citrate_synthase = next(r for r in tca.reactions if "R00351" in r.id.split())
    assert "C00036" in citrate_synthase.substrates  # oxaloacetate
    assert citrate_synthase.products == ("C00158",)  # citrate
    assert tca.title == "Citrate cycle (TCA cycle)"


def test_stats_count_each_undirected_edge_once() -> None:
    p = Pathway(
        id="ko00001",
        title="toy",
        organism="ko",
        compounds=("C1", "C2", "C3"),
        reactions=(PathwayReaction(id="R1", reversible=True, substrates=("C1",), products=("C2", "C3")),),
    )
    s = p.stats()
    assert (s.n_bipartite_edges, s.n_compound_edges) == (3, 2)
    assert s.mean_compound_degree == pytest.approx(4 / 3)


def test_rejects_reaction_using_a_compound_the_map_lacks() -> None:
    with pytest.raises(InvalidDataset, match="C9"):
        Pathway(
            id="ko00001",
            title="t",
            organism="ko",
            compounds=("C1",),
            reactions=(PathwayReaction(id="R1", reversible=False, substrates=("C1",), products=("C9",)),),
        )


@pytest.mark.parametrize("bad", ["", "KO00010", "ko0001", "path:ko00010", "ko00010x"])
def test_rejects_malformed_pathway_ids(bad: str) -> None:
    with pytest.raises(InvalidDataset) as info:
        Pathway(id=bad, title="t", organism="ko", compounds=(), reactions=())
    assert info.value.field == "id"


def test_rejects_duplicate_reaction_ids() -> None:
    r = PathwayReaction(id="R1", reversible=False, substrates=("C1",), products=("C2",))
    with pytest.raises(InvalidDataset, match="twice"):
        Pathway(id="ko00001", title="t", organism="ko", compounds=("C1", "C2"), reactions=(r, r))
