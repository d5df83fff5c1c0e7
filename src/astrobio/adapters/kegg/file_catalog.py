"""The bundled KEGG snapshot (``data/kegg/``): KGML maps plus KEGG flat tables."""

from __future__ import annotations

import csv
import dataclasses
from functools import cached_property
from pathlib import Path

from astrobio.adapters.kegg.kgml import parse_kgml
from astrobio.application.ports.pathways import PathwayCatalog, PathwayMembership
from astrobio.domain.errors import InvalidDataset, NotFound
from astrobio.domain.pathway import Pathway, require_pathway_id


@dataclasses.dataclass(frozen=True, slots=True)
class PathwayMembers:
    """A map's members per the KEGG flat table ``kegg_pathways.tsv`` (for enrichment)."""

    name: str
    reactions: frozenset[str]
    orthologs: frozenset[str]
    compounds: frozenset[str]


def read_compound_names(path: Path) -> dict[str, str]:
    """``kegg_compound_name.tsv`` (``compound_id<TAB>compound_name``) as a dict."""
    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["compound_id"]: row["compound_name"]
            for row in csv.DictReader(fh, delimiter="\t")
            if row.get("compound_id")
        }


def read_pathway_members(path: Path) -> dict[str, PathwayMembers]:
    """``kegg_pathways.tsv``: reference map id -> its reactions, KOs and compounds."""

    def split(text: str | None) -> frozenset[str]:
        return frozenset(t for t in (text or "").split(",") if t)

    with path.open(encoding="utf-8", newline="") as fh:
        return {
            row["pathway_id"]: PathwayMembers(
                row["pathway_name"],
                split(row["pathway_reactions"]),
                split(row["pathway_kos"]),
                split(row["pathway_compounds"]),
            )
            for row in csv.DictReader(fh, delimiter="\t")
            if row.get("pathway_id")
        }


class FileKeggCatalog(PathwayCatalog, PathwayMembership):
    """KGML files named ``<pathway id>.xml`` in ``root/kgml``; compound names from
    ``root/flatfiles/kegg_compound_name.tsv`` when present."""

    def __init__(self, root: Path) -> None:
        self._root = Path(root)

    @property
    def source(self) -> str:
        return f"bundled:{self._root.name}"

    @cached_property
    def compound_names(self) -> dict[str, str]:
        path = self._root / "flatfiles" / "kegg_compound_name.tsv"
        return read_compound_names(path) if path.exists() else {}

    @cached_property
    def members(self) -> dict[str, PathwayMembers]:
        path = self._root / "flatfiles" / "kegg_pathways.tsv"
        return read_pathway_members(path) if path.exists() else {}

    def compound_sets(self) -> dict[str, tuple[str, frozenset[str]]]:
        return {pid: (m.name, m.compounds) for pid, m in self.members.items() if m.compounds}

    def list_ids(self) -> list[str]:
        return sorted(p.stem for p in (self._root / "kgml").glob("*.xml"))

    def fetch(self, pathway_id: str) -> Pathway:
        return self.fetch_document(pathway_id)[0]

    def fetch_document(self, pathway_id: str) -> tuple[Pathway, bytes]:
        path = self._root / "kgml" / f"{require_pathway_id(pathway_id)}.xml"
        if not path.is_file():
            raise NotFound(f"no bundled KGML map {pathway_id!r} in {path.parent}", field="pathway_id")
        data = path.read_bytes()
        return with_names(parse_kgml(data, source=f"{self.source}/{path.name}"), self.compound_names), data


def with_names(pathway: Pathway, names: dict[str, str]) -> Pathway:
    """The map with ``compound_names`` filled from a KEGG name table (first name of each)."""
    if pathway.id.lower() != pathway.id:
        raise InvalidDataset(f"pathway id {pathway.id!r} is not lower case", field="id")
    known = {c: names[c].split(";")[0].strip() for c in pathway.compounds if c in names}
    return dataclasses.replace(pathway, compound_names={**known, **pathway.compound_names})
