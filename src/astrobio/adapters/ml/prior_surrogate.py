"""Fit and apply the prior-informed emulator (:mod:`.gp_surrogate`) for either surrogate mode.

``targets``: variable -> array (N, ...) of training values (datacube: ``ta hus ua va cl`` (N, lev,
lat, lon) and ``ts`` (N, lat, lon); scalar: the seven global means, each (N,)). The model is one
plain dict (stored under ``"emulator"`` in the checkpoint). :func:`predict` returns per variable the
mean and sigma (calibration factors applied when present) and, outside the training domain, the
prior's answer with sigma widened by distance / threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from astrobio.adapters.ml import gp_surrogate as gs
from astrobio.domain import energy_balance as ebm

#: Variables without a physics prior fall back to the training mean (sigma: training std).
DEFAULTS: dict[str, Any] = {"regressor": "gp", "prior": True, "residual": True, "prior_features": True,
                            "components": 12}


def _weights(shape: tuple[int, ...], lat_deg: np.ndarray) -> np.ndarray:
    """Area weights (mean 1) broadcast to a field's shape, flattened."""
    w = np.cos(np.deg2rad(lat_deg))
    w = w / w.mean()
    if len(shape) == 0:
        return np.ones(1)
    return np.broadcast_to(w[:, None], shape[-2:]).reshape(1, *shape[-2:]).repeat(
        int(np.prod(shape[:-2])) if len(shape) > 2 else 1, 0).ravel()


def _needs_columns(variables: Any) -> bool:
    """Whether any variable has a column prior (``ta``, ``hus``): scalar models need only ``ts``."""
    return any(v in variables for v in ("ta", "hus"))


def _scalar_prior(prior: dict[str, np.ndarray], lat_deg: np.ndarray) -> np.ndarray:
    w = np.cos(np.deg2rad(lat_deg))[:, None]
    out: np.ndarray = (prior["ts"] * w).sum((1, 2)) / (w.sum() * prior["ts"].shape[2])
    return out


def _prior_for(var: str, prior: dict[str, np.ndarray] | None, lat: np.ndarray) -> np.ndarray | None:
    if prior is None:
        return None
    if var in prior:
        return prior[var]
    if var == "ts_k":
        return _scalar_prior(prior, lat)
    return None


def fit(params: np.ndarray, targets: dict[str, np.ndarray], ts_field: np.ndarray, grid: dict[str, Any],
        config: dict[str, Any] | None = None, coeffs: ebm.EbmCoefficients | None = None) -> dict[str, Any]:
    """Fit the emulator on training runs ``params`` (N, 8); ``ts_field`` (N, lat, lon) fits the prior
    (unless ``coeffs``, the prior already fit to these runs, is given)."""
    cfg = DEFAULTS | dict(config or {})
    lat = np.asarray(grid["lat_deg"], dtype=np.float64)
    if not cfg["prior"]:
        coeffs = None
    elif coeffs is None:
        coeffs = gs.fit_prior(params, ts_field, lat, grid["lon_deg"])
    prior = gs.prior_fields(params, coeffs, grid, columns=_needs_columns(targets)) if coeffs else None
    use_prior = bool(prior) and bool(cfg["prior_features"])
    feats = gs.features(params, prior["ts"] if prior else ts_field, lat, use_prior)
    f_mean, f_std = feats.mean(0), feats.std(0) + 1e-9
    x = (feats - f_mean) / f_std
    variables: dict[str, Any] = {}
    for var, y in targets.items():
        shape = y.shape[1:]
        base = _prior_for(var, prior, lat) if cfg["residual"] else None
        resid = (y - base if base is not None else y).reshape(len(y), -1).astype(np.float64)
        pca = gs.fit_pca(resid, _weights(shape, lat) if shape else np.ones(1), int(cfg["components"]))
        reg = gs.fit_regressor(cfg["regressor"], x, pca["z"])
        variables[var] = {"shape": list(shape), "residual": base is not None, "mean": pca["mean"],
                          "basis": pca["basis"], "trunc_var": pca["trunc_var"], "regressor": reg,
                          "train_mean": y.mean(0).ravel(), "train_std": y.std(0).ravel()}
    return {"config": cfg, "ebm": coeffs.to_dict() if coeffs else None, "feature_mean": f_mean.tolist(),
            "feature_std": f_std.tolist(), "variables": variables, "domain": gs.Domain.fit(params),
            "grid": {k: list(v) for k, v in grid.items()}, "calibration": {}}


def design(model: dict[str, Any], params: np.ndarray) -> np.ndarray:
    """The standardized regression features (N, F) of raw inputs ``params`` (N, 8) for ``model``."""
    p = np.array(params, dtype=np.float64, ndmin=2)
    lat = np.asarray(model["grid"]["lat_deg"], dtype=np.float64)
    coeffs = ebm.EbmCoefficients.from_dict(model["ebm"]) if model["ebm"] else None
    prior_ts = (gs.prior_fields(p, coeffs, model["grid"], columns=False)["ts"] if coeffs
                else np.zeros((len(p), len(lat), 1)))
    feats = gs.features(p, prior_ts, lat, bool(coeffs) and bool(model["config"]["prior_features"]))
    out: np.ndarray = (feats - np.asarray(model["feature_mean"])) / np.asarray(model["feature_std"])
    return out


def predict(model: dict[str, Any], params: np.ndarray, *, fallback: bool = True) -> dict[str, Any]:
    """``mean``/``sigma``: variable -> (N, ...); ``distance`` (N,), ``inside`` (N,) bool, ``prior``
    (variable -> (N, ...) or absent), ``answered_by`` (N,) ``"emulator"`` or ``"ebm-prior"``."""
    p = np.array(params, dtype=np.float64, ndmin=2)
    grid = model["grid"]
    lat = np.asarray(grid["lat_deg"], dtype=np.float64)
    coeffs = ebm.EbmCoefficients.from_dict(model["ebm"]) if model["ebm"] else None
    columns = _needs_columns(model["variables"]) or bool(model["config"].get("columns", False))
    prior = gs.prior_fields(p, coeffs, grid, columns=columns) if coeffs else None
    cfg = model["config"]
    feats = gs.features(p, prior["ts"] if prior else np.zeros((len(p), len(lat), 1)), lat,
                        bool(prior) and cfg["prior_features"])
    x = (feats - np.asarray(model["feature_mean"])) / np.asarray(model["feature_std"])
    domain = gs.Domain(model["domain"])
    dist = domain.distance(p)
    inside = dist <= domain.threshold
    widen = np.maximum(1.0, dist / domain.threshold)
    mean: dict[str, np.ndarray] = {}
    sigma: dict[str, np.ndarray] = {}
    priors: dict[str, np.ndarray] = {}
    for var, v in model["variables"].items():
        shape = tuple(v["shape"])
        zm, zs = gs.predict_regressor(v["regressor"], x)
        basis = np.asarray(v["basis"])
        m = np.asarray(v["mean"]) + zm @ basis
        var_ = (zs ** 2) @ (basis ** 2) + np.asarray(v["trunc_var"])
        base = _prior_for(var, prior, lat)
        if v["residual"] and base is not None:
            m = m + base.reshape(len(p), -1)
        cal = model.get("calibration", {}).get(var)
        s = (gs.shape_sigma(np.sqrt(var_), cal) if cal is not None else np.sqrt(var_)) * widen[:, None]
        if fallback and not inside.all():
            out = ~inside
            if base is not None:
                m[out] = base.reshape(len(p), -1)[out]
            else:
                m[out] = np.asarray(v["train_mean"])
                s[out] = np.maximum(s[out], np.asarray(v["train_std"]))
        mean[var], sigma[var] = m.reshape(len(p), *shape), s.reshape(len(p), *shape)
    if prior is not None:
        priors = dict(prior) | {"ts_k": _scalar_prior(prior, lat)}
    answered = np.where(inside | (not fallback), "emulator", "ebm-prior")
    return {"mean": mean, "sigma": sigma, "distance": dist, "inside": inside, "prior": priors,
            "answered_by": answered.tolist(), "threshold": domain.threshold}
