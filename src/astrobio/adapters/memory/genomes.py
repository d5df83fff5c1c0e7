"""``InMemoryGenomeRepository``: the genomes port in dicts (the fake held to the SQL contract)."""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence

from astrobio.application.ports.genomes import GenomeRepository
from astrobio.domain.genome import AssemblyRecord, Genome
from astrobio.domain.genome_links import GenomeModelLink
from astrobio.domain.population import (
    GenotypePca,
    Population,
    PopulationSample,
    SequenceFile,
    VariantFrequency,
)


class InMemoryGenomeRepository(GenomeRepository):
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.assemblies: dict[str, AssemblyRecord] = {}
        self.genomes: dict[str, Genome] = {}
        self.links: dict[tuple[str, str], GenomeModelLink] = {}
        self.samples: list[PopulationSample] = []
        self.populations: list[Population] = []
        self.frequencies: list[VariantFrequency] = []
        self.pca: GenotypePca | None = None
        self.sequence_files: list[SequenceFile] = []

    def add_assemblies(self, records: Sequence[AssemblyRecord]) -> int:
        with self._lock:
            self.assemblies.update((r.accession, r) for r in records)
        return len(records)

    def get_assembly(self, accession: str) -> AssemblyRecord | None:
        return self.assemblies.get(accession)

    def list_assemblies(self, *, offset: int = 0, limit: int = 100) -> list[AssemblyRecord]:
        return [self.assemblies[k] for k in sorted(self.assemblies)][offset : offset + limit]

    def count_assemblies(self) -> int:
        return len(self.assemblies)

    def add_genome(self, genome: Genome) -> None:
        with self._lock:
            self.genomes[genome.accession] = genome

    def get_genome(self, accession: str) -> Genome | None:
        return self.genomes.get(accession)

    def _genomes(self, taxid: int | None) -> list[Genome]:
        return [
            self.genomes[k] for k in sorted(self.genomes) if taxid is None or self.genomes[k].taxid == taxid
        ]

    def list_genomes(
        self,
        *,
        offset: int = 0,
        limit: int = 100,
        taxid: int | None = None,
        exclude: Collection[str] = (),
    ) -> list[Genome]:
        return [g for g in self._genomes(taxid) if g.accession not in exclude][offset : offset + limit]

    def count_genomes(self, *, taxid: int | None = None, exclude: Collection[str] = ()) -> int:
        return sum(1 for g in self._genomes(taxid) if g.accession not in exclude)

    def replace_links(self, model_id: str, links: Sequence[GenomeModelLink]) -> None:
        with self._lock:
            self.links = {k: v for k, v in self.links.items() if k[0] != model_id}
            self.links.update(((link.model_id, link.accession), link) for link in links)

    def links_for_model(self, model_id: str) -> list[GenomeModelLink]:
        return sorted(
            (v for v in self.links.values() if v.model_id == model_id),
            key=lambda v: (-v.confidence, v.accession),
        )

    def links_for_genome(self, accession: str) -> list[GenomeModelLink]:
        return sorted(
            (v for v in self.links.values() if v.accession == accession),
            key=lambda v: (-v.confidence, v.model_id),
        )

    def replace_population_data(
        self,
        samples: Sequence[PopulationSample],
        populations: Sequence[Population],
        frequencies: Sequence[VariantFrequency],
        pca: GenotypePca | None,
        sequence_files: Sequence[SequenceFile] = (),
    ) -> None:
        if len({f.path for f in sequence_files}) != len(sequence_files):
            raise ValueError("duplicate path in sequence index")  # as the SQL primary key would
        for group in (samples, populations):
            keys = [getattr(x, "sample_id", None) or getattr(x, "code", None) for x in group]
            if len(set(keys)) != len(keys):
                raise ValueError("duplicate key in population data")  # as the SQL primary key would
        with self._lock:
            self.samples, self.populations, self.frequencies = (
                list(samples),
                list(populations),
                list(frequencies),
            )
            self.pca = pca
            self.sequence_files = list(sequence_files)

    def list_populations(self) -> list[Population]:
        return sorted(self.populations, key=lambda p: (p.super_population, p.code))

    def list_frequencies(self, super_population: str | None = None) -> list[VariantFrequency]:
        return sorted(
            (f for f in self.frequencies if super_population in (None, f.super_population)),
            key=lambda f: (f.chrom, f.pos, f.variant_id, f.super_population),
        )

    def get_pca(self) -> GenotypePca | None:
        return self.pca

    def list_sequence_files(self, sample_id: str | None = None) -> list[SequenceFile]:
        return sorted(
            (f for f in self.sequence_files if sample_id in (None, f.sample_id)),
            key=lambda f: (f.sample_id, f.path),
        )
