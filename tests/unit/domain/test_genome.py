"""Genome domain: statistics, download plans, filters, TPM, model links, allele frequencies."""

from __future__ import annotations

import numpy as np
import pytest

from astrobio.domain.errors import InvalidDataset, InvalidQuantity
from astrobio.domain.genome import (
    AssemblyFilter,
    AssemblyRecord,
    Genome,
    QcReport,
    download_plan,
    genome_stats,
    tpm,
)
from astrobio.domain.genome_links import ModelOrganism, match, normalize_strain, species_of
from astrobio.domain.population import PopulationSample, allele_frequencies, populations_of


def _rec(**kw: object) -> AssemblyRecord:
    base: dict[str, object] = dict(
        accession="GCF_000005845.2",
        taxid=511145,
        species_taxid=562,
        organism_name="Escherichia coli str. K-12 substr. MG1655",
        infraspecific_name="strain=K-12",
        assembly_level="Complete Genome",
        refseq_category="reference genome",
        asm_name="ASM584v2",
        ftp_path="ftp://ftp.ncbi.nlm.nih.gov/genomes/all/GCF/000/005/845/GCF_000005845.2_ASM584v2",
    )
    base.update(kw)
    return AssemblyRecord(**base)  # type: ignore[arg-type]


def test_n50_l50_follow_the_textbook_example() -> None:
    # Contigs 2..10 (54 bp): 10 + 9 + 8 = 27 >= 54 / 2, so N50 = 8 and L50 = 3.
    s = genome_stats([2, 3, 4, 5, 6, 7, 8, 9, 10], gc_bases=None, n_bases=None)
    assert (s.total_length_bp, s.n50_bp, s.l50, s.contig_count, s.largest_contig_bp) == (54, 8, 3, 9, 10)


def test_gc_fraction_counts_called_bases_only() -> None:
    s = genome_stats([100], gc_bases=45, n_bases=10)
    assert s.gc_fraction == pytest.approx(0.5) and s.n_fraction == pytest.approx(0.1)


def test_empty_sequence_has_no_statistics() -> None:
    with pytest.raises(InvalidDataset):
        genome_stats([], 0, 0)


def test_download_plan_lists_the_assembly_files_over_https() -> None:
    plan = download_plan(_rec())
    names = [f.name for f in plan]
    assert names[0] == "md5checksums.txt"
    assert "GCF_000005845.2_ASM584v2_genomic.fna.gz" in names
    assert (
        "GCF_000005845.2_ASM584v2_ani_report.txt" in names
        and "GCF_000005845.2_ASM584v2_fcs_report.txt" in names
    )
    assert all(f.url.startswith("https://ftp.ncbi.nlm.nih.gov/genomes/all/GCF/000/005/845/") for f in plan)


def test_unpublished_assembly_has_no_plan() -> None:
    with pytest.raises(InvalidDataset, match="ftp_path"):
        download_plan(_rec(ftp_path=None))


def test_rejects_bad_accession() -> None:
    with pytest.raises(InvalidDataset) as e:
        _rec(accession="GCX_1")
    assert e.value.field == "assembly_accession"


def test_filter_matches_taxid_or_species_taxid_and_level() -> None:
    r = _rec()
    assert AssemblyFilter(taxids=frozenset({562})).matches(r)
    assert AssemblyFilter(taxids=frozenset({511145}), assembly_levels=frozenset({"Complete Genome"})).matches(
        r
    )
    assert not AssemblyFilter(taxids=frozenset({1280})).matches(r)
    assert not AssemblyFilter().matches(_rec(version_status="replaced"))
    assert AssemblyFilter(latest_only=False).matches(_rec(version_status="replaced"))
    assert not AssemblyFilter(refseq_categories=frozenset({"na"})).matches(r)
    with pytest.raises(InvalidQuantity):
        AssemblyFilter(assembly_levels=frozenset({"Draft"}))


def test_strain_drops_type_strain_prefix() -> None:
    assert _rec(infraspecific_name="strain=type strain:ST398").strain == "ST398"
    assert _rec(infraspecific_name="").strain is None


def test_tpm_of_equal_rates_is_equal_and_sums_to_a_million() -> None:
    # reads per kb: 10/2, 20/4, 5/1 = 5 each; the 10 kb gene has none.
    out = tpm(np.array([10, 20, 5, 0]), np.array([2000, 4000, 1000, 10000]))
    assert out == pytest.approx([1e6 / 3, 1e6 / 3, 1e6 / 3, 0.0])
    two = tpm(np.array([[10, 1], [20, 1]]), np.array([1000, 1000]))
    assert two.sum(axis=0) == pytest.approx([1e6, 1e6])
    with pytest.raises(InvalidDataset):
        tpm(np.array([1, 2]), np.array([100]))


def test_qc_status_is_the_worst_report() -> None:
    g = Genome(
        accession="X1", qc=(QcReport(kind="ani", status="pass"), QcReport(kind="fcs_gx", status="warn"))
    )
    assert g.qc_status == "warn"
    assert Genome(accession="X2").qc_status is None


ECOLI = ModelOrganism(
    model_id="iJO1366", organism_name="Escherichia coli", strain="K-12 substr. MG1655", taxid=511145
)


def test_same_taxid_is_a_certain_link() -> None:
    link = match(ECOLI, accession="GCF_000005845.2", organism_name=None, taxid=511145, strain=None)
    assert link is not None and (link.method, link.confidence) == ("taxid", 1.0)


def test_same_species_and_strain_name_under_another_taxid() -> None:
    link = match(
        ECOLI,
        accession="GCA_1",
        organism_name="Escherichia coli str. K-12 substr. MG1655",
        taxid=83333,
        strain="K-12 substr. MG1655",
    )
    assert link is not None and link.method == "species+strain"


def test_other_strain_of_the_species_is_a_weak_stand_in_and_other_genus_no_link() -> None:
    weak = match(
        ECOLI,
        accession="GCA_2",
        organism_name="Escherichia coli O157:H7 str. Sakai",
        taxid=386585,
        strain="Sakai",
    )
    assert weak is not None and weak.method == "species" and weak.confidence < 0.5
    assert match(ECOLI, accession="GCA_3", organism_name="Shigella flexneri", taxid=623, strain=None) is None


def test_names_normalize() -> None:
    assert species_of("Synechocystis sp. PCC 6803 substr. Kazusa") == "synechocystis sp. pcc"
    assert normalize_strain("VPI-5482") == normalize_strain("VPI 5482") == "vpi5482"


def test_allele_frequencies_per_group_skip_missing_calls() -> None:
    dosage = np.array([[0, 1, 2, -1], [2, 2, 0, 0]])
    groups = np.array(["A", "A", "B", "B"])
    af = allele_frequencies(dosage, groups)
    assert af["A"] == pytest.approx([0.25, 1.0]) and af["B"] == pytest.approx([1.0, 0.0])


def test_populations_count_samples_and_sexes() -> None:
    s = [
        PopulationSample(
            sample_id=f"S{i}", population="GBR", super_population="EUR", sex="female" if i % 2 else "male"
        )
        for i in range(5)
    ]
    (p,) = populations_of(s, {"GBR": "British"})
    assert (p.sample_count, p.female_count, p.male_count, p.name) == (5, 2, 3, "British")
    with pytest.raises(InvalidDataset):
        PopulationSample(sample_id="S", population="GBR", super_population="EUR", sex="x")
