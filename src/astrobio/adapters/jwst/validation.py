"""Calibration checks of the retrieval flow on held-out simulations, and the nested-sampling comparison."""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from astrobio.adapters.jwst.dataset import simulate
from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
from astrobio.adapters.jwst.nested import DynestyNestedSampler
from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator
from astrobio.application.use_cases.jwst import RetrieveAtmosphere, RetrieveAtmosphereCommand
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.domain.retrieval import (
    central_interval_hits,
    rank_statistic,
    tarp_coverage,
    uniformity_ks,
)


def _spectrum(model: IsothermalTransmissionModel, depth: np.ndarray, sigma: np.ndarray) -> ObservedSpectrum:
    return ObservedSpectrum(
        wavelength_um=model.grid.centres_um,
        depth_ppm=depth.astype(np.float64),
        sigma_ppm=sigma.astype(np.float64),
    )


def coverage(
    estimator: ZukoPosteriorEstimator,
    model: IsothermalTransmissionModel,
    *,
    n_spectra: int = 500,
    n_samples: int = 1000,
    seed: int = 777,
) -> dict[str, Any]:
    """Expected coverage at 68 / 95 %, SBC rank uniformity (KS) and TARP coverage, per parameter."""
    rng = np.random.default_rng(seed)
    data = simulate(model, rng, n_spectra)
    hits68, hits95, ranks, unit_samples, unit_truths = [], [], [], [], []
    low, width = model.priors.low, model.priors.high - model.priors.low
    start = time.perf_counter()
    for i in range(n_spectra):
        s, _ = estimator.sample(_spectrum(model, data["noisy"][i], data["sigma"][i]), n_samples, seed + i)
        s = s[model.priors.contains(s)]
        truth = data["theta"][i].astype(np.float64)
        hits68.append(central_interval_hits(s, truth, 0.68))
        hits95.append(central_interval_hits(s, truth, 0.95))
        ranks.append(rank_statistic(s, truth))
        unit_samples.append((s - low) / width)
        unit_truths.append((truth - low) / width)
    per_spectrum_s = (time.perf_counter() - start) / n_spectra
    h68, h95, r = np.array(hits68), np.array(hits95), np.array(ranks)
    levels = np.array([0.68, 0.95])
    tarp = tarp_coverage(unit_samples, np.array(unit_truths), levels, rng)
    return {
        "n_spectra": n_spectra,
        "n_samples": n_samples,
        "seconds_per_spectrum": per_spectrum_s,
        "coverage_68": float(h68.mean()),
        "coverage_95": float(h95.mean()),
        "per_parameter": {
            n: {
                "coverage_68": float(h68[:, j].mean()),
                "coverage_95": float(h95[:, j].mean()),
                "sbc_rank_ks": uniformity_ks(r[:, j]),
            }
            for j, n in enumerate(model.priors.names)
        },
        "sbc_ks_critical_5pct": float(1.36 / np.sqrt(n_spectra)),
        "tarp_coverage_68": float(tarp[0]),
        "tarp_coverage_95": float(tarp[1]),
    }


def fit_latent_temperature(
    estimator: ZukoPosteriorEstimator,
    model: IsothermalTransmissionModel,
    *,
    n_spectra: int = 200,
    n_samples: int = 400,
    seed: int = 31337,
    grid: tuple[float, ...] = (1.0, 1.05, 1.1, 1.15, 1.2, 1.25, 1.3),
) -> tuple[float, dict[str, list[float]]]:
    """The latent temperature whose 68 % and 95 % coverage on fresh simulations is closest to nominal.

    Uses its own simulations (``seed``), distinct from the validation sets; returns tau and the
    coverage found at each grid value.
    """
    rng = np.random.default_rng(seed)
    data = simulate(model, rng, n_spectra)
    table: dict[str, list[float]] = {}
    best, best_err = 1.0, np.inf
    saved = estimator.tau
    try:
        for tau in grid:
            estimator.tau = tau
            h68, h95 = [], []
            for i in range(n_spectra):
                s, _ = estimator.sample(
                    _spectrum(model, data["noisy"][i], data["sigma"][i]), n_samples, seed + i
                )
                s = s[model.priors.contains(s)]
                truth = data["theta"][i].astype(np.float64)
                h68.append(central_interval_hits(s, truth, 0.68))
                h95.append(central_interval_hits(s, truth, 0.95))
            c68, c95 = float(np.mean(h68)), float(np.mean(h95))
            table[f"{tau:g}"] = [c68, c95]
            err = abs(c68 - 0.68) + abs(c95 - 0.95)
            if err < best_err:
                best, best_err = tau, err
    finally:
        estimator.tau = saved
    return best, table


def compare_with_nested(
    estimator: ZukoPosteriorEstimator,
    model: IsothermalTransmissionModel,
    *,
    n_spectra: int = 10,
    n_live: int = 100,
    max_calls: int = 300_000,
    seed: int = 4242,
) -> dict[str, Any]:
    """NPE vs dynesty on the same held-out spectra: 1-sigma width ratios, mean offsets, wall times."""
    rng = np.random.default_rng(seed)
    data = simulate(model, rng, n_spectra)
    nested = DynestyNestedSampler(model, max_calls=max_calls)
    retrieve = RetrieveAtmosphere(codec=None, estimator=estimator, model=model, sampler=nested)  # type: ignore[arg-type]
    rows = []
    for i in range(n_spectra):
        spec = _spectrum(model, data["noisy"][i], data["sigma"][i])
        npe = retrieve.retrieve(spec, RetrieveAtmosphereCommand(data=b"", fmt="json", fallback=False, seed=i))
        ns = nested.run(spec, n_live, seed + i)
        w_npe = np.diff(np.quantile(npe.samples, [0.16, 0.84], axis=0), axis=0)[0] / 2
        w_ns = np.diff(np.quantile(ns.samples, [0.16, 0.84], axis=0), axis=0)[0] / 2
        offset = (np.median(npe.samples, axis=0) - np.median(ns.samples, axis=0)) / np.maximum(w_ns, 1e-12)
        rows.append(
            {
                "width_ratio": (w_npe / np.maximum(w_ns, 1e-12)).tolist(),
                "median_offset_in_ns_sigma": offset.tolist(),
                "npe_s": npe.wall_time_s,
                "nested_s": ns.wall_time_s,
                "importance_efficiency": npe.importance_efficiency,
                "nested_notes": list(ns.notes),
            }
        )
    ratios = np.array([r["width_ratio"] for r in rows])
    offsets = np.array([r["median_offset_in_ns_sigma"] for r in rows])
    return {
        "n_spectra": n_spectra,
        "n_live": n_live,
        "max_calls": max_calls,
        "width_ratio_median_per_parameter": dict(
            zip(model.priors.names, np.median(ratios, 0).tolist(), strict=True)
        ),
        "fraction_widths_within_factor_2": float(np.mean((ratios > 0.5) & (ratios < 2.0))),
        "median_abs_offset_in_ns_sigma": float(np.median(np.abs(offsets))),
        "fraction_offsets_below_1_sigma": float(np.mean(np.abs(offsets) < 1.0)),
        "npe_seconds_per_spectrum": float(np.mean([r["npe_s"] for r in rows])),
        "nested_seconds_per_spectrum": float(np.mean([r["nested_s"] for r in rows])),
        "importance_efficiency": [r["importance_efficiency"] for r in rows],
        "rows": rows,
    }
