"""Training of the prior-informed emulators (``arch`` ``pca_gp`` / ``pca_mlp``) into checkpoints.

One call: read the cubes' time means, run k-fold cross-validation by simulation of the requested
configuration (:mod:`.cross_validation`: every run held out once) to get honest held-out scores and
the cross-conformal sigma factors, then fit on every run and write one checkpoint whose card
carries the cross-validated metrics (``cv_*``) and the factors. Costs (2 shared CPU cores, 49 runs):
see ``docs/climate.md``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml import cross_validation as cv
from astrobio.adapters.ml import prior_surrogate as ps
from astrobio.adapters.ml.data.cube_datamodule import TimeMeans, lazy_time_mean
from astrobio.application.ports.cube_store import CubeStore
from astrobio.domain.climate import ClimateCube
from astrobio.domain.surrogate import SURROGATE_INPUTS, SurrogateMode

REGRESSOR = {"pca_gp": "gp", "pca_mlp": "mlp"}


def targets_of(store: CubeStore, cubes: Sequence[ClimateCube], mode: SurrogateMode,
               ) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray, dict[str, Any]]:
    """(params (N, 8), targets, ts fields (N, lat, lon), grid) of a cube set for ``mode``."""
    data = TimeMeans(store, cubes, mode)
    g = data.grid
    grid = {"lat_deg": list(g.lat_deg), "lon_deg": list(g.lon_deg), "lev": list(g.lev)}
    if mode is SurrogateMode.DATACUBE:
        targets = {v: data.fields[:, i].astype(np.float64) for i, v in enumerate(ckpt.FIELDS_3D)}
        ts = data.ts_field[:, 0].astype(np.float64)
        targets["ts"] = ts
    else:
        targets = {v: data.fields[:, i].astype(np.float64) for i, v in enumerate(ckpt.SCALAR_OUTPUTS)}
        ts = np.stack([lazy_time_mean(store, c, ["ts"]).compute()["ts"].values
                       for c in cubes]).astype(np.float64)
    return data.params, targets, ts, grid


def metric_name(var: str, metric: str) -> str:
    """Card metric names, as the Lightning models' (``ts_rmse_k``, ``ts_k_rmse``...)."""
    key = f"{var}_{metric}"
    return {"ts_rmse": "ts_rmse_k", "ta_rmse": "ta_rmse_k"}.get(key, key)


def train_emulator(store: CubeStore, cubes: Sequence[ClimateCube], mode: SurrogateMode, arch: str,
                   extra: dict[str, Any], path: Path) -> tuple[dict[str, Any], dict[str, float]]:
    """Cross-validate, fit on all runs, save the checkpoint at ``path``; (payload, card metrics)."""
    params, targets, ts, grid = targets_of(store, cubes, mode)
    cfg = ps.DEFAULTS | {"regressor": REGRESSOR[arch]} | {
        k: extra[k] for k in ("prior", "residual", "prior_features", "components") if k in extra}
    name = "candidate"
    cv.CANDIDATES[name] = cfg
    try:
        result = cv.run(params, targets, ts, grid, k=int(extra.get("cv_folds", 7)),
                        seed=int(extra.get("seed", 0)), candidates=[name])
    finally:
        cv.CANDIDATES.pop(name, None)
    factors = cv.calibrate(result, targets, grid["lat_deg"])[name]
    table = cv.scores(result, targets, grid["lat_deg"])
    metrics: dict[str, float] = {}
    for group, prefix in (("all", "cv_"), ("in_domain", "cv_in_domain_")):
        for key, value in table.get(group, {}).get(name, {}).items():
            metrics[prefix + key] = value
    for var in targets:  # headline names: cross-validated, all runs
        for m in ("rmse", "coverage_1sigma", "coverage_2sigma", "spread_skill"):
            if f"cv_{var}_{m}" in metrics:
                metrics[metric_name(var, m)] = metrics[f"cv_{var}_{m}"]
    if "cv_ts_global_mean_rmse" in metrics:
        metrics["ts_global_mean_rmse"] = metrics["cv_ts_global_mean_rmse"]
    model = ps.fit(params, targets, ts, grid, cfg)
    model["calibration"] = {v: [float(x) for x in f] for v, f in factors.items()}
    payload: dict[str, Any] = {
        "format": ckpt.FORMAT, "mode": mode.value, "arch": {"name": arch}, "emulator": ckpt.to_tensors(model),
        "inputs": list(SURROGATE_INPUTS), "grid": grid, "metrics": metrics,
        "split": {"train_cubes": [c.id for c in cubes], "holdout_cubes": [],
                  "cv_folds": [[cubes[i].id for i in f] for f in result["folds"]]},
    }
    if mode is SurrogateMode.SCALAR:
        payload |= {"outputs": list(ckpt.SCALAR_OUTPUTS),
                    "units": {k: u for k, (_, _, u) in ckpt.SCALAR_OUTPUTS.items()}}
    else:
        dims = {v: ["lev", "lat", "lon"] for v in ckpt.FIELDS_3D}
        dims |= {v: ["lat", "lon"] for v in ckpt.FIELDS_2D}
        payload |= {"outputs": [*ckpt.FIELDS_3D, *ckpt.FIELDS_2D], "units": dict(ckpt.UNITS), "dims": dims}
    ckpt.save(payload, path)
    return payload, metrics
