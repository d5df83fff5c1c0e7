"""``astrobio ingest kegg`` / ``pathways`` / ``train gvae`` as a user runs them (SQLite, subprocess)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    e |= {"ASTROBIO_DATA_DIR": str(tmp_path / "var"), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    return e


def astrobio(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "astrobio.entrypoints.cli.main", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def one_line_error(r: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert r.returncode == code, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0]


def test_ingest_list_show_export(env: dict[str, str], tmp_path: Path) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    r = astrobio(env, "ingest", "kegg", "--pathway", "ko00010", "--pathway", "ko00020", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["ids"] == ["ko00010", "ko00020"]
    r = astrobio(env, "ingest", "kegg", "--json")  # all bundled maps; re-ingesting replaces
    assert json.loads(r.stdout)["count"] == 28
    page = json.loads(astrobio(env, "pathways", "list", "--json").stdout)
    assert page["total"] == 28
    shown = json.loads(astrobio(env, "pathways", "show", "ko00020", "--json").stdout)
    assert shown["title"] == "Citrate cycle (TCA cycle)"
    assert "Citrate cycle" in astrobio(env, "pathways", "show", "ko00020").stdout
    one_line_error(astrobio(env, "pathways", "show", "ko99999"), 4, "ko99999")
    one_line_error(astrobio(env, "ingest", "kegg", "--pathway", "glycolysis"), 2, "glycolysis")
    one_line_error(astrobio(env, "ingest", "kegg", "--source", "ftp"), 2, "source")
    r = astrobio(env, "pathways", "export", str(tmp_path / "npz"), "--json")
    assert r.returncode == 0, r.stderr
    with np.load(tmp_path / "npz" / "ko00010.npz") as z:
        assert z["adjacency"].shape == (len(z["node_ids"]),) * 2
        assert (z["adjacency"] == z["adjacency"].T).all()
        assert z["x"].shape[0] == len(z["node_ids"])


def test_truncated_bundled_map_fails_ingestion_and_writes_nothing(
    env: dict[str, str], tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "kegg" / "kgml").mkdir(parents=True)
    source = ROOT / "data" / "kegg" / "kgml"
    (bundle / "kegg" / "kgml" / "ko00010.xml").write_bytes((source / "ko00010.xml").read_bytes())
    (bundle / "kegg" / "kgml" / "ko00020.xml").write_bytes((source / "ko00020.xml").read_bytes()[:9000])
    env = env | {"ASTROBIO_BUNDLED_DATA_DIR": str(bundle)}
    assert astrobio(env, "db", "upgrade").returncode == 0
    one_line_error(astrobio(env, "ingest", "kegg"), 2, "ko00020.xml", "malformed or truncated KGML")
    assert json.loads(astrobio(env, "pathways", "list", "--json").stdout)["total"] == 0


@pytest.mark.slow
def test_train_gvae_reports_held_out_auroc_and_writes_a_model(env: dict[str, str], tmp_path: Path) -> None:
    env = env | {"ASTROBIO_MODELS_DIR": str(tmp_path / "models")}
    assert astrobio(env, "db", "upgrade").returncode == 0
    r = astrobio(env, "train", "gvae", "--epochs", "2", "--json")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert 0.0 <= m["auroc"] <= 1.0 and 0.0 <= m["average_precision"] <= 1.0
    assert m["n_graphs"] >= 20 and m["n_test_edges"] > 100
    # Registered (and activated) under the registry, never written over the shipped model.
    registered = Path(m["path"])
    assert registered.parent == tmp_path / "models" / "registry" / "gvae"
    card = json.loads((registered / "card.json").read_text())
    assert card["model_id"] == m["model_id"]
    assert (registered / "model.pt").stat().st_size < 2_000_000
    assert not (tmp_path / "models" / "gvae").exists()


def test_shipped_model_card_meets_the_target() -> None:
    card = json.loads((ROOT / "data" / "models" / "gvae" / "card.json").read_text())
    assert card["metrics"]["test_auroc"] >= 0.90
    assert (ROOT / "data" / "models" / "gvae" / "model.pt").stat().st_size < 2_000_000
