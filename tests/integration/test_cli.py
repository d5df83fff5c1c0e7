"""The ``astrobio`` CLI as a user runs it: a real subprocess on a temp SQLite database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"
EARTH = {"name": "Earth", "radius_earth": 1.0, "mass_earth": 1.0, "orbital_period_days": 365.256,
         "star": {"teff_k": 5772, "radius_sun": 1.0, "mass_sun": 1.0, "j_mag": -2.4, "k_mag": -1.9}}


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    e |= {"ASTROBIO_DATA_DIR": str(tmp_path / "var"), "ASTROBIO_LOG_LEVEL": "warning", "OMP_NUM_THREADS": "1"}
    return e


def astrobio(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "astrobio.entrypoints.cli.main", *args], env=env,
                          input=stdin, capture_output=True, text=True, timeout=120)


def assert_one_line_error(r: subprocess.CompletedProcess[str], code: int, *words: str) -> None:
    assert r.returncode == code, r.stderr
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), r.stderr
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in lines[0]


def test_assess_reads_stdin_and_prints_the_contract_json(env: dict[str, str]) -> None:
    r = astrobio(env, "assess", "--json", stdin=json.dumps(EARTH))
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"name", "teq_k", "insolation_earth", "semi_major_axis_au", "mass_earth",
                        "mass_is_estimated", "planet_class", "hz", "tsm", "esm", "esi", "warnings",
                        "composition", "runaway_flux_earth", "in_runaway", "tsm_meaningful"}
    # Earth (1 M⊕, 1 R⊕, 1 S⊕) lies on Zeng et al. 2019's Earth-like curve and below its runaway limit.
    assert out["composition"]["rocky"] > 0.5 and out["in_runaway"] is False
    assert set(out["hz"]) == {"recent_venus_au", "runaway_greenhouse_au", "maximum_greenhouse_au",
                              "early_mars_au", "conservative", "optimistic", "valid", "rule"}
    assert out["hz"]["conservative"] is True and out["planet_class"] == "rocky"
    assert out["teq_k"] == pytest.approx(278.3, abs=0.2)


def test_assess_from_file(env: dict[str, str], tmp_path: Path) -> None:
    f = tmp_path / "earth.json"
    f.write_text(json.dumps(EARTH))
    r = astrobio(env, "assess", "--json", "--input", str(f))
    assert r.returncode == 0 and json.loads(r.stdout)["name"] == "Earth"


@pytest.mark.parametrize(("body", "words"), [
    ("", ["empty input"]),
    ("{not json", ["malformed JSON"]),
    (json.dumps({**EARTH, "radius_earth": -1.0}), ["radius_earth"]),
    (json.dumps({**EARTH, "star": {**EARTH["star"], "teff_k": "hot"}}), ["star.teff_k"]),
    (json.dumps({k: v for k, v in EARTH.items() if k != "radius_earth"}), ["radius_earth"]),
    (json.dumps({k: v for k, v in EARTH.items() if k != "orbital_period_days"}), ["orbital_period_days"]),
])
def test_assess_bad_input_exits_2_with_one_line_naming_the_problem(
    env: dict[str, str], body: str, words: list[str]
) -> None:
    assert_one_line_error(astrobio(env, "assess", stdin=body), 2, *words)


def test_assess_does_not_load_the_database_or_heavy_libraries(env: dict[str, str]) -> None:
    code = (
        "import sys, io, json\n"
        f"sys.stdin = io.TextIOWrapper(io.BytesIO({json.dumps(EARTH)!r}.encode()))\n"
        "from astrobio.entrypoints.cli.main import app\n"
        "try:\n    app(['assess', '--json'])\nexcept SystemExit:\n    pass\n"
        "heavy = ['torch', 'lightning', 'pytorch_lightning', 'cobra', 'torch_geometric',\n"
        "         'sqlalchemy', 'arq']\n"
        "print(json.dumps([m for m in heavy if m in sys.modules]), file=sys.stderr)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stderr.strip().splitlines()[-1]) == []


def test_main_job_ingest_is_idempotent_and_rank_prints_targets(env: dict[str, str]) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    first = json.loads(astrobio(env, "ingest", "catalog", "--json").stdout)
    assert (first["read"], first["inserted"], first["rejected_count"]) == (5967, 5966, 1)
    assert first["rejected"][0]["name"] == "KOI-351 h" and "eccentricity" in first["rejected"][0]["reason"]
    again = json.loads(astrobio(env, "ingest", "catalog", "--json").stdout)
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 5966)
    r = astrobio(env, "rank", "--top", "20", "--json")
    assert r.returncode == 0, r.stderr
    ranking = json.loads(r.stdout)
    assert len(ranking["targets"]) == 20 and ranking["considered"] == 5966
    scores = [t["score"]["total"] for t in ranking["targets"]]
    assert scores == sorted(scores, reverse=True)
    assert sum(ranking["excluded"].values()) + ranking["eligible"] == ranking["considered"]
    # Known temperate transiting worlds are in the top 20 (published HZ planets).
    names = {t["name"] for t in ranking["targets"]}
    assert {"TOI-700 d", "LHS 1140 b"} <= names
    table = astrobio(env, "rank", "--top", "5")
    assert table.returncode == 0 and "TOI-700 d" in table.stdout
    shown = json.loads(astrobio(env, "planets", "show", "LHS 1140 b", "--json").stdout)
    assert shown["assessment"]["hz"]["conservative"] is True
    assert_one_line_error(astrobio(env, "planets", "show", "No Such b"), 4, "not found")


def test_truncated_catalog_fails_and_writes_nothing(env: dict[str, str], tmp_path: Path) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    text = BUNDLED.read_text()
    cut = tmp_path / "cut.csv"
    cut.write_text(text[: len(text) // 2].rsplit(",", 3)[0])  # stops mid-row
    assert_one_line_error(astrobio(env, "ingest", "catalog", "--source", str(cut)), 2)
    listed = json.loads(astrobio(env, "planets", "list", "--json").stdout)
    assert listed["total"] == 0


def test_missing_catalog_file_is_named(env: dict[str, str], tmp_path: Path) -> None:
    assert astrobio(env, "db", "upgrade").returncode == 0
    missing = tmp_path / "nope.csv"
    assert_one_line_error(astrobio(env, "ingest", "catalog", "--source", str(missing)), 2, "nope.csv")


def test_commands_before_migration_say_how_to_fix_it(env: dict[str, str]) -> None:
    assert_one_line_error(astrobio(env, "rank"), 3, "astrobio db upgrade")
