"""Supply- and energy-limited biosphere fluxes: FBA gives the yields, the planet gives the rate.

A biosphere cannot release gases faster than the planet supplies its substrates, whatever the
maximal growth rate of its organisms. Three limits are modelled, each with its reference:

* **Dissolved-gas supply** across the ocean surface, stagnant-film model: ``phi = v_p (alpha p - c)``
  with piston velocity ``v_p = D / z_film`` (z_film = 40 um, Broecker & Peng 1982). Kharecha et al.
  (2005, Geobiology 3, 53) give v_p = 1.3e-2 cm/s for H2 and 4.8e-3 cm/s for CO. Methanogens draw the
  ocean's H2 down to their energy threshold.
* **Geological H2 supply**: H2 outgassing (volcanic + hydrothermal) is an environment parameter,
  default :data:`DEFAULT_H2_OUTGASSING` = 1e10 cm^-2 s^-1, modern Earth's order of magnitude
  (Holland 2002; Kharecha et al. 2005 consider up to ~10x for the Archean). At steady state the
  atmosphere's H2 splits between diffusion-limited escape, ``2.5e13 f(H2)`` cm^-2 s^-1 (Walker
  1977; Kharecha et al. 2005), and the ocean uptake above.
* **Energy**: the catabolic reaction's Gibbs energy at the planet's partial pressures and
  temperature, ``dG = dH0 - T dS0 + RT ln Q``. Below ``|dG|`` = 10 kJ/mol (the lowest at which
  methanogens are seen to grow, Hoehler et al. 2001) there is no catabolism. The biomass a flux
  maintains is ``Sigma_B = F |dG| / P_me`` (Seager, Bains & Hu 2013, ApJ 775, 104) with the
  maintenance power of Tijhuis et al. (1993, Biotechnol. Bioeng. 42, 509),
  ``P_me = 4.5 kJ (C-mol)^-1 h^-1 exp(-69.4 kJ/mol / R (1/T - 1/298 K))``, 1 C-mol = 24.6 gDW.
* **Light** for oxygenic photosynthesis: net primary production is the PAR photon flux at the
  surface times a realised photon-use efficiency of the global biosphere,
  :data:`NPP_PER_PAR_PHOTON`, calibrated on modern Earth (NPP 104.9 Pg C/yr, Field et al. 1998,
  Science 281, 237, under a global mean surface PAR of ~300 umol m^-2 s^-1); liquid water is
  required. Dead organic matter is remineralised: in an anoxic world by fermentation and
  methanogenesis (CH4 = 1/2 of the carbon, Buswell stoichiometry, as in Kharecha et al. 2005); in an
  oxic world mostly by aerobic respiration, with :data:`OXIC_METHANOGENIC_FRACTION` of NPP carbon
  leaving as CH4 (modern Earth's biogenic CH4 ~1.1e11 cm^-2 s^-1, Saunois et al. 2020, over NPP).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from astrobio.domain.metabolism_environment import AVOGADRO, SANDER_2015
from astrobio.domain.quantities import require_finite, require_positive

R_KJ_MOL_K = 8.314462618e-3
#: Stagnant-film thickness (cm), Broecker & Peng (1982).
STAGNANT_FILM_CM = 40.0e-4
#: Piston velocities (cm/s): H2 and CO from Kharecha et al. (2005); the others D / z_film with
#: diffusivities at 25 degC (CH4 1.8e-5, CO2 1.9e-5, O2 2.1e-5 cm^2/s, Wilke & Chang / Broecker & Peng).
PISTON_VELOCITY_CM_S: MappingProxyType[str, float] = MappingProxyType({
    "h2": 1.3e-2, "co": 4.8e-3, "ch4": 1.8e-5 / STAGNANT_FILM_CM, "co2": 1.9e-5 / STAGNANT_FILM_CM,
    "o2": 2.1e-5 / STAGNANT_FILM_CM,
})
#: Diffusion-limited escape coefficient (cm^-2 s^-1 per unit total-H mixing ratio), Walker (1977).
ESCAPE_COEFF_CM2_S = 2.5e13
DEFAULT_H2_OUTGASSING = 1.0e10
#: Minimum |dG| (kJ per mol of reaction) for catabolism to run (Hoehler et al. 2001).
MIN_CATABOLIC_ENERGY_KJ_MOL = 10.0
#: Tijhuis et al. (1993) maintenance: 4.5 kJ per C-mol per hour at 298 K, activation 69.4 kJ/mol.
TIJHUIS_A_KJ_CMOL_H = 4.5
TIJHUIS_EA_KJ_MOL = 69.4
GDW_PER_CMOL = 24.6
#: Realised NPP carbon per PAR photon at the surface (C / photon): 104.9 Pg C/yr over Earth's
#: surface is 3.3e13 C cm^-2 s^-1, under ~1.8e16 PAR photons cm^-2 s^-1 (300 umol m^-2 s^-1).
NPP_PER_PAR_PHOTON = 1.8e-3
#: Share of NPP carbon that leaves an oxic biosphere as CH4 (1.1e11 / 3.3e13).
OXIC_METHANOGENIC_FRACTION = 3.4e-3
#: Share of NPP carbon that leaves an anoxic biosphere as CH4 (fermentation + methanogenesis).
ANOXIC_METHANOGENIC_FRACTION = 0.5


@dataclass(frozen=True, slots=True, kw_only=True)
class CatabolicReaction:
    """A catabolic reaction: gas-phase stoichiometry (negative = consumed), dG0 and dH0 at 298.15 K."""

    name: str
    stoichiometry: Mapping[str, float]
    dg0_kj_mol: float
    dh0_kj_mol: float

    def delta_g_kj_mol(self, temperature_k: float, partial_pressures_bar: Mapping[str, float]) -> float:
        """dG = dH0 - T dS0 + RT ln Q, gases at their partial pressures (floor 1e-12 bar), water liquid."""
        t = require_positive(temperature_k, "temperature_k")
        ds0 = (self.dh0_kj_mol - self.dg0_kj_mol) / 298.15
        ln_q = sum(nu * math.log(max(partial_pressures_bar.get(g, 0.0), 1e-12))
                   for g, nu in self.stoichiometry.items())
        return self.dh0_kj_mol - t * ds0 + R_KJ_MOL_K * t * ln_q


#: 4 H2 + CO2 -> CH4 + 2 H2O(l): dfG/dfH of CO2(g), CH4(g), H2O(l) (NIST-JANAF / CODATA).
METHANOGENESIS = CatabolicReaction(name="4 H2 + CO2 -> CH4 + 2 H2O",
                                   stoichiometry={"h2": -4.0, "co2": -1.0, "ch4": 1.0},
                                   dg0_kj_mol=-130.3, dh0_kj_mol=-252.8)


def maintenance_power_kj_g_s(temperature_k: float) -> float:
    """Tijhuis et al. (1993) maintenance power per gram dry weight (kJ gDW^-1 s^-1)."""
    t = require_positive(temperature_k, "temperature_k")
    per_cmol_h = TIJHUIS_A_KJ_CMOL_H * math.exp(-TIJHUIS_EA_KJ_MOL / R_KJ_MOL_K * (1.0 / t - 1.0 / 298.15))
    return per_cmol_h / GDW_PER_CMOL / 3600.0


def maintained_biomass_gdw_m2(
    flux_molecules_cm2_s: float, delta_g_kj_mol: float, temperature_k: float
) -> float:
    """Seager et al. (2013): biomass kept alive by a catabolic flux, Sigma_B = F |dG| / P_me."""
    mol_m2_s = flux_molecules_cm2_s * 1e4 / AVOGADRO
    return mol_m2_s * abs(delta_g_kj_mol) / maintenance_power_kj_g_s(temperature_k)


def ocean_transfer_coefficient(gas: str, temperature_k: float) -> float:
    """Piston-velocity uptake per bar of partial-pressure disequilibrium (molecules cm^-2 s^-1 bar^-1)."""
    hcp = SANDER_2015[gas].at(temperature_k) if gas in SANDER_2015 else 9.7e-6  # CO: Sander 2015
    mol_cm3_per_bar = hcp * 1e5 * 1e-6
    return PISTON_VELOCITY_CM_S[gas] * mol_cm3_per_bar * AVOGADRO


@dataclass(frozen=True, slots=True, kw_only=True)
class H2Budget:
    """Steady state of atmospheric H2: outgassing = escape + ocean uptake (molecules cm^-2 s^-1)."""

    ocean_uptake: float
    escape: float
    mixing_ratio: float
    limit: str


def h2_budget(*, outgassing: float, temperature_k: float, surface_pressure_bar: float,
              threshold_bar: float, ocean_fraction: float = 0.7,
              partial_pressure_bar: float | None = None) -> H2Budget:
    """H2 drawn into an ocean whose consumers hold it at ``threshold_bar`` (equivalent partial pressure).

    With ``partial_pressure_bar`` given (an atmosphere held at that H2 level) the uptake is the
    air-sea transfer at that pressure, but never more than the outgassing can sustain.
    """
    require_finite(outgassing, "h2_outgassing")
    ps = require_positive(surface_pressure_bar, "surface_pressure_bar")
    k_ocean = ocean_fraction * ocean_transfer_coefficient("h2", temperature_k) * ps  # per unit f
    f_thr = threshold_bar / ps
    # outgassing = k_esc f + k_ocean (f - f_thr)
    f_ss = max((max(outgassing, 0.0) + k_ocean * f_thr) / (ESCAPE_COEFF_CM2_S + k_ocean), 0.0)
    uptake_ss = max(k_ocean * (f_ss - f_thr), 0.0)
    if partial_pressure_bar is not None:
        f_env = partial_pressure_bar / ps
        transfer = max(k_ocean * (f_env - f_thr), 0.0)
        if transfer < uptake_ss:
            return H2Budget(ocean_uptake=transfer, escape=ESCAPE_COEFF_CM2_S * f_env, mixing_ratio=f_env,
                            limit=f"H2 air-sea transfer (piston velocity {PISTON_VELOCITY_CM_S['h2']:.2g} "
                                  f"cm/s at pH2 {partial_pressure_bar:.3g} bar)")
    return H2Budget(ocean_uptake=uptake_ss, escape=ESCAPE_COEFF_CM2_S * f_ss, mixing_ratio=f_ss,
                    limit=f"H2 supply (geological outgassing {outgassing:.3g} cm-2 s-1)")


def h2_threshold_bar(temperature_k: float, pco2_bar: float, pch4_bar: float) -> float:
    """H2 partial pressure at which methanogenesis yields only the minimum energy."""
    t = require_positive(temperature_k, "temperature_k")
    r = METHANOGENESIS
    dg0_t = r.dh0_kj_mol - t * (r.dh0_kj_mol - r.dg0_kj_mol) / 298.15
    # dG0_T + RT [ln pCH4 - ln pCO2 - 4 ln pH2] = -dG_min
    ln_h2 = (dg0_t + MIN_CATABOLIC_ENERGY_KJ_MOL) / (R_KJ_MOL_K * t)
    ln_h2 += math.log(max(pch4_bar, 1e-12)) - math.log(max(pco2_bar, 1e-12))
    return math.exp(ln_h2 / 4.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class ModelYield:
    """What FBA says a model does, per unit of its limiting substrate.

    ``role``: ``hydrogenotroph`` (takes H2, per H2 taken up), ``oxygenic_phototroph`` (evolves O2 in
    light, per CO2 fixed), or ``other``. ``yields``: gas -> exchange per unit (positive = released).
    """

    model_id: str
    role: str
    yields: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class BiosphereFluxes:
    """Net surface fluxes (molecules cm^-2 s^-1, gas keys as in metabolism) and what limits each."""

    flux_molecules_cm2_s: dict[str, float]
    limits: dict[str, str]
    per_model_flux: dict[str, dict[str, float]]
    oxygenic: bool
    npp_c_cm2_s: float
    maintained_biomass_gdw_m2: dict[str, float]
    delta_g_kj_mol: float | None


def combine(yields: Sequence[ModelYield], *, temperature_k: float, surface_pressure_bar: float,
            partial_pressures_bar: Mapping[str, float], par_umol_m2_s: float, liquid_water: bool,
            h2_outgassing: float = DEFAULT_H2_OUTGASSING) -> BiosphereFluxes:
    """Turn per-model yields into planetary fluxes under the supply, energy and light limits."""
    total: dict[str, float] = {}
    per_model: dict[str, dict[str, float]] = {}
    limits: dict[str, str] = {}
    biomass: dict[str, float] = {}
    photo = [y for y in yields if y.role == "oxygenic_phototroph"]
    hydro = [y for y in yields if y.role == "hydrogenotroph"]
    npp = 0.0
    if photo and liquid_water and par_umol_m2_s > 0:
        photons_cm2_s = par_umol_m2_s * 1e-6 * AVOGADRO * 1e-4
        npp = NPP_PER_PAR_PHOTON * photons_cm2_s
        for y in photo:
            share = npp / len(photo)
            per_model[y.model_id] = {g: v * share for g, v in y.yields.items()}
        limits["o2"] = (f"light: PAR {par_umol_m2_s:.3g} umol m-2 s-1 x photon-use efficiency "
                        f"{NPP_PER_PAR_PHOTON:g} (NPP {npp:.3g} C cm-2 s-1)")
    elif photo:
        limits["o2"] = "no liquid water" if not liquid_water else "no light in the PAR band"
    else:
        limits["o2"] = "no oxygenic producer grows"
    oxygenic = npp > 0.0
    dg: float | None = None
    if hydro:
        pco2 = partial_pressures_bar.get("co2", 0.0)
        if pco2 <= 0.0:
            limits["ch4"] = "no carbon source (CO2) for methanogenesis"
        else:
            pch4 = partial_pressures_bar.get("ch4", 0.0) or 1e-6
            thr = h2_threshold_bar(temperature_k, pco2, pch4)
            given = partial_pressures_bar.get("h2")
            budget = h2_budget(outgassing=h2_outgassing, temperature_k=temperature_k,
                               surface_pressure_bar=surface_pressure_bar, threshold_bar=thr,
                               partial_pressure_bar=given if given else None)
            h2_pp = budget.mixing_ratio * surface_pressure_bar
            dg = METHANOGENESIS.delta_g_kj_mol(temperature_k, {"h2": h2_pp, "co2": pco2, "ch4": pch4})
            if dg > -MIN_CATABOLIC_ENERGY_KJ_MOL or budget.ocean_uptake <= 0.0:
                limits["ch4"] = (f"energy: methanogenesis yields {dg:.1f} kJ/mol at pH2 {h2_pp:.3g} bar "
                                 f"(needs < -{MIN_CATABOLIC_ENERGY_KJ_MOL:g})")
            else:
                limits["ch4"] = budget.limit
                for y in hydro:
                    share = budget.ocean_uptake / len(hydro)
                    per_model[y.model_id] = {g: v * share for g, v in y.yields.items()}
                    ch4 = max(per_model[y.model_id].get("ch4", 0.0), 0.0)
                    biomass[y.model_id] = maintained_biomass_gdw_m2(ch4, dg, temperature_k)
    for flux in per_model.values():
        for g, v in flux.items():
            total[g] = total.get(g, 0.0) + v
    if npp > 0.0:
        frac = OXIC_METHANOGENIC_FRACTION if oxygenic else ANOXIC_METHANOGENIC_FRACTION
        total["ch4"] = total.get("ch4", 0.0) + frac * npp
        limits["ch4"] = (limits.get("ch4", "") + "; " if "ch4" in limits and hydro else "") + (
            f"organic carbon: {frac:g} of NPP remineralised by methanogenesis")
    elif "ch4" not in limits:
        limits["ch4"] = "no methanogenic pathway (no H2 consumer, no primary production)"
    if not oxygenic:
        total["o2"] = min(total.get("o2", 0.0), 0.0)
    return BiosphereFluxes(flux_molecules_cm2_s=total, limits=limits, per_model_flux=per_model,
                           oxygenic=oxygenic, npp_c_cm2_s=npp, maintained_biomass_gdw_m2=biomass,
                           delta_g_kj_mol=dg)


def par_umol_m2_s(*, teff_k: float, insolation_earth: float, transmission: float = 0.5) -> float:
    """Global-mean PAR photon flux density at the surface (umol m^-2 s^-1) from a Planck star.

    PAR photons (400-700 nm) per W of bolometric flux from the star's Teff, times the global mean
    instellation S/4 (1361 W m^-2 x S/S_Earth) and the fraction reaching the surface (clouds,
    atmosphere: 0.5, which turns the Sun's 605 umol m^-2 s^-1 at the top into Earth's ~300 at the
    surface, Frouin & Pinker 1995).
    """
    t = require_positive(teff_k, "teff_k")
    s = require_finite(insolation_earth, "insolation_earth")
    if s <= 0:
        return 0.0
    return 1361.0 * s / 4.0 * par_photons_per_joule(t) * transmission / AVOGADRO * 1e6


def par_photons_per_joule(teff_k: float) -> float:
    """Photons 400-700 nm per J of a blackbody's bolometric flux (1.0e18 for the Sun's 5772 K)."""
    h, c, k, sigma = 6.62607015e-34, 2.99792458e8, 1.380649e-23, 5.670374419e-8
    n = 600
    total = 0.0
    step = (700e-9 - 400e-9) / n
    for i in range(n + 1):
        lam = 400e-9 + i * step
        x = h * c / (lam * k * teff_k)
        b = 2.0 * h * c**2 / lam**5 / math.expm1(x) if x < 700 else 0.0
        w = 0.5 if i in (0, n) else 1.0
        total += w * b * lam / (h * c) * step
    return math.pi * total / (sigma * teff_k**4)
