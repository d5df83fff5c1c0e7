"""Speed and memory of the climate surrogates (the default models in data/models).

    .venv/bin/python benchmarks/bench_surrogate.py [--repeat 30] [--json out.json]

Prints, at ONE torch thread unless ``--threads``:
- for the default EBM-prior + PCA + GP datacube model: the whole ``predict_datacube`` (prior,
  residual, calibrated sigma, OOD distance), the emulator call alone and the EBM prior alone;
- for U-Net checkpoints: datacube inference (one planet, the whole ensemble, mean + sigma as a
  CubePrediction): median
  over ``--repeat`` calls for PyTorch's native fp32 Conv3d, fp32 through oneDNN (the default) and
  bf16 autocast, with the error each adds against native fp32 (max and RMS, K for ta/ts);
- the scalar surrogate on the whole bundled catalog (5,966 planets with a simple parameter mapping:
  teff, instellation L/a^2, radius, gravity from mass and radius, tidally locked below 20-day
  orbits; defaults where the catalog has no value), end to end from ClimateParameters;
- one datacube training step (batch 4, forward + backward + AdamW) in fp32 and bf16-mixed;
- peak memory: process max RSS (getrusage) and peak Python allocations (tracemalloc) of inference.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import torch

from astrobio.adapters.catalog.csv_file import CsvExoplanetCatalog
from astrobio.adapters.ml import checkpoint as ckpt
from astrobio.adapters.ml.inference import Ensemble, TorchClimateSurrogate
from astrobio.adapters.ml.registry import FileSurrogateRegistry
from astrobio.adapters.ml.systems.climate import DatacubeSystem
from astrobio.domain.climate import ClimateParameters
from astrobio.domain.planet import Planet
from astrobio.domain.surrogate import SurrogateMode

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "data" / "exoplanet_archive" / "PSCompPars_2025-08.csv"


def median_ms(fn: Callable[[], object], repeat: int) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1e3 * statistics.median(times)


def climate_parameters(p: Planet) -> ClimateParameters:
    """A rough mapping from a catalog planet to surrogate inputs (benchmark workload only)."""
    teff = min(max(p.star.teff_k or 5772.0, 2000.0), 10000.0)
    lum, a = p.star.luminosity_sun, p.semi_major_axis_au
    flux = 1361.0 * lum / a**2 if lum and a else 1367.0
    radius = p.radius_earth or 1.0
    gravity = 9.80665 * p.mass_earth / radius**2 if p.mass_earth else 9.80665
    period = p.orbital_period_days or 365.0
    locked = period < 20.0
    return ClimateParameters(star_teff_k=teff, instellation_w_m2=max(flux, 1e-3), radius_earth=radius,
                             gravity_m_s2=max(gravity, 1e-3), rotation_period_days=period if locked else 1.0,
                             synchronous=locked)


def bench_datacube(registry: FileSurrogateRegistry, repeat: int) -> dict[str, Any]:
    card = registry.active(SurrogateMode.DATACUBE)
    assert card is not None, "no datacube model: run scripts/train_default_models.py"
    payload = ckpt.load(registry.path(card.id))
    if payload["arch"]["name"] in ckpt.EMULATORS:
        return bench_emulator(registry, repeat)
    earth = np.array([[5772.0, 1367.0, 1.0, 9.80665, 1.0, 0.0, 1.0, 0.000284]])
    variants = {"fp32 native Conv3d": Ensemble(payload, conv_backend="native"),
                "fp32 oneDNN (default)": Ensemble(payload),
                "bf16 autocast": Ensemble(payload, precision="bf16")}
    ref = variants["fp32 native Conv3d"].fields(earth)
    out: dict[str, Any] = {"members": len(payload["members"])}
    for name, ens in variants.items():
        got = ens.fields(earth)
        err = {v: (float(np.abs(got["mean3d"][0, i] - ref["mean3d"][0, i]).max()),
                   float(np.sqrt(((got["mean3d"][0, i] - ref["mean3d"][0, i]) ** 2).mean())))
               for i, v in enumerate(ckpt.FIELDS_3D)}
        err["ts"] = (float(np.abs(got["mean2d"] - ref["mean2d"]).max()),
                     float(np.sqrt(((got["mean2d"] - ref["mean2d"]) ** 2).mean())))
        out[name] = {"median_ms": median_ms(lambda e=ens: e.fields(earth), repeat), "max_rms_error": err}
    surrogate = TorchClimateSurrogate(registry.path(card.id), card)
    params = ClimateParameters()
    out["predict_datacube_ms"] = median_ms(lambda: surrogate.predict_datacube(params), repeat)
    tracemalloc.start()
    surrogate.predict_datacube(params)
    out["predict_datacube_python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out


def bench_emulator(registry: FileSurrogateRegistry, repeat: int) -> dict[str, Any]:
    """EBM prior + PCA + GP datacube model: the whole CubePrediction (prior, residual, sigma, OOD)."""
    from astrobio.adapters.ml import prior_surrogate as ps

    card = registry.active(SurrogateMode.DATACUBE)
    assert card is not None
    surrogate = TorchClimateSurrogate(registry.path(card.id), card)
    model = ckpt.from_tensors(ckpt.load(registry.path(card.id))["emulator"])
    earth = np.array([[5772.0, 1367.0, 1.0, 9.80665, 1.0, 0.0, 1.0, 0.000284]])
    params = ClimateParameters()
    out: dict[str, Any] = {"members": 0, "arch": card.hyperparameters.get("arch", {}).get("name")}
    out["predict_datacube_ms"] = median_ms(lambda: surrogate.predict_datacube(params), repeat)
    out["emulator_predict_ms"] = median_ms(lambda: ps.predict(model, earth), repeat)
    out["prior_only_ms"] = median_ms(lambda: ps.gs.prior_fields(
        earth, ps.ebm.EbmCoefficients.from_dict(model["ebm"]), model["grid"]), repeat)
    tracemalloc.start()
    surrogate.predict_datacube(params)
    out["predict_datacube_python_peak_mb"] = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    return out


def bench_scalar(registry: FileSurrogateRegistry) -> dict[str, Any]:
    card = registry.active(SurrogateMode.SCALAR)
    assert card is not None, "no scalar model: run scripts/train_default_models.py"
    surrogate = registry.load(SurrogateMode.SCALAR)
    planets = CsvExoplanetCatalog(CATALOG).fetch().planets
    params = [climate_parameters(p) for p in planets]
    preds = surrogate.predict_scalar(params)
    flagged = sum(bool(p.out_of_range) for p in preds)
    ms = median_ms(lambda: surrogate.predict_scalar(params), 5)
    return {"planets": len(params), "median_ms": ms, "out_of_range": flagged}


def bench_training_step(registry: FileSurrogateRegistry) -> dict[str, float]:
    card = registry.active(SurrogateMode.DATACUBE)
    assert card is not None
    payload = ckpt.load(registry.path(card.id))
    model = ckpt.load_member(payload, 0).train()
    norm, grid = payload["members"][0]["norm"], payload["grid"]
    system = DatacubeSystem(model, norm, tuple(grid["lat_deg"]), tuple(grid["lev"]),
                            physics={"nonneg_q": 1, "cloud_bounds": 1, "supersat": 1}, kappa=payload["kappa"])
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    n_lev, n_lat, n_lon = len(grid["lev"]), len(grid["lat_deg"]), len(grid["lon_deg"])
    batch = (torch.randn(4, 8), torch.randn(4, 5, n_lev, n_lat, n_lon), torch.randn(4, 1, n_lat, n_lon),
             torch.tensor([[1e5, 1367.0]] * 4))
    out = {}
    for name, dtype in (("fp32", None), ("bf16-mixed", torch.bfloat16)):
        def step(dtype: torch.dtype | None = dtype) -> None:
            with torch.autocast("cpu", dtype=dtype or torch.float32, enabled=dtype is not None):
                loss = system.training_step(batch, 0)
            opt.zero_grad()
            loss.backward()
            opt.step()
        out[f"{name}_step_ms"] = median_ms(step, 5)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=str(ROOT / "data" / "models"))
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore", message=".*self.log.*")  # training_step outside a Trainer
    registry = FileSurrogateRegistry(args.models)
    result: dict[str, Any] = {"threads": args.threads, "torch": torch.__version__}
    result["datacube"] = dc = bench_datacube(registry, args.repeat)
    print(f"datacube inference, {dc['members']} members, {args.threads} thread(s):")
    emulator = "emulator_predict_ms" in dc
    if emulator:
        print(f"  {dc['arch']}: EBM prior alone {dc['prior_only_ms']:.1f} ms; prior + residual + sigma + OOD "
              f"{dc['emulator_predict_ms']:.1f} ms")
    for name in () if emulator else ("fp32 native Conv3d", "fp32 oneDNN (default)", "bf16 autocast"):
        e = dc[name]["max_rms_error"]
        print(f"  {name:<24}{dc[name]['median_ms']:8.1f} ms   error vs native fp32: "
              f"ta max {e['ta'][0]:.2e} K rms {e['ta'][1]:.2e} K, ts max {e['ts'][0]:.2e} K, "
              f"hus max {e['hus'][0]:.1e}, cl max {e['cl'][0]:.1e}")
    print(f"  predict_datacube (CubePrediction, default): {dc['predict_datacube_ms']:.1f} ms, "
          f"python peak {dc['predict_datacube_python_peak_mb']:.1f} MB")
    result["scalar"] = sc = bench_scalar(registry)
    print(f"scalar surrogate, {sc['planets']} catalog planets: {sc['median_ms']:.0f} ms "
          f"({sc['out_of_range']} flagged out of range)")
    if not emulator:
        result["training"] = tr = bench_training_step(registry)
        print(f"datacube training step (batch 4): fp32 {tr['fp32_step_ms']:.0f} ms, "
              f"bf16-mixed {tr['bf16-mixed_step_ms']:.0f} ms")
    result["max_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of this process: {result['max_rss_mb']:.0f} MB")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
