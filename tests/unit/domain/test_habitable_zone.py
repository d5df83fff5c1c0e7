"""Kopparapu et al. (2014) habitable zone, pinned to the paper's Table 1 and the Sun."""

from __future__ import annotations

import math

import pytest

from astrobio.domain.habitability import KOPPARAPU_2014, HzLimit, effective_flux, habitable_zone

# Kopparapu et al. 2014, ApJL 787, L29, Table 1 (S_eff_sun, a, b, c, d), typed from the paper.
PUBLISHED_TABLE_1 = {
    HzLimit.RECENT_VENUS: (1.776, 2.136e-4, 2.533e-8, -1.332e-11, -3.097e-15),
    HzLimit.RUNAWAY_GREENHOUSE_1_ME: (1.107, 1.332e-4, 1.580e-8, -8.308e-12, -1.931e-15),
    HzLimit.MAXIMUM_GREENHOUSE: (0.356, 6.171e-5, 1.698e-9, -3.198e-12, -5.575e-16),
    HzLimit.EARLY_MARS: (0.320, 5.547e-5, 1.526e-9, -2.874e-12, -5.011e-16),
    HzLimit.RUNAWAY_GREENHOUSE_5_ME: (1.188, 1.433e-4, 1.707e-8, -8.968e-12, -2.084e-15),
    HzLimit.RUNAWAY_GREENHOUSE_0P1_ME: (0.99, 1.209e-4, 1.404e-8, -7.418e-12, -1.713e-15),
}


def test_coefficients_are_kopparapu_2014_table_1() -> None:
    assert PUBLISHED_TABLE_1 == KOPPARAPU_2014


def test_no_runaway_coefficient_carries_the_widely_copied_typo() -> None:
    # Copies of the 2013 table print runaway b = 1.5418e-9 instead of 1.5418e-8: in every
    # inner-edge limit b must be of order 1e-8, not 1e-9.
    for limit in (HzLimit.RECENT_VENUS, HzLimit.RUNAWAY_GREENHOUSE_1_ME, HzLimit.RUNAWAY_GREENHOUSE_5_ME,
                  HzLimit.RUNAWAY_GREENHOUSE_0P1_ME):
        assert 1e-8 <= KOPPARAPU_2014[limit][2] < 1e-7
    assert all(coeffs[2] != 1.5418e-9 for coeffs in KOPPARAPU_2014.values())


@pytest.mark.parametrize("limit", list(HzLimit))
def test_effective_flux_at_the_reference_temperature_is_the_solar_value(limit: HzLimit) -> None:
    assert effective_flux(limit, 5780.0) == pytest.approx(PUBLISHED_TABLE_1[limit][0], rel=1e-12)


def test_solar_hz_distances_match_the_paper() -> None:
    # Kopparapu 2014: for the Sun the 1 M_earth runaway greenhouse limit is 0.95 AU and
    # the optimistic HZ is 0.75-1.77 AU; max greenhouse 1/sqrt(0.356) = 1.676 AU.
    hz = habitable_zone(5780.0, 1.0)
    assert hz.recent_venus_au == pytest.approx(0.750, abs=0.001)
    assert hz.runaway_greenhouse_au == pytest.approx(0.950, abs=0.001)
    assert hz.maximum_greenhouse_au == pytest.approx(1.676, abs=0.001)
    assert hz.early_mars_au == pytest.approx(1.768, abs=0.001)
    assert hz.valid
    assert hz.contains_conservative(1.0) and hz.contains_optimistic(1.0)
    assert not hz.contains_conservative(0.8) and hz.contains_optimistic(0.8)


def test_more_massive_planets_have_a_closer_runaway_limit() -> None:
    # Kopparapu 2014's central result: the inner edge moves in with planet mass.
    for teff in (2600.0, 3500.0, 5780.0, 7200.0):
        hz = habitable_zone(teff, 1.0)
        assert hz.runaway_greenhouse_5me_au < hz.runaway_greenhouse_au < hz.runaway_greenhouse_0p1me_au


def test_cool_star_fluxes_decrease_with_teff() -> None:
    # At 2600 K (edge of validity) every limit needs less flux than at 5780 K.
    for limit in HzLimit:
        assert effective_flux(limit, 2600.0) < effective_flux(limit, 5780.0)


@pytest.mark.parametrize("teff", [2500.0, 7300.0, 10000.0])
def test_outside_2600_7200_k_the_hz_uses_the_nearest_edge_and_is_flagged(teff: float) -> None:
    hz = habitable_zone(teff, 1.0)
    edge = habitable_zone(min(7200.0, max(2600.0, teff)), 1.0)
    assert hz.valid is False and edge.valid
    assert hz.runaway_greenhouse_au == edge.runaway_greenhouse_au
    assert hz.early_mars_au == edge.early_mars_au


def test_boundaries_are_inclusive_of_the_fit_range() -> None:
    assert habitable_zone(2600.0, 0.001).valid and habitable_zone(7200.0, 5.0).valid


def test_distance_scales_with_sqrt_luminosity() -> None:
    a, b = habitable_zone(4000.0, 0.1), habitable_zone(4000.0, 0.4)
    assert b.maximum_greenhouse_au / a.maximum_greenhouse_au == pytest.approx(2.0)
    assert math.isfinite(a.recent_venus_au)
