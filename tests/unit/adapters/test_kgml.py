"""KGML parsing of every bundled map, bad documents, and all-or-nothing ingestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from astrobio.adapters.kegg.file_catalog import FileKeggCatalog, read_pathway_members
from astrobio.adapters.kegg.graphs import bipartite_graph, compound_graph, connected_components
from astrobio.adapters.kegg.kgml import parse_kgml
from astrobio.adapters.memory.pathways import InMemoryPathwayRepository
from astrobio.application.use_cases.pathways import IngestKegg, IngestKeggCommand
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound
from astrobio.domain.pathway import Pathway

KEGG = Path(__file__).resolve().parents[3] / "data" / "kegg"
GLYCOLYSIS = (KEGG / "kgml" / "ko00010.xml").read_bytes()


def test_every_bundled_map_parses_and_is_named_after_its_file() -> None:
    catalog = FileKeggCatalog(KEGG)
    ids = catalog.list_ids()
    assert len(ids) == 28
    for pid in ids:
        assert catalog.fetch(pid).id == pid


def test_kgml_0_6_maps_without_reaction_ids_are_read() -> None:
    p = parse_kgml((KEGG / "kgml" / "ko00051.xml").read_bytes())  # Bioconductor KEGGgraph's old KGML
    assert len(p.reactions) > 50
    assert all(r.substrates and r.products for r in p.reactions)


def test_global_map_is_a_whole_map_not_a_toy() -> None:
    p = FileKeggCatalog(KEGG).fetch("ko01100")
    assert len(p.compounds) > 1000 and len(p.reactions) > 1000


def test_names_come_from_the_compound_table() -> None:
    p = FileKeggCatalog(KEGG).fetch("ko00010")
    assert p.compound_names["C00022"] == "Pyruvate"
    assert p.compound_names["C00031"] == "D-Glucose"


def test_flat_table_lists_glycolysis_members_for_enrichment() -> None:
    members = read_pathway_members(KEGG / "flatfiles" / "kegg_pathways.tsv")["map00010"]
    # pyruvate kinase (R00200, K00873): phosphoenolpyruvate -> pyruvate
    assert "R00200" in members.reactions and "K00873" in members.orthologs
    assert {"C00074", "C00022"} <= members.compounds


def test_networkx_views() -> None:
    p = parse_kgml(GLYCOLYSIS)
    bip = bipartite_graph(p)
    assert bip.nodes["C05378"]["kind"] == "compound" and bip.nodes["rxn:R01070"]["bipartite"] == 1
    assert bip.has_edge("C05378", "rxn:R01070")
    assert compound_graph(p).has_edge("C00111", "C05378")
    assert connected_components(p) >= 1


def test_truncated_kgml_names_the_problem_and_its_position() -> None:
    with pytest.raises(
        InvalidDataset, match=r"ko00010.xml: malformed or truncated KGML \(.*line \d+"
    ) as info:
        parse_kgml(GLYCOLYSIS[:20_000], source="ko00010.xml")
    assert info.value.field == "kgml"


def test_non_kgml_xml_is_refused() -> None:
    with pytest.raises(InvalidDataset, match="expected <pathway>"):
        parse_kgml(b"<html><body>Forbidden</body></html>")


def test_reaction_naming_a_missing_entry_is_refused() -> None:
    doc = b"""<pathway name="path:ko00001" org="ko" number="00001" title="t">
      <entry id="1" name="cpd:C00001" type="compound"/>
      <reaction id="1" name="rn:R1" type="irreversible"><substrate id="1" name="cpd:C00001"/>
      <product id="7" name="cpd:C00002"/></reaction></pathway>"""
    with pytest.raises(InvalidDataset, match="reaction R1 refers to missing entry 7"):
        parse_kgml(doc)


class _Catalog:
    source = "test"

    def __init__(self, docs: dict[str, bytes]) -> None:
        self.docs = docs

    def list_ids(self) -> list[str]:
        return sorted(self.docs)

    def fetch(self, pathway_id: str) -> Pathway:
        if pathway_id not in self.docs:
            raise NotFound(pathway_id)
        return parse_kgml(self.docs[pathway_id], source=f"{pathway_id}.xml")


def test_one_truncated_map_fails_the_ingestion_and_writes_nothing() -> None:
    repo = InMemoryPathwayRepository()
    docs = {"ko00010": GLYCOLYSIS, "ko00020": (KEGG / "kgml" / "ko00020.xml").read_bytes()[:5000]}
    with pytest.raises(InvalidDataset, match=r"ko00020\.xml: malformed or truncated"):
        IngestKegg(repo, lambda source: _Catalog(docs)).execute(IngestKeggCommand())
    assert repo.all() == []


def test_ingest_refuses_unknown_source_and_bad_ids() -> None:
    use_case = IngestKegg(InMemoryPathwayRepository(), lambda source: _Catalog({}))
    with pytest.raises(InvalidQuantity) as info:
        use_case.execute(IngestKeggCommand(source="ftp"))
    assert info.value.field == "source"
    with pytest.raises(InvalidDataset, match="not a KEGG pathway id"):
        use_case.execute(IngestKeggCommand(pathway_ids=("glycolysis",)))
