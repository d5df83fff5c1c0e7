"""Held-out skill of the climate transformer on the bundled ExoPlaSim runs (one split by simulation).

Trains a 3-member transformer (60 epochs, fp32, default 20 % of the runs held out by simulation,
seed 0) through the same trainer as the U-Net and prints the held-out metrics of its model card
(field RMSE, R², ACC, spread-skill; physics-violation fractions).

    OMP_NUM_THREADS=1 nice python benchmarks/eval_climate_transformer.py [--epochs 60] [--ensemble 3]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--epochs", type=int, default=60)
    ap.add_argument("--ensemble", type=int, default=3)
    args = ap.parse_args()
    warnings.filterwarnings("ignore")
    from astrobio.adapters.cubes.bundled import bundled_runs
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
    from astrobio.adapters.ml.training import LightningSurrogateTrainer
    from astrobio.application.ports.surrogate import TrainingConfig
    from astrobio.domain.surrogate import SurrogateMode

    with tempfile.TemporaryDirectory() as tmp:
        store = ZarrCubeStore(f"{tmp}/zarr")
        cubes = [store.ingest([str(p)], cube_id=p.stem, name=p.stem, parameters=params, mapping=None,
                              run_id=None, now=datetime(2026, 12, 1, tzinfo=UTC))
                 for p, params in bundled_runs(ROOT / "data" / "gcm")]
        start = time.perf_counter()
        trained = LightningSurrogateTrainer(store, Path(tmp) / "work", "eval").train(cubes, TrainingConfig(
            mode=SurrogateMode.DATACUBE, max_epochs=args.epochs, ensemble=args.ensemble, precision="32-true",
            extra={"arch": "transformer"}))
        print(f"{len(cubes)} runs; trained in {time.perf_counter() - start:.0f} s; held out "
              f"{trained.card.hyperparameters['holdout_cubes']}")
        print(json.dumps({k: round(v, 3) for k, v in trained.card.metrics.items()}, indent=1))
        store.close()


if __name__ == "__main__":
    main()
