"""Benchmark: transmission spectra 0.3-30 um at R~100 (targets: one spectrum with 60 layers < 20 ms;
the modelled catalog, ~400 planets, < 5 s).

Prints median wall times (single thread) and peak traced memory for: one transit depth (60 layers,
0.3-30 um, 8 g-points), transit + emission, the explicit-parameter forward model, the noise model, the
whole ComputeSpectrum use case (4 JWST modes with per-gas SNR), and the catalog batch: every planet of
the bundled PSCompPars snapshot with a radius, a host radius and 150 K < T_eq < 1500 K (grey surface
temperature, N2 air below 1.6 Earth radii, H2/He above), one spectrum each.

Run: OMP_NUM_THREADS=1 python benchmarks/bench_spectrum.py
"""

from __future__ import annotations

import csv
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
from astrobio.domain.atmosphere import (
    Atmosphere,
    AtmosphereSpec,
    build_atmosphere,
    grey_surface_temperature_k,
)
from astrobio.domain.detectability import mode
from astrobio.domain.forward_model import ForwardParameters, noise_sigma_ppm, transmission_ppm
from astrobio.domain.planet import Planet
from astrobio.domain.spectrum import (
    altitudes_m,
    emission_flux_w_m2_um,
    planck_w_m2_um_sr,
    transit_depth,
)
from astrobio.domain.star import Star

DATA = Path(__file__).resolve().parents[1] / "data"
OPACITY = DATA / "opacity" / "opacity_r100.npz"
R_EARTH_M, R_SUN_M = 6.371e6, 6.957e8


def bench(name: str, fn: Callable[[], Any], repeat: int = 30) -> float:
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
    med = statistics.median(times)
    print(f"{name:62s} median {med * 1e3:8.2f} ms   peak {peak / 2**20:6.2f} MiB")
    return med


def catalog_atmospheres() -> list[tuple[Atmosphere, float]]:
    """(atmosphere, star radius m) for each modelled planet of the bundled catalog snapshot."""
    out = []
    with (DATA / "exoplanet_archive" / "PSCompPars_2025-08.csv").open() as f:
        for row in csv.DictReader(f):
            try:
                rp, rs, teq = float(row["pl_rade"]), float(row["st_rad"]), float(row["pl_eqt"])
                mp = float(row["pl_bmasse"]) if row["pl_bmasse"] else rp**2.06
            except (KeyError, ValueError):
                continue
            if not (150.0 < teq < 1500.0 and 0.5 < rp < 20.0 and rs > 0):
                continue
            ts = min(grey_surface_temperature_k(teq / 0.7**0.25), 1500.0)
            bg = "N2" if rp < 1.6 else "H2"
            air = {"CO2": 4e-4, "O2": 0.21, "CH4": 1.8e-6, "O3": 5e-7}
            vmr = air if bg == "N2" else {"CH4": 1e-5, "CO": 1e-4}
            spec = AtmosphereSpec(surface_temperature_k=ts, surface_pressure_bar=1.0, background=bg, vmr=vmr)
            g = 9.81 * mp / rp**2
            try:
                atm = build_atmosphere(spec, gravity_m_s2=g, radius_m=rp * R_EARTH_M, n_layers=60)
                altitudes_m(atm)  # refuses atmospheres that are not bound (inflated low-mass planets)
            except ValueError:
                continue
            out.append((atm, rs * R_SUN_M))
    return out


def main() -> None:
    tables = NpzOpacitySource(OPACITY).tables().window(0.3, 30.0)
    spec = AtmosphereSpec(
        surface_temperature_k=288.0, vmr={"O2": 0.21, "CO2": 4e-4, "CH4": 1.8e-6, "O3": 5e-7, "N2O": 3.3e-7}
    )
    atm = build_atmosphere(spec, gravity_m_s2=9.81, radius_m=R_EARTH_M, n_layers=60)
    print(
        f"grid: {tables.wavelength_um.size} bins (R~100), 0.3-30 um, {atm.pressure_bar.size} layers, "
        f"{np.asarray(tables.kdist_weight).size} g-points"
    )
    bench(
        "atmosphere build (60 layers)", lambda: build_atmosphere(spec, gravity_m_s2=9.81, radius_m=R_EARTH_M)
    )
    bench("transit depth, 0.3-30 um, 60 layers", lambda: transit_depth(atm, tables, R_SUN_M))
    bench(
        "transit depth + emission, 0.3-30 um, 60 layers",
        lambda: (transit_depth(atm, tables, R_SUN_M), emission_flux_w_m2_um(atm, tables)),
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
    uc = ComputeSpectrum(lambda: None, NpzOpacitySource(OPACITY), stellar)  # type: ignore[arg-type,return-value]
    cmd = ComputeSpectrumCommand(
        planet=planet,
        atmosphere=AtmosphereOptions(surface_temperature_k=280.0),
        wavelength_min_um=0.3,
        wavelength_max_um=30.0,
    )
    bench("ComputeSpectrum use case (4 modes, gas SNRs, emission)", lambda: uc.execute(cmd), 10)
    cat = catalog_atmospheres()
    for label, subset in (
        ("temperate, T_eq < 400 K", [c for c in cat if c[0].temperature_k[0] < 420.0]),
        ("all, 150 K < T_eq < 1500 K", cat),
    ):
        t0 = time.perf_counter()
        for a, rs in subset:
            transit_depth(a, tables, rs)
        dt = time.perf_counter() - t0
        print(f"catalog ({label}): {len(subset)} planets, 0.3-30 um, 60 layers: {dt:.2f} s "
              f"({dt / len(subset) * 1e3:.1f} ms/planet)")
    size = OPACITY.stat().st_size / 1e6
    print(f"opacity tables shipped: {OPACITY.name} {size:.1f} MB")


if __name__ == "__main__":
    main()
