"""The isothermal transmission model against analytic limits, and the versioned training sets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.jwst import dataset
from astrobio.adapters.jwst.forward import MODEL_GRID, STAR_RADIUS_SUN, IsothermalTransmissionModel
from astrobio.domain.errors import InvalidDataset

DATA = Path(__file__).resolve().parents[4] / "data" / "jwst" / "opacity_grid.json"
R_EARTH_M, R_SUN_M = 6.371e6, 6.957e8


@pytest.fixture(scope="module")
def model() -> IsothermalTransmissionModel:
    return IsothermalTransmissionModel(DATA)


def earth(**kw: float) -> np.ndarray:
    p = {
        "t": 288.0,
        "h2o": -2.0,
        "co2": -3.4,
        "ch4": -5.7,
        "o3": -6.5,
        "n2o": -6.5,
        "cloud": 0.0,
        "r": 1.0,
    } | kw
    return np.array([[p["t"], p["h2o"], p["co2"], p["ch4"], p["o3"], p["n2o"], p["cloud"], p["r"]]])


def test_earth_scale_height_is_about_8_km(model: IsothermalTransmissionModel) -> None:
    h, r0 = model.scale_height_m(earth(h2o=-8, co2=-8, ch4=-8, o3=-8, n2o=-8))
    # pure N2 at 288 K, g = 9.6 m/s^2 (the Chen & Kipping mass of a 1 R_earth planet, 0.97 M_earth):
    # H = kT / (mu m_u g) = 8.9 km (Earth's 8.4 km with g = 9.81 and mu = 29)
    assert h[0] == pytest.approx(1.380649e-23 * 288 / (28.013 * 1.66054e-27 * 9.80665 * 0.9718), rel=1e-3)
    assert 8.0e3 < h[0] < 9.5e3 and r0[0] == pytest.approx(R_EARTH_M)


def test_a_cloud_deck_at_the_reference_pressure_gives_the_geometric_depth(
    model: IsothermalTransmissionModel,
) -> None:
    # P_c = 1 bar puts the deck at R0: with trace gases only the strongest bands rise above it and the
    # continuum sits at the geometric depth (R0/R*)^2
    depth = model.depth_ppm(earth(h2o=-8, co2=-8, ch4=-8, o3=-8, n2o=-8, cloud=0.0))[0]
    geometric = 1e6 * (R_EARTH_M / (STAR_RADIUS_SUN * R_SUN_M)) ** 2
    assert depth.min() == pytest.approx(geometric) and (depth >= geometric * (1 - 1e-12)).all()
    assert np.median(depth) == pytest.approx(geometric)


def test_features_scale_with_the_scale_height(model: IsothermalTransmissionModel) -> None:
    # with the cross sections held (the 300 K table serves every T >= 300 K), band contrasts are
    # H x (ln sigma_i - ln sigma_j): proportional to T at fixed mu and g
    warm, hot = earth(t=300.0, cloud=-1.0), earth(t=390.0, cloud=-1.0)
    ratio = np.ptp(model.depth_ppm(hot)[0]) / np.ptp(model.depth_ppm(warm)[0])
    assert ratio == pytest.approx(390.0 / 300.0, rel=0.02)


def test_more_water_deepens_the_2_7_um_band(model: IsothermalTransmissionModel) -> None:
    w = MODEL_GRID.centres_um
    band = (w > 2.6) & (w < 2.8)
    dry = model.depth_ppm(earth(h2o=-6, co2=-8))[0]
    wet = model.depth_ppm(earth(h2o=-2, co2=-8))[0]
    # each decade of abundance lifts an optically thick band by H ln 10 (de Wit & Seager 2013)
    lift = 4 * np.log(10) * model.scale_height_signal_ppm(earth())[0]  # 2 R0 dR / R*^2
    assert np.max(wet[band] - dry[band]) == pytest.approx(lift, rel=0.05)


def test_noise_has_the_requested_snr_per_scale_height(model: IsothermalTransmissionModel) -> None:
    theta = earth()
    sigma = model.sigma_ppm(theta, np.array([10.0]), np.array([1]))  # flat mode
    assert np.allclose(sigma, model.scale_height_signal_ppm(theta)[0] / 10.0)


def test_same_config_gives_the_same_version_and_bytes(
    model: IsothermalTransmissionModel, tmp_path: Path
) -> None:
    root1, m1 = dataset.generate(model, tmp_path / "a", n_spectra=30, chunk_size=16, seed=3)
    _, m2 = dataset.generate(model, tmp_path / "b", n_spectra=30, chunk_size=16, seed=3)
    assert m1["version"] == m2["version"] and [c["sha256"] for c in m1["chunks"]] == [
        c["sha256"] for c in m2["chunks"]
    ]
    data = dataset.load(root1)
    assert data["noisy"].shape == (30, MODEL_GRID.n_bins) and len(m1["chunks"]) == 2
    assert model.priors.contains(data["theta"].astype(np.float64)).all()
    snr = data["snr"]
    assert snr.min() >= 5.0 and snr.max() <= 100.0
    _, m3 = dataset.generate(model, tmp_path / "c", n_spectra=30, chunk_size=16, seed=4)
    assert m3["version"] != m1["version"]


def test_a_corrupted_chunk_is_detected(model: IsothermalTransmissionModel, tmp_path: Path) -> None:
    root, _ = dataset.generate(model, tmp_path, n_spectra=10, chunk_size=10, seed=0)
    chunk = root / "chunk-00000.npz"
    chunk.write_bytes(chunk.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(InvalidDataset, match="checksum"):
        dataset.load(root)


def test_the_analytic_model_agrees_with_the_layered_model_of_the_spectra_feature(
    model: IsothermalTransmissionModel,
) -> None:
    # an independent implementation (layer-by-layer slant optical depths, R~100 opacity tables):
    # same continuum level within 1 % and the same band structure
    from astrobio.adapters.jwst.spectra_forward import SpectraFeatureForwardModel

    other = SpectraFeatureForwardModel(DATA.parents[1] / "opacity" / "spectra_opacity_r100.npz")
    theta = earth(cloud=-1.0)
    a, b = model.depth_ppm(theta)[0], other.depth_ppm(theta)[0]
    assert np.median(a) == pytest.approx(np.median(b), rel=0.01)
    assert np.corrcoef(a, b)[0, 1] > 0.8
