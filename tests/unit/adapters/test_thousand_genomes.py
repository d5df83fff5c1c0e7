"""1000 Genomes readers: our per-super-population allele frequencies against the project's own INFO AFs."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.genomes.thousand_genomes import PlainTextPopulationReader, SklearnGenotypePca
from astrobio.adapters.memory.genomes import InMemoryGenomeRepository
from astrobio.application.use_cases.populations import Ingest1000Genomes, Ingest1000GenomesCommand
from astrobio.domain.errors import InvalidDataset

DIR = Path(__file__).resolve().parents[3] / "data" / "1000genomes"
PANEL, VCF, IGSR = (
    DIR / "integrated_call_samples_v3.20130502.ALL.panel",
    DIR / "phase3_2504samples_subset_demo.vcf.gz",
    DIR / "igsr_samples.tsv.gz",
)
READER = PlainTextPopulationReader()


def _info_afs() -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    with gzip.open(VCF, "rt") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            f = line.split("\t", 8)
            info = dict(kv.split("=", 1) for kv in f[7].split(";") if "=" in kv)
            out[f[2]] = {k[:3]: float(v) for k, v in info.items() if k.endswith("_AF") and len(k) == 6}
    return out


def test_panel_has_the_phase3_super_populations() -> None:
    samples = READER.read_samples(PANEL)
    assert {s.super_population for s in samples} == {"AFR", "AMR", "EAS", "EUR", "SAS"}
    assert len({s.population for s in samples}) == 26  # 1000 Genomes phase 3: 26 populations
    assert READER.population_names(IGSR)["GBR"] == "British"


def test_igsr_table_reads_too() -> None:
    samples = {s.sample_id: s for s in READER.read_samples(IGSR)}
    assert samples["HG00315"].population == "FIN" and samples["HG00315"].sex == "female"


def test_frequencies_reproduce_the_projects_super_population_afs() -> None:
    repo = InMemoryGenomeRepository()
    report = Ingest1000Genomes(READER, SklearnGenotypePca(), repo).execute(
        Ingest1000GenomesCommand(panel=PANEL, vcf=VCF, sample_table=IGSR)
    )
    assert report.n_variants == 45 and report.unknown_vcf_samples == 0
    published = _info_afs()
    freqs = repo.list_frequencies()
    assert len(freqs) == 45 * 5
    for f in freqs:
        # INFO AFs are printed with 4 decimals.
        assert f.alt_allele_frequency == pytest.approx(published[f.variant_id][f.super_population], abs=6e-5)
    pca = repo.get_pca()
    assert (
        pca is not None
        and pca.n_samples == 2504
        and set(pca.centroids) == {"AFR", "AMR", "EAS", "EUR", "SAS"}
    )
    ratios = np.array(pca.explained_variance_ratio)
    assert np.all(np.diff(ratios) <= 0) and ratios.sum() <= 1.0


def test_pca_separates_two_groups_with_opposite_genotypes() -> None:
    rng = np.random.default_rng(0)
    a = rng.binomial(2, 0.1, size=(50, 40))
    b = rng.binomial(2, 0.9, size=(50, 40))
    groups = np.array(["A"] * 40 + ["B"] * 40)
    pca = SklearnGenotypePca().fit(np.hstack([a, b]), groups, 2)
    assert pca.explained_variance_ratio[0] > 0.5
    assert (
        abs(pca.centroids["A"][0] - pca.centroids["B"][0])
        > 3 * (pca.spreads["A"][0] + pca.spreads["B"][0]) / 2
    )


def test_vcf_with_wrong_genotype_count_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.vcf"
    bad.write_text(
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2\n1\t10\trs1\tA\tG\t.\t.\t.\tGT\t0|1\n"
    )
    with pytest.raises(InvalidDataset, match="1 genotypes for 2 samples"):
        READER.read_genotypes(bad)


def test_vcf_sharing_no_sample_with_the_panel_stores_nothing(tmp_path: Path) -> None:
    vcf = tmp_path / "other.vcf"
    vcf.write_text(
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tZZ1\n1\t10\trs1\tA\tG\t.\t.\t.\tGT\t0|1\n"
    )
    repo = InMemoryGenomeRepository()
    with pytest.raises(InvalidDataset, match="none of its samples"):
        Ingest1000Genomes(READER, SklearnGenotypePca(), repo).execute(
            Ingest1000GenomesCommand(panel=PANEL, vcf=vcf)
        )
    assert repo.list_populations() == []


def test_pysam_and_plain_parser_read_the_same_genotypes(tmp_path: Path) -> None:
    import pysam

    from astrobio.adapters.genomes.thousand_genomes import PysamPopulationReader

    plain = tmp_path / "with_header.vcf"
    with gzip.open(VCF, "rt") as fh:
        body = fh.read()
    plain.write_text(
        "##fileformat=VCFv4.1\n##contig=<ID=1>\n"
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n' + body
    )
    bgz = tmp_path / "with_header.vcf.gz"
    pysam.tabix_compress(str(plain), str(bgz))
    a = READER.read_genotypes(VCF)
    b = PysamPopulationReader().read_genotypes(bgz)
    assert list(a.sample_ids) == list(b.sample_ids) and list(a.variant_ids) == list(b.variant_ids)
    assert np.array_equal(a.dosage, b.dosage)


INDEXES = Path(__file__).resolve().parents[2] / "fixtures" / "genomes" / "1000g"


def test_sequence_and_alignment_indexes_of_each_layout() -> None:
    seq = READER.read_index(INDEXES / "phase3_style.sequence.index")
    assert [(f.sample_id, f.kind, f.population) for f in seq] == [
        ("HG00096", "fastq", "GBR")
    ] * 2  # withdrawn row
    aln = READER.read_index(INDEXES / "phase3_style.alignment.index")
    assert sorted(f.kind for f in aln) == ["bai", "bam"] and {f.sample_id for f in aln} == {"HG00096"}
    hi = READER.read_index(INDEXES / "nygc30x_style.sequence.index")
    assert hi[0].sample_id == "HG00097" and hi[0].md5 == "4b8f0c5b7c6b5d4e3f2a1b0c9d8e7f6a"


def test_index_without_a_known_file_column_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.index"
    bad.write_text("FILE\tCHECKSUM\na.fastq.gz\tx\n")
    with pytest.raises(InvalidDataset, match="not a 1000 Genomes sequence/alignment index"):
        READER.read_index(bad)
    bad.write_text("FASTQ_FILE\tMD5\tSAMPLE_NAME\na.fastq.gz\tnot-an-md5\tHG00096\n")
    with pytest.raises(InvalidDataset, match="32 hex digits"):
        READER.read_index(bad)


def test_indexes_are_stored_with_the_panel(tmp_path: Path) -> None:
    repo = InMemoryGenomeRepository()
    report = Ingest1000Genomes(READER, SklearnGenotypePca(), repo).execute(
        Ingest1000GenomesCommand(
            panel=PANEL,
            indexes=(INDEXES / "phase3_style.sequence.index", INDEXES / "phase3_style.alignment.index"),
        )
    )
    assert report.n_sequence_files == 4 and report.unknown_index_samples == 0
    assert {f.kind for f in repo.list_sequence_files("HG00096")} == {"fastq", "bam", "bai"}


def test_pysam_reads_fastq_and_bam_index_counts(tmp_path: Path) -> None:
    import pysam

    from astrobio.adapters.genomes.thousand_genomes import PysamReadInspector

    fq = tmp_path / "r.fastq"
    fq.write_text("@r1\nACGT\n+\nIIII\n@r2\nACGTAC\n+\nIIIIII\n")
    s = PysamReadInspector().inspect(fq)
    assert (s.reads, s.bases) == (2, 10)
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "chr1", "LN": 1000}, {"SN": "chr2", "LN": 500}],
    }
    bam = tmp_path / "x.bam"
    with pysam.AlignmentFile(str(bam), "wb", header=header) as out:
        for i, (ref, pos, unmapped) in enumerate(
            [(0, 10, False), (0, 50, False), (1, 5, False), (1, 5, True)]
        ):
            a = pysam.AlignedSegment(out.header)
            a.query_name, a.query_sequence, a.flag = f"q{i}", "ACGTACGTAC", 4 if unmapped else 0
            a.reference_id, a.reference_start = ref, pos
            if not unmapped:
                a.cigarstring, a.mapping_quality = "10M", 60
            out.write(a)
    with pytest.raises(InvalidDataset, match="no BAI index"):
        PysamReadInspector().inspect(bam)
    pysam.index(str(bam))
    s = PysamReadInspector().inspect(bam)
    assert (s.mapped, s.unmapped, s.reads, s.references) == (3, 1, 4, 2)
