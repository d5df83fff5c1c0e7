"""Links between metabolic models and genomes, with a reported confidence.

A model is built from one organism (``ModelOrganism``: name, strain, NCBI taxid). It is matched to
a genome by, in decreasing confidence: the same strain-level taxid (1.0); the same species and the
same strain name (0.8); the same species name only (0.4, a species-level stand-in, not the genome
the model was built from). Lower matches are not links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from astrobio.domain.errors import InvalidQuantity

TAXID, STRAIN, SPECIES = "taxid", "species+strain", "species"
CONFIDENCE = {TAXID: 1.0, STRAIN: 0.8, SPECIES: 0.4}


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelOrganism:
    """The organism a metabolic model was reconstructed for."""

    model_id: str
    organism_name: str
    strain: str | None = None
    taxid: int | None = None
    source: str = ""

    def __post_init__(self) -> None:
        if not self.model_id.strip() or not self.organism_name.strip():
            raise InvalidQuantity("model_id and organism_name are required", field="model_id")

    @property
    def species(self) -> str:
        return species_of(self.organism_name)


@dataclass(frozen=True, slots=True, kw_only=True)
class GenomeModelLink:
    model_id: str
    accession: str
    method: str
    confidence: float

    def __post_init__(self) -> None:
        if self.method not in CONFIDENCE:
            raise InvalidQuantity(f"unknown link method {self.method!r}", field="method")
        if not 0.0 < self.confidence <= 1.0:
            raise InvalidQuantity("confidence must be in (0, 1]", field="confidence")


def species_of(organism_name: str) -> str:
    """Genus + species epithet, lower case (``Escherichia coli str. K-12`` -> ``escherichia coli``)."""
    words = re.sub(r"[\[\]'\"]", "", organism_name).lower().split()
    if len(words) >= 2 and words[1] == "sp.":
        return " ".join(words[:3])  # "synechocystis sp. pcc 6803": the strain is the species stand-in
    return " ".join(words[:2])


def normalize_strain(strain: str | None) -> str:
    """Strain names compared without case, punctuation, spaces or ``str.``/``substr.`` words."""
    if not strain:
        return ""
    s = re.sub(r"\b(sub)?str(ain)?\.?\b|type strain:", " ", strain.lower())
    return re.sub(r"[^a-z0-9]", "", s)


def match(
    organism: ModelOrganism,
    *,
    accession: str,
    organism_name: str | None,
    taxid: int | None,
    strain: str | None,
) -> GenomeModelLink | None:
    """The link between a model's organism and one genome, or ``None`` when they do not match."""
    if organism.taxid is not None and taxid == organism.taxid:
        method = TAXID
    elif organism_name is None or species_of(organism_name) != organism.species:
        return None
    else:
        want = normalize_strain(organism.strain)
        have = {normalize_strain(strain), normalize_strain(organism_name.split(" ", 2)[-1])}
        method = (
            STRAIN if want and (want in have or any(h and h in want for h in have if len(h) > 3)) else SPECIES
        )
    return GenomeModelLink(
        model_id=organism.model_id, accession=accession, method=method, confidence=CONFIDENCE[method]
    )
