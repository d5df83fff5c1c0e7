"""Kepler III, T_eq, instellation, TSM/ESM (Kempton 2018), ESI and mass-radius, against known values."""

from __future__ import annotations

import math

import pytest

from astrobio.domain.errors import DomainError, InvalidQuantity
from astrobio.domain.habitability import earth_similarity_index
from astrobio.domain.observability import (
    emission_spectroscopy_metric,
    planck_lambda,
    transmission_spectroscopy_metric,
    tsm_scale_factor,
)
from astrobio.domain.orbits import (
    equilibrium_temperature_k,
    insolation_earth,
    luminosity_sun,
    semi_major_axis_au,
)
from astrobio.domain.planet_class import PlanetClass, classify_by_mass, estimate_mass_earth


def test_earth_year_around_one_solar_mass_is_one_au() -> None:
    assert semi_major_axis_au(365.256363, 1.0) == pytest.approx(1.0, abs=2e-5)


def test_jupiter_semi_major_axis_from_its_period() -> None:
    # P = 4332.59 d, a = 5.2026 AU (planetary fact sheet); planet mass neglected (+0.03 %).
    assert semi_major_axis_au(4332.59, 1.0) == pytest.approx(5.2026, rel=5e-4)


def test_sun_luminosity_from_radius_and_teff_is_one() -> None:
    assert luminosity_sun(1.0, 5772.0) == pytest.approx(1.0)
    assert luminosity_sun(2.0, 5772.0 * 2**0.5) == pytest.approx(16.0)


def test_earth_equilibrium_temperature_zero_albedo() -> None:
    # T_sun * sqrt(R_sun / 2 AU) = 5772 * sqrt(6.957e8 / 2.992e11) = 278.3 K
    assert equilibrium_temperature_k(5772.0, 1.0, 1.0) == pytest.approx(278.3, abs=0.1)


def test_instellation_is_l_over_a_squared() -> None:
    assert insolation_earth(1.0, 1.0) == 1.0
    assert insolation_earth(0.0005, 0.0293) == pytest.approx(0.5824, rel=1e-3)


def test_mars_esi_is_the_phl_0_64() -> None:
    # Planetary Habitability Laboratory (radius + stellar flux form): Mars 0.64.
    assert earth_similarity_index(0.532, 0.43) == pytest.approx(0.64, abs=0.01)


def test_earth_esi_is_one_and_esi_falls_away_from_earth() -> None:
    assert earth_similarity_index(1.0, 1.0) == 1.0
    assert earth_similarity_index(1.0, 1.0) > earth_similarity_index(1.5, 1.0) > earth_similarity_index(3, 1)


def test_tsm_scale_factors_by_radius_bin() -> None:
    assert [tsm_scale_factor(r) for r in (1.0, 1.5, 2.74, 2.75, 3.99, 4.0, 9.99, 10.0)] == [
        0.190, 1.26, 1.26, 1.28, 1.28, 1.15, 1.15, None]


def test_tsm_worked_by_hand_for_gj_1214_b() -> None:
    # Rp 2.742 R_e, Mp 8.17 M_e, Teq 596 K, R* 0.216 R_sun, J 9.750, scale 1.26:
    # 1.26 * 20.6155 * 596 / (8.17 * 0.046656) * 10**-1.95 = 15481.0 / 0.381180 * 0.0112202 = 455.7
    tsm = transmission_spectroscopy_metric(radius_earth=2.742, mass_earth=8.17, teq_k=596.0,
                                           star_radius_sun=0.216, j_mag=9.750)
    assert tsm == pytest.approx(455.7, abs=0.3)


def test_tsm_undefined_at_and_above_ten_earth_radii() -> None:
    assert transmission_spectroscopy_metric(radius_earth=11.0, mass_earth=300.0, teq_k=1000.0,
                                            star_radius_sun=1.0, j_mag=8.0) is None


def test_esm_reduces_to_the_geometric_factor_when_dayside_equals_teff() -> None:
    # If 1.10 * Teq == Teff the Planck ratio is 1: ESM = 4.29e6 (Rp/R*)^2 10^(-K/5).
    rp_over_rs = 1.0 * 6.3781e6 / 6.957e8
    esm = emission_spectroscopy_metric(radius_earth=1.0, teq_k=3000.0 / 1.1, star_radius_sun=1.0,
                                       star_teff_k=3000.0, k_mag=5.0)
    assert esm == pytest.approx(4.29e6 * rp_over_rs**2 * 0.1, rel=1e-9)


def test_planck_function_wien_peak() -> None:
    # Wien: lambda_max T = 2.897771955e-3 m K; B_lambda is maximal there.
    t = 5772.0
    peak = 2.897771955e-3 / t
    assert planck_lambda(peak, t) > planck_lambda(peak * 1.02, t)
    assert planck_lambda(peak, t) > planck_lambda(peak * 0.98, t)


def test_planck_function_is_finite_for_very_cold_planets() -> None:
    # Wide-orbit planets have T_eq of a few K: B(7.5 um) is ~0, never an overflow.
    assert planck_lambda(7.5e-6, 1.0) == 0.0 or planck_lambda(7.5e-6, 1.0) < 1e-300
    assert emission_spectroscopy_metric(radius_earth=12.0, teq_k=2.0, star_radius_sun=1.0,
                                        star_teff_k=5772.0, k_mag=5.0) == pytest.approx(0.0, abs=1e-100)


def test_chen_kipping_branches_meet_at_the_terran_neptunian_transition() -> None:
    # Both Kempton branches give about 2.04 M_earth at 1.23 R_earth (Chen & Kipping's transition).
    lo = 0.9718 * 1.23**3.58
    hi = estimate_mass_earth(1.23)
    assert hi is not None and lo == pytest.approx(2.04, abs=0.01) and hi == pytest.approx(2.04, abs=0.01)
    assert estimate_mass_earth(1.0) == pytest.approx(0.9718)


def test_mass_is_not_estimated_where_radius_does_not_determine_it() -> None:
    assert estimate_mass_earth(14.0) is not None
    assert estimate_mass_earth(15.0) is None


@pytest.mark.parametrize(("mass", "cls"), [
    (1.0, PlanetClass.ROCKY), (2.03, PlanetClass.ROCKY), (2.04, PlanetClass.SUB_NEPTUNE),
    (17.15, PlanetClass.SUB_NEPTUNE), (131.0, PlanetClass.SUB_NEPTUNE), (132.0, PlanetClass.GAS_GIANT),
    (317.8, PlanetClass.GAS_GIANT), (13 * 317.83 - 1, PlanetClass.GAS_GIANT),
    (13 * 317.83 + 1, PlanetClass.BROWN_DWARF),
])
def test_planet_class_transitions(mass: float, cls: PlanetClass) -> None:
    assert classify_by_mass(mass) is cls


@pytest.mark.parametrize("bad", [-1.0, 0.0, math.nan, math.inf])
def test_rejects_non_physical_inputs_with_a_domain_error(bad: float) -> None:
    with pytest.raises(InvalidQuantity) as err:
        semi_major_axis_au(bad, 1.0)
    assert err.value.field == "orbital_period_days"
    assert isinstance(err.value, ValueError) and isinstance(err.value, DomainError)
