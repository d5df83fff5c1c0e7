"""Composition classes (Zeng et al. 2016/2019), the habitability gate, runaway greenhouse, HZ rule, ESI."""

from __future__ import annotations

import math

import numpy as np
import pytest

from astrobio.domain.assessment import assess_planet
from astrobio.domain.biosignature_ranking import Verdict, biosignature_potential, screen
from astrobio.domain.composition import (
    background_gas,
    composition_probabilities,
    earthlike_radius_earth,
    water50_radius_earth,
)
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.habitability import earth_similarity_index, habitable_zone, runaway_flux_earth
from astrobio.domain.jwst_feasibility import feasible_modes, programme_reach, visibility_fraction
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.star import Star
from astrobio.domain.uncertainty import PlanetDraw, draw_potential, top_k_probability

SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=12.0)
# TRAPPIST-1: Agol et al. (2021) Teff 2566 K, R 0.1192 R_sun, M 0.0898 M_sun, L 5.53e-4 L_sun.
TRAPPIST1 = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898, luminosity_sun=5.53e-4)


# Zeng et al. (2016) eq. 3 / Zeng et al. (2019) Earth-like table: 1 M_earth -> 1.0 R_earth and
# 5 M_earth -> ~1.55 R_earth; 50 % water at 1 M_earth -> 1.24 R_earth.
def test_zeng_earthlike_curve_gives_earth_and_a_five_earth_mass_rock() -> None:
    r1, r5 = earthlike_radius_earth([1.0, 5.0])
    assert r1 == pytest.approx(1.0, abs=0.01)
    assert 1.5 <= r5 <= 1.6
    assert float(water50_radius_earth(1.0)) == pytest.approx(1.24, abs=0.01)


@pytest.mark.parametrize(("name", "mass", "mass_err", "radius", "radius_err", "expected"), [
    ("Earth", 1.0, None, 1.0, None, PlanetClass.ROCKY),
    # Neptune 17.15 M_earth, 3.883 R_earth: far above pure water, an envelope below 4 R_earth.
    ("Neptune", 17.15, None, 3.883, None, PlanetClass.SUB_NEPTUNE),
    # Saturn 95.16 M_earth, 9.45 R_earth: giant.
    ("Saturn", 95.16, None, 9.449, None, PlanetClass.GAS_GIANT),
    # GJ 1214 b: 8.17 +- 0.43 M_earth, 2.742 +- 0.05 R_earth (Cloutier et al. 2021): envelope.
    ("GJ 1214 b", 8.17, (0.43, 0.43), 2.742, (0.05, 0.05), PlanetClass.SUB_NEPTUNE),
    # LHS 1140 b: 5.60 +- 0.19 M_earth, 1.730 +- 0.025 R_earth (Cadieux et al. 2024): above pure
    # rock, below pure water -- the water world (10-20 % water) Cadieux et al. favour.
    ("LHS 1140 b", 5.60, (0.19, 0.19), 1.730, (0.025, 0.025), PlanetClass.WATER_RICH),
    # K2-18 b: 8.63 +- 1.35 M_earth, 2.610 +- 0.087 R_earth (Benneke et al. 2019): H2-rich envelope
    # (JWST: CH4 and CO2 in an H2-dominated atmosphere, Madhusudhan et al. 2023).
    ("K2-18 b", 8.63, (1.35, 1.35), 2.610, (0.087, 0.087), PlanetClass.SUB_NEPTUNE),
])
def test_composition_class_of_known_planets(
    name: str, mass: float, mass_err: tuple[float, float] | None, radius: float,
    radius_err: tuple[float, float] | None, expected: PlanetClass,
) -> None:
    c = composition_probabilities(radius_earth=radius, radius_err=radius_err, mass_earth=mass,
                                  mass_err=mass_err)
    assert c.most_likely is expected, (name, c)
    assert c.as_dict()[expected] > 0.6


def test_lhs_1140_b_has_a_surface_and_k2_18_b_an_h2_background() -> None:
    lhs = composition_probabilities(radius_earth=1.730, radius_err=(0.025, 0.025), mass_earth=5.60,
                                    mass_err=(0.19, 0.19))
    k2 = composition_probabilities(radius_earth=2.610, radius_err=(0.087, 0.087), mass_earth=8.63,
                                   mass_err=(1.35, 1.35))
    assert lhs.p_surface > 0.95 and background_gas(lhs) == "N2"
    assert k2.p_envelope > 0.6 and background_gas(k2) == "H2"


def test_radius_only_classes_follow_the_radius_valley() -> None:
    # Rogers (2015): most planets above 1.6 R_earth are not rocky; Fulton et al. (2017) valley 1.5-2.0.
    small = composition_probabilities(radius_earth=1.2)
    large = composition_probabilities(radius_earth=2.4)
    giant = composition_probabilities(radius_earth=11.0)
    assert small.basis == "radius_only" and small.rocky > 0.99
    assert large.rocky < 0.01 and large.most_likely is PlanetClass.SUB_NEPTUNE
    assert giant.most_likely is PlanetClass.GAS_GIANT


def test_runaway_limit_grows_with_mass_as_kopparapu_2014() -> None:
    # Kopparapu et al. (2014) Table 1 at the Sun: 0.99, 1.107, 1.188 S_earth for 0.1, 1, 5 M_earth.
    s = runaway_flux_earth(5780.0, [0.1, 1.0, 5.0])
    assert s == pytest.approx([0.99, 1.107, 1.188], abs=1e-6)
    mid = float(runaway_flux_earth(5780.0, math.sqrt(5.0)))  # half-way in log mass
    assert mid == pytest.approx((1.107 + 1.188) / 2, abs=1e-6)


def _solar(name: str, a_au: float, radius: float, mass: float) -> Planet:
    return Planet(name=name, star=SUN, radius_earth=radius, mass_earth=mass, semi_major_axis_au=a_au,
                  transits=True)


def test_venus_instellation_has_no_liquid_water_and_earth_has() -> None:
    # Venus receives 1.91 S_earth (a = 0.723 AU): above the runaway limit, no surface water.
    venus = assess_planet(_solar("Venus", 0.723, 0.949, 0.815))
    earth = assess_planet(_solar("Earth", 1.0, 1.0, 1.0))
    assert venus.insolation_earth == pytest.approx(1.91, abs=0.02)
    assert venus.in_runaway and not earth.in_runaway
    snr = {"nirspec_prism": {"O3": 10.0}}
    pv = biosignature_potential(venus, surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr)
    pe = biosignature_potential(earth, surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr)
    assert pv.p_liquid_water == 0.0 and pv.habitability == 0.0 and pv.total == 0.0
    assert pe.p_liquid_water > 0.7 and pe.habitability > 0.7


def test_habitability_is_a_gate_not_a_mean() -> None:
    # TRAPPIST-1 g-like: global-mean Ts 204 K +- 20 K. Tidally locked (Teff 2566 K): open ocean needs a
    # global mean >= 227 K (the coldest locked GCM run, 227.5 K, keeps 19 % open ocean): P = 0.125,
    # and the gate multiplies: no HZ bonus lifts it (the old mean gave 0.5).
    g = assess_planet(Planet(name="TRAPPIST-1 g", star=TRAPPIST1, radius_earth=1.129, mass_earth=1.321,
                             semi_major_axis_au=0.04683, transits=True))
    p = biosignature_potential(g, surface_temperature_k=204.0, surface_temperature_sigma_k=20.0,
                               snr={"nirspec_prism": {"CH4": 50.0, "CO2": 50.0}})
    assert g.in_conservative_hz and p.p_liquid_water == pytest.approx(0.125, abs=0.002)
    assert p.total == pytest.approx(p.p_surface * p.p_liquid_water)
    # A rotating planet at the same temperature has no open ocean at all (threshold 243 K).
    rotating = assess_planet(_solar("Cold", 1.9, 1.0, 1.0))
    q = biosignature_potential(rotating, surface_temperature_k=204.0, surface_temperature_sigma_k=20.0,
                               snr={"nirspec_prism": {"CO2": 50.0}})
    assert q.p_liquid_water < 0.03


def test_beyond_the_early_mars_limit_there_is_no_liquid_water() -> None:
    # TRAPPIST-1 h (Agol et al. 2021): a = 0.06189 AU, S = 0.144 S_earth, below the early-Mars limit
    # (0.20 S_earth at the 2600 K edge): whatever a climate model says, no liquid water.
    h = assess_planet(Planet(name="TRAPPIST-1 h", star=TRAPPIST1, radius_earth=0.755, mass_earth=0.326,
                             semi_major_axis_au=0.06189, transits=True))
    assert h.insolation_earth == pytest.approx(0.144, abs=0.005) and h.beyond_outer_edge
    p = biosignature_potential(h, surface_temperature_k=280.0, surface_temperature_sigma_k=10.0,
                               snr={"nirspec_prism": {"CO2": 50.0}})
    assert p.p_liquid_water == 0.0 and p.total == 0.0


def test_esi_of_mars_is_the_phl_value() -> None:
    # PHL Habitable Worlds Catalog: Mars ESI 0.64 (R = 0.532 R_earth, S = 0.431 S_earth).
    assert earth_similarity_index(0.532, 0.431) == pytest.approx(0.64, abs=0.01)
    assert earth_similarity_index(1.0, 1.0) == 1.0


def test_trappist_1_e_in_the_conservative_hz_with_valid_false() -> None:
    # Agol et al. (2021): a = 0.02925 AU; Teff 2566 K is below the fit's 2600 K: clamp, flag.
    e = assess_planet(Planet(name="TRAPPIST-1 e", star=TRAPPIST1, radius_earth=0.920, mass_earth=0.692,
                             semi_major_axis_au=0.02925, transits=True))
    assert e.in_conservative_hz and e.hz.valid is False
    assert any("clamped" in w for w in e.warnings)
    assert e.hz.runaway_greenhouse_au == pytest.approx(habitable_zone(2600.0, 5.53e-4).runaway_greenhouse_au)
    assert screen(e) is Verdict.MODELLED
    # PHL's ESI for TRAPPIST-1 e is about 0.85.
    assert e.esi == pytest.approx(0.85, abs=0.02)


def test_bright_stars_saturate_prism_and_programmes_have_a_reach() -> None:
    # NIRSpec PRISM saturates near J = 10.5 (JDox); LHS 1140 (J = 9.6) must use another mode.
    assert "nirspec_prism" not in feasible_modes(["nirspec_prism", "miri_lrs"], 9.6)
    assert feasible_modes(["nirspec_prism"], 11.4) == ["nirspec_prism"]
    assert visibility_fraction(0.0) == pytest.approx(50.0 / 180.0)
    assert visibility_fraction(89.0) == 1.0
    assert programme_reach(6.1, 0.0) == 30  # capped
    assert programme_reach(300.0, 0.0) == 1  # ~1.2 per year x 0.28 x 3 years


def test_planet_rejects_negative_and_nan_errors() -> None:
    for bad in [(-0.1, 0.1), (0.1, math.nan)]:
        with pytest.raises(InvalidQuantity) as err:
            Planet(name="X b", star=SUN, radius_earth=1.0, errors={"radius_earth": bad})
        assert err.value.field == "errors.radius_earth"


def _draw(**kw: object) -> PlanetDraw:
    base: dict[str, object] = dict(
        radius_earth=1.0, radius_err=(0.02, 0.02), mass_earth=1.0, mass_err=(0.05, 0.05), teff_k=5772.0,
        teff_err=(50.0, 50.0), star_radius_sun=1.0, star_radius_err=(0.01, 0.01), star_mass_sun=1.0,
        star_mass_err=None, luminosity_sun=None, period_days=365.25, period_err=None, semi_major_axis_au=1.0,
        semi_major_axis_err=None, ts_k=288.0, ts_model_sigma_k=20.0, teq_k=278.0, best_snr=10.0,
        transits_for_5sigma=5.0, max_transits=30.0, atmosphere_snr=20.0,
    )
    base.update(kw)
    return PlanetDraw(**base)  # type: ignore[arg-type]


def test_monte_carlo_gates_and_caps() -> None:
    draws = draw_potential([
        _draw(),
        _draw(semi_major_axis_au=0.723),  # Venus orbit: runaway
        _draw(max_transits=0.0),  # out of the programme's reach
        _draw(radius_earth=2.6, mass_earth=8.6, mass_err=(1.3, 1.3)),  # envelope: no surface
    ], 256)
    q = draws.quantiles()
    assert q[0, 1] > 0.5 and np.all(draws.potential[1:3] == 0.0)
    assert draws.potential[3].mean() < 0.2
    p10 = top_k_probability(draws.potential, k=1)
    assert p10[0] > 0.7 and p10[1] == 0.0
