"""From a planetary environment to the uptake limits of a metabolic model.

Physics and physiology, kept apart from any solver:

* **Henry's law** with temperature dependence: dissolved concentration
  ``c = H_cp(T) * p`` with ``H_cp(T) = H_cp(298.15 K) * exp(B * (1/T - 1/298.15 K))``
  (van 't Hoff form). ``H_cp(298.15 K)`` and ``B = d ln H_cp / d(1/T)`` are the values
  compiled by Sander (2015), Atmos. Chem. Phys. 15, 4399, table 6 (recommended entries).
* **Speciation**: CO2(aq)/HCO3- with pKa1 = 6.35 and NH3(aq)/NH4+ with pKa = 9.25 (25 degC).
* **Kinetic cap**: uptake ``v = v_max * c / (K_m + c)`` (Michaelis-Menten) in
  mmol gDW^-1 h^-1, with order-of-magnitude affinities (table :data:`UPTAKE_KINETICS`).
* **Temperature response**: the cardinal temperature model with inflection (CTMI) of
  Rosso et al. (1993), J. Theor. Biol. 162, 447; the pH response is its cardinal pH
  analogue (Rosso et al. 1995, Appl. Environ. Microbiol. 61, 610). Both scale v_max.
* **Light**: photon uptake = photon flux density x a specific light-harvesting area
  (:data:`SPECIFIC_ABSORPTION_AREA_M2_GDW`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quantities import require_finite, require_positive

#: The gases an environment may carry, in the order results report them.
GASES = ("h2", "co2", "ch4", "o2", "n2", "h2s", "nh3")
#: Gases whose production counts as a candidate biosignature (Seager et al. 2013, table 1 classes).
BIOSIGNATURE_GASES = ("ch4", "o2", "h2s", "nh3", "n2o")
T_REF_K = 298.15
PA_PER_BAR = 1.0e5
PKA_CO2_HCO3 = 6.35
PKA_NH4_NH3 = 9.25
AVOGADRO = 6.02214076e23


@dataclass(frozen=True, slots=True, kw_only=True)
class HenryConstant:
    """``H_cp`` at 298.15 K (mol m^-3 Pa^-1) and its van 't Hoff slope ``B`` (K)."""

    hcp_298_mol_m3_pa: float
    dlnh_dinvt_k: float

    def at(self, temperature_k: float) -> float:
        """``H_cp(T)`` in mol m^-3 Pa^-1."""
        # Clamped exponent: a frozen world far outside the fit must not overflow (no uptake happens there).
        x = self.dlnh_dinvt_k * (1.0 / temperature_k - 1.0 / T_REF_K)
        return self.hcp_298_mol_m3_pa * math.exp(min(x, 700.0))


#: Sander (2015), recommended values (H2, CO2, CH4, O2, N2, H2S, NH3).
SANDER_2015: MappingProxyType[str, HenryConstant] = MappingProxyType({
    "h2": HenryConstant(hcp_298_mol_m3_pa=7.8e-6, dlnh_dinvt_k=530.0),
    "co2": HenryConstant(hcp_298_mol_m3_pa=3.3e-4, dlnh_dinvt_k=2400.0),
    "ch4": HenryConstant(hcp_298_mol_m3_pa=1.4e-5, dlnh_dinvt_k=1600.0),
    "o2": HenryConstant(hcp_298_mol_m3_pa=1.3e-5, dlnh_dinvt_k=1500.0),
    "n2": HenryConstant(hcp_298_mol_m3_pa=6.4e-6, dlnh_dinvt_k=1300.0),
    "h2s": HenryConstant(hcp_298_mol_m3_pa=1.0e-3, dlnh_dinvt_k=2100.0),
    "nh3": HenryConstant(hcp_298_mol_m3_pa=5.9e-1, dlnh_dinvt_k=4200.0),
})


@dataclass(frozen=True, slots=True, kw_only=True)
class UptakeKinetics:
    """Michaelis-Menten uptake: ``v_max`` (mmol gDW^-1 h^-1) and ``K_m`` (mM = mol m^-3)."""

    vmax_mmol_gdw_h: float
    km_mm: float

    def rate(self, concentration_mm: float) -> float:
        c = max(concentration_mm, 0.0)
        return self.vmax_mmol_gdw_h * c / (self.km_mm + c)


#: Order-of-magnitude uptake kinetics. v_max 20 mmol gDW^-1 h^-1 is the scale of the largest
#: measured specific uptake rates (E. coli O2 ~15-20, Varma & Palsson 1994); K_m values are
#: high-affinity microbial ones (H2 uptake of methanogens ~1-10 uM, Karadagli & Rittmann 2005;
#: terminal oxidases ~1 uM; cyanobacterial carbon uptake ~10-100 uM).
UPTAKE_KINETICS: MappingProxyType[str, UptakeKinetics] = MappingProxyType({
    "h2": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.005),
    "co2": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.05),
    "hco3": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.05),
    "ch4": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.01),
    "o2": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.001),
    "n2": UptakeKinetics(vmax_mmol_gdw_h=5.0, km_mm=0.1),
    "h2s": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.01),
    "nh4": UptakeKinetics(vmax_mmol_gdw_h=20.0, km_mm=0.01),
})

#: Light-harvesting area per gram dry weight (m^2 gDW^-1) turning photon flux density into
#: photon uptake; 0.01 m^2 gDW^-1 gives 36 mmol photons gDW^-1 h^-1 at 1000 umol m^-2 s^-1,
#: the scale of the photon uptakes that reproduce Synechocystis' ~0.1 h^-1 light-saturated growth.
SPECIFIC_ABSORPTION_AREA_M2_GDW = 0.01


@dataclass(frozen=True, slots=True, kw_only=True)
class CardinalTemperatures:
    """``T_min < T_opt < T_max`` (K) of the CTMI growth response."""

    tmin_k: float
    topt_k: float
    tmax_k: float

    def __post_init__(self) -> None:
        for name in ("tmin_k", "topt_k", "tmax_k"):
            require_positive(getattr(self, name), name)
        if not self.tmin_k < self.topt_k < self.tmax_k:
            raise InvalidQuantity("cardinal temperatures need tmin_k < topt_k < tmax_k", field="topt_k")

    def factor(self, temperature_k: float) -> float:
        """Growth capacity relative to ``T_opt`` (1 at ``T_opt``, 0 outside ``(T_min, T_max)``)."""
        return _cardinal(temperature_k, self.tmin_k, self.topt_k, self.tmax_k)


def _cardinal(x: float, lo: float, opt: float, hi: float) -> float:
    """Rosso's cardinal model with inflection (CTMI / CPM share this form)."""
    if x <= lo or x >= hi:
        return 0.0
    num = (x - hi) * (x - lo) ** 2
    den = (opt - lo) * ((opt - lo) * (x - opt) - (opt - hi) * (opt + lo - 2.0 * x))
    return max(0.0, min(1.0, num / den)) if den != 0.0 else 0.0


#: Cardinal temperatures of the organism classes (K). Mesophile: E. coli-like 5/37/47 degC
#: (Rosso et al. 1993 fits); psychrophile -10/15/25 degC; thermophile 40/65/80 degC;
#: hyperthermophile 55/80/90 degC (Thermotoga maritima, Huber et al. 1986).
ORGANISM_CLASSES: MappingProxyType[str, CardinalTemperatures] = MappingProxyType({
    "psychrophile": CardinalTemperatures(tmin_k=263.15, topt_k=288.15, tmax_k=298.15),
    "mesophile": CardinalTemperatures(tmin_k=278.15, topt_k=310.15, tmax_k=320.15),
    "thermophile": CardinalTemperatures(tmin_k=313.15, topt_k=338.15, tmax_k=353.15),
    "hyperthermophile": CardinalTemperatures(tmin_k=328.15, topt_k=353.15, tmax_k=363.15),
})
#: Cardinal pH (min, opt, max) used for every class (neutrophile).
CARDINAL_PH = (4.0, 7.0, 9.5)


def organism_class(name: str) -> CardinalTemperatures:
    try:
        return ORGANISM_CLASSES[name]
    except KeyError:
        raise InvalidQuantity(f"unknown organism class {name!r} (use {sorted(ORGANISM_CLASSES)})",
                              field="organism_class") from None


@dataclass(frozen=True, slots=True, kw_only=True)
class PlanetEnvironment:
    """Surface conditions a biosphere lives in.

    ``partial_pressures_bar`` maps gases of :data:`GASES` to partial pressures (bar); absent
    gases are 0. ``ph`` defaults to 7 when ``None``. ``photon_flux_umol_m2_s`` is the
    photosynthetically active photon flux density (0 / ``None``: dark).
    ``organics_mmol_gdw_h`` optionally caps organic substrates the models may take up
    (e.g. ``{"glucose": 10}``), for heterotrophs; keys are checked by the simulation.
    """

    temperature_k: float
    pressure_bar: float
    partial_pressures_bar: dict[str, float] = field(default_factory=dict)
    ph: float | None = None
    photon_flux_umol_m2_s: float | None = None
    organics_mmol_gdw_h: dict[str, float] = field(default_factory=dict)
    #: Geological (volcanic + hydrothermal) H2 supply, molecules cm^-2 s^-1; default modern Earth's
    #: order of magnitude, 1e10 (Holland 2002; see ``domain/biosphere_flux.py``).
    h2_outgassing_molecules_cm2_s: float = 1.0e10

    def __post_init__(self) -> None:
        require_positive(self.temperature_k, "temperature_k")
        if require_finite(self.h2_outgassing_molecules_cm2_s, "h2_outgassing_molecules_cm2_s") < 0.0:
            raise InvalidQuantity("h2_outgassing_molecules_cm2_s must be >= 0",
                                  field="h2_outgassing_molecules_cm2_s")
        require_positive(self.pressure_bar, "pressure_bar")
        total = 0.0
        for gas, p in self.partial_pressures_bar.items():
            if gas not in GASES:
                raise InvalidQuantity(f"unknown gas {gas!r} (use {', '.join(GASES)})",
                                      field=f"partial_pressures_bar.{gas}")
            v = require_finite(p, f"partial_pressures_bar.{gas}")
            if v < 0.0:
                raise InvalidQuantity(f"partial pressure of {gas} must be >= 0, got {v}",
                                      field=f"partial_pressures_bar.{gas}")
            total += v
        if total > self.pressure_bar * (1.0 + 1e-6):
            raise InvalidQuantity(f"partial pressures sum to {total:g} bar, above pressure_bar "
                                  f"{self.pressure_bar:g}", field="partial_pressures_bar")
        if self.ph is not None and not 0.0 <= require_finite(self.ph, "ph") <= 14.0:
            raise InvalidQuantity("ph must be in [0, 14]", field="ph")
        if self.photon_flux_umol_m2_s is not None:
            v = require_finite(self.photon_flux_umol_m2_s, "photon_flux_umol_m2_s")
            if v < 0.0:
                raise InvalidQuantity("photon_flux_umol_m2_s must be >= 0", field="photon_flux_umol_m2_s")
        for name, cap in self.organics_mmol_gdw_h.items():
            if require_finite(cap, f"organics_mmol_gdw_h.{name}") < 0.0:
                raise InvalidQuantity(f"uptake cap of {name} must be >= 0",
                                      field=f"organics_mmol_gdw_h.{name}")

    @property
    def effective_ph(self) -> float:
        return 7.0 if self.ph is None else self.ph

    def partial_pressure_bar(self, gas: str) -> float:
        return float(self.partial_pressures_bar.get(gas, 0.0))

    def dissolved_mm(self, gas: str) -> float:
        """Dissolved concentration of ``gas`` (mM = mol m^-3) in equilibrium with the atmosphere."""
        p_pa = self.partial_pressure_bar(gas) * PA_PER_BAR
        return SANDER_2015[gas].at(self.temperature_k) * p_pa

    def to_dict(self) -> dict[str, Any]:
        return {"temperature_k": self.temperature_k, "pressure_bar": self.pressure_bar,
                "partial_pressures_bar": dict(self.partial_pressures_bar), "ph": self.ph,
                "photon_flux_umol_m2_s": self.photon_flux_umol_m2_s,
                "organics_mmol_gdw_h": dict(self.organics_mmol_gdw_h),
                "h2_outgassing_molecules_cm2_s": self.h2_outgassing_molecules_cm2_s}


@dataclass(frozen=True, slots=True, kw_only=True)
class UptakeLimits:
    """Uptake caps (mmol gDW^-1 h^-1, >= 0) per substrate key, and the capacity factor applied."""

    caps_mmol_gdw_h: dict[str, float]
    capacity_factor: float
    temperature_factor: float
    ph_factor: float


def uptake_limits(env: PlanetEnvironment, cardinal: CardinalTemperatures) -> UptakeLimits:
    """Caps on the uptake of each environmental substrate for an organism with ``cardinal``.

    Keys: the gases of :data:`GASES` except ``co2``/``nh3``, which appear as their aqueous
    species ``co2``+``hco3`` and ``nh4`` (ammonium, the form genome-scale models take up);
    ``photon`` when light is given; each organic of ``env.organics_mmol_gdw_h``.
    Every cap is multiplied by the temperature (CTMI) and pH (CPM) factors.
    """
    t_factor = cardinal.factor(env.temperature_k)
    ph = env.effective_ph
    ph_factor = _cardinal(ph, *CARDINAL_PH)
    k = t_factor * ph_factor
    conc = {g: env.dissolved_mm(g) for g in GASES}
    conc["hco3"] = conc["co2"] * 10.0 ** (ph - PKA_CO2_HCO3)
    # Total ammonia: NH3(aq) from Henry's law plus the NH4+ in acid-base equilibrium with it.
    conc["nh4"] = conc.pop("nh3") * (1.0 + 10.0 ** (PKA_NH4_NH3 - ph))
    caps = {key: k * UPTAKE_KINETICS[key].rate(c) for key, c in conc.items()}
    photons = env.photon_flux_umol_m2_s or 0.0
    # umol m^-2 s^-1 -> mmol m^-2 h^-1 is x 3.6.
    caps["photon"] = k * photons * 3.6 * SPECIFIC_ABSORPTION_AREA_M2_GDW
    for name, cap in env.organics_mmol_gdw_h.items():
        caps[name] = k * cap
    return UptakeLimits(caps_mmol_gdw_h=caps, capacity_factor=k, temperature_factor=t_factor,
                        ph_factor=ph_factor)


@dataclass(frozen=True, slots=True, kw_only=True)
class BiomassAssumption:
    """Active biomass per unit planetary surface, turning specific fluxes into surface fluxes.

    Following the biomass model of Seager, Bains & Hu (2013), ApJ 775, 104, a surface source
    flux is a biomass surface density times a per-biomass production rate:
    ``F = Sigma_B * q``. The default ``Sigma_B`` = 10 gDW m^-2 is an assumed order of
    magnitude for a productive microbial biosphere (Seager et al. treat such estimates as
    good to one or two orders of magnitude).
    """

    biomass_gdw_m2: float = 10.0

    def __post_init__(self) -> None:
        require_positive(self.biomass_gdw_m2, "biomass_gdw_m2")

    def surface_flux_mol_m2_s(self, specific_mmol_gdw_h: float) -> float:
        """mmol gDW^-1 h^-1 -> mol m^-2 s^-1."""
        return specific_mmol_gdw_h * self.biomass_gdw_m2 * 1.0e-3 / 3600.0

    def surface_flux_molecules_cm2_s(self, specific_mmol_gdw_h: float) -> float:
        """mmol gDW^-1 h^-1 -> molecules cm^-2 s^-1."""
        return self.surface_flux_mol_m2_s(specific_mmol_gdw_h) * AVOGADRO * 1.0e-4
