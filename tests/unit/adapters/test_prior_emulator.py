"""The prior-informed emulator: calibration rule, OOD distance, prior fallback, checkpoint round trip."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml import gp_surrogate as gs
from astrobio.adapters.ml import prior_surrogate as ps
from astrobio.domain import energy_balance as ebm

GRID = {"lat_deg": list(np.linspace(-80.0, 80.0, 8)), "lon_deg": list(np.arange(0.0, 360.0, 45.0)),
        "lev": [0.2, 0.5, 0.8, 0.95]}
LO = np.array([4000.0, 900.0, 0.8, 8.0, 0.8, 0.0, 0.8, 1e-4])
HI = np.array([6000.0, 1400.0, 1.5, 14.0, 3.0, 0.0, 2.0, 1e-2])


def _runs(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    rng = np.random.default_rng(seed)
    p = LO + rng.random((n, 8)) * (HI - LO)
    truth = ebm.EbmCoefficients(olr_a_w_m2=210.0, albedo_warm=0.28)
    ts = ebm.surface_temperature(p, truth, np.asarray(GRID["lat_deg"]), np.asarray(GRID["lon_deg"]))
    ts = ts + 3.0 * np.sin(np.deg2rad(np.asarray(GRID["lat_deg"])))[None, :, None] * (p[:, 4:5, None] - 1.5)
    return p, {"ts": ts, "ts_k": ts.mean((1, 2))}, ts


def test_conformal_factor_recovers_the_scale_of_gaussian_errors() -> None:
    z = np.random.default_rng(1).normal(size=20000)
    assert gs.conformal_factor(z) == pytest.approx(1.0, abs=0.05)
    assert gs.conformal_factor(z / 2.5) == pytest.approx(0.4, abs=0.03)  # sigma 2.5x too wide


def test_domain_flags_far_points_and_knows_its_hull() -> None:
    p, _, _ = _runs(30)
    dom = gs.Domain(gs.Domain.fit(p))
    centre = p.mean(0, keepdims=True)
    far = centre.copy()
    far[0, 1] = 5000.0  # instellation far outside
    assert dom.distance(centre)[0] < dom.threshold < dom.distance(far)[0]
    assert dom.in_hull(np.r_[centre, far]).tolist() == [True, False]


def test_emulator_predicts_inside_and_falls_back_to_the_prior_outside(tmp_path: Path) -> None:
    p, targets, ts = _runs(16)
    model = ps.fit(p, targets, ts, GRID, {"components": 4})
    model["calibration"] = {"ts": [1.5, 0.0, 1.0, 1.0]}
    inside = p[:2] * 1.001
    out = ps.predict(model, inside)
    assert out["mean"]["ts"].shape == (2, 8, 8) and out["inside"].all()
    assert out["answered_by"] == ["emulator", "emulator"]
    assert np.sqrt(((out["mean"]["ts"] - ts[:2]) ** 2).mean()) < 3.0
    far = p[:1].copy()
    far[0, 1] = 3000.0
    o2 = ps.predict(model, far)
    assert not o2["inside"][0] and o2["answered_by"] == ["ebm-prior"]
    np.testing.assert_allclose(o2["mean"]["ts"], o2["prior"]["ts"])
    o3 = ps.predict(model, far, fallback=False)
    assert (o2["sigma"]["ts"] >= o3["sigma"]["ts"]).all()
    # through a checkpoint file, loaded safely
    path = tmp_path / "m.pt"
    ckpt.save({"format": ckpt.FORMAT, "emulator": ckpt.to_tensors(model)}, path)
    back = ckpt.from_tensors(ckpt.load(path)["emulator"])
    np.testing.assert_allclose(ps.predict(back, inside)["mean"]["ts"], out["mean"]["ts"])


def test_greedy_imse_picks_the_centre_of_a_symmetric_box_first() -> None:
    from astrobio.adapters.ml.acquisition import greedy_imse

    # Stationary covariance on a symmetric 1-D grid: one run removes the most integrated
    # variance at the centre (Sacks et al. 1989); the second pick is then away from it.
    x = np.linspace(-1.0, 1.0, 21)
    cov = np.exp(-0.5 * (x[:, None] - x[None, :]) ** 2 / 0.3 ** 2)
    picks = greedy_imse(cov, 1e-6, 2)
    assert picks[0] == 10 and abs(picks[1] - 10) >= 4


def test_emulator_posterior_variance_shrinks_at_training_runs() -> None:
    p, targets, ts = _runs(16)
    model = ps.fit(p, targets, ts, GRID, {"components": 4})
    state = model["variables"]["ts_k"]["regressor"]
    far = p[:1].copy()
    far[0, 1] = 1390.0
    far[0, 0] = 4010.0
    cov, _ = gs.posterior_cov(state, 0, ps.design(model, np.r_[p[:1], far]))
    assert cov[0, 0] < cov[1, 1]
