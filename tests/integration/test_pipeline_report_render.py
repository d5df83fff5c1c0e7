"""The pipeline's HTML report renders in a real headless browser (Debian chromium).

Without ``/usr/bin/chromium`` (``scripts/install_chromium.sh`` installs it) the test is skipped, or
fails when ``ASTROBIO_REQUIRE_SERVICES=1``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.report.html import HtmlReportWriter
from astrobio.domain.biosignature_ranking import Verdict
from astrobio.domain.pipeline_run import PipelineRun, PlanetResult, RunStatus

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = os.environ.get("ASTROBIO_CHROMIUM", "/usr/bin/chromium")
T0 = datetime(2026, 11, 26, 12, tzinfo=UTC)


def chromium() -> str:
    path = shutil.which(CHROMIUM) or (CHROMIUM if Path(CHROMIUM).exists() else None)
    if path is None:
        if os.environ.get("ASTROBIO_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{CHROMIUM} not found (run scripts/install_chromium.sh)", pytrace=False)
        pytest.skip(f"{CHROMIUM} not found (run scripts/install_chromium.sh)")
    return path


def modelled(name: str, potential: float, depth_ppm: float) -> PlanetResult:
    wl = np.geomspace(0.6, 12.0, 300)
    depth = depth_ppm + 40.0 * np.exp(-0.5 * ((wl - 3.3) / 0.05) ** 2)  # a CH4-like band
    nwl = wl[wl <= 5.3]
    return PlanetResult(
        run_id="r1",
        planet_name=name,
        verdict=Verdict.MODELLED,
        potential=potential,
        habitability=0.6,
        detectability=0.3,
        certainty=0.5,
        summary={"teff_k": 2566.0, "insolation_earth": 0.65, "radius_earth": 0.92, "planet_class": "rocky"},
        stages={
            "climate": {"ts_k": 258.8, "ts_sigma_k": 20.0},
            "spectrum": {"wavelength_um": wl.tolist(), "transit_depth_ppm": depth.tolist()},
            "detectability": {
                "noise": {
                    "mode": "nirspec_prism",
                    "wavelength_um": nwl.tolist(),
                    "sigma_ppm": np.full(nwl.size, 60.0).tolist(),
                },
                "best": {"gas": "CH4", "mode": "nirspec_prism", "snr": 1.4, "transits": None},
            },
        },
    )


def test_report_renders_in_headless_chromium_with_table_and_plots(tmp_path: Path) -> None:
    browser = chromium()
    run = PipelineRun(
        id="r1",
        status=RunStatus.COMPLETED,
        created_at=T0,
        updated_at=T0,
        n_planets=4,
        n_done=4,
        n_failed=1,
        provenance={"code_version": "0.1.0", "catalog": "PSCompPars_2025-08.csv"},
    )
    results = [
        modelled("TRAPPIST-1 e", 0.21, 4800.0),
        modelled("TOI-700 d <b>", 0.12, 560.0),
        PlanetResult(
            run_id="r1",
            planet_name="WASP-18 b",
            verdict=Verdict.GIANT,
            summary={"teff_k": 6400.0, "insolation_earth": 4000.0},
        ),
        PlanetResult(run_id="r1", planet_name="LHS 1140 b", verdict=Verdict.FAILED, error="opacity missing"),
    ]
    path = Path(HtmlReportWriter().write(run, results, str(tmp_path / "report.html"), top=10))
    profile = tmp_path / "profile"
    flags = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    dom = subprocess.run([*flags, "--dump-dom", path.as_uri()], capture_output=True, text=True, timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    assert '<table id="ranking">' in html and "TRAPPIST-1 e" in html
    assert "TOI-700 d &lt;b&gt;" in html  # names are escaped, not markup
    assert html.count("data:image/png;base64,") == 2 and 'id="spectra"' in html and 'id="hz"' in html
    assert "LHS 1140 b: opacity missing" in html
    shot = tmp_path / "report.png"
    r = subprocess.run(
        [*flags, f"--screenshot={shot}", "--window-size=1200,2400", path.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # a blank page compresses to a few kB
