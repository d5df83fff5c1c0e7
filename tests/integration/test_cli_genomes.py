"""``astrobio ingest genome|assemblies|1000g`` and ``astrobio genomes ...`` as a user runs them (SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
NCBI = ROOT / "data" / "ncbi"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    e |= {"ASTROBIO_DATA_DIR": str(tmp_path / "var"), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    r = astrobio(e, "db", "upgrade")
    assert r.returncode == 0, r.stderr
    return e


def astrobio(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ingest_show_and_link(env: dict[str, str]) -> None:
    r = astrobio(
        env, "ingest", "genome", str(NCBI / "gff" / "GCF_000005845.2_ASM584v2_genomic.gff.gz"), "--json"
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)[0]["accession"] == "GCF_000005845.2"
    shown = json.loads(astrobio(env, "genomes", "show", "GCF_000005845.2", "--json").stdout)
    assert {m["model_id"] for m in shown["models"]} == {"e_coli_core", "iJO1366"}
    model = json.loads(astrobio(env, "genomes", "model", "e_coli_core", "--json").stdout)
    assert model["genomes"][0]["accession"] == "GCF_000005845.2"
    listed = json.loads(astrobio(env, "genomes", "list", "--json").stdout)
    assert listed["total"] == 1


def test_ingest_assemblies_with_taxid_filter(env: dict[str, str]) -> None:
    r = astrobio(
        env,
        "ingest",
        "assemblies",
        str(NCBI / "assembly_reports" / "ngd_partial_summary.txt"),
        "--taxid",
        "9",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["count"] == 3 and all(a["species_taxid"] == 9 for a in out["assemblies"])
    urls = out["downloads"]["GCF_000007365.1"]
    assert urls[0].endswith("/md5checksums.txt") and urls[0].startswith("https://")


def test_ingest_1000g_and_populations(env: dict[str, str]) -> None:
    r = astrobio(env, "ingest", "1000g", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["variants"] == 45
    pops = json.loads(astrobio(env, "genomes", "populations", "--json").stdout)
    assert pops["super_populations"]["AFR"] > 0 and pops["pca"]["n_samples"] == 2504


def test_bad_input_is_one_line_and_exit_2(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "weird_summary.txt"
    bad.write_text("accession\tname\nGCF_1\tx\n")
    r = astrobio(env, "ingest", "assemblies", str(bad))
    assert r.returncode == 2 and "unknown assembly_summary layout" in r.stderr and "Traceback" not in r.stderr
    assert astrobio(env, "genomes", "show", "NOPE_1").returncode == 4


def test_a_genome_below_the_gate_exits_2_and_goes_through_after_an_override(
    env: dict[str, str], tmp_path: Path
) -> None:
    import re

    report = tmp_path / "pPCP1_fcs_gx_report.txt"
    report.write_text(
        "#seq_id\tstart_pos\tend_pos\tseq_len\taction\tdiv\tagg_cont_cov\ttop_tax_name\n"
        "gi|45478711|ref|NC_005816.1|\t1\t9612\t9612\tEXCLUDE\tanml:primates\t100\tHomo sapiens\n"
    )
    args = ("ingest", "genome", str(NCBI / "fasta" / "NC_005816.fna"), str(report))
    r = astrobio(env, *args)
    assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "grade" in r.stderr
    assert json.loads(astrobio(env, "genomes", "list", "--json").stdout)["total"] == 0
    m = re.search(r"version sha256:([0-9a-f]{12})", r.stderr)
    assert m is not None, r.stderr
    o = astrobio(env, "quality", "override", "genome.NC_005816.1", m.group(1), "--reason", "checked")
    assert o.returncode == 0, o.stderr
    assert astrobio(env, *args).returncode == 0
    assert json.loads(astrobio(env, "genomes", "list", "--json").stdout)["total"] == 1
