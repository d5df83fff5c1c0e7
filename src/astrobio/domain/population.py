"""1000 Genomes populations: samples, allele frequencies per super-population, genotype PCA."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from astrobio.domain.errors import InvalidDataset

SUPER_POPULATIONS = ("AFR", "AMR", "EAS", "EUR", "SAS")


@dataclass(frozen=True, slots=True, kw_only=True)
class PopulationSample:
    sample_id: str
    population: str
    super_population: str
    sex: str | None = None

    def __post_init__(self) -> None:
        if not self.sample_id or not self.population or not self.super_population:
            raise InvalidDataset(
                f"sample {self.sample_id!r} lacks population or super-population", field="population"
            )
        if self.sex not in (None, "male", "female"):
            raise InvalidDataset(
                f"sample {self.sample_id}: sex must be male or female, got {self.sex!r}", field="sex"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Population:
    """A population code with its super-population, sample and sex counts."""

    code: str
    super_population: str
    sample_count: int
    female_count: int = 0
    male_count: int = 0
    name: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class VariantFrequency:
    """Alternate-allele frequency of one biallelic variant in one super-population."""

    variant_id: str
    chrom: str
    pos: int
    ref: str
    alt: str
    super_population: str
    alt_allele_frequency: float
    allele_number: int


@dataclass(frozen=True, slots=True, kw_only=True)
class GenotypePca:
    """PCA of the samples' alt-allele dosages: variance ratios and each super-population's centroid
    and spread (standard deviation) on the leading components."""

    n_samples: int
    n_variants: int
    explained_variance_ratio: tuple[float, ...]
    centroids: dict[str, tuple[float, ...]] = field(default_factory=dict)
    spreads: dict[str, tuple[float, ...]] = field(default_factory=dict)


def populations_of(
    samples: Sequence[PopulationSample], names: Mapping[str, str] | None = None
) -> list[Population]:
    """Group samples into populations, ordered by super-population then code."""
    groups: dict[tuple[str, str], list[PopulationSample]] = {}
    for s in samples:
        groups.setdefault((s.super_population, s.population), []).append(s)
    return [
        Population(
            code=pop,
            super_population=sup,
            sample_count=len(g),
            female_count=sum(s.sex == "female" for s in g),
            male_count=sum(s.sex == "male" for s in g),
            name=(names or {}).get(pop),
        )
        for (sup, pop), g in sorted(groups.items())
    ]


def allele_frequencies(dosage: np.ndarray, groups: np.ndarray, ploidy: int = 2) -> dict[str, np.ndarray]:
    """Alt-allele frequency per variant for each group: ``dosage`` (variants, samples) of 0..ploidy,
    ``groups`` (samples,) labels. Missing calls are negative and are left out of the allele number."""
    d = np.asarray(dosage)
    if d.ndim != 2 or d.shape[1] != len(groups):
        raise InvalidDataset(f"dosage shape {d.shape} does not match {len(groups)} samples", field="samples")
    out: dict[str, np.ndarray] = {}
    for g in sorted(set(groups.tolist())):
        cols = d[:, groups == g]
        called = cols >= 0
        an = called.sum(axis=1) * ploidy
        ac = np.where(called, cols, 0).sum(axis=1)
        out[g] = np.divide(ac, an, out=np.full(d.shape[0], np.nan), where=an > 0)
    return out


SEQUENCE_FILE_KINDS = ("fastq", "bam", "cram", "bai", "crai")


@dataclass(frozen=True, slots=True, kw_only=True)
class SequenceFile:
    """One FASTQ / BAM / CRAM (or index) file listed by a 1000 Genomes sequence or alignment index."""

    path: str
    sample_id: str
    kind: str
    md5: str | None = None
    population: str | None = None

    def __post_init__(self) -> None:
        if not self.path or not self.sample_id:
            raise InvalidDataset("an index row needs a file path and a sample", field="path")
        if self.kind not in SEQUENCE_FILE_KINDS:
            raise InvalidDataset(f"{self.path}: unknown file kind {self.kind!r}", field="kind")
        if self.md5 is not None and (
            len(self.md5) != 32 or not all(c in "0123456789abcdef" for c in self.md5)
        ):
            raise InvalidDataset(f"{self.path}: MD5 {self.md5!r} is not 32 hex digits", field="md5")


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadStats:
    """Counts read from a local FASTQ, or from a BAM/CRAM index (mapped / unmapped per the index)."""

    path: str
    kind: str
    reads: int
    bases: int | None = None
    mapped: int | None = None
    unmapped: int | None = None
    references: int | None = None
