"""`ingest genome --bundled` labels agree with the data and with the guide's grades."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[4]


def _cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_bundled_genomes_show_the_gate_grade_and_fill_what_the_files_allow(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    env.update(ASTROBIO_DATA_DIR=str(tmp_path), OMP_NUM_THREADS="1", COLUMNS="250")
    assert _cli(env, "db", "upgrade").returncode == 0
    r = _cli(env, "ingest", "genome", "--bundled")
    assert r.returncode == 0, r.stderr
    rows = {line.split("│")[1].strip(): [c.strip() for c in line.split("│")[1:-1]]
            for line in r.stdout.splitlines() if line.startswith("│")}
    # docs/genomes.md: every bundled genome is published, fcsadaptor_prok_test grades A+ with warnings
    doc = (ROOT / "docs/genomes.md").read_text()
    assert re.search(r"`fcsadaptor_prok_test` A\+", doc)
    adaptor = rows["fcsadaptor_prok_test"]
    assert "A+ (published)" in adaptor and "fail" not in adaptor
    assert any("TRIM" in c for c in adaptor)  # the FCS-adaptor finding, as the action NCBI asks for
    # GCF_000005845.2 (a GFF3 alone: taxon 511145, no sequence): organism by taxid, GC not invented
    ecoli = rows["GCF_000005845.2"]
    assert ecoli[1].startswith("Escherichia coli str. K-12 substr. MG1655")
    assert ecoli[5] == "n/a (no sequence)"
    assert all("published" in row[6] for row in rows.values())
