"""Explicit-parameter forward and noise models, cheap enough to call in a loop (training sets, retrievals).

``transmission_ppm(params, tables)`` builds an isothermal atmosphere with well-mixed gases over an N2
(or H2/He) background and returns the transit depth on the tables' grid; ``noise_sigma_ppm(...)``
returns the per-bin JWST noise for a star and mode. Both are pure numpy.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from astrobio.domain.atmosphere import H2_HE_RATIO, MOLAR_MASS_G_MOL, Atmosphere
from astrobio.domain.constants import PC_M, R_EARTH_M, R_SUN_M
from astrobio.domain.detectability import InstrumentMode, noise_ppm, photon_counts, photon_noise_ppm
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.spectrum import OpacityTables, transit_depth

#: Gases a forward model accepts as log10 mixing ratios.
FORWARD_GASES = ("H2O", "CO2", "CH4", "O3", "O2", "N2O", "CO", "NH3", "PH3")


@dataclass(frozen=True, slots=True, kw_only=True)
class ForwardParameters:
    """Parameters of one forward-model spectrum.

    Attributes
    ----------
    temperature_k: isothermal temperature. log10_vmr: gas (in :data:`FORWARD_GASES`) -> log10 x.
    log10_cloud_top_pressure_bar: grey opaque deck top (None = clear).
    reference_radius_earth: planet radius at ``reference_pressure_bar`` (the bottom of the model).
    star_radius_sun: host-star radius. gravity_m_s2: gravity at the reference radius.
    background: ``"N2"`` or ``"H2"`` (H2 with He at 0.15/0.85).
    """

    temperature_k: float
    log10_vmr: Mapping[str, float] = field(default_factory=dict)
    log10_cloud_top_pressure_bar: float | None = None
    reference_radius_earth: float = 1.0
    reference_pressure_bar: float = 1.0
    star_radius_sun: float = 1.0
    gravity_m_s2: float = 9.81
    background: str = "N2"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.temperature_k) and self.temperature_k > 0):
            raise InvalidQuantity("temperature must be > 0 K", field="temperature_k")
        for gas, lx in self.log10_vmr.items():
            if gas not in FORWARD_GASES:
                raise InvalidQuantity(
                    f"unknown gas {gas!r} (known: {FORWARD_GASES})", field=f"log10_vmr.{gas}"
                )
            if not (math.isfinite(lx) and lx <= 0):
                raise InvalidQuantity("log10 mixing ratio must be finite and <= 0", field=f"log10_vmr.{gas}")
        if sum(10.0**v for v in self.log10_vmr.values()) > 1.0:
            raise InvalidQuantity("mixing ratios sum to more than 1", field="log10_vmr")
        for name in ("reference_radius_earth", "reference_pressure_bar", "star_radius_sun", "gravity_m_s2"):
            v = getattr(self, name)
            if not (math.isfinite(v) and v > 0):
                raise InvalidQuantity(f"{name} must be finite and > 0", field=name)
        if self.background not in ("N2", "H2"):
            raise InvalidQuantity("background must be N2 or H2", field="background")


def isothermal_atmosphere(
    params: ForwardParameters, n_layers: int = 50, top_pressure_bar: float = 1e-8
) -> Atmosphere:
    """The layered, isothermal, well-mixed atmosphere of ``params``."""
    p = np.geomspace(params.reference_pressure_bar, top_pressure_bar, n_layers)
    vmr = {g: np.full(n_layers, 10.0**lx) for g, lx in params.log10_vmr.items() if g in MOLAR_MASS_G_MOL}
    rest = max(1.0 - sum(10.0**lx for lx in params.log10_vmr.values()), 0.0)
    if params.background == "H2":
        h2 = rest / (1.0 + 1.0 / H2_HE_RATIO)
        vmr["H2"], vmr["He"] = np.full(n_layers, h2), np.full(n_layers, rest - h2)
    else:
        vmr["N2"] = np.full(n_layers, rest)
    c = params.log10_cloud_top_pressure_bar
    return Atmosphere(
        pressure_bar=p,
        temperature_k=np.full(n_layers, params.temperature_k),
        vmr=vmr,
        gravity_m_s2=params.gravity_m_s2,
        radius_m=params.reference_radius_earth * R_EARTH_M,
        cloud_top_pressure_bar=None if c is None else 10.0**c,
    )


def transmission_ppm(params: ForwardParameters, tables: OpacityTables, n_layers: int = 50) -> np.ndarray:
    """Transit depth in ppm on ``tables.wavelength_um`` (descending wavelength = ascending wavenumber)."""
    atm = isothermal_atmosphere(params, n_layers)
    return transit_depth(atm, tables, params.star_radius_sun * R_SUN_M) * 1e6


def noise_sigma_ppm(
    wavelength_um: np.ndarray,
    star_surface_flux_w_m2_um: np.ndarray,
    *,
    star_radius_sun: float,
    distance_pc: float,
    transit_duration_h: float,
    mode: InstrumentMode,
    n_transits: int = 1,
) -> np.ndarray:
    """Per-bin 1-sigma transit-depth noise (ppm) for ``n_transits``; NaN outside the mode's range.

    ``wavelength_um`` are bin centres of a constant-resolution grid (ascending or descending); the bin
    width is taken from neighbouring centres.
    """
    wl = np.asarray(wavelength_um, float)
    width = np.abs(np.gradient(wl))
    f_earth = np.asarray(star_surface_flux_w_m2_um) * (star_radius_sun * R_SUN_M / (distance_pc * PC_M)) ** 2
    n_in = photon_counts(wl, width, f_earth, transit_duration_h * 3600.0, mode.throughput)
    sigma = noise_ppm(photon_noise_ppm(n_in), mode.noise_floor_ppm, n_transits)
    inside = (wl >= mode.wavelength_min_um) & (wl <= mode.wavelength_max_um)
    return np.where(inside, sigma, np.nan)
