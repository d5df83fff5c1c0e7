"""The patch-token climate transformer: unpatchify, the positional encoding on the sphere, zero-init
climatology, and training + datacube prediction through the same trainer and checkpoint as the U-Net."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from astrobio.adapters.ml.models.climate_transformer import ClimateTransformer, sphere_encoding  # noqa: E402

GRID, PATCH = (10, 32, 64), (2, 8, 8)
LAT = list(np.linspace(85.76, -85.76, 32))
LON = list(np.arange(64) * 5.625)
LEV = list(np.linspace(0.0383, 0.9833, 10))
ROOT = Path(__file__).parents[3]


def test_untrained_model_predicts_the_climatology() -> None:
    m = ClimateTransformer(grid=GRID, patch=PATCH).eval()
    m.base3d.fill_(2.0)
    m.base2d.fill_(-1.0)
    y3, y2 = m(torch.randn(3, 8))
    assert y3.shape == (3, 5, *GRID) and y2.shape == (3, 1, 32, 64)
    assert torch.all(y3 == 2.0) and torch.all(y2 == -1.0)


def test_each_token_writes_exactly_its_own_patch() -> None:
    m = ClimateTransformer(grid=GRID, patch=PATCH).eval()
    nl, nh, nw = 5, 4, 8
    token = torch.arange(nl * nh * nw, dtype=torch.float32)
    m.head3d.register_forward_hook(lambda _m, _i, out: token.view(1, -1, 1).expand_as(out).clone())
    y3, _ = m(torch.zeros(1, 8))
    lev, lat, lon = np.meshgrid(np.arange(10), np.arange(32), np.arange(64), indexing="ij")
    expected = (lev // 2) * nh * nw + (lat // 8) * nw + lon // 8
    for v in range(5):
        assert np.array_equal(y3[0, v].numpy(), expected.astype(np.float32))


def test_positional_encoding_follows_the_sphere() -> None:
    pe = sphere_encoding(GRID, PATCH, LAT, LON, LEV, n_freq=1).view(5, 4, 8, -1)
    d = lambda a, b: float((a - b).norm())  # noqa: E731
    # No seam at the date line: the patches either side of it are no further apart than interior
    # neighbours (raw longitudes 19.7 and 334.7 deg would be the farthest pair) ...
    interior = [d(pe[0, 1, k], pe[0, 1, k + 1]) for k in range(7)]
    assert d(pe[0, 1, 0], pe[0, 1, 7]) <= max(interior) * 1.001
    assert d(pe[0, 1, 0], pe[0, 1, 7]) < d(pe[0, 1, 0], pe[0, 1, 4])
    # ... and meridians converge: longitude neighbours are closer near the pole than at the equator.
    assert d(pe[0, 0, 0], pe[0, 0, 1]) < d(pe[0, 1, 0], pe[0, 1, 1])


@pytest.mark.slow
def test_trains_with_the_unet_system_and_predicts_a_datacube_with_sigma(tmp_path: Path) -> None:
    from astrobio.adapters.cubes.bundled import bundled_runs
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
    from astrobio.adapters.ml.inference import TorchClimateSurrogate
    from astrobio.adapters.ml.training import LightningSurrogateTrainer
    from astrobio.application.ports.surrogate import TrainingConfig
    from astrobio.domain.climate import ClimateParameters
    from astrobio.domain.surrogate import SurrogateMode

    store = ZarrCubeStore(str(tmp_path / "zarr"))
    runs = ("run000", "run006", "run013", "run020", "run003")
    cubes = [store.ingest([str(p)], cube_id=p.stem, name=p.stem, parameters=params, mapping=None, run_id=None,
                          now=datetime(2026, 12, 1, tzinfo=UTC))
             for p, params in bundled_runs(ROOT / "data" / "gcm") if p.stem in runs]
    trained = LightningSurrogateTrainer(store, tmp_path / "work", "test").train(cubes, TrainingConfig(
        mode=SurrogateMode.DATACUBE, max_epochs=3, ensemble=2, precision="32-true",
        extra={"arch": "transformer", "recalibrate": False}))
    assert trained.card.hyperparameters["arch"]["name"] == "climate_transformer"
    assert "ta_rmse_k" in trained.card.metrics and trained.card.hyperparameters["training_curves"]
    cube = TorchClimateSurrogate(trained.checkpoint_path, trained.card).predict_datacube(ClimateParameters())
    assert cube.mean["ta"].shape == (10, 32, 64) and cube.mean["ts"].shape == (32, 64)
    assert float(cube.sigma["ta"].mean()) > 0  # the two members disagree: an ensemble sigma
    # Three epochs from the training-mean start: still the climatology of temperate aquaplanets.
    assert 230.0 < float(cube.mean["ts"].mean()) < 320.0
    store.close()
