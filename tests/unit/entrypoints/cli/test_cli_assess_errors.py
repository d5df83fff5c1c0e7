"""``astrobio assess`` refuses bad measurement errors with exit 2 and one line naming the field."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from astrobio.entrypoints.cli import errors
from astrobio.entrypoints.cli.main import app

BODY = {"name": "X b", "radius_earth": 1.0, "orbital_period_days": 10.0,
        "star": {"teff_k": 3000.0, "radius_sun": 0.2, "mass_sun": 0.2}}


@pytest.mark.parametrize(("errs", "field"), [
    ({"radius_earth": [-0.1, 0.1]}, "errors.radius_earth"),  # a negative magnitude
    ({"mass_earth": [0.1, -0.2]}, "errors.mass_earth"),  # catalog-style signs the wrong way round
    ({"star.teff_k": [50.0]}, "errors.star.teff_k"),  # not a pair
])
def test_bad_errors_exit_2_with_one_line(
    errs: dict[str, list[float]], field: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    errors.set_json_mode(False)
    path = tmp_path / "body.json"
    path.write_text(json.dumps(BODY | {"errors": errs}))
    monkeypatch.setattr(sys, "argv", ["astrobio", "assess", "-i", str(path)])
    with pytest.raises(SystemExit) as exc:
        errors.run_app(app, ["assess", "-i", str(path)])
    _, err = capsys.readouterr()
    assert exc.value.code == 2
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and field in lines[0]


def test_nan_is_refused_with_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    errors.set_json_mode(False)
    path = tmp_path / "body.json"
    path.write_text(json.dumps(BODY).replace('"radius_earth": 1.0', '"radius_earth": NaN'))
    monkeypatch.setattr(sys, "argv", ["astrobio", "assess", "-i", str(path)])
    with pytest.raises(SystemExit) as exc:
        errors.run_app(app, ["assess", "-i", str(path)])
    assert exc.value.code == 2
