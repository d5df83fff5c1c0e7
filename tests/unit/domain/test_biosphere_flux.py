"""Supply- and energy-limited biosphere fluxes against published numbers.

* Kharecha, Kasting & Siefert (2005, Geobiology 3, 53): piston velocities 1.3e-2 cm/s (H2) and
  4.8e-3 cm/s (CO); H2-based methanogens draw the ocean's H2 down and turn the outgassed H2 into
  CH4 (4 H2 -> CH4); their methanogen-only biosphere gives CH4 fluxes of ~1e10-1e11 cm^-2 s^-1 for
  Archean H2 outgassing (~1e11); we take 3e10 as their flux for 1e11 of H2.
* Methanogenesis 4 H2 + CO2 -> CH4 + 2 H2O(l): dG0 = -130.4 kJ/mol (Thauer et al. 1977, Bacteriol.
  Rev. 41, 100: -131 kJ/mol).
* Tijhuis et al. (1993): maintenance 4.5 kJ (C-mol)^-1 h^-1 at 298 K, Ea 69.4 kJ/mol.
* Modern Earth: NPP 104.9 Pg C/yr (Field et al. 1998), biogenic CH4 ~1e11 cm^-2 s^-1, global mean
  surface PAR ~300 umol m^-2 s^-1; a 2566 K star gives ~12 % of the Sun's PAR photons per
  bolometric W (Planck).
"""

from __future__ import annotations

import pytest

from astrobio.domain.biosphere_flux import (
    METHANOGENESIS,
    PISTON_VELOCITY_CM_S,
    ModelYield,
    combine,
    h2_budget,
    h2_threshold_bar,
    maintenance_power_kj_g_s,
    par_photons_per_joule,
    par_umol_m2_s,
)
from astrobio.domain.photochemistry import (
    photochemical_lifetimes_yr,
    steady_state_mixing_ratios,
    stellar_uv_for,
)

#: iAF692 on H2/CO2 (measured with FBA: CH4 0.207 per H2; the rest of the electrons go to biomass).
METHANOGEN = ModelYield(model_id="iAF692", role="hydrogenotroph",
                        yields={"h2": -1.0, "co2": -0.29, "ch4": 0.207})
#: Synechocystis (iJN678): O2 per CO2 fixed ~1.05-1.5 (Laws 1991).
CYANO = ModelYield(model_id="iJN678", role="oxygenic_phototroph", yields={"co2": -1.0, "o2": 1.1})
ANOXIC = {"n2": 0.99, "co2": 0.01}


def test_piston_velocities_are_kharechas() -> None:
    assert PISTON_VELOCITY_CM_S["h2"] == 1.3e-2 and PISTON_VELOCITY_CM_S["co"] == 4.8e-3


def test_standard_gibbs_energy_of_methanogenesis() -> None:
    standard = {"h2": 1.0, "co2": 1.0, "ch4": 1.0}
    assert METHANOGENESIS.delta_g_kj_mol(298.15, standard) == pytest.approx(-131.0, abs=1.5)


def test_tijhuis_maintenance_power() -> None:
    assert maintenance_power_kj_g_s(298.15) == pytest.approx(4.5 / 24.6 / 3600, rel=1e-6)
    # Arrhenius with 69.4 kJ/mol: x2.95 from 25 to 37 degC.
    ratio = maintenance_power_kj_g_s(310.15) / maintenance_power_kj_g_s(298.15)
    assert ratio == pytest.approx(2.95, rel=0.02)


def test_h2_limited_methanogen_biosphere_matches_kharecha_within_a_factor_3() -> None:
    out = combine([METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0, partial_pressures_bar=ANOXIC,
                  par_umol_m2_s=0.0, liquid_water=True, h2_outgassing=1.0e11)
    ch4 = out.flux_molecules_cm2_s["ch4"]
    assert 3e10 / 3 <= ch4 <= 3e10 * 3
    assert "outgassing" in out.limits["ch4"] and not out.oxygenic
    # Nearly all of the outgassed H2 enters the ocean: escape takes little once methanogens draw it down.
    budget = h2_budget(outgassing=1e11, temperature_k=288.0, surface_pressure_bar=1.0,
                       threshold_bar=h2_threshold_bar(288.0, 0.01, 1e-6))
    assert budget.ocean_uptake > 0.9e11 and budget.escape < 0.05e11


def test_flux_scales_with_supply_not_with_biomass() -> None:
    lo, hi = (combine([METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0,
                      partial_pressures_bar=ANOXIC, par_umol_m2_s=0.0, liquid_water=True,
                      h2_outgassing=f).flux_molecules_cm2_s["ch4"] for f in (1e10, 1e11))
    assert hi / lo == pytest.approx(10.0, rel=0.05)


def test_no_methane_without_a_carbon_source() -> None:
    out = combine([METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0,
                  partial_pressures_bar={"n2": 1.0}, par_umol_m2_s=0.0, liquid_water=True, h2_outgassing=1e11)
    assert out.flux_molecules_cm2_s.get("ch4", 0.0) == 0.0 and "carbon" in out.limits["ch4"]


def test_energy_limit_stops_methanogenesis_when_dg_is_too_small() -> None:
    # Methane-saturated, CO2-poor, H2 held at 1e-7 bar: dG > -10 kJ/mol.
    out = combine([METHANOGEN], temperature_k=300.0, surface_pressure_bar=1.0,
                  partial_pressures_bar={"n2": 0.5, "co2": 1e-6, "ch4": 0.4, "h2": 1e-7},
                  par_umol_m2_s=0.0, liquid_water=True, h2_outgassing=1e10)
    assert out.flux_molecules_cm2_s.get("ch4", 0.0) == 0.0 and out.limits["ch4"].startswith("energy")


def test_par_of_a_2566_k_star_is_12_percent_of_the_suns_per_watt() -> None:
    assert par_photons_per_joule(2566.0) / par_photons_per_joule(5772.0) == pytest.approx(0.12, abs=0.01)
    assert par_umol_m2_s(teff_k=5772.0, insolation_earth=1.0) == pytest.approx(300.0, rel=0.2)


def test_modern_earth_like_biosphere_gives_earths_methane() -> None:
    par = par_umol_m2_s(teff_k=5772.0, insolation_earth=1.0)
    out = combine([CYANO, METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0,
                  partial_pressures_bar={"n2": 0.78, "o2": 0.21, "co2": 4e-4}, par_umol_m2_s=par,
                  liquid_water=True)
    assert out.oxygenic
    npp_pg_c_yr = out.npp_c_cm2_s * 5.1e18 * 3.15576e7 / 6.022e23 * 12.0 / 1e15
    assert npp_pg_c_yr == pytest.approx(104.9, rel=0.5)
    ch4 = out.flux_molecules_cm2_s["ch4"]
    assert 1e11 / 3 <= ch4 <= 1e11 * 3
    sun = stellar_uv_for(5772.0)
    tau = photochemical_lifetimes_yr(sun, sun, oxic=out.oxygenic, insolation_earth=1.0)
    x = steady_state_mixing_ratios({"CH4": ch4}, tau)["CH4"]
    assert x == pytest.approx(1.8e-6, rel=0.5)


@pytest.mark.parametrize(("par", "water"), [(0.0, True), (300.0, False)])
def test_no_oxygen_without_a_working_oxygenic_producer(par: float, water: bool) -> None:
    out = combine([CYANO, METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0,
                  partial_pressures_bar=ANOXIC, par_umol_m2_s=par, liquid_water=water)
    assert not out.oxygenic and out.flux_molecules_cm2_s.get("o2", 0.0) <= 0.0


def test_no_oxygen_from_a_methanogen_only_biosphere() -> None:
    out = combine([METHANOGEN], temperature_k=288.0, surface_pressure_bar=1.0, partial_pressures_bar=ANOXIC,
                  par_umol_m2_s=1000.0, liquid_water=True)
    assert not out.oxygenic and out.limits["o2"] == "no oxygenic producer grows"
