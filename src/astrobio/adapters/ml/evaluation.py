"""Held-out scores of climate surrogates (and baselines): RMSE, R², ACC, spread-skill, physics checks.

Definitions (pooled over the held-out runs and all grid points, weights w = cos(lat)):

- RMSE = sqrt(sum w (pred - truth)^2 / sum w), in the variable's units;
- R² = 1 - sum w (pred - truth)^2 / sum w (truth - mean truth)^2 (the mean over all held-out
  points, so spatial structure counts as explained variance: compare with the train-mean baseline);
- skill = 1 - MSE / MSE(train-mean prediction), the MSE skill score against climatology;
- ACC = sum w a b / sqrt(sum w a^2 sum w b^2), a = pred - clim, b = truth - clim, clim the training
  mean field (the uncentred anomaly correlation; undefined for the train-mean prediction itself);
- spread-skill = sqrt(sum w sigma^2 / sum w) / RMSE (1 is calibrated, < 1 overconfident).

Sigma recalibration (:func:`sigma_scale`): a deep ensemble trained on a dozen runs is
over-confident (its members agree more with each other than with an unseen run). One factor per
output variable, s = sqrt(pooled member MSE on the members' own validation runs / pooled ensemble
variance there), multiplies sigma at inference (variance scaling, Kuleshov et al. 2018; Levi et
al. 2022). It uses validation runs only; the held-out test runs then show whether it worked.
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


#: bounds of the recalibration factor (a wild factor from two validation runs would be noise)
SCALE_BOUNDS = (0.5, 20.0)


def sigma_scale(payload: dict[str, Any], data: TimeMeans,
                val_runs: Sequence[Sequence[int]]) -> dict[str, list[float]]:
    """Per-variable sigma factors from the members' validation runs (``val_runs[k]``: member k's).

    Returns ``{"scalar": [7]}`` or ``{"3d": [5], "2d": [1]}`` (order of the checkpoint's outputs).
    """
    payload = {k: v for k, v in payload.items() if k != "sigma_scale"}  # factors of the raw ensemble
    full = Ensemble(payload)
    err: list[Any] = []
    var: list[Any] = []
    for k, runs in enumerate(val_runs):
        idx = list(runs)
        if not idx:
            continue
        member = Ensemble({**payload, "members": [payload["members"][k]]})
        params = data.params[idx]
        if payload["mode"] == "scalar":
            mean_k, _ = member.scalars(params)
            _, sig = full.scalars(params)
            err.append((mean_k - data.fields[idx]) ** 2)
            var.append(sig ** 2)
        else:
            fk, ff = member.fields(params), full.fields(params)
            err.append(((fk["raw3d"] - data.fields[idx]) ** 2, (fk["mean2d"] - data.ts_field[idx]) ** 2))
            var.append((ff["sigma3d"] ** 2, ff["sigma2d"] ** 2))
    lo, hi = SCALE_BOUNDS
    if not err:
        return {}
    if payload["mode"] == "scalar":
        mse, sig2 = np.concatenate(err).mean(axis=0), np.concatenate(var).mean(axis=0)
        return {"scalar": np.clip(np.sqrt(mse / np.maximum(sig2, 1e-30)), lo, hi).tolist()}
    lat_w = area_weights(data.grid.lat_deg)
    w = lat_w[:, None]
    out: dict[str, list[float]] = {}
    for key, j in (("3d", 0), ("2d", 1)):
        e = np.concatenate([x[j] for x in err])  # (N, V, [lev,] lat, lon)
        v = np.concatenate([x[j] for x in var])
        axes = tuple(a for a in range(e.ndim) if a != 1)
        mse = (e * w).sum(axis=axes) / (np.broadcast_to(w, e.shape).sum(axis=axes))
        sig2 = (v * w).sum(axis=axes) / (np.broadcast_to(w, v.shape).sum(axis=axes))
        out[key] = np.clip(np.sqrt(mse / np.maximum(sig2, 1e-30)), lo, hi).tolist()
    return out


def evaluate(payload: dict[str, Any], data: TimeMeans, test: Sequence[int],
             train: Sequence[int] | None = None) -> dict[str, float]:
    """Held-out scores of a checkpoint ``payload`` on the runs ``test`` (train mean from ``train``)."""
    train = [k for k in range(len(data.cubes)) if k not in set(test)] if train is None else list(train)
    ens = Ensemble(payload)
    params = data.params[list(test)]
    if payload["mode"] == "scalar":
        mean, sigma = ens.scalars(params)
        out = scalar_scores(mean, sigma, data.fields[list(test)])
    else:
        out = datacube_scores(ens.fields(params), data, test, train, kappa=float(payload["kappa"]))
    # The spread-skill ratio before recalibration, for the record.
    for name, factor in _scale_by_output(payload).items():
        key = f"{name}_spread_skill"
        if key in out and factor > 0:
            out[f"{key}_raw"] = out[key] / factor
    return out


def _scale_by_output(payload: dict[str, Any]) -> dict[str, float]:
    """Output name (as in the metric keys) -> its sigma factor (empty without recalibration)."""
    scale = payload.get("sigma_scale") or {}
    if payload["mode"] == "scalar":
        return dict(zip(ckpt.SCALAR_OUTPUTS, scale.get("scalar", []), strict=False))
    return dict(zip((*ckpt.FIELDS_3D, *ckpt.FIELDS_2D), [*scale.get("3d", []), *scale.get("2d", [])],
                    strict=False))
