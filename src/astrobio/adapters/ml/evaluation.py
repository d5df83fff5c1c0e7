"""Held-out scores of climate surrogates (and baselines): RMSE, R², ACC, spread-skill, physics checks.

Definitions (pooled over the held-out runs and all grid points, weights w = cos(lat)):

- RMSE = sqrt(sum w (pred - truth)^2 / sum w), in the variable's units;
- R² = 1 - sum w (pred - truth)^2 / sum w (truth - mean truth)^2 (the mean over all held-out
  points, so spatial structure counts as explained variance: compare with the train-mean baseline);
- skill = 1 - MSE / MSE(train-mean prediction), the MSE skill score against climatology;
- ACC = sum w a b / sqrt(sum w a^2 sum w b^2), a = pred - clim, b = truth - clim, clim the training
  mean field (the uncentred anomaly correlation; undefined for the train-mean prediction itself);
- spread-skill = sqrt(sum w sigma^2 / sum w) / RMSE (1 is calibrated, < 1 overconfident).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch

from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml.data.cube_datamodule import TimeMeans, area_weights
from astrobio.adapters.ml.inference import Ensemble
from astrobio.adapters.ml.systems.climate import q_sat
from astrobio.domain.surrogate import SURROGATE_INPUTS

_PS = SURROGATE_INPUTS.index("surface_pressure_bar")


def field_scores(pred: np.ndarray, truth: np.ndarray, clim: np.ndarray, lat_w: np.ndarray,
                 sigma: np.ndarray | None = None) -> dict[str, float]:
    """Scores of ``pred`` against ``truth`` (same shape, lat on axis -2); ``clim`` broadcasts to them."""
    w = np.broadcast_to(lat_w[:, None], truth.shape)
    mse = float((w * (pred - truth) ** 2).sum() / w.sum())
    mse_clim = float((w * (clim - truth) ** 2).sum() / w.sum())
    var = float((w * (truth - (w * truth).sum() / w.sum()) ** 2).sum() / w.sum())
    a, b = pred - clim, truth - clim
    den = float(np.sqrt((w * a * a).sum() * (w * b * b).sum()))
    out = {"rmse": mse ** 0.5, "r2": 1.0 - mse / var if var > 0 else float("nan"),
           "skill": 1.0 - mse / mse_clim if mse_clim > 0 else float("nan"),
           "acc": float((w * a * b).sum()) / den if den > 0 else float("nan")}
    if sigma is not None:
        spread = float(np.sqrt((w * sigma ** 2).sum() / w.sum()))
        out["spread_skill"] = spread / out["rmse"] if out["rmse"] > 0 else float("nan")
    return out


def violations(fields3d: np.ndarray, params: np.ndarray, sigma_levels: Sequence[float],
               kappa: float) -> dict[str, float]:
    """Fractions of voxels breaking each physical bound; ``fields3d`` (N, 5, lev, lat, lon) physical.

    ``supersat_excess``: the water above kappa x q_sat as a fraction of all the water (sum over voxels).
    """
    t = torch.as_tensor(fields3d[:, ckpt.FIELDS_3D.index("ta")], dtype=torch.float64)
    q = fields3d[:, ckpt.FIELDS_3D.index("hus")]
    cl = fields3d[:, ckpt.FIELDS_3D.index("cl")]
    p = torch.as_tensor(np.asarray(sigma_levels))[None, :, None, None] * torch.as_tensor(
        params[:, _PS] * 1e5)[:, None, None, None]
    qs = q_sat(t, p).numpy()
    excess = float(np.maximum(q - kappa * qs, 0.0).sum() / max(float(np.maximum(q, 0.0).sum()), 1e-30))
    return {"neg_q_frac": float((q < 0).mean()), "cl_out_frac": float(((cl < 0) | (cl > 1)).mean()),
            "supersat_frac": float((q > kappa * qs).mean()), "supersat_excess": excess}


def supersat_kappa(data: TimeMeans, idx: Sequence[int], percentile: float = 99.0) -> float:
    """The ``percentile`` of q / q_sat(T, sigma p_s) over the time-mean voxels of runs ``idx`` (>= 1)."""
    i = list(idx)
    f = data.fields[i].astype(np.float64)
    t = torch.as_tensor(f[:, ckpt.FIELDS_3D.index("ta")])
    p = torch.as_tensor(np.asarray(data.grid.lev))[None, :, None, None] * torch.as_tensor(
        data.params[i, _PS] * 1e5)[:, None, None, None]
    ratio = f[:, ckpt.FIELDS_3D.index("hus")] / q_sat(t, p).numpy()
    return max(1.0, float(np.percentile(ratio, percentile)))


def datacube_scores(pred: dict[str, np.ndarray], data: TimeMeans, test: Sequence[int], train: Sequence[int],
                    kappa: float | None = None) -> dict[str, float]:
    """Scores of datacube predictions ``pred`` (``mean3d``, ``mean2d``, optional ``sigma*``, ``raw3d``)."""
    i, j = list(test), list(train)
    lat_w = area_weights(data.grid.lat_deg)
    out: dict[str, float] = {}
    for k, name in enumerate(ckpt.FIELDS_3D):
        sig = pred["sigma3d"][:, k] if "sigma3d" in pred else None
        s = field_scores(pred["mean3d"][:, k], data.fields[i, k], data.fields[j, k].mean(0), lat_w, sig)
        out |= {f"{name}_{m}": v for m, v in s.items()}
    sig2 = pred["sigma2d"][:, 0] if "sigma2d" in pred else None
    s = field_scores(pred["mean2d"][:, 0], data.ts_field[i, 0], data.ts_field[j, 0].mean(0), lat_w, sig2)
    out |= {f"ts_{m}": v for m, v in s.items()}
    w2 = lat_w[:, None]
    gm = (pred["mean2d"][:, 0] * w2).mean((1, 2)) - (data.ts_field[i, 0] * w2).mean((1, 2))
    out["ts_global_mean_rmse"] = float(np.sqrt((gm ** 2).mean()))
    if kappa is not None:
        out |= violations(pred.get("raw3d", pred["mean3d"]), data.params[i], data.grid.lev, kappa)
    renamed = {"ts_rmse": "ts_rmse_k", "ta_rmse": "ta_rmse_k"}
    return {renamed.get(k, k): v for k, v in out.items()}


def scalar_scores(mean: np.ndarray, sigma: np.ndarray | None, truth: np.ndarray) -> dict[str, float]:
    """Per-output RMSE (``<name>_rmse``), and with ``sigma`` the spread-skill ratio and 1-sigma coverage."""
    out: dict[str, float] = {}
    for k, name in enumerate(ckpt.SCALAR_OUTPUTS):
        err = mean[:, k] - truth[:, k]
        rmse = float(np.sqrt((err ** 2).mean()))
        out[f"{name}_rmse"] = rmse
        if sigma is not None:
            spread = float(np.sqrt((sigma[:, k] ** 2).mean()))
            out[f"{name}_spread_skill"] = spread / rmse if rmse else float("nan")
            out[f"{name}_coverage_1sigma"] = float((np.abs(err) <= sigma[:, k]).mean())
    return out


def evaluate(payload: dict[str, Any], data: TimeMeans, test: Sequence[int],
             train: Sequence[int] | None = None) -> dict[str, float]:
    """Held-out scores of a checkpoint ``payload`` on the runs ``test`` (train mean from ``train``)."""
    train = [k for k in range(len(data.cubes)) if k not in set(test)] if train is None else list(train)
    ens = Ensemble(payload)
    params = data.params[list(test)]
    if payload["mode"] == "scalar":
        mean, sigma = ens.scalars(params)
        return scalar_scores(mean, sigma, data.fields[list(test)])
    return datacube_scores(ens.fields(params), data, test, train, kappa=float(payload["kappa"]))
