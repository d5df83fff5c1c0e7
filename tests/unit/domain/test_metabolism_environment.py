"""Environment physics against published numbers: Henry's law (Sander 2015), CTMI, unit conversions."""

from __future__ import annotations

import math

import pytest

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.metabolism_environment import (
    ORGANISM_CLASSES,
    BiomassAssumption,
    CardinalTemperatures,
    PlanetEnvironment,
    uptake_limits,
)


def env(**kw: object) -> PlanetEnvironment:
    base: dict[str, object] = {"temperature_k": 298.15, "pressure_bar": 1.0}
    return PlanetEnvironment(**(base | kw))  # type: ignore[arg-type]


def test_dissolved_o2_in_air_saturated_water_matches_tabulated_solubility() -> None:
    # Air-saturated fresh water at 25 degC holds 8.26 mg O2 / L = 0.258 mM (Benson & Krause 1984
    # via USGS tables); pO2 of dry air at 1 atm is 0.2095 atm = 0.2123 bar.
    c = env(partial_pressures_bar={"o2": 0.2123}).dissolved_mm("o2")
    assert c == pytest.approx(0.258, rel=0.08)


def test_co2_is_about_twice_as_soluble_at_0c_as_at_25c() -> None:
    # Weiss (1974): K0(CO2) = 0.0764 mol L^-1 atm^-1 at 0 degC and 0.0339 at 25 degC (ratio 2.25).
    cold = env(temperature_k=273.15, partial_pressures_bar={"co2": 1.0}).dissolved_mm("co2")
    warm = env(partial_pressures_bar={"co2": 1.0}).dissolved_mm("co2")
    assert cold / warm == pytest.approx(0.0764 / 0.0339, rel=0.1)
    assert warm == pytest.approx(33.9, rel=0.05)  # 1 bar CO2 at 25 degC: ~34 mM


def test_ctmi_is_one_at_the_optimum_and_zero_outside_the_cardinal_range() -> None:
    m = ORGANISM_CLASSES["mesophile"]
    assert m.factor(m.topt_k) == pytest.approx(1.0)
    assert m.factor(m.tmin_k) == 0.0 and m.factor(m.tmax_k) == 0.0
    assert m.factor(200.0) == 0.0 and m.factor(400.0) == 0.0
    assert 0.0 < m.factor(m.topt_k - 10.0) < 1.0
    # CTMI's cold side is the Ratkowsky square-root law near T_min: sqrt(mu) ~ linear in T.
    t1, t2 = m.tmin_k + 1.0, m.tmin_k + 2.0
    assert math.sqrt(m.factor(t2)) / math.sqrt(m.factor(t1)) == pytest.approx(2.0, rel=0.1)


def test_cardinal_temperatures_must_be_ordered() -> None:
    with pytest.raises(InvalidQuantity):
        CardinalTemperatures(tmin_k=300.0, topt_k=290.0, tmax_k=310.0)


@pytest.mark.parametrize(("kw", "field"), [
    ({"partial_pressures_bar": {"h2": -0.1}}, "partial_pressures_bar.h2"),
    ({"partial_pressures_bar": {"xe": 0.1}}, "partial_pressures_bar.xe"),
    ({"partial_pressures_bar": {"n2": 0.9, "o2": 0.3}}, "partial_pressures_bar"),
    ({"temperature_k": -5.0}, "temperature_k"),
    ({"ph": 15.0}, "ph"),
    ({"photon_flux_umol_m2_s": -1.0}, "photon_flux_umol_m2_s"),
])
def test_rejects_unphysical_environments_naming_the_field(kw: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidQuantity) as err:
        env(**kw)
    assert err.value.field == field


def test_uptake_caps_follow_michaelis_menten_and_vanish_without_the_gas() -> None:
    meso = ORGANISM_CLASSES["mesophile"]
    at_opt = env(temperature_k=meso.topt_k, partial_pressures_bar={"h2": 1.0})
    caps = uptake_limits(at_opt, meso).caps_mmol_gdw_h
    assert caps["h2"] == pytest.approx(20.0, rel=0.01)  # saturating: ~ v_max
    assert caps["o2"] == 0.0 and caps["photon"] == 0.0
    cold = uptake_limits(env(temperature_k=250.0, partial_pressures_bar={"h2": 1.0}), meso)
    assert cold.capacity_factor == 0.0 and cold.caps_mmol_gdw_h["h2"] == 0.0


def test_surface_flux_conversion() -> None:
    b = BiomassAssumption(biomass_gdw_m2=10.0)
    # 1 mmol gDW^-1 h^-1 x 10 gDW m^-2 = 10 mmol m^-2 h^-1 = 2.778e-6 mol m^-2 s^-1.
    assert b.surface_flux_mol_m2_s(1.0) == pytest.approx(1e-2 / 3600.0)
    assert b.surface_flux_molecules_cm2_s(1.0) == pytest.approx(1e-2 / 3600.0 * 6.02214076e23 / 1e4)


def test_henry_solubility_stays_finite_on_a_frozen_world() -> None:
    import math

    from astrobio.domain.metabolism_environment import PlanetEnvironment as Env

    env = Env(temperature_k=2.0, pressure_bar=1.0, partial_pressures_bar={"co2": 0.5, "nh3": 0.1})
    assert all(math.isfinite(env.dissolved_mm(g)) for g in ("co2", "nh3", "h2"))
