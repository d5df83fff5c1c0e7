"""A layered planetary atmosphere: temperature-pressure profile and gas mixing ratios.

The profile is a documented radiative-convective approximation (no radiative transfer solve):

* troposphere: T(p) = T_s (p / p_s)^kappa_eff with kappa_eff = (6.5 / 9.76) R/c_p, i.e. Earth's mean
  environmental lapse rate of 6.5 K/km scaled by the background gas's dry adiabat (moist convection
  makes the real lapse rate shallower than the dry one);
* stratosphere: isothermal at the grey skin temperature T_skin = T_eq / 2^(1/4) (T_eq at zero albedo
  times (1 - A)^(1/4) with Bond albedo 0.3) once the adiabat reaches it;
* H2O: Manabe & Wetherald (1967) relative humidity RH = 0.77 (p/p_s - 0.02) / 0.98 below the
  tropopause, saturation from the Clausius-Clapeyron relation (L = 2.5e6 J/kg, 6.11 hPa at 273.15 K),
  held at its tropopause value above (the cold trap);
* biogenic gases: steady state of a constant surface flux F against a first-order loss of lifetime tau,
  x = F tau / N_col with N_col = p_s / (mu m_u g) the column number density (one-box model; real
  photochemistry, whose lifetimes depend on the star's UV, is a later step);
* the background gas fills what the other gases leave: x_bg = 1 - sum(others).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from astrobio.domain.errors import InvalidQuantity

#: Molar masses, g/mol.
MOLAR_MASS_G_MOL: Mapping[str, float] = {
    "N2": 28.014,
    "O2": 31.998,
    "CO2": 44.01,
    "H2O": 18.015,
    "CH4": 16.04,
    "O3": 47.998,
    "N2O": 44.013,
    "CO": 28.01,
    "H2": 2.016,
    "He": 4.0026,
    "Ar": 39.948,
    "NH3": 17.031,
    "PH3": 33.998,
}
#: Backgrounds the builder accepts, with R/c_p of the (ideal) gas.
BACKGROUND_KAPPA: Mapping[str, float] = {"N2": 2.0 / 7.0, "CO2": 0.22, "H2": 2.0 / 7.0}
#: Photochemical lifetimes on modern Earth, years (IPCC AR6 WG1 Table 7.SM.7 / Ch. 6: CH4 9.1 yr
#: total lifetime, N2O 109 yr; CO ~2 months, Seinfeld & Pandis 2016).
LIFETIME_YR: Mapping[str, float] = {"CH4": 9.1, "N2O": 109.0, "CO": 0.17}
ATOMIC_MASS_KG = 1.66053906660e-27
K_BOLTZMANN = 1.380649e-23
YEAR_S = 3.15576e7
EARTH_LAPSE_FRACTION = 6.5 / 9.76
#: Surface temperatures the builder accepts (opacity tables: 100-2000 K; spectra flag layers outside).
MIN_SURFACE_T_K, MAX_SURFACE_T_K = 50.0, 1500.0
H2_HE_RATIO = 0.85 / 0.15  # solar-like H2/He for an H2 background


@dataclass(frozen=True, slots=True, kw_only=True)
class Atmosphere:
    """Layers from the surface up (index 0 = bottom).

    Attributes
    ----------
    pressure_bar, temperature_k: shape (L,), pressure strictly decreasing, temperature > 0.
    vmr: gas -> volume mixing ratio, shape (L,), each in [0, 1], summing to <= 1 per layer.
    gravity_m_s2: surface gravity. radius_m: radius of the bottom layer (surface).
    cloud_top_pressure_bar: a grey, opaque cloud deck below this pressure (None = clear).
    provenance: how each part was chosen (text), carried into the spectrum.
    """

    pressure_bar: np.ndarray
    temperature_k: np.ndarray
    vmr: Mapping[str, np.ndarray]
    gravity_m_s2: float
    radius_m: float
    cloud_top_pressure_bar: float | None = None
    provenance: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        p, t = np.asarray(self.pressure_bar, float), np.asarray(self.temperature_k, float)
        if (
            p.ndim != 1
            or p.size < 2
            or not np.all(np.isfinite(p))
            or np.any(p <= 0)
            or np.any(np.diff(p) >= 0)
        ):
            raise InvalidQuantity(
                "pressures must be positive and strictly decreasing upward", field="pressure_bar"
            )
        if t.shape != p.shape or not np.all(np.isfinite(t)) or np.any(t <= 0):
            raise InvalidQuantity("temperatures must be finite and > 0 K", field="temperature_k")
        total = np.zeros_like(p)
        for gas, x in self.vmr.items():
            if gas not in MOLAR_MASS_G_MOL:
                raise InvalidQuantity(f"unknown gas {gas!r}", field=f"vmr.{gas}")
            x = np.broadcast_to(np.asarray(x, float), p.shape)
            if not np.all(np.isfinite(x)) or np.any(x < 0) or np.any(x > 1):
                raise InvalidQuantity(f"mixing ratio of {gas} must be in [0, 1]", field=f"vmr.{gas}")
            total = total + x
        if np.any(total > 1.0 + 1e-6):
            raise InvalidQuantity(f"mixing ratios sum to {total.max():.4g} > 1", field="vmr")
        for name in ("gravity_m_s2", "radius_m"):
            v = getattr(self, name)
            if not (isinstance(v, int | float) and math.isfinite(v) and v > 0):
                raise InvalidQuantity(f"{name} must be finite and > 0", field=name)
        c = self.cloud_top_pressure_bar
        if c is not None and not (math.isfinite(c) and c > 0):
            raise InvalidQuantity("cloud-top pressure must be > 0 bar", field="cloud_top_pressure_bar")

    def mean_molecular_weight(self) -> np.ndarray:
        """Mean molecular mass per layer, g/mol, shape (L,)."""
        num = np.zeros(np.asarray(self.pressure_bar).shape)
        den = np.zeros_like(num)
        for gas, x in self.vmr.items():
            num = num + np.asarray(x) * MOLAR_MASS_G_MOL[gas]
            den = den + np.asarray(x)
        return num / np.maximum(den, 1e-30)


def saturation_vmr(temperature_k: np.ndarray, pressure_bar: np.ndarray) -> np.ndarray:
    """Water saturation mixing ratio from Clausius-Clapeyron (6.11 hPa at 273.15 K, L = 2.5 MJ/kg)."""
    es_bar = 6.11e-3 * np.exp(2.5e6 / 461.5 * (1.0 / 273.15 - 1.0 / np.asarray(temperature_k)))
    return np.asarray(np.minimum(es_bar / np.asarray(pressure_bar), 1.0))


def steady_state_vmr(
    flux_molecules_cm2_s: float,
    lifetime_yr: float,
    surface_pressure_bar: float,
    gravity_m_s2: float,
    mean_molar_mass_g_mol: float,
) -> float:
    """x = F tau / N_col: a constant surface flux balanced by first-order loss (one-box model)."""
    if not (math.isfinite(flux_molecules_cm2_s) and flux_molecules_cm2_s >= 0):
        raise InvalidQuantity("surface flux must be finite and >= 0", field="surface_flux")
    n_col_cm2 = surface_pressure_bar * 1e5 / (mean_molar_mass_g_mol * ATOMIC_MASS_KG * gravity_m_s2) * 1e-4
    return flux_molecules_cm2_s * lifetime_yr * YEAR_S / n_col_cm2


def skin_temperature_k(teq_zero_albedo_k: float, bond_albedo: float = 0.3) -> float:
    """Grey stratosphere temperature T_eq (1 - A)^(1/4) / 2^(1/4)."""
    return float(teq_zero_albedo_k * (1.0 - bond_albedo) ** 0.25 / 2.0**0.25)


def grey_surface_temperature_k(
    teq_zero_albedo_k: float, tau_ir: float = 0.86, bond_albedo: float = 0.3
) -> float:
    """Grey radiative equilibrium T_s = T_eq (1-A)^(1/4) (1 + 3 tau/4)^(1/4).

    tau = 0.86 with A = 0.3 gives Earth's 288 K from T_eq(A=0) = 278.3 K.
    """
    return float(teq_zero_albedo_k * (1.0 - bond_albedo) ** 0.25 * (1.0 + 0.75 * tau_ir) ** 0.25)


@dataclass(frozen=True, slots=True, kw_only=True)
class AtmosphereSpec:
    """What defines an atmosphere before it is layered.

    Attributes
    ----------
    surface_temperature_k, surface_pressure_bar: at the bottom layer.
    stratosphere_temperature_k: isothermal upper atmosphere (None: 0.84 x T_s floor of 150 K).
    background: ``"N2"``, ``"CO2"`` or ``"H2"`` (H2 carries He at 0.15/0.85).
    vmr: fixed, well-mixed gases (e.g. ``{"CO2": 4e-4, "O2": 0.21}``).
    surface_flux_molecules_cm2_s: biogenic gases with a lifetime in :data:`LIFETIME_YR`.
    relative_humidity_scale: multiplies the Manabe-Wetherald RH profile (0 = dry).
    cloud_top_pressure_bar: opaque grey deck (None = clear).
    """

    surface_temperature_k: float
    surface_pressure_bar: float = 1.0
    stratosphere_temperature_k: float | None = None
    background: str = "N2"
    vmr: Mapping[str, float] = field(default_factory=dict)
    surface_flux_molecules_cm2_s: Mapping[str, float] = field(default_factory=dict)
    relative_humidity_scale: float = 1.0
    cloud_top_pressure_bar: float | None = None

    def __post_init__(self) -> None:
        ts, ps = self.surface_temperature_k, self.surface_pressure_bar
        if not (math.isfinite(ts) and ts > 0):
            raise InvalidQuantity("surface temperature must be > 0 K", field="surface_temperature_k")
        if not MIN_SURFACE_T_K <= ts <= MAX_SURFACE_T_K:
            raise InvalidQuantity(
                f"surface temperature must be in {MIN_SURFACE_T_K:g}-{MAX_SURFACE_T_K:g} K "
                "(rocky-planet range of the model)",
                field="surface_temperature_k",
            )
        if not (math.isfinite(ps) and 1e-4 <= ps <= 100):
            raise InvalidQuantity("surface pressure must be in [1e-4, 100] bar", field="surface_pressure_bar")
        st = self.stratosphere_temperature_k
        if st is not None and not (math.isfinite(st) and st > 0):
            raise InvalidQuantity(
                "stratosphere temperature must be > 0 K", field="stratosphere_temperature_k"
            )
        if self.background not in BACKGROUND_KAPPA:
            raise InvalidQuantity(f"background must be one of {sorted(BACKGROUND_KAPPA)}", field="background")
        for gas, x in self.vmr.items():
            if gas not in MOLAR_MASS_G_MOL:
                raise InvalidQuantity(f"unknown gas {gas!r}", field=f"vmr.{gas}")
            if not (math.isfinite(x) and 0 <= x <= 1):
                raise InvalidQuantity(f"mixing ratio of {gas} must be in [0, 1]", field=f"vmr.{gas}")
        if sum(self.vmr.values()) > 1.0:
            raise InvalidQuantity(f"mixing ratios sum to {sum(self.vmr.values()):.4g} > 1", field="vmr")
        for gas, f in self.surface_flux_molecules_cm2_s.items():
            if gas not in LIFETIME_YR:
                raise InvalidQuantity(
                    f"no lifetime known for {gas!r} (known: {sorted(LIFETIME_YR)})",
                    field=f"surface_flux_molecules_cm2_s.{gas}",
                )
            if not (math.isfinite(f) and f >= 0):
                raise InvalidQuantity(
                    "surface flux must be >= 0", field=f"surface_flux_molecules_cm2_s.{gas}"
                )
        if not (math.isfinite(self.relative_humidity_scale) and 0 <= self.relative_humidity_scale <= 1.3):
            raise InvalidQuantity(
                "relative humidity scale must be in [0, 1.3]", field="relative_humidity_scale"
            )
        c = self.cloud_top_pressure_bar
        if c is not None and not (math.isfinite(c) and c > 0):
            raise InvalidQuantity("cloud-top pressure must be > 0 bar", field="cloud_top_pressure_bar")


def build_atmosphere(
    spec: AtmosphereSpec,
    *,
    gravity_m_s2: float,
    radius_m: float,
    n_layers: int = 60,
    top_pressure_bar: float = 1e-7,
) -> Atmosphere:
    """Layer ``spec`` into ``n_layers`` log-spaced levels from the surface to ``top_pressure_bar``."""
    if not 10 <= n_layers <= 1000:
        raise InvalidQuantity("n_layers must be in 10..1000", field="n_layers")
    ps, ts = spec.surface_pressure_bar, spec.surface_temperature_k
    p = np.geomspace(ps, min(top_pressure_bar, ps * 1e-3), n_layers)
    kappa = BACKGROUND_KAPPA[spec.background] * EARTH_LAPSE_FRACTION
    t_strat = spec.stratosphere_temperature_k or max(0.84 * ts, 150.0)
    t = np.maximum(ts * (p / ps) ** kappa, min(t_strat, ts))
    trop = int(np.argmax(t <= min(t_strat, ts))) if np.any(t <= min(t_strat, ts)) else p.size - 1
    vmr: dict[str, np.ndarray] = {g: np.full(p.size, float(x)) for g, x in spec.vmr.items()}
    prov = {
        "temperature_profile": f"radiative-convective approximation (kappa_eff={kappa:.3f}, "
        f"T_strat={t_strat:.1f} K)"
    }
    if spec.relative_humidity_scale > 0 and "H2O" not in spec.vmr:
        rh = spec.relative_humidity_scale * np.clip(0.77 * (p / ps - 0.02) / 0.98, 0.0, 1.0)
        h2o = rh * saturation_vmr(t, p)
        h2o[trop:] = h2o[trop] if trop < p.size else h2o[-1]
        vmr["H2O"] = np.minimum(h2o, 0.5)
        prov["H2O"] = "Manabe-Wetherald relative humidity x Clausius-Clapeyron, cold-trapped"
    mu_bg = MOLAR_MASS_G_MOL[spec.background] if spec.background != "H2" else 2.3
    for gas, flux in spec.surface_flux_molecules_cm2_s.items():
        x = steady_state_vmr(flux, LIFETIME_YR[gas], ps, gravity_m_s2, mu_bg)
        vmr[gas] = np.full(p.size, min(x, 1.0)) + vmr.get(gas, 0.0)
        prov[gas] = f"steady state of surface flux {flux:.3g} cm-2 s-1, lifetime {LIFETIME_YR[gas]} yr"
    others = np.sum([v for v in vmr.values()], axis=0) if vmr else np.zeros(p.size)
    if np.any(others > 1.0 + 1e-9):
        raise InvalidQuantity(f"mixing ratios sum to {others.max():.4g} > 1", field="vmr")
    rest = np.clip(1.0 - others, 0.0, 1.0)
    if spec.background == "H2":
        vmr["H2"] = rest / (1.0 + 1.0 / H2_HE_RATIO)
        vmr["He"] = rest - vmr["H2"]
    else:
        vmr[spec.background] = rest + vmr.get(spec.background, 0.0)
    return Atmosphere(
        pressure_bar=p,
        temperature_k=t,
        vmr=vmr,
        gravity_m_s2=gravity_m_s2,
        radius_m=radius_m,
        cloud_top_pressure_bar=spec.cloud_top_pressure_bar,
        provenance=prov,
    )
