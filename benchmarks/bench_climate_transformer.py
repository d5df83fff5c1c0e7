"""Datacube prediction time of the patch-token climate transformer (3-member ensemble, CPU).

Trains a 3-member transformer for a few epochs on five bundled runs (the timing does not depend on
the weights), then times ``predict_datacube`` (all members, mean and sigma of every field) and the
raw forward pass.

    OMP_NUM_THREADS=1 python benchmarks/bench_climate_transformer.py
"""

from __future__ import annotations

import statistics
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    warnings.filterwarnings("ignore")
    import torch

    from astrobio.adapters.cubes.bundled import bundled_runs
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore
    from astrobio.adapters.ml.inference import TorchClimateSurrogate
    from astrobio.adapters.ml.training import LightningSurrogateTrainer
    from astrobio.application.ports.surrogate import TrainingConfig
    from astrobio.domain.climate import ClimateParameters
    from astrobio.domain.surrogate import SurrogateMode

    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as tmp:
        store = ZarrCubeStore(f"{tmp}/zarr")
        runs = ("run000", "run006", "run013", "run020", "run003")
        cubes = [store.ingest([str(p)], cube_id=p.stem, name=p.stem, parameters=params, mapping=None,
                              run_id=None, now=datetime(2026, 12, 1, tzinfo=UTC))
                 for p, params in bundled_runs(ROOT / "data" / "gcm") if p.stem in runs]
        t0 = time.perf_counter()
        trained = LightningSurrogateTrainer(store, Path(tmp) / "work", "bench").train(cubes, TrainingConfig(
            mode=SurrogateMode.DATACUBE, max_epochs=3, ensemble=3, precision="32-true",
            extra={"arch": "transformer", "recalibrate": False}))
        print(f"training 3 members x 3 epochs on {len(cubes)} runs: {time.perf_counter() - t0:.1f} s; "
              f"{trained.card.hyperparameters['parameters']:,} parameters per member")
        surrogate = TorchClimateSurrogate(trained.checkpoint_path, trained.card)
        params = ClimateParameters()
        surrogate.predict_datacube(params)  # load + warm up
        times = []
        for _ in range(20):
            start = time.perf_counter()
            surrogate.predict_datacube(params)
            times.append((time.perf_counter() - start) * 1000)
        print(f"predict_datacube (3 members, mean + sigma of 6 fields): "
              f"median {statistics.median(times):.1f} ms, p90 {sorted(times)[17]:.1f} ms  (target < 100 ms)")
        store.close()


if __name__ == "__main__":
    main()
