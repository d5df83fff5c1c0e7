"""Screening verdicts and the biosignature-potential combination."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from astrobio.domain.assessment import assess_planet
from astrobio.domain.atmosphere import grey_surface_temperature_k
from astrobio.domain.biosignature_ranking import (
    GREY_SURFACE_SIGMA_K,
    PotentialWeights,
    Verdict,
    best_biogenic_feature,
    biosignature_potential,
    hz_score,
    p_liquid_water,
    screen,
)
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, j_mag=4.0, k_mag=3.5, distance_pc=10.0)
#: TRAPPIST-1 (Agol et al. 2021): Teff 2566 K, below the 2600 K edge of the Kopparapu fit.
TRAPPIST1 = Star(
    name="TRAPPIST-1",
    teff_k=2566.0,
    radius_sun=0.1192,
    mass_sun=0.0898,
    luminosity_sun=5.5e-4,
    j_mag=11.35,
    k_mag=10.3,
    distance_pc=12.47,
)


def planet(
    a_au: float,
    *,
    radius: float = 1.0,
    mass: float | None = 1.0,
    transits: bool | None = True,
    star: Star = SUN,
) -> Planet:
    return Planet(
        name="p", star=star, radius_earth=radius, mass_earth=mass, semi_major_axis_au=a_au, transits=transits
    )


def test_screening_keeps_a_transiting_earth_and_turns_away_the_rest_with_a_reason() -> None:
    assert screen(assess_planet(planet(1.0))) is Verdict.MODELLED
    assert screen(assess_planet(planet(1.0, radius=11.0, mass=318.0))) is Verdict.GIANT
    assert screen(assess_planet(planet(1.0, transits=None))) is Verdict.NOT_TRANSITING
    assert screen(assess_planet(planet(1.0, transits=False))) is Verdict.NOT_TRANSITING
    # A hot Jupiter-like orbit for an Earth (0.05 AU) and an Earth at Saturn's distance.
    assert screen(assess_planet(planet(0.05))) is Verdict.FAR_FROM_HZ
    assert screen(assess_planet(planet(9.5))) is Verdict.FAR_FROM_HZ


def test_trappist_1_e_is_modelled_and_in_the_hz_despite_the_extrapolated_fit() -> None:
    # TRAPPIST-1 e: a = 0.02925 AU, R = 0.920 R_earth, M = 0.692 M_earth (Agol et al. 2021).
    a = assess_planet(
        Planet(
            name="TRAPPIST-1 e",
            star=TRAPPIST1,
            radius_earth=0.920,
            mass_earth=0.692,
            semi_major_axis_au=0.02925,
            transits=True,
        )
    )
    assert not a.hz.valid and a.in_conservative_hz  # Teff clamped to 2600 K, flagged
    assert screen(a) is Verdict.MODELLED
    assert hz_score(a) == 1.0


def test_p_liquid_water_is_the_gaussian_mass_between_melting_and_boiling() -> None:
    assert p_liquid_water(288.0, 0.0) == 1.0
    assert p_liquid_water(250.0, 0.0) == 0.0
    # Mean at the melting point: half the mass lies above it (boiling is 5 sigma away).
    assert p_liquid_water(273.15, 20.0) == pytest.approx(0.5, abs=1e-6)
    # 1 sigma above freezing: Phi(1) = 0.8413.
    assert p_liquid_water(293.15, 20.0) == pytest.approx(0.8413, abs=1e-3)


def test_grey_sigma_matches_the_albedo_and_greenhouse_spread_it_documents() -> None:
    teq = 250.0
    base = grey_surface_temperature_k(teq)
    albedo = max(abs(grey_surface_temperature_k(teq, bond_albedo=x) - base) for x in (0.2, 0.4))
    tau = max(abs(grey_surface_temperature_k(teq, tau_ir=x) - base) for x in (0.5, 1.5))
    assert math.hypot(albedo, tau) == pytest.approx(GREY_SURFACE_SIGMA_K, rel=0.15)


def test_best_feature_is_the_highest_biogenic_snr_ignoring_h2o_and_co2() -> None:
    snr = {
        "nirspec_prism": {"H2O": 9.0, "CO2": 12.0, "CH4": 1.5},
        "miri_lrs": {"O3": 2.5, "CH4": float("nan")},
    }
    assert best_biogenic_feature(snr) == ("O3", "miri_lrs", 2.5)
    assert best_biogenic_feature({"nirspec_prism": {"H2O": 9.0}}) == (None, None, 0.0)


def test_potential_is_the_habitability_gate_times_the_detectability() -> None:
    # Conservative HZ, rocky; J fainter than PRISM's saturation limit.
    a = replace(assess_planet(planet(1.0)), j_mag=11.0)
    snr = {"nirspec_prism": {"CH4": 2.5, "CO2": 10.0}}
    pot = biosignature_potential(
        a, surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr,
        n_transits=30, max_transits=30,
    )
    p_liq = p_liquid_water(288.0, 20.0, minimum_k=243.0)  # a rotating planet: open ocean above 243 K
    assert a.composition is not None
    assert pot.habitability == pytest.approx(a.composition.p_surface * p_liq)
    # The atmosphere (CO2, SNR 10) is readable: accessibility 1; CH4 at SNR 2.5: biogenic 0.5.
    assert pot.accessibility == 1.0 and pot.biogenic_detectability == pytest.approx(0.5)
    assert pot.detectability == pytest.approx(1.0 * (0.5 + 0.5 * 0.5))
    assert pot.total == pytest.approx(pot.habitability * pot.detectability)
    assert (pot.best_gas, pot.best_mode, pot.atmosphere_gas) == ("CH4", "nirspec_prism", "CO2")
    # A programme reaching only 15 of the 30 modelled transits gets sqrt(1/2) of each SNR.
    half = biosignature_potential(
        a, surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr,
        n_transits=30, max_transits=15,
    )
    assert half.biogenic_detectability == pytest.approx(0.5 / 2**0.5)
    # A target no programme window reaches gets nothing, however strong its features.
    none = biosignature_potential(
        a, surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr,
        n_transits=30, max_transits=0,
    )
    assert none.detectability == 0.0 and none.total == 0.0
    # A star brighter than every mode's limit saturates them all.
    bright = biosignature_potential(
        replace(a, j_mag=4.0), surface_temperature_k=288.0, surface_temperature_sigma_k=20.0, snr=snr,
    )
    assert bright.saturated_modes == ("nirspec_prism",) and bright.total == 0.0
    strong = biosignature_potential(
        a, surface_temperature_k=288.0, surface_temperature_sigma_k=0.0, snr={"nirspec_prism": {"O2": 50.0}}
    )
    assert strong.detectability == 1.0
    assert strong.total == pytest.approx(strong.habitability)


def test_a_giant_has_no_potential_however_detectable() -> None:
    a = assess_planet(planet(1.0, radius=11.0, mass=318.0))
    pot = biosignature_potential(
        a, surface_temperature_k=288.0, surface_temperature_sigma_k=0.0, snr={"nirspec_prism": {"CH4": 100.0}}
    )
    assert pot.total == 0.0


def test_weights_are_validated_naming_the_field() -> None:
    with pytest.raises(InvalidQuantity) as exc:
        PotentialWeights(detectability=-1.0)
    assert exc.value.field == "weights.detectability"
    with pytest.raises(InvalidQuantity):
        PotentialWeights(detectability=0.0, certainty=0.0)
