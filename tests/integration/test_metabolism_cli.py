"""``astrobio ingest sbml`` / ``astrobio metabolism ...`` as a user runs them (subprocess, SQLite)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from astrobio.adapters.sql import migrate
from astrobio.bootstrap.container import build_container
from astrobio.bootstrap.metabolism_container import INGEST_SBML_JOB
from astrobio.bootstrap.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

MODELS = Path(__file__).resolve().parents[2] / "data" / "metabolic_models"


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    e |= {"ASTROBIO_DATA_DIR": str(tmp_path / "var"), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    return e


def astrobio(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def one_line_error(r: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert r.returncode == code, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in r.stderr, r.stderr
    for w in words:
        assert w in lines[0]


def test_ingest_list_and_simulate(env: dict[str, str], tmp_path: Path) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    r = astrobio(env, "ingest", "sbml", str(MODELS / "e_coli_core.xml.gz"), str(MODELS / "iAF692.xml.gz"),
                 "--json")
    assert r.returncode == 0, r.stderr
    assert [m["id"] for m in json.loads(r.stdout)] == ["e_coli_core", "iAF692"]

    truncated = tmp_path / "truncated.xml"
    truncated.write_text("<?xml version='1.0'?><sbml><model id='x'>")
    one_line_error(astrobio(env, "ingest", "sbml", str(truncated)), 2, "truncated")

    listed = json.loads(astrobio(env, "metabolism", "models", "--json").stdout)
    assert listed["total"] == 2  # the refused file added nothing

    env_file = tmp_path / "env.json"
    env_file.write_text(json.dumps({"temperature_k": 310, "pressure_bar": 1.0,
                                    "partial_pressures_bar": {"h2": 0.05, "co2": 0.1, "n2": 0.8}}))
    r = astrobio(env, "metabolism", "simulate", "--env", str(env_file), "--model", "iAF692", "--json")
    assert r.returncode == 0, r.stderr
    (result,) = json.loads(r.stdout)["results"]
    assert result["grows"] and result["gas_flux_mmol_gdw_h"]["ch4"] > 0

    env_file.write_text(json.dumps({"temperature_k": 310, "pressure_bar": 1.0,
                                    "partial_pressures_bar": {"h2": -0.05}}))
    one_line_error(astrobio(env, "metabolism", "simulate", "--env", str(env_file)), 2,
                   "partial_pressures_bar.h2")
    one_line_error(astrobio(env, "metabolism", "show", "nope"), 4, "nope")
    one_line_error(astrobio(env, "metabolism", "simulate"), 2, "exactly one of --env FILE or --planet NAME")
    one_line_error(astrobio(env, "metabolism", "simulate", "--planet", "Nowhere b"), 4, "Nowhere b")


def test_ingest_sbml_job_handler_writes_models(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    migrate.upgrade(settings.sqlalchemy_url)
    c = build_container(settings)
    out = c.job_handlers()[INGEST_SBML_JOB]({"paths": [str(MODELS / "e_coli_core.xml.gz")]})
    assert out == {"models": ["e_coli_core"], "count": 1}
    assert [m.id for m in c.metabolism.list_models().execute()] == ["e_coli_core"]
