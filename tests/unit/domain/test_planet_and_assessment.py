"""Planet/Star validation and the one-planet assessment on known worlds."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest

from astrobio.domain.assessment import assess_planet
from astrobio.domain.errors import InsufficientData, InvalidQuantity
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet
from astrobio.domain.planet_class import PlanetClass
from astrobio.domain.star import Star

SUN = Star(name="Sun", teff_k=5772.0, radius_sun=1.0, mass_sun=1.0, k_mag=-1.0, j_mag=-1.4, distance_pc=1e-5)


def solar_planet(name: str, a_au: float, radius: float, mass: float | None) -> Planet:
    return Planet(name=name, star=SUN, radius_earth=radius, mass_earth=mass, semi_major_axis_au=a_au)


@pytest.mark.parametrize(("field", "value"), [
    ("radius_earth", -1.0), ("radius_earth", math.nan), ("radius_earth", 0.0),
    ("orbital_period_days", 0.0), ("orbital_period_days", -3.0), ("eccentricity", 1.0),
])
def test_planet_rejects_non_physical_values_naming_the_field(field: str, value: float) -> None:
    with pytest.raises(InvalidQuantity) as err:
        Planet(name="X b", star=SUN, **{field: value})
    assert err.value.field == field


@pytest.mark.parametrize("teff", [0.0, -5772.0, math.nan])
def test_star_rejects_non_positive_teff(teff: float) -> None:
    with pytest.raises(InvalidQuantity) as err:
        Star(name="S", teff_k=teff)
    assert err.value.field == "star.teff_k"


def test_planet_rejects_empty_name() -> None:
    with pytest.raises(InvalidQuantity):
        Planet(name="  ", star=SUN)


def test_identity_is_the_name() -> None:
    a = solar_planet("Earth", 1.0, 1.0, 1.0)
    b = replace(a, radius_earth=1.1)
    assert a.same_identity_as(b) and a != b


def test_solar_system_hz_membership() -> None:
    venus = assess_planet(solar_planet("Venus", 0.723, 0.949, 0.815))
    earth = assess_planet(solar_planet("Earth", 1.0, 1.0, 1.0))
    mars = assess_planet(solar_planet("Mars", 1.524, 0.532, 0.107))
    assert not venus.in_optimistic_hz and not venus.in_conservative_hz
    assert earth.in_conservative_hz and mars.in_conservative_hz
    assert earth.planet_class is PlanetClass.ROCKY and not earth.mass_is_estimated
    assert earth.esi == pytest.approx(1.0) and earth.insolation_earth == pytest.approx(1.0)
    # Mars' ESI with its real instellation (1/1.524^2 = 0.431) is PHL's 0.64.
    assert mars.esi == pytest.approx(0.64, abs=0.01)


def test_proxima_b_is_in_the_conservative_hz_with_published_instellation() -> None:
    # Anglada-Escudé et al. 2016: S = 0.65 S_earth, inside the classical HZ.
    star = Star(name="Proxima Cen", teff_k=3050.0, radius_sun=0.141, mass_sun=0.120, luminosity_sun=0.00155)
    a = assess_planet(Planet(name="Proxima Cen b", star=star, radius_earth=1.07, orbital_period_days=11.186))
    assert a.semi_major_axis_au == pytest.approx(0.0485, abs=0.0005)
    assert a.insolation_earth == pytest.approx(0.65, abs=0.03)
    assert a.in_conservative_hz and a.hz.valid
    assert a.mass_is_estimated and "mass estimated" in a.warnings[0]
    assert a.tsm is None and a.esm is None  # no magnitudes given


def test_cool_star_outside_kopparapu_range_is_flagged() -> None:
    star = Star(name="TRAPPIST-1", teff_k=2566.0, radius_sun=0.1192, mass_sun=0.0898)
    a = assess_planet(Planet(name="TRAPPIST-1 e", star=star, radius_earth=0.920, mass_earth=0.692,
                             orbital_period_days=6.101))
    assert a.hz.valid is False and a.in_conservative_hz  # Teff clamped to 2600 K
    assert any("clamped" in w for w in a.warnings)


def test_needs_an_orbit() -> None:
    with pytest.raises(InsufficientData) as err:
        assess_planet(Planet(name="X b", star=SUN, radius_earth=1.0))
    assert err.value.field == "orbital_period_days"


def test_needs_stellar_mass_to_use_the_period() -> None:
    star = Star(name="S", teff_k=5000.0, radius_sun=0.8)
    with pytest.raises(InsufficientData) as err:
        assess_planet(Planet(name="X b", star=star, radius_earth=1.0, orbital_period_days=10.0))
    assert err.value.field == "star.mass_sun"


def test_j_is_derived_from_ks_and_flagged() -> None:
    colours = ColourSequence(teff_k=(3000.0, 6000.0), j_minus_ks=(0.9, 0.3), source="test")
    star = Star(name="S", teff_k=4500.0, radius_sun=0.7, mass_sun=0.7, k_mag=8.0)
    a = assess_planet(Planet(name="S b", star=star, radius_earth=2.0, orbital_period_days=20.0), colours)
    assert a.j_mag == pytest.approx(8.6) and a.j_mag_is_derived
    assert a.tsm is not None and any("derived from Ks" in w for w in a.warnings)


def test_colour_sequence_never_extrapolates() -> None:
    colours = ColourSequence(teff_k=(3000.0, 6000.0), j_minus_ks=(0.9, 0.3), source="test")
    assert colours.derive_j_mag(8.0, 2000.0) is None
    with pytest.raises(InvalidQuantity):
        ColourSequence(teff_k=(3000.0, 3000.0), j_minus_ks=(0.9, 0.3), source="test")


def test_minimum_mass_is_flagged() -> None:
    p = replace(solar_planet("RV b", 1.0, 1.0, 1.0), mass_is_minimum=True)
    assert "minimum mass" in assess_planet(p).warnings[0]


def test_giant_without_mass_is_classed_by_radius() -> None:
    a = assess_planet(solar_planet("Big b", 0.05, 16.0, None))
    assert a.planet_class is PlanetClass.GAS_GIANT and a.mass_earth is None and a.tsm is None
