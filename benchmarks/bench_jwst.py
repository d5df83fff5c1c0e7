"""JWST-feature throughput: retrieval wall time per spectrum (NPE vs dynesty), denoiser spectra/s,
classifier planets/s, training time per epoch (from the shipped model cards).

Run: ``OMP_NUM_THREADS=1 .venv/bin/python benchmarks/bench_jwst.py [--retrievals 20] [--nested 2] [--json]``.
Timings are wall time on this machine with one torch thread; the NPE figure includes rebinning,
2000 flow samples, the forward model on each sample and the importance weights; dynesty uses 100
live points, capped at 300,000 likelihood calls.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--retrievals", type=int, default=20)
    ap.add_argument("--nested", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import numpy as np
    import torch

    torch.set_num_threads(1)
    from astrobio.adapters.jwst.classifier import LogisticPlanetClassifier
    from astrobio.adapters.jwst.dataset import simulate
    from astrobio.adapters.jwst.denoiser import TorchSpectrumDenoiser, run_net
    from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
    from astrobio.adapters.jwst.nested import DynestyNestedSampler
    from astrobio.adapters.jwst.npe import ZukoPosteriorEstimator
    from astrobio.application.use_cases.jwst import RetrieveAtmosphere, RetrieveAtmosphereCommand
    from astrobio.domain.jwst_classifier import ClassifierInput
    from astrobio.domain.jwst_spectrum import ObservedSpectrum

    models = ROOT / "data" / "models" / "jwst"
    model = IsothermalTransmissionModel(ROOT / "data" / "jwst" / "opacity_grid.json")
    est = ZukoPosteriorEstimator(models, model.grid, model.priors)
    nested = DynestyNestedSampler(model)
    use = RetrieveAtmosphere(codec=None, estimator=est, model=model, sampler=nested)  # type: ignore[arg-type]
    data = simulate(model, np.random.default_rng(99), max(args.retrievals, args.nested))
    specs = [
        ObservedSpectrum(
            wavelength_um=model.grid.centres_um,
            depth_ppm=data["noisy"][i].astype(float),
            sigma_ppm=data["sigma"][i].astype(float),
        )
        for i in range(len(data["noisy"]))
    ]
    est.load()
    cmd = RetrieveAtmosphereCommand(data=b"", fmt="json", fallback=False)
    npe_t = []
    for s in specs[: args.retrievals]:
        t = time.perf_counter()
        use.retrieve(s, cmd)
        npe_t.append(time.perf_counter() - t)
    ns_t = []
    for i, s in enumerate(specs[: args.nested]):
        ns_t.append(nested.run(s, 100, i).wall_time_s)
    den = TorchSpectrumDenoiser(models, model.grid)
    net = den._load()
    big = simulate(model, np.random.default_rng(5), 5000)
    t = time.perf_counter()
    run_net(net, big["noisy"], big["sigma"])
    den_batch = 5000 / (time.perf_counter() - t)
    t = time.perf_counter()
    for s in specs[:20]:
        den.denoise(s)
    den_single = 20 / (time.perf_counter() - t)
    clf = LogisticPlanetClassifier(models)
    inputs = [
        ClassifierInput(
            radius_earth=r, insolation_earth=1.0, star_teff_k=5000.0, star_radius_sun=0.8, star_mass_sun=0.8
        )
        for r in np.geomspace(0.5, 20, 2000)
    ]
    t = time.perf_counter()
    clf.predict(inputs)
    clf_rate = len(inputs) / (time.perf_counter() - t)
    figures = {
        "npe_retrieval_s_median": statistics.median(npe_t),
        "npe_retrieval_s_max": max(npe_t),
        "dynesty_retrieval_s_mean": statistics.mean(ns_t) if ns_t else None,
        "denoiser_spectra_per_s_batched": den_batch,
        "denoiser_spectra_per_s_one_by_one": den_single,
        "classifier_planets_per_s": clf_rate,
        "denoiser_seconds_per_epoch": den.card().get("seconds_per_epoch"),
        "retrieval_seconds_per_epoch": est.card().get("seconds_per_epoch"),
        "denoiser_n_train": den.card().get("n_train"),
        "retrieval_n_train": est.card().get("n_train"),
    }
    if args.json:
        print(json.dumps(figures, indent=1))
        return
    for k, v in figures.items():
        print(f"{k:36s} {v:.3f}" if isinstance(v, float) else f"{k:36s} {v}")


if __name__ == "__main__":
    main()
