"""Genome file readers on the bundled NCBI samples, checked against published genome sizes and GC."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from astrobio.adapters.genomes.assembly_summary import TsvAssemblySummaryReader
from astrobio.adapters.genomes.qc_reports import read_busco, read_checkm, read_fcs_adaptor, read_fcs_gx
from astrobio.adapters.genomes.reader import BiopythonGenomeReader
from astrobio.adapters.genomes.sequence_files import fasta_summary, gff3_summary
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.genome import AssemblyFilter

ROOT = Path(__file__).resolve().parents[3]
NCBI = ROOT / "data" / "ncbi"
FIXTURES = ROOT / "tests" / "fixtures" / "genomes"
READER = BiopythonGenomeReader()
SUMMARIES = TsvAssemblySummaryReader()


@pytest.mark.parametrize(
    ("files", "accession", "length_bp", "gc"),
    [
        # Sanger et al. 1977: phiX174 is 5,386 nt; NCBI reports 44.8 % GC.
        (["genbank/NC_001422.gbk"], "NC_001422.1", 5386, 0.448),
        # Sato et al. 1999 (DNA Res 6:283): A. thaliana chloroplast genome 154,478 bp, 36.3 % GC.
        (["genbank/NC_000932.gb"], "NC_000932.1", 154478, 0.363),
        # Y. pestis 91001 plasmid pPCP1: 9,609 bp, 45.3 % GC (NCBI RefSeq NC_005816).
        (["genbank/NC_005816.gb"], "NC_005816.1", 9609, 0.453),
        (["fasta/NC_005816.fna"], "NC_005816.1", 9609, 0.453),
        # HIV-1 HXB2 reference genome NC_001802: 9,181 nt.
        (["fasta/NC_001802.fna"], "NC_001802.1", 9181, None),
    ],
)
def test_sequence_statistics_match_published_values(
    files: list[str], accession: str, length_bp: int, gc: float | None
) -> None:
    g = READER.read([NCBI / f for f in files])
    assert g.accession == accession
    assert g.stats is not None and g.stats.total_length_bp == length_bp and g.stats.contig_count == 1
    if gc is not None:
        assert g.stats.gc_fraction == pytest.approx(gc, abs=0.0006)


def test_genbank_gives_organism_taxon_and_features() -> None:
    g = READER.read([NCBI / "genbank/NC_005816.gb", NCBI / "fasta/NC_005816.faa"])
    assert g.organism_name == "Yersinia pestis biovar Microtus str. 91001" and g.taxid == 229193
    assert g.feature_counts["CDS"] == g.feature_counts["protein"] == 10


def test_gff3_alone_gives_assembly_taxon_strain_and_length() -> None:
    # Riley et al. 2006: E. coli K-12 MG1655 chromosome NC_000913 is 4,641,652 bp; NCBI taxid 511145.
    g = READER.read([NCBI / "gff/GCF_000005845.2_ASM584v2_genomic.gff.gz"])
    assert (g.accession, g.taxid, g.assembly_name) == ("GCF_000005845.2", 511145, "ASM584v2")
    assert g.strain == "K-12 substr. MG1655"
    assert g.stats is not None and g.stats.total_length_bp == 4641652 and g.stats.gc_fraction is None


def test_gff3_gene_lengths_for_tpm() -> None:
    _, lengths = gff3_summary(NCBI / "gff/GCF_000005845.2_ASM584v2_genomic.gff.gz", lengths_of="gene")
    assert lengths["b0001"] == 255 - 190 + 1 and lengths["thrA"] == 2799 - 337 + 1


def test_fcs_adaptor_report_and_its_assembly_agree_on_contig_lengths() -> None:
    s = fasta_summary(NCBI / "fasta/fcsadaptor_prok_test.fa.gz")
    lengths = {i.split("|")[-1]: n for i, n in zip(s.ids, s.lengths, strict=True)}
    report = read_fcs_adaptor(NCBI / "fcs/fcsadaptor_prok_test_output.txt")
    assert report.status == "fail" and report.metrics["action_trim"] == 4
    for line in report.findings:
        assert line.split()[0] in lengths
    assert lengths["KPN158_ctg010"] == 251170 and lengths["KPN158_ctg041"] == 1411


def test_fcs_gx_report_flags_contaminants() -> None:
    q = read_fcs_gx(NCBI / "fcs/FCS_combo_test.fcs_gx_report.txt")
    assert q.status == "fail" and q.metrics["flagged_sequences"] > 0
    assert any("Homo sapiens" in f for f in q.findings)
    assert read_fcs_adaptor(NCBI / "fcs/FCS_combo_test.fcs_adaptor_report.txt").metrics["action_exclude"] == 1


def test_ani_report_taxonomy_check() -> None:
    g = READER.read(
        [
            NCBI / "gff/GCF_000005845.2_ASM584v2_genomic.gff.gz",
            FIXTURES / "GCA_000005845.2_ASM584v2_ani_report.txt",
        ]
    )
    (ani,) = g.qc
    assert (
        ani.kind == "ani" and ani.status == "pass" and ani.metrics["best_match_ani"] == pytest.approx(0.9786)
    )


def test_checkm_and_busco_follow_mimag_thresholds(tmp_path: Path) -> None:
    table = "Bin Id\tMarker lineage\tCompleteness\tContamination\nbin1\tk__Bacteria\t{c}\t{x}\n"
    cases = [(98.5, 1.0, "pass"), (75.0, 4.0, "warn"), (95.0, 12.0, "fail"), (40.0, 0.0, "fail")]
    for i, (c, x, status) in enumerate(cases):
        p = tmp_path / f"checkm_{i}.tsv"
        p.write_text(table.format(c=c, x=x))
        assert read_checkm(p).status == status
    b = tmp_path / "short_summary.busco.txt"
    b.write_text("# BUSCO\n\tC:98.5%[S:97.0%,D:1.5%],F:0.5%,M:1.0%,n:124\n")
    q = read_busco(b)
    assert (
        q.status == "pass" and q.metrics["complete"] == pytest.approx(0.985) and q.metrics["n_markers"] == 124
    )


# ---------------------------------------------------------------------------------- bad input
def test_truncated_gzip_is_refused(tmp_path: Path) -> None:
    data = (NCBI / "fasta/fcsadaptor_prok_test.fa.gz").read_bytes()
    bad = tmp_path / "cut_genomic.fna.gz"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(InvalidDataset, match="truncated or corrupt gzip"):
        READER.read([bad])


def test_non_iupac_fasta_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "x.fna"
    bad.write_text(">ctg1\nACGTN\n>ctg2\nACGJT\n")
    with pytest.raises(InvalidDataset, match="ctg2 has non-IUPAC nucleotide character 'J'"):
        READER.read([bad])


def test_gff3_with_broken_parent_link_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gff3"
    bad.write_text(
        "##gff-version 3\nc1\tx\tgene\t1\t90\t.\t+\t.\tID=gene1\n"
        "c1\tx\tmRNA\t1\t90\t.\t+\t.\tID=rna1;Parent=gene1\n"
        "c1\tx\texon\t1\t90\t.\t+\t.\tID=exon1;Parent=rna9\n"
    )
    with pytest.raises(InvalidDataset, match="line 4: Parent=rna9 names no feature ID") as e:
        READER.read([bad], accession="X")
    assert e.value.field == "Parent"


def test_unknown_file_kind_is_refused_before_parsing(tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_text("x")
    with pytest.raises(InvalidDataset, match="unrecognised genome file"):
        READER.read([NCBI / "genbank/NC_001422.gbk", tmp_path / "notes.docx"])


# ---------------------------------------------------------------------------- assembly summary
def test_old_22_column_layout() -> None:
    path = NCBI / "assembly_reports/assembly_summary_genbank_Staphylococcus_aureus_2019.txt.gz"
    with gzip.open(path, "rt") as fh:
        data_rows = sum(1 for line in fh if not line.startswith("#"))
    every = list(SUMMARIES.read(path, AssemblyFilter(latest_only=False)))
    assert len(every) == data_rows and all(r.species_taxid == 1280 for r in every)
    complete = list(SUMMARIES.read(path, AssemblyFilter(assembly_levels=frozenset({"Complete Genome"}))))
    assert 0 < len(complete) < len(every) and all(r.assembly_level == "Complete Genome" for r in complete)
    first = every[0]
    assert (first.accession, first.taxid, first.strain) == ("GCA_000009005.1", 273036, "RF122")


def test_current_layout_carries_group_size_and_gc() -> None:
    (r,) = SUMMARIES.read(NCBI / "assembly_reports/ngd_new_format_summary.txt", AssemblyFilter())
    assert (r.accession, r.group, r.genome_size_bp, r.gc_percent) == (
        "GCF_900128725.1",
        "bacteria",
        456703,
        28.0,
    )
    assert (
        list(
            SUMMARIES.read(
                NCBI / "assembly_reports/ngd_new_format_summary.txt",
                AssemblyFilter(groups=frozenset({"archaea"})),
            )
        )
        == []
    )


def test_partial_20_column_layout() -> None:
    rows = list(
        SUMMARIES.read(
            NCBI / "assembly_reports/ngd_partial_summary.txt", AssemblyFilter(taxids=frozenset({9}))
        )
    )
    assert {r.organism_name.split()[0] for r in rows} == {"Buchnera"}


def test_unknown_layout_is_refused(tmp_path: Path) -> None:
    no_header = tmp_path / "a.txt"
    no_header.write_text("GCF_000010525.1\tPRJNA58905\n")
    with pytest.raises(InvalidDataset, match="unknown assembly_summary layout"):
        list(SUMMARIES.read(no_header, AssemblyFilter()))
    renamed = tmp_path / "b.txt"
    renamed.write_text("# assembly_accession\ttax_id\torganism\nGCF_000010525.1\t1\tx\n")
    with pytest.raises(InvalidDataset, match="header lacks"):
        list(SUMMARIES.read(renamed, AssemblyFilter()))


def test_tpm_from_counts_and_gff_lengths(tmp_path: Path) -> None:
    from astrobio.adapters.genomes.expression import TsvExpressionReader
    from astrobio.application.use_cases.expression import ComputeTpm, ComputeTpmCommand

    gff = NCBI / "gff/GCF_000005845.2_ASM584v2_genomic.gff.gz"
    # b0001 (thrL) spans 66 bp and b0002 (thrA) 2463 bp: counts proportional to length give equal TPM.
    counts = tmp_path / "counts.tsv"
    counts.write_text(
        "Geneid\tChr\tStart\tEnd\tStrand\tLength\tS1\tS2\nb0001\tc\t190\t255\t+\t66\t66\t0\n"
        "b0002\tc\t337\t2799\t+\t2463\t2463\t10\n"
    )
    t = ComputeTpm(TsvExpressionReader()).execute(ComputeTpmCommand(counts=counts, gff=gff))
    assert t.samples == ["S1", "S2"] and list(t.lengths_bp) == [66, 2463]
    assert t.tpm[:, 0] == pytest.approx([5e5, 5e5]) and t.tpm[:, 1] == pytest.approx([0.0, 1e6])
    counts.write_text("id\tS1\nnot_a_gene\t5\n")
    with pytest.raises(InvalidDataset, match=r"not in GCF_000005845\.2"):
        ComputeTpm(TsvExpressionReader()).execute(ComputeTpmCommand(counts=counts, gff=gff))
