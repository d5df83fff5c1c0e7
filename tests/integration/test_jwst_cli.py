"""``astrobio jwst ...`` as a user runs it (subprocess), with the shipped models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.jwst.x1d import AstropyX1dCodec
from astrobio.domain.jwst_spectrum import ObservedSpectrum

pytestmark = [pytest.mark.integration, pytest.mark.slow]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    e = {k: v for k, v in os.environ.items() if not k.startswith("ASTROBIO_")}
    return e | {
        "ASTROBIO_DATA_DIR": str(tmp_path / "var"),
        "ASTROBIO_LOG_LEVEL": "warning",
        "OMP_NUM_THREADS": "1",
    }


def astrobio(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    cli = Path(sys.executable).with_name("astrobio")
    return subprocess.run([str(cli), *args], env=env, capture_output=True, text=True, timeout=300)


def test_classify_json(env: dict[str, str]) -> None:
    r = astrobio(
        env,
        "jwst",
        "classify",
        "--radius-earth",
        "11",
        "--insolation-earth",
        "500",
        "--star-teff-k",
        "6000",
        "--star-radius-sun",
        "1.1",
        "--star-mass-sun",
        "1.1",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["most_likely"] == "gas_giant"


def test_denoise_and_retrieve_a_fits_file(env: dict[str, str], tmp_path: Path) -> None:
    w = np.geomspace(0.95, 5.05, 150)
    spec = ObservedSpectrum(
        wavelength_um=w, depth_ppm=6000 + 30 * np.sin(w * 3), sigma_ppm=np.full(150, 10.0)
    )
    src = tmp_path / "x1d.fits"
    src.write_bytes(AstropyX1dCodec().write(spec, "fits"))
    out = tmp_path / "clean.fits"
    r = astrobio(env, "jwst", "denoise", str(src), "--out", str(out), "--json")
    assert r.returncode == 0, r.stderr
    assert AstropyX1dCodec().read(out.read_bytes(), "fits").wavelength_um.size == 48
    r = astrobio(env, "jwst", "retrieve", str(src), "--no-fallback", "--n-samples", "300", "--json")
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["method"] == "npe"


def test_a_bad_file_is_exit_2_with_one_line(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "x.fits"
    bad.write_bytes(b"this is not FITS")
    r = astrobio(env, "jwst", "denoise", str(bad), "--out", str(tmp_path / "o.fits"))
    assert r.returncode == 2 and r.stderr.startswith("error:") and len(r.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "o.fits").exists()
