"""Tiny training runs of the three models (fast_dev_run / one epoch) write loadable models with cards."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from astrobio.adapters.jwst.denoiser import TorchSpectrumDenoiser
from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator
from astrobio.adapters.jwst.training import LocalJwstTrainer
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.jwst_spectrum import ObservedSpectrum

ROOT = Path(__file__).resolve().parents[4]
pytestmark = pytest.mark.slow


@pytest.fixture
def trainer(tmp_path: Path) -> LocalJwstTrainer:
    model = IsothermalTransmissionModel(ROOT / "data" / "jwst" / "opacity_grid.json")
    catalog = ROOT / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"
    return LocalJwstTrainer(model, tmp_path / "models", tmp_path / "datasets", catalog)


@pytest.mark.parametrize("mode", ["supervised", "noise2noise"])
def test_denoiser_fast_run_writes_a_usable_model(trainer: LocalJwstTrainer, mode: str) -> None:
    card = trainer.train("denoiser", {"fast": True, "mode": mode, "n_spectra": 64})
    assert card["mode"] == mode and "snr_improvement_db_mean" in card["held_out"]
    den = TorchSpectrumDenoiser(trainer.model_dir, trainer.model.grid)
    g = trainer.model.grid
    out = den.denoise(
        ObservedSpectrum(
            wavelength_um=g.centres_um,
            depth_ppm=np.linspace(5000, 5050, g.n_bins),
            sigma_ppm=np.full(g.n_bins, 5.0),
        )
    )
    assert np.isfinite(out.depth_ppm).all() and (out.sigma_ppm > 0).all()


def test_retrieval_fast_run_writes_a_flow_with_a_coverage_card(trainer: LocalJwstTrainer) -> None:
    card = trainer.train("retrieval", {"fast": True, "n_spectra": 128, "validate_spectra": 5})
    assert 0.0 <= card["held_out"]["coverage_68"] <= 1.0 and card["dataset"]["version"]
    est = ZukoPosteriorEstimator(trainer.model_dir, trainer.model.grid)
    assert est.model_id == card["model_id"]


def test_unknown_options_are_refused(trainer: LocalJwstTrainer) -> None:
    with pytest.raises(InvalidQuantity):
        trainer.train("denoiser", {"mode": "magic"})
    with pytest.raises(InvalidQuantity):
        trainer.train("denoiser", {"n_spectra": -3})
