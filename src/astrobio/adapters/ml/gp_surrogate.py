"""Prior-informed emulators: an EBM physics prior, PCA of the fields, and a regressor per component.

The climate surrogates of architecture ``"pca_gp"`` (the shipped default) and ``"pca_mlp"``:

1. **Physics prior** (:mod:`astrobio.domain.energy_balance`): the diffusive EBM's coefficients are
   refit to the training runs' surface temperature (``scipy.optimize.least_squares``, bounded), and
   give per parameter set a surface-temperature field and (moist-adiabat / Manabe-Wetherald) ``ta``
   and ``hus`` columns.
2. **Features**: the 8 inputs (log10 of rotation, pressure, pCO2), plus the prior's global-mean
   surface temperature and its equator-pole contrast (``prior_features``), standardized on the
   training runs. The prior's temperatures carry the ice-albedo nonlinearity the raw inputs hide.
3. **Targets**: per variable, the field minus the prior (``residual``: ts, ta, hus) or the field
   itself, reduced by an area-weighted PCA to ``components`` coefficients (the remainder is a
   per-voxel truncation variance).
4. **Regressor** per coefficient: a Gaussian process (constant x Matern-5/2 with one length scale
   per feature + white noise; hyperparameters by maximum marginal likelihood, scikit-learn), or a
   small MLP deep ensemble (``pca_mlp``: 4 bootstrap members, 2x32 GELU, AdamW). Predictive variance of the
   fields = sum_k var_k B_k^2 + truncation variance (B the PCA loadings).
5. **Calibration**: per variable a factor (and optionally a floor and a power) reshapes sigma,
   chosen on cross-validated held-out runs (:func:`calibration`, :func:`conformal_factor`);
   **OOD**: Mahalanobis distance of the inputs to the training runs (:class:`Domain`); outside,
   sigma widens and the answer falls back to the prior.

Everything is stored as plain tensors/lists in the checkpoint (``torch.load(weights_only=True)``)
and predicted in numpy: no torch at inference beyond loading.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from astrobio.domain import energy_balance as ebm

LOG_COLUMNS = (4, 6, 7)  # rotation period, surface pressure, pCO2
_FIT_NAMES = ("olr_a_w_m2", "olr_b_w_m2_k", "column_forcing_w_m2", "albedo_warm", "albedo_ice",
              "albedo_teff_slope", "ice_temp_k", "diffusion_w_m2_k", "rotation_exponent",
              "diffusion_sync_w_m2_k")
_FIT_LO = np.array([150.0, 0.5, 0.0, 0.05, 0.2, 0.0, 235.0, 0.02, -1.0, 0.05])
_FIT_HI = np.array([400.0, 6.0, 40.0, 0.6, 0.85, 0.2, 273.0, 5.0, 1.5, 30.0])
PRIOR_VARIABLES = ("ts", "ta", "hus")


def transform(params: np.ndarray) -> np.ndarray:
    """Raw inputs (N, 8) -> float64 with log10 on rotation period, pressure and pCO2."""
    x = np.array(params, dtype=np.float64, ndmin=2)
    x[:, LOG_COLUMNS] = np.log10(x[:, LOG_COLUMNS])
    return x


def fit_prior(params: np.ndarray, ts: np.ndarray, lat_deg: Sequence[float] | np.ndarray,
              lon_deg: Sequence[float] | np.ndarray,
              max_nfev: int = 60) -> ebm.EbmCoefficients:
    """EBM coefficients minimizing the area-weighted surface-temperature misfit to ``ts`` (N, lat, lon)."""
    from scipy.optimize import least_squares

    lat, lon = np.asarray(lat_deg), np.asarray(lon_deg)
    sw = np.sqrt(np.cos(np.deg2rad(lat)))[:, None]
    x0 = np.clip([getattr(ebm.EbmCoefficients(), n) for n in _FIT_NAMES], _FIT_LO + 1e-3, _FIT_HI - 1e-3)
    sub_lat, sub_lon = lat[::2], lon[::4]

    def residual(x: np.ndarray) -> np.ndarray:
        c = ebm.EbmCoefficients(**dict(zip(_FIT_NAMES, x, strict=True)))
        out: np.ndarray = ((ebm.surface_temperature(params, c, sub_lat, sub_lon) - ts[:, ::2, ::4])
                           * sw[::2]).ravel()
        return out

    fit = least_squares(residual, x0, bounds=(_FIT_LO, _FIT_HI), x_scale=_FIT_HI - _FIT_LO, max_nfev=max_nfev)
    return ebm.EbmCoefficients(**dict(zip(_FIT_NAMES, (float(v) for v in fit.x), strict=True)))


def prior_fields(params: np.ndarray, coeffs: ebm.EbmCoefficients, grid: dict[str, Any],
                 columns: bool = True) -> dict[str, np.ndarray]:
    """The prior's ``ts`` (N, lat, lon) and, with ``columns``, ``ta``, ``hus`` (N, lev, lat, lon)."""
    ts = ebm.surface_temperature(params, coeffs, np.asarray(grid["lat_deg"]), np.asarray(grid["lon_deg"]))
    if not columns:
        return {"ts": ts}
    ta, hus = ebm.column_prior(ts, params, np.asarray(grid["lev"]), coeffs)
    return {"ts": ts, "ta": ta, "hus": hus}


def features(params: np.ndarray, prior_ts: np.ndarray, lat_deg: Sequence[float] | np.ndarray, use_prior: bool,
             ) -> np.ndarray:
    """Regression features (N, 8 or 10): transformed inputs [+ prior global mean, equator-pole contrast]."""
    x = transform(params)
    if not use_prior:
        return x
    lat = np.asarray(lat_deg)
    w = np.cos(np.deg2rad(lat))[:, None]
    gm = (prior_ts * w).sum((1, 2)) / (w.sum() * prior_ts.shape[2])
    low, high = np.abs(lat) < 20.0, np.abs(lat) > 60.0
    contrast = prior_ts[:, low].mean((1, 2)) - prior_ts[:, high].mean((1, 2))
    out: np.ndarray = np.c_[x, gm, contrast]
    return out


# ------------------------------------------------------------------------------- regressors
def _matern52(a: np.ndarray, b: np.ndarray, scales: np.ndarray) -> np.ndarray:
    d = np.sqrt(np.maximum((((a[:, None, :] - b[None, :, :]) / scales) ** 2).sum(-1), 0.0))
    out: np.ndarray = (1.0 + np.sqrt(5.0) * d + 5.0 / 3.0 * d * d) * np.exp(-np.sqrt(5.0) * d)
    return out


def fit_gp(x: np.ndarray, z: np.ndarray) -> dict[str, Any]:
    """One GP per column of ``z`` (N, K) on standardized features ``x`` (N, F); a plain-array state."""
    import warnings

    from sklearn.exceptions import ConvergenceWarning
    from sklearn.gaussian_process import GaussianProcessRegressor
    from sklearn.gaussian_process.kernels import ConstantKernel, Matern, WhiteKernel

    out: dict[str, list[Any]] = {"amp": [], "scales": [], "noise": [], "alpha": [], "kinv": [], "y_std": []}
    for k in range(z.shape[1]):
        s = float(z[:, k].std()) or 1.0
        kernel = (ConstantKernel(1.0, (1e-3, 1e2)) * Matern(np.ones(x.shape[1]), (1e-2, 1e3), nu=2.5)
                  + WhiteKernel(1e-2, (1e-6, 1.0)))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            gp = GaussianProcessRegressor(kernel, normalize_y=False, random_state=0).fit(x, z[:, k] / s)
        kern = gp.kernel_
        amp, scales, noise = float(kern.k1.k1.constant_value), np.asarray(kern.k1.k2.length_scale, float), \
            float(kern.k2.noise_level)
        gram = amp * _matern52(x, x, scales) + noise * np.eye(len(x))
        kinv = np.linalg.inv(gram)
        out["amp"].append(amp)
        out["scales"].append(np.broadcast_to(scales, (x.shape[1],)).tolist())
        out["noise"].append(noise)
        out["alpha"].append((kinv @ (z[:, k] / s)).tolist())
        out["kinv"].append(kinv.tolist())
        out["y_std"].append(s)
    return {"kind": "gp", "x": x.tolist(), **out}


def predict_gp(state: dict[str, Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and standard deviation (N, K) of the GPs of ``state`` at standardized ``x`` (N, F)."""
    xt = np.asarray(state["x"], dtype=np.float64)
    means, sds = [], []
    for k, s in enumerate(state["y_std"]):
        amp, noise = float(state["amp"][k]), float(state["noise"][k])
        ks = amp * _matern52(x, xt, np.asarray(state["scales"][k]))
        kinv = np.asarray(state["kinv"][k])
        mean = ks @ np.asarray(state["alpha"][k])
        var = amp + noise - np.einsum("ij,jk,ik->i", ks, kinv, ks)
        means.append(mean * s)
        sds.append(np.sqrt(np.maximum(var, 1e-12)) * s)
    return np.array(means).T, np.array(sds).T


def posterior_cov(state: dict[str, Any], k: int, x: np.ndarray) -> tuple[np.ndarray, float]:
    """Posterior covariance (P, P) of the latent GP ``k`` of ``state`` at ``x`` (P, F), in target
    units squared, and the noise variance (same units)."""
    xt = np.asarray(state["x"], dtype=np.float64)
    s, amp, noise = float(state["y_std"][k]), float(state["amp"][k]), float(state["noise"][k])
    scales = np.asarray(state["scales"][k])
    kxx = amp * _matern52(x, x, scales)
    ks = amp * _matern52(x, xt, scales)
    cov = kxx - ks @ np.asarray(state["kinv"][k]) @ ks.T
    return cov * s * s, noise * s * s


def fit_mlp(x: np.ndarray, z: np.ndarray, members: int = 4, hidden: int = 32, epochs: int = 300,
            seed: int = 0) -> dict[str, Any]:
    """A deep ensemble of small MLPs ``x`` -> standardized ``z``; weights as nested lists."""
    import torch

    zm, zs = z.mean(0), z.std(0) + 1e-12
    xt = torch.as_tensor(x, dtype=torch.float32)
    yt = torch.as_tensor((z - zm) / zs, dtype=torch.float32)
    states = []
    for m in range(members):
        torch.manual_seed(seed + 101 * m)
        net = torch.nn.Sequential(torch.nn.Linear(x.shape[1], hidden), torch.nn.GELU(),
                                  torch.nn.Linear(hidden, hidden), torch.nn.GELU(),
                                  torch.nn.Linear(hidden, z.shape[1]))
        opt = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-2)
        boot = torch.as_tensor(np.random.default_rng(seed + m).integers(0, len(x), len(x)))
        for _ in range(epochs):
            opt.zero_grad()
            loss = torch.nn.functional.mse_loss(net(xt[boot]), yt[boot])
            loss.backward()  # type: ignore[no-untyped-call]
            opt.step()
        states.append([p.detach().double().numpy().tolist() for p in net.parameters()])
    resid = 0.0
    return {"kind": "mlp", "members": states, "z_mean": zm.tolist(), "z_std": zs.tolist(), "floor": resid}


def predict_mlp(state: dict[str, Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Ensemble mean and spread (N, K) of the MLPs of ``state``."""
    outs = []
    for w1, b1, w2, b2, w3, b3 in state["members"]:
        h = _gelu(x @ np.asarray(w1).T + np.asarray(b1))
        h = _gelu(h @ np.asarray(w2).T + np.asarray(b2))
        outs.append(h @ np.asarray(w3).T + np.asarray(b3))
    y = np.array(outs) * np.asarray(state["z_std"]) + np.asarray(state["z_mean"])
    return y.mean(0), y.std(0) + 1e-9


def _gelu(v: np.ndarray) -> np.ndarray:
    from math import erf

    out: np.ndarray = 0.5 * v * (1.0 + np.vectorize(erf)(v / np.sqrt(2.0)))
    return out


def fit_ridge(x: np.ndarray, z: np.ndarray, alpha: float = 1.0) -> dict[str, Any]:
    """Ridge regression (standardized features); sigma = the training residual std per column."""
    a = np.c_[x, np.ones(len(x))]
    reg = alpha * np.eye(a.shape[1])
    reg[-1, -1] = 0.0
    coef = np.linalg.solve(a.T @ a + reg, a.T @ z)
    return {"kind": "ridge", "coef": coef.tolist(), "resid_std": (z - a @ coef).std(0).tolist()}


def fit_regressor(kind: str, x: np.ndarray, z: np.ndarray) -> dict[str, Any]:
    """``"gp"``, ``"mlp"`` or ``"ridge"`` on standardized features ``x`` (N, F) and targets ``z`` (N, K)."""
    if kind == "gp":
        return fit_gp(x, z)
    if kind == "mlp":
        return fit_mlp(x, z)
    if kind == "ridge":
        return fit_ridge(x, z)
    raise ValueError(f"unknown regressor {kind!r}")


def predict_regressor(state: dict[str, Any], x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sigma (N, K) of a fitted regressor state."""
    if state["kind"] == "gp":
        return predict_gp(state, x)
    if state["kind"] == "mlp":
        return predict_mlp(state, x)
    coef = np.asarray(state["coef"])
    mean = np.c_[x, np.ones(len(x))] @ coef
    return mean, np.broadcast_to(np.asarray(state["resid_std"]), mean.shape).copy()


# ------------------------------------------------------------------------------- PCA
def fit_pca(y: np.ndarray, weights: np.ndarray, k: int) -> dict[str, np.ndarray]:
    """Area-weighted PCA of ``y`` (N, D): ``mean`` (D,), ``basis`` (K, D) in field units per unit
    coefficient, ``trunc_var`` (D,) the training runs' mean squared reconstruction error; and the
    training coefficients ``z`` (N, K)."""
    sw = np.sqrt(weights)
    mean = y.mean(0)
    u, s, vt = np.linalg.svd((y - mean) * sw, full_matrices=False)
    k = min(k, len(s))
    z = u[:, :k] * s[:k]
    basis = vt[:k] / sw
    rec = mean + z @ basis
    return {"mean": mean, "basis": basis, "trunc_var": ((y - rec) ** 2).mean(0), "z": z}


# ------------------------------------------------------------------------------- calibration, OOD
NOMINAL = (0.6827, 0.9545)


def _coverage(z: np.ndarray, w: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Weighted share of ``z`` at or below each of ``levels`` (``z`` sorted ascending)."""
    cum = np.concatenate([[0.0], np.cumsum(w)]) / w.sum()
    out: np.ndarray = cum[np.searchsorted(z, levels, side="right")]
    return out


def conformal_factor(z: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Sigma factor s from held-out standardized errors |err| / sigma (any shape; optional weights,
    e.g. cos(latitude) area weights, same shape).

    Rule: s minimizes the larger miss of the 1-sigma and 2-sigma coverages, max(|P(|z| <= s) -
    0.683|, |P(|z| <= 2 s) - 0.954|), over a grid (0.2-20); both nominal levels at once, so heavy
    tails cannot buy 1-sigma coverage at the cost of 2-sigma (a two-level split-conformal rule).
    """
    a = np.abs(np.asarray(z, dtype=np.float64)).ravel()
    w = (np.ones_like(a) if weights is None
         else np.broadcast_to(weights, np.shape(z)).ravel().astype(np.float64))
    ok = np.isfinite(a)
    a, w = a[ok], w[ok]
    if not len(a):
        return 1.0
    order = np.argsort(a)
    a, w = a[order], w[order]
    grid = np.exp(np.linspace(np.log(0.2), np.log(20.0), 400))
    c1, c2 = _coverage(a, w, grid), _coverage(a, w, 2.0 * grid)
    return float(grid[np.argmin(np.maximum(np.abs(c1 - NOMINAL[0]), np.abs(c2 - NOMINAL[1])))])


FLOOR_FRACTIONS = (0.0, 0.25, 0.5, 1.0, 2.0)
POWERS = (1.0, 1.5, 2.0)


def shape_sigma(sigma: np.ndarray, cal: Sequence[float]) -> np.ndarray:
    """Calibrated sigma from raw sigma and ``cal`` = [factor s, floor tau, power p, reference r]:
    s r (sqrt(sigma^2 + tau^2) / r)^p (p = 1: plain scaling with a floor)."""
    s, tau = float(cal[0]), float(cal[1])
    p, ref = (float(cal[2]), float(cal[3])) if len(cal) > 3 else (1.0, 1.0)
    base = np.sqrt(np.asarray(sigma, dtype=np.float64) ** 2 + tau ** 2)
    out: np.ndarray = s * ref * (base / ref) ** p if p != 1.0 else s * base
    return out


def calibration(err: np.ndarray, sigma: np.ndarray, weights: np.ndarray | None = None) -> list[float]:
    """[factor s, floor tau, power p, reference r] for :func:`shape_sigma`, from held-out errors.

    tau is a homoscedastic floor (a fraction 0, 1/4, 1/2, 1 or 2 of the RMS raw sigma r) and p a
    power (1, 1.5, 2) that spreads sigma further where the GP is least sure: a GP fit to ~40 runs
    gets the *ranking* of its uncertainty right more often than its contrast. For each (tau, p)
    the factor s follows :func:`conformal_factor`; the combination whose (weighted) coverage
    misses 0.683 and 0.954 by the least (the larger miss) wins, ties to the simplest.
    """
    e = np.abs(np.asarray(err, dtype=np.float64)).ravel()
    sd = np.asarray(sigma, dtype=np.float64).ravel()
    w = (np.ones_like(e) if weights is None
         else np.broadcast_to(weights, np.shape(err)).ravel().astype(np.float64))
    ok = np.isfinite(e) & np.isfinite(sd)
    e, sd, w = e[ok], sd[ok], w[ok]
    if not len(e):
        return [1.0, 0.0, 1.0, 1.0]
    rms = float(np.sqrt((w * sd ** 2).sum() / w.sum())) or 1.0
    best: tuple[float, list[float]] = (np.inf, [1.0, 0.0, 1.0, rms])
    for power in POWERS:
        for frac in FLOOR_FRACTIONS:
            shaped = shape_sigma(sd, [1.0, frac * rms, power, rms])
            z = e / np.maximum(shaped, 1e-30)
            s = conformal_factor(z, w)
            order = np.argsort(z)
            c1, c2 = _coverage(z[order], w[order], np.array([s, 2.0 * s]))
            miss = max(abs(c1 - NOMINAL[0]), abs(c2 - NOMINAL[1]))
            if miss < best[0] - 1e-3:
                best = (miss, [s, frac * rms, power, rms])
    return best[1]


class Domain:
    """The training set in input space: Mahalanobis distance and convex-hull membership.

    ``x`` (N, 8) raw inputs. Distances are in transformed (log10) inputs standardized by the
    training covariance (pseudo-inverse: a constant column adds nothing); ``threshold`` is the
    largest leave-one-out distance of a training run to the others (a new point farther out than
    any training run was from the rest is out of distribution).
    """

    def __init__(self, state: dict[str, Any]) -> None:
        self.x = np.asarray(state["x"], dtype=np.float64)
        self.mean = np.asarray(state["mean"])
        self.prec = np.asarray(state["precision"])
        self.threshold = float(state["threshold"])

    @staticmethod
    def fit(params: np.ndarray) -> dict[str, Any]:
        x = transform(params)
        mean = x.mean(0)
        prec = np.linalg.pinv(np.cov(x, rowvar=False))
        loo = []
        for i in range(len(x)):
            rest = np.delete(x, i, 0)
            p_i = np.linalg.pinv(np.cov(rest, rowvar=False))
            d = x[i] - rest.mean(0)
            loo.append(float(np.sqrt(max(d @ p_i @ d, 0.0))))
        return {"x": x.tolist(), "mean": mean.tolist(), "precision": prec.tolist(),
                "threshold": float(max(loo)), "loo": loo}

    def distance(self, params: np.ndarray) -> np.ndarray:
        d = transform(params) - self.mean
        out: np.ndarray = np.sqrt(np.maximum(np.einsum("ni,ij,nj->n", d, self.prec, d), 0.0))
        return out

    def in_hull(self, params: np.ndarray) -> np.ndarray:
        """Whether each point is a convex combination of the training runs (linear programme)."""
        from scipy.optimize import linprog

        x = transform(params)
        scale = self.x.std(0) + 1e-12
        pts = self.x / scale
        n = len(pts)
        out = []
        for row in x / scale:
            a_eq = np.vstack([pts.T, np.ones(n)])
            res = linprog(np.zeros(n), A_eq=a_eq, b_eq=np.r_[row, 1.0], bounds=(0, None), method="highs")
            out.append(bool(res.status == 0))
        return np.array(out, dtype=bool)
