"""``astrobio spectrum`` with --params, --mode, --transits, --json and --out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from astrobio.entrypoints.cli.main import app
from tests.unit.entrypoints.test_http_spectra import PLANET


@pytest.fixture
def params(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASTROBIO_DATA_DIR", str(tmp_path / "var"))
    p = tmp_path / "params.json"
    p.write_text(json.dumps({"planet": PLANET, "atmosphere": {"surface_temperature_k": 280.0}}))
    return p


def test_writes_json_result_to_out(params: Path, tmp_path: Path) -> None:
    out = tmp_path / "res" / "spectrum.json"
    r = CliRunner().invoke(
        app,
        [
            "spectrum",
            "--params",
            str(params),
            "--mode",
            "nirspec_prism",
            "--transits",
            "4",
            "--json",
            "--out",
            str(out),
        ],
    )
    assert r.exit_code == 0, r.output
    printed, saved = json.loads(r.stdout), json.loads(out.read_text())
    assert printed == saved
    assert [m["mode"] for m in saved["modes"]] == ["nirspec_prism"] and saved["modes"][0]["n_transits"] == 4


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--mode", "bogus"], "mode"),
        (["--transits", "0"], "--transits"),
    ],
)
def test_bad_options_exit_2_with_one_line(params: Path, args: list[str], needle: str) -> None:
    r = CliRunner().invoke(app, ["spectrum", "--params", str(params), *args])
    assert r.exit_code == 2
    assert needle in r.output


def test_needs_exactly_one_source(params: Path) -> None:
    r = CliRunner().invoke(app, ["spectrum"])
    assert r.exit_code == 2 and "--planet" in r.output
