"""k-fold cross-validation by simulation: one harness scores every climate model and baseline.

Folds: the runs are permuted (seeded) and dealt into ``k`` folds; every run is held out exactly
once. For each fold every candidate is fit on the other runs only (its EBM prior, PCA, regressors,
normalization) and predicts the held-out runs. Candidates (``CANDIDATES``): ``train_mean``,
``knn3`` (mean of the 3 nearest training runs in standardized inputs), ``ridge_pca`` (ridge on
PCA coefficients), ``gp`` (PCA + GP on the raw inputs), ``prior`` (the refit EBM alone),
``mlp`` (network alone), ``prior_mlp`` (EBM + network on the residual), ``prior_gp`` (EBM + GP on
the residual, prior features) and ``gp_prior_features`` (GP on the fields, prior features).

Scores (area-weighted over all grid points of the held-out runs of a group): RMSE per variable,
the global-mean surface-temperature RMSE, and for candidates with sigma the 1- and 2-sigma
coverage after calibration and the spread-skill ratio. Calibration is cross-conformal: the factor
applied to fold j comes from the standardized errors of the *other* folds only
(:func:`~.gp_surrogate.conformal_factor`), so coverage is measured on runs the factor never saw.
Groups: ``all`` runs; ``in_hull``, those inside the convex hull of their fold's training runs
(linear programme; in 8 dimensions with ~42 training runs a held-out run is almost never inside);
``in_domain``, those whose Mahalanobis distance to their fold's training runs is at most the
out-of-distribution threshold (:class:`~.gp_surrogate.Domain`, the distance the shipped model uses to
flag), and ``out_of_domain`` the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from astrobio.adapters.ml import gp_surrogate as gs
from astrobio.adapters.ml import prior_surrogate as ps

CANDIDATES: dict[str, dict[str, Any] | None] = {
    "train_mean": None, "knn3": None,
    "ridge_pca": {"regressor": "ridge", "prior": False, "residual": False, "prior_features": False},
    "gp": {"regressor": "gp", "prior": False, "residual": False, "prior_features": False},
    "prior": None,
    "mlp": {"regressor": "mlp", "prior": False, "residual": False, "prior_features": False},
    "prior_mlp": {"regressor": "mlp", "prior": True, "residual": True, "prior_features": True},
    "prior_gp": {"regressor": "gp", "prior": True, "residual": True, "prior_features": True},
    "gp_prior_features": {"regressor": "gp", "prior": True, "residual": False, "prior_features": True},
}


def folds(n: int, k: int, seed: int = 0) -> list[np.ndarray]:
    """``k`` disjoint index sets covering range(n) (seeded permutation, dealt round robin)."""
    perm = np.random.default_rng(seed).permutation(n)
    return [np.sort(perm[j::k]) for j in range(k)]


def _knn(params: np.ndarray, train: np.ndarray, test: np.ndarray, y: np.ndarray, k: int = 3) -> np.ndarray:
    x = gs.transform(params)
    m, s = x[train].mean(0), x[train].std(0) + 1e-12
    xt, xs = (x[train] - m) / s, (x[test] - m) / s
    near = np.argsort(((xs[:, None] - xt[None]) ** 2).sum(-1), 1)[:, :k]
    out: np.ndarray = y[train][near].mean(1)
    return out


def run(params: np.ndarray, targets: dict[str, np.ndarray], ts_field: np.ndarray, grid: dict[str, Any],
        *, k: int = 7, seed: int = 0, candidates: Sequence[str] | None = None,
        progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Held-out predictions of every candidate: ``{"pred": {name: {var: (N, ...)}}, "sigma": ...,
    "inside": (N,) bool, "folds": [...]}``."""
    names = list(candidates or CANDIDATES)
    n = len(params)
    parts = folds(n, k, seed)
    pred: dict[str, dict[str, np.ndarray]] = {c: {v: np.zeros_like(y, dtype=np.float64)
                                                  for v, y in targets.items()} for c in names}
    sigma: dict[str, dict[str, np.ndarray]] = {}
    inside = np.zeros(n, dtype=bool)
    distance = np.zeros(n)
    for j, test in enumerate(parts):
        train = np.setdiff1d(np.arange(n), test)
        dom = gs.Domain(gs.Domain.fit(params[train]))
        inside[test] = dom.in_hull(params[test])
        distance[test] = dom.distance(params[test]) / dom.threshold
        coeffs = None
        if any(c == "prior" or (CANDIDATES[c] or {}).get("prior") for c in names):
            coeffs = gs.fit_prior(params[train], ts_field[train], np.asarray(grid["lat_deg"]),
                                  grid["lon_deg"])
        for c in names:
            cfg = CANDIDATES[c]
            if c == "train_mean":
                for v, y in targets.items():
                    pred[c][v][test] = y[train].mean(0)
            elif c == "knn3":
                for v, y in targets.items():
                    pred[c][v][test] = _knn(params, train, test, y)
            elif c == "prior":
                model = ps.fit(params[train], {}, ts_field[train], grid,
                               {"regressor": "ridge", "columns": True}, coeffs)
                out = ps.predict(model, params[test], fallback=False)
                for v in targets:
                    base = ps._prior_for(v, out["prior"] or None, np.asarray(grid["lat_deg"]))
                    if base is None:
                        base = np.broadcast_to(targets[v][train].mean(0), targets[v][test].shape)
                    pred[c][v][test] = base
            else:
                model = ps.fit(params[train], {v: y[train] for v, y in targets.items()}, ts_field[train],
                               grid, cfg, coeffs)
                out = ps.predict(model, params[test], fallback=False)
                sigma.setdefault(c, {v: np.zeros_like(y, dtype=np.float64) for v, y in targets.items()})
                for v in targets:
                    pred[c][v][test] = out["mean"][v]
                    sigma[c][v][test] = out["sigma"][v]
        if progress:
            progress(f"fold {j + 1}/{k}")
    return {"pred": pred, "sigma": sigma, "inside": inside, "distance": distance,
            "folds": [f.tolist() for f in parts]}


def _area(y: np.ndarray, lat_deg: Sequence[float] | None) -> np.ndarray | None:
    """cos(lat) weights broadcast to a field array (N, ..., lat, lon); None for scalars."""
    if lat_deg is None or y.ndim < 3:
        return None
    w = np.cos(np.deg2rad(np.asarray(lat_deg, dtype=np.float64)))
    return np.broadcast_to(w[:, None], y.shape)


def calibrate(result: dict[str, Any], targets: dict[str, np.ndarray],
              lat_deg: Sequence[float] | None = None) -> dict[str, dict[str, list[float]]]:
    """Cross-conformal: recalibrate every candidate's held-out sigma fold by fold with the
    calibration (factor, floor, power; :func:`~.gp_surrogate.calibration`) of the *other* folds'
    errors (area-weighted for fields when ``lat_deg`` is given, as the scores are), in place;
    returns each candidate's calibration per variable from *all* folds (what a model trained on
    every run ships with)."""
    factors: dict[str, dict[str, list[float]]] = {}
    parts = [np.asarray(f) for f in result["folds"]]
    for c, sig in result["sigma"].items():
        factors[c] = {}
        for v, s in sig.items():
            err = result["pred"][c][v] - targets[v]
            w = _area(err, lat_deg)
            factors[c][v] = gs.calibration(err, s, w)
            scaled = s.copy()
            for f in parts:
                others = np.setdiff1d(np.arange(len(s)), f)
                scaled[f] = gs.shape_sigma(s[f], gs.calibration(err[others], s[others],
                                                                None if w is None else w[others]))
            sig[v] = scaled
    return factors


def scores(result: dict[str, Any], targets: dict[str, np.ndarray], lat_deg: Sequence[float],
           ) -> dict[str, dict[str, dict[str, float]]]:
    """``{group: {candidate: {metric: value}}}`` for groups ``all``, ``inside``, ``outside``."""
    lat = np.asarray(lat_deg, dtype=np.float64)
    w = np.cos(np.deg2rad(lat))
    w = w / w.mean()
    near = np.asarray(result["distance"]) <= 1.0
    groups = {"all": np.ones(len(near), bool), "in_hull": result["inside"], "in_domain": near,
              "out_of_domain": ~near}
    out: dict[str, dict[str, dict[str, float]]] = {}
    for g, mask in groups.items():
        out[g] = {}
        if not mask.any():
            continue
        for c, pred in result["pred"].items():
            row: dict[str, float] = {"n_runs": float(mask.sum())}
            for v, y in targets.items():
                err = pred[v][mask] - y[mask]
                ww = np.broadcast_to(w[:, None], err.shape[-2:]) if err.ndim >= 3 else np.ones(1)
                ww = np.broadcast_to(ww, err.shape)
                row[f"{v}_rmse"] = float(np.sqrt((ww * err ** 2).sum() / ww.sum()))
                if v == "ts" and err.ndim == 3:
                    gm = (err * w[:, None]).mean((1, 2))
                    row["ts_global_mean_rmse"] = float(np.sqrt((gm ** 2).mean()))
                if c in result["sigma"]:
                    s = result["sigma"][c][v][mask]
                    z = np.abs(err) / np.maximum(s, 1e-30)
                    row[f"{v}_coverage_1sigma"] = float((ww * (z <= 1.0)).sum() / ww.sum())
                    row[f"{v}_coverage_2sigma"] = float((ww * (z <= 2.0)).sum() / ww.sum())
                    spread = float(np.sqrt((ww * s ** 2).sum() / ww.sum()))
                    row[f"{v}_spread_skill"] = spread / row[f"{v}_rmse"] if row[f"{v}_rmse"] else float("nan")
            out[g][c] = row
    return out
