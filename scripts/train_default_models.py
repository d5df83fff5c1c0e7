"""Train the default climate surrogates shipped in ``data/models`` (both modes), reproducibly.

    OMP_NUM_THREADS=2 .venv/bin/python scripts/train_default_models.py            # writes data/models
    OMP_NUM_THREADS=2 .venv/bin/python scripts/train_default_models.py --out /tmp/models --threads 2
    .venv/bin/python scripts/train_default_models.py --recalibrate    # sigma factors for shipped models

What it does: ingests the 49 bundled ExoPlaSim runs (``data/gcm``) into a temporary Zarr root with
``ZarrCubeStore``, trains the scalar and the datacube surrogate with the fixed configurations below
(default ``--arch pca_gp``: EBM prior + PCA + Gaussian processes, 7-fold cross-validated by
simulation, sigma calibrated cross-conformally, then fit on every run; ``--arch unet``: the
Lightning deep ensembles, seed 0, 20 % of the runs held out), registers both in a
``FileSurrogateRegistry`` at ``--out`` (replacing what was there) and writes ``TRAINING.json``
beside them: configurations, cross-validated metrics, wall times, file sizes, versions. Then
``benchmarks/eval_climate_surrogate.py --write`` adds the full comparison table.

Same code, same torch build and the same thread count give the same checkpoint bytes (the model id
is their SHA-256); a different CPU or thread count can change the last bits of the weights.
Caveat (data/gcm/README.md): 240-day states from an Earth-like start, not equilibria; 49 runs.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 26, tzinfo=UTC)  # fixed ingest time: cube metadata does not depend on the clock


def configs(arch: str = "pca_gp") -> dict[str, object]:
    """The shipped configurations: ``pca_gp`` (EBM prior + PCA + GP, cross-validated; the default)
    or ``unet`` (the Lightning U-Net / MLP deep ensembles)."""
    from astrobio.application.ports.surrogate import TrainingConfig
    from astrobio.domain.surrogate import SurrogateMode

    if arch in ("pca_gp", "pca_mlp"):
        # datacube: the prior is subtracted (residual) -- best field RMSE in cross-validation;
        # scalar: GP on the global means with the prior's temperatures as features (best global mean).
        return {
            "scalar": TrainingConfig(mode=SurrogateMode.SCALAR, seed=0, precision="32",
                                     extra={"arch": arch, "residual": False, "prior_features": True,
                                            "cv_folds": 7}),
            "datacube": TrainingConfig(mode=SurrogateMode.DATACUBE, seed=0, precision="32",
                                       extra={"arch": arch, "residual": True, "prior_features": True,
                                              "components": 12, "cv_folds": 7}),
        }
    return {
        "scalar": TrainingConfig(mode=SurrogateMode.SCALAR, max_epochs=400, seed=0, batch_size=4,
                                 learning_rate=3e-3, ensemble=5, holdout_fraction=0.2, precision="32",
                                 extra={"patience": 100, "hidden": 64, "dropout": 0.1}),
        # A fixed 200-epoch budget (min_epochs = max_epochs) and the last weights: with 1-2
        # early-stopping runs per member the best-val epoch was a noisy pick (see the report).
        "datacube": TrainingConfig(mode=SurrogateMode.DATACUBE, max_epochs=200, seed=0, batch_size=4,
                                   learning_rate=3e-3, ensemble=3, holdout_fraction=0.2,
                                   precision="bf16-mixed", physics_weight=1.0,
                                   extra={"width": 8, "dropout": 0.05, "weight_decay": 0.5, "patience": 60,
                                          "min_epochs": 200, "restore": "last"}),
    }


def ingest_bundled(root: str) -> tuple[object, list[object]]:
    """The bundled runs as cubes in a Zarr root (cube id = run id)."""
    from astrobio.adapters.cubes.bundled import bundled_runs
    from astrobio.adapters.cubes.zarr_store import ZarrCubeStore

    store = ZarrCubeStore(root)
    cubes = [store.ingest([str(path)], cube_id=path.stem, name=f"exoplasim-aquaplanet/{path.stem}",
                          parameters=params, mapping=None, run_id=None, now=NOW)
             for path, params in bundled_runs(ROOT / "data" / "gcm")]
    return store, cubes


def code_version() -> str:
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        rev = "unknown"
    return f"astrobio-0.1.0+{rev}"


def recalibrate(out: Path) -> int:
    """Add validation-run sigma factors (``evaluation.sigma_scale``) to the active models in ``out``.

    The weights are untouched; the new checkpoint (new SHA-256 id) replaces the old one in the
    registry, its card carries the re-evaluated held-out metrics, and TRAINING.json is updated.
    """
    from dataclasses import replace

    from astrobio.adapters.ml import checkpoint as ckpt
    from astrobio.adapters.ml.data.cube_datamodule import TimeMeans, split_by_simulation
    from astrobio.adapters.ml.evaluation import evaluate, sigma_scale
    from astrobio.adapters.ml.registry import FileSurrogateRegistry
    from astrobio.application.ports.surrogate import TrainedModel
    from astrobio.domain.surrogate import SurrogateMode

    registry = FileSurrogateRegistry(out)
    record = json.loads((out / "TRAINING.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory(prefix="astrobio-recal-") as tmp:
        store, cubes = ingest_bundled(os.path.join(tmp, "zarr"))
        for mode in SurrogateMode:
            card = registry.active(mode)
            if card is None or card.hyperparameters.get("arch", {}).get("name") in ("pca_gp", "pca_mlp"):
                continue  # emulators are calibrated cross-conformally at training
            payload = ckpt.load(registry.path(card.id))
            cfg = payload["config"]
            extra = cfg.get("extra", {})
            splits = [split_by_simulation(cubes, seed=cfg["seed"], holdout_fraction=cfg["holdout_fraction"],  # type: ignore[arg-type]
                                          val_fraction=float(extra.get("val_fraction", 0.15)), member=k,
                                          holdout=extra.get("holdout_cubes"))
                      for k in range(len(payload["members"]))]
            data = TimeMeans(store, cubes, mode)  # type: ignore[arg-type]
            payload["sigma_scale"] = sigma_scale(payload, data, [sp.val for sp in splits])
            metrics = evaluate(payload, data, splits[0].test)
            path = Path(tmp) / f"{mode.value}.pt"
            ckpt.save(payload, path)
            new = registry.register(TrainedModel(checkpoint_path=str(path), card=replace(
                card, id=ckpt.sha256_file(path), metrics=metrics)), activate=True)
            for suffix in (".pt", ".json"):
                (out / f"{card.id}{suffix}").unlink(missing_ok=True)
            entry = record["models"][mode.value]
            entry |= {"id": new.id, "metrics": metrics, "bytes": registry.path(new.id).stat().st_size,
                      "sigma_scale": payload["sigma_scale"]}
            print(f"{mode.value}: {card.id[:12]} -> {new.id[:12]}; sigma factors {payload['sigma_scale']}")
            for key in sorted(k for k in metrics if "spread_skill" in k):
                print(f"  {key} = {metrics[key]:.3f}")
        store.close()  # type: ignore[attr-defined]
    record["registry_bytes"] = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    (out / "TRAINING.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "data" / "models"))
    parser.add_argument("--threads", type=int, default=2, help="torch threads (2 gives the shipped bytes)")
    parser.add_argument("--modes", default="scalar,datacube")
    parser.add_argument("--arch", default="pca_gp", choices=("pca_gp", "pca_mlp", "unet"))
    parser.add_argument("--recalibrate", action="store_true",
                        help="only add sigma factors to the active models at --out (no training)")
    args = parser.parse_args(argv)
    if args.recalibrate:
        return recalibrate(Path(args.out))

    import logging
    import warnings

    import lightning
    import torch

    from astrobio.adapters.ml.registry import FileSurrogateRegistry
    from astrobio.adapters.ml.training import LightningSurrogateTrainer

    warnings.filterwarnings("ignore")
    for name in ("lightning", "lightning.pytorch", "lightning.fabric", "pytorch_lightning"):
        logging.getLogger(name).setLevel(logging.ERROR)
    torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.iterdir():  # a fresh registry: old checkpoints, cards, active.json
        ours = len(old.stem) == 64 or old.name in ("active.json", "TRAINING.json")
        if old.suffix in (".pt", ".json") and ours:
            old.unlink()
    registry = FileSurrogateRegistry(out)
    record: dict[str, object] = {"torch": torch.__version__, "lightning": lightning.__version__,
                                 "python": sys.version.split()[0], "machine": platform.machine(),
                                 "threads": args.threads, "code_version": code_version(), "models": {}}
    with tempfile.TemporaryDirectory(prefix="astrobio-train-") as tmp:
        t0 = time.perf_counter()
        store, cubes = ingest_bundled(os.path.join(tmp, "zarr"))
        record["ingest_s"] = round(time.perf_counter() - t0, 1)
        for mode in args.modes.split(","):
            config = configs(args.arch)[mode]
            trainer = LightningSurrogateTrainer(store, os.path.join(tmp, "work"), code_version())  # type: ignore[arg-type]
            t0 = time.perf_counter()
            trained = trainer.train(cubes, config)  # type: ignore[arg-type]
            seconds = time.perf_counter() - t0
            card = registry.register(trained, activate=True)
            size = registry.path(card.id).stat().st_size
            record["models"][mode] = {  # type: ignore[index]
                "id": card.id, "train_s": round(seconds, 1), "bytes": size, "metrics": card.metrics,
                "holdout_cubes": card.hyperparameters["holdout_cubes"],
                "sigma_calibration": card.hyperparameters.get("sigma_calibration"),
                "parameters_per_member": card.hyperparameters["parameters"],
                "config": {k: v for k, v in card.hyperparameters.items() if k not in ("holdout_cubes",)},
            }
            print(f"{mode}: {card.id[:12]} trained in {seconds:.0f} s, {size / 1e6:.2f} MB; held out "
                  f"{card.hyperparameters['holdout_cubes']}")
            for k in ("ts_rmse_k", "ts_coverage_1sigma", "ta_rmse_k", "ts_global_mean_rmse", "ts_k_rmse",
                      "ts_k_coverage_1sigma", "rlut_w_m2_rmse"):
                if k in card.metrics:
                    print(f"  {k} = {card.metrics[k]:.3f}")
        store.close()  # type: ignore[attr-defined]
    total = sum(p.stat().st_size for p in out.iterdir() if p.is_file())
    record["registry_bytes"] = total
    (out / "TRAINING.json").write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"registry {out}: {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
