"""Genomes: IngestAssemblies, DownloadAssembly, IngestGenome, LinkModels, ListGenomes, GetGenome,
GetModelGenome."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from astrobio.application.ports.clock import Clock
from astrobio.application.ports.genomes import (
    AssemblySummaryReader,
    DownloadedFile,
    GenomeReader,
    GenomeRepository,
    GenomeSource,
    ModelOrganismCatalog,
    Progress,
)
from astrobio.application.ports.governance import GovernanceRepository
from astrobio.domain.dataset_version import SecurityLevel, dataset_id_for
from astrobio.domain.errors import InvalidDataset, InvalidQuantity, NotFound
from astrobio.domain.genome import (
    ASSEMBLY_FILE_SUFFIXES,
    AssemblyFilter,
    AssemblyRecord,
    Genome,
    download_plan,
)
from astrobio.domain.genome_links import GenomeModelLink, ModelOrganism, match

MAX_LINKS_PER_MODEL = 20
#: Dataset kind under which each ingested genome is versioned (dataset ``genome.<accession>``).
GENOME_KIND = "genome"


class GenomeVisibility:
    """Which genomes a reader may see.

    A genome recorded as a dataset above the reader's read clearance is hidden: listings leave it
    out and lookups answer *not found*, exactly like a missing genome (its existence is not
    disclosed). Without a governance store every genome is visible.
    """

    def __init__(self, governance: GovernanceRepository | None = None) -> None:
        self._governance = governance

    def hidden(self, clearance: SecurityLevel) -> frozenset[str]:
        if self._governance is None or clearance >= SecurityLevel.SECRET:
            return frozenset()
        out: set[str] = set()
        offset = 0
        while True:
            page = self._governance.list_datasets(
                query=None, max_level=SecurityLevel.SECRET, kind=GENOME_KIND, offset=offset, limit=500
            )
            out |= {d.metadata.identifier for d in page.items if d.security_level > clearance}
            offset += len(page.items)
            if not page.items or offset >= page.total:
                return frozenset(out)

    def visible(self, accession: str, clearance: SecurityLevel) -> bool:
        if self._governance is None or clearance >= SecurityLevel.SECRET:
            return True
        try:
            dataset_id = dataset_id_for(GENOME_KIND, accession)
        except InvalidQuantity:
            return True  # no dataset can have that id
        ds = self._governance.get_dataset(dataset_id)
        return ds is None or ds.security_level <= clearance


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestAssembliesCommand:
    path: Path
    filter: AssemblyFilter = field(default_factory=AssemblyFilter)


class LinkModels:
    """Match every known model organism against the stored genomes and assemblies.

    Rules: per model only the links of the best method found are kept (a strain-level taxid match
    hides species-level stand-ins), at most 20, ingested genomes before bare assembly records.
    """

    def __init__(self, repo: GenomeRepository, catalog: ModelOrganismCatalog) -> None:
        self._repo, self._catalog = repo, catalog

    def execute(self) -> int:
        n_genomes, n_asm = self._repo.count_genomes(), self._repo.count_assemblies()
        genomes = self._repo.list_genomes(limit=max(n_genomes, 1))
        assemblies = self._repo.list_assemblies(limit=max(n_asm, 1))
        total = 0
        for organism in self._catalog.all():
            links = best_links(organism, genomes, assemblies)
            self._repo.replace_links(organism.model_id, links)
            total += len(links)
        return total


def best_links(
    organism: ModelOrganism, genomes: Sequence[Genome], assemblies: Sequence[AssemblyRecord]
) -> list[GenomeModelLink]:
    found: dict[str, GenomeModelLink] = {}
    for g in genomes:
        if (
            link := match(
                organism, accession=g.accession, organism_name=g.organism_name, taxid=g.taxid, strain=g.strain
            )
        ) is not None:
            found[g.accession] = link
    for a in assemblies:
        if (
            a.accession not in found
            and (
                link := match(
                    organism,
                    accession=a.accession,
                    organism_name=a.organism_name,
                    taxid=a.taxid,
                    strain=a.strain,
                )
            )
            is not None
        ):
            found[a.accession] = link
    if not found:
        return []
    top = max(link.confidence for link in found.values())
    return [link for link in found.values() if link.confidence == top][:MAX_LINKS_PER_MODEL]


class IngestAssemblies:
    """Parse an ``assembly_summary.txt`` (either layout), keep the rows passing the filter, store them.

    Rules: an unknown layout or a bad row fails the whole file (nothing stored); re-ingesting the
    same file changes nothing; model links are recomputed afterwards.
    """

    def __init__(self, reader: AssemblySummaryReader, repo: GenomeRepository, link: LinkModels) -> None:
        self._reader, self._repo, self._link = reader, repo, link

    def execute(self, command: IngestAssembliesCommand) -> list[AssemblyRecord]:
        records = list(self._reader.read(command.path, command.filter))
        self._repo.add_assemblies(records)
        self._link.execute()
        return records


@dataclass(frozen=True, slots=True, kw_only=True)
class DownloadAssemblyCommand:
    accession: str
    dest_dir: Path
    suffixes: tuple[str, ...] = ASSEMBLY_FILE_SUFFIXES


def parse_md5_listing(text: str) -> dict[str, str]:
    """``md5checksums.txt`` (``<md5>  ./<name>`` lines) as name -> md5."""
    out: dict[str, str] = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or len(parts[0]) != 32:
            raise InvalidDataset(f"md5checksums.txt line {n} malformed: {line[:80]!r}", field="md5checksums")
        out[parts[1].strip().removeprefix("./")] = parts[0].lower()
    return out


class DownloadAssembly:
    """Download a stored assembly's files into ``dest_dir/<accession>/``.

    Rules: ``md5checksums.txt`` is fetched first; only files it lists are downloaded (NCBI omits
    reports it did not produce) and each is verified against it; interrupted downloads resume.
    """

    def __init__(self, repo: GenomeRepository, source: GenomeSource) -> None:
        self._repo, self._source = repo, source

    def execute(
        self, command: DownloadAssemblyCommand, progress: Progress | None = None
    ) -> list[DownloadedFile]:
        record = self._repo.get_assembly(command.accession)
        if record is None:
            raise NotFound(
                f"assembly {command.accession!r} not found (ingest its summary first)", field="accession"
            )
        plan = download_plan(record, command.suffixes)
        listing = parse_md5_listing(self._source.fetch_text(plan[0].url))
        out_dir = command.dest_dir / record.accession
        return [
            self._source.download(f.url, out_dir / f.name, expected_md5=listing[f.name], progress=progress)
            for f in plan[1:]
            if f.name in listing
        ]


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestGenomeCommand:
    """``security_level``: of the genome's dataset (RESTRICTED and above: stored encrypted, and the
    genome hidden from readers without that clearance)."""

    paths: Sequence[Path]
    accession: str | None = None
    security_level: SecurityLevel = SecurityLevel.PUBLIC


class IngestGenome:
    """Parse a genome's files (sequence, annotation, QC reports) and record it with its statistics.

    Rules: every file is read before anything is stored, so bad input stores nothing; the
    assembly record (if ingested) fills in missing taxonomy; re-ingesting replaces the record;
    model links are recomputed afterwards.
    """

    def __init__(self, reader: GenomeReader, repo: GenomeRepository, link: LinkModels, clock: Clock) -> None:
        self._reader, self._repo, self._link, self._clock = reader, repo, link, clock

    def execute(self, command: IngestGenomeCommand) -> Genome:
        if not command.paths:
            raise InvalidDataset("no files given", field="paths")
        genome = self._with_assembly(self._reader.read(command.paths, accession=command.accession))
        return self._store(genome)

    def _with_assembly(self, genome: Genome) -> Genome:
        asm = self._repo.get_assembly(genome.accession)
        if asm is None:
            return genome
        return replace(
            genome,
            organism_name=genome.organism_name or asm.organism_name,
            taxid=genome.taxid or asm.taxid,
            strain=genome.strain or asm.strain,
            assembly_name=genome.assembly_name or asm.asm_name,
        )

    def _store(self, genome: Genome) -> Genome:
        genome = replace(genome, created_at=self._clock.now())
        self._repo.add_genome(genome)
        self._link.execute()
        return genome


@dataclass(frozen=True, slots=True, kw_only=True)
class GenomePage:
    items: Sequence[Genome]
    total: int
    offset: int
    limit: int


class ListGenomes:
    """Ingested genomes ordered by accession; 1 <= limit <= 1000; optional taxid filter; genomes
    above the reader's clearance are left out."""

    def __init__(self, repo: GenomeRepository, visibility: GenomeVisibility | None = None) -> None:
        self._repo = repo
        self._visibility = visibility or GenomeVisibility()

    def execute(
        self,
        offset: int = 0,
        limit: int = 100,
        taxid: int | None = None,
        clearance: SecurityLevel = SecurityLevel.SECRET,
    ) -> GenomePage:
        if offset < 0:
            raise InvalidQuantity("offset must be >= 0", field="offset")
        if not 1 <= limit <= 1000:
            raise InvalidQuantity("limit must be in 1..1000", field="limit")
        hidden = self._visibility.hidden(clearance)
        return GenomePage(
            items=self._repo.list_genomes(offset=offset, limit=limit, taxid=taxid, exclude=hidden),
            total=self._repo.count_genomes(taxid=taxid, exclude=hidden),
            offset=offset,
            limit=limit,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class GenomeView:
    genome: Genome
    models: Sequence[GenomeModelLink]


class GetGenome:
    """One genome with its statistics, QC and the metabolic models built from its organism
    (*not found* when above the reader's clearance)."""

    def __init__(self, repo: GenomeRepository, visibility: GenomeVisibility | None = None) -> None:
        self._repo = repo
        self._visibility = visibility or GenomeVisibility()

    def execute(self, accession: str, clearance: SecurityLevel = SecurityLevel.SECRET) -> GenomeView:
        genome = self._repo.get_genome(accession)
        if genome is None or not self._visibility.visible(accession, clearance):
            raise NotFound(f"genome {accession!r} not found", field="accession")
        return GenomeView(genome=genome, models=self._repo.links_for_genome(accession))


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkedGenome:
    link: GenomeModelLink
    genome: Genome | None
    assembly: AssemblyRecord | None


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelGenomeView:
    organism: ModelOrganism
    genomes: Sequence[LinkedGenome]


class GetModelGenome:
    """The organism of a metabolic model and the genomes (with QC) or assemblies it links to.

    Rules: known model ids come from the model-organism table, whether or not the model itself
    was ingested by the metabolism registry; an empty ``genomes`` means no genome is known yet;
    genomes above the reader's clearance are left out.
    """

    def __init__(
        self,
        repo: GenomeRepository,
        catalog: ModelOrganismCatalog,
        visibility: GenomeVisibility | None = None,
    ) -> None:
        self._repo, self._catalog = repo, catalog
        self._visibility = visibility or GenomeVisibility()

    def execute(self, model_id: str, clearance: SecurityLevel = SecurityLevel.SECRET) -> ModelGenomeView:
        organism = self._catalog.get(model_id)
        if organism is None:
            raise NotFound(f"no organism known for metabolic model {model_id!r}", field="model_id")
        hidden = self._visibility.hidden(clearance)
        linked = [
            LinkedGenome(
                link=link,
                genome=self._repo.get_genome(link.accession),
                assembly=self._repo.get_assembly(link.accession),
            )
            for link in self._repo.links_for_model(model_id)
            if link.accession not in hidden
        ]
        linked.sort(key=lambda x: (-x.link.confidence, x.genome is None, x.link.accession))
        return ModelGenomeView(organism=organism, genomes=linked)
