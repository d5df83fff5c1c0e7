"""Benchmark: one transmission spectrum at R~100 over 0.6-12 um with 60 layers (target < 50 ms).

Prints median wall times (single thread) and peak traced memory for: the transit depth alone, transit +
emission, the explicit-parameter forward model (50 layers), the noise model, and the whole
ComputeSpectrum use case (4 JWST modes with per-gas SNR).

Run: OMP_NUM_THREADS=1 python benchmarks/bench_spectrum.py
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from astrobio.adapters.spectra.opacity_npz import NpzOpacitySource
from astrobio.adapters.spectra.stellar import (
    BlackbodyStellarSpectra,
    ChainedStellarSpectra,
    TemplateStellarSpectra,
)
from astrobio.application.use_cases.spectra import AtmosphereOptions, ComputeSpectrum, ComputeSpectrumCommand
from astrobio.domain.atmosphere import AtmosphereSpec, build_atmosphere
from astrobio.domain.detectability import mode
from astrobio.domain.forward_model import ForwardParameters, noise_sigma_ppm, transmission_ppm
from astrobio.domain.planet import Planet
from astrobio.domain.spectrum import emission_flux_w_m2_um, planck_w_m2_um_sr, transit_depth
from astrobio.domain.star import Star

DATA = Path(__file__).resolve().parents[1] / "data"


def bench(name: str, fn: Callable[[], Any], repeat: int = 30) -> None:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{name:58s} median {statistics.median(times) * 1e3:7.2f} ms   peak {peak / 2**20:6.2f} MiB")


def main() -> None:
    tables = NpzOpacitySource(DATA / "opacity" / "spectra_opacity_r100.npz").tables().window(0.6, 12.0)
    spec = AtmosphereSpec(
        surface_temperature_k=288.0, vmr={"O2": 0.21, "CO2": 4e-4, "CH4": 1.8e-6, "O3": 5e-7}
    )
    atm = build_atmosphere(spec, gravity_m_s2=9.81, radius_m=6.371e6, n_layers=60)
    print(
        f"grid: {tables.wavelength_um.size} bins (R~100), 0.6-12 um, {atm.pressure_bar.size} layers, "
        f"{tables.kdist_weight.size if tables.kdist_weight is not None else 1} sub-bin points"
    )
    bench("atmosphere build (60 layers)", lambda: build_atmosphere(spec, gravity_m_s2=9.81, radius_m=6.371e6))
    bench("transit depth (60 layers)", lambda: transit_depth(atm, tables, 6.957e8))
    bench(
        "transit depth + emission (60 layers)",
        lambda: (transit_depth(atm, tables, 6.957e8), emission_flux_w_m2_um(atm, tables)),
    )
    p = ForwardParameters(
        temperature_k=280.0,
        log10_vmr={"H2O": -3, "CO2": -3.4, "CH4": -5, "O3": -6.3, "O2": -0.7},
        log10_cloud_top_pressure_bar=-1.0,
    )
    bench("forward model transmission_ppm (50 layers)", lambda: transmission_ppm(p, tables))
    wl = tables.wavelength_um
    fs = np.pi * planck_w_m2_um_sr(wl, 3000.0)
    bench(
        "noise model noise_sigma_ppm (1 mode)",
        lambda: noise_sigma_ppm(
            wl, fs, star_radius_sun=0.2, distance_pc=10.0, transit_duration_h=1.0, mode=mode("nirspec_prism")
        ),
        200,
    )
    star = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, distance_pc=12.467)
    planet = Planet(
        name="TRAPPIST-1 e",
        star=star,
        radius_earth=0.92,
        mass_earth=0.692,
        orbital_period_days=6.101013,
        semi_major_axis_au=0.02925,
    )
    stellar = ChainedStellarSpectra(
        [TemplateStellarSpectra(DATA / "stellar_spectra" / "templates_r300.npz"), BlackbodyStellarSpectra()]
    )
    uc = ComputeSpectrum(
        lambda: None, NpzOpacitySource(DATA / "opacity" / "spectra_opacity_r100.npz"), stellar
    )
    cmd = ComputeSpectrumCommand(planet=planet, atmosphere=AtmosphereOptions(surface_temperature_k=280.0))
    bench("ComputeSpectrum use case (4 modes, 5 gas SNRs, emission)", lambda: uc.execute(cmd), 10)


if __name__ == "__main__":
    main()
