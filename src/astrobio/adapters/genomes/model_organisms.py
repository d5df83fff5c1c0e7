"""``StaticModelOrganismCatalog``: the organism behind each bundled metabolic model.

The SBML files carry no taxonomy annotation (only ``<model id name>``), so organism and strain come
from each model's publication as listed in the models' PROVENANCE (iAF692 Feist et al. 2006,
iMB745 Benedict et al. 2012, iJN678 Nogales et al. 2012, T_Maritima Zhang et al. 2009, AGORA /
AGORA2 strain names, BiGG for e_coli_core / iJO1366 / STM_v1_0), and taxids are the NCBI Taxonomy
ids of those strains. When a model's SBML file is found, its ``<model name>`` is read (plain XML,
first element only) and recorded in ``source``.
"""

from __future__ import annotations

import gzip
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from astrobio.application.ports.genomes import ModelOrganismCatalog
from astrobio.domain.genome_links import ModelOrganism

# model id, organism, strain, taxid, SBML file stem(s), aliases (SBML-internal ids)
_TABLE: tuple[tuple[str, str, str, int, str, tuple[str, ...]], ...] = (
    ("e_coli_core", "Escherichia coli", "K-12 substr. MG1655", 511145, "cobra_textbook", ("textbook",)),
    ("iJO1366", "Escherichia coli", "K-12 substr. MG1655", 511145, "cobra_iJO1366", ()),
    (
        "STM_v1_0",
        "Salmonella enterica subsp. enterica serovar Typhimurium",
        "LT2",
        99287,
        "cobra_salmonella",
        ("salmonella",),
    ),
    ("iAF692", "Methanosarcina barkeri", "Fusaro", 269797, "iAF692", ()),
    ("iMB745", "Methanosarcina acetivorans", "C2A", 188937, "iMB745", ()),
    ("iJN678", "Synechocystis sp. PCC 6803", "PCC 6803", 1148, "iJN678", ()),
    ("T_Maritima", "Thermotoga maritima", "MSB8", 243274, "T_Maritima", ()),
    (
        "AGORA2_Methanobrevibacter_smithii_ATCC_35061",
        "Methanobrevibacter smithii",
        "ATCC 35061",
        420247,
        "AGORA2_Methanobrevibacter_smithii_ATCC_35061",
        ("M_Methanobrevibacter_smithii_ATCC_35061",),
    ),
    (
        "AGORA_Bacteroides_thetaiotaomicron_VPI_5482",
        "Bacteroides thetaiotaomicron",
        "VPI-5482",
        226186,
        "AGORA_Bacteroides_thetaiotaomicron_VPI_5482",
        ("Bacteroides_thetaiotaomicron_VPI_5482_xml",),
    ),
)


def sbml_model_header(path: Path) -> tuple[str | None, str | None]:
    """``(id, name)`` of the SBML ``<model>`` element, reading only up to it."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as fh:
        for _, elem in ET.iterparse(fh, events=("start",)):
            if elem.tag.rsplit("}", 1)[-1] == "model":
                return elem.get("id"), elem.get("name")
    return None, None


class StaticModelOrganismCatalog(ModelOrganismCatalog):
    def __init__(self, models_dir: Path | None = None) -> None:
        self._by_id: dict[str, ModelOrganism] = {}
        self._aliases: dict[str, str] = {}
        for model_id, organism, strain, taxid, stem, aliases in _TABLE:
            source = "model publication (PROVENANCE)"
            sbml = self._find(models_dir, model_id) or self._find(models_dir, stem)
            if sbml is not None:
                try:
                    _, name = sbml_model_header(sbml)
                except (OSError, ET.ParseError):
                    name = None
                source += f"; SBML {sbml.name}" + (f" <model name={name!r}>" if name else "")
            self._by_id[model_id] = ModelOrganism(
                model_id=model_id, organism_name=organism, strain=strain, taxid=taxid, source=source
            )
            for a in aliases:
                self._aliases[a] = model_id

    @staticmethod
    def _find(models_dir: Path | None, stem: str) -> Path | None:
        if models_dir is None:
            return None
        for suffix in (".xml", ".xml.gz"):
            if (p := models_dir / f"{stem}{suffix}").is_file():
                return p
        return None

    def get(self, model_id: str) -> ModelOrganism | None:
        hit = self._by_id.get(self._aliases.get(model_id, model_id))
        return None if hit is None else replace(hit, model_id=hit.model_id)

    def all(self) -> Sequence[ModelOrganism]:
        return list(self._by_id.values())
