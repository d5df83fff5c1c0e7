"""Retrievals take the host star, the planet's gravity and an N2 or H2/He background (not a fixed M dwarf)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from astrobio.adapters.jwst.forward import IsothermalTransmissionModel
from astrobio.application.use_cases.jwst import RetrieveAtmosphere, RetrieveAtmosphereCommand
from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.jwst_spectrum import ObservedSpectrum
from astrobio.domain.planet import Planet
from astrobio.domain.retrieval import Posterior, RetrievalSystem, gravity_m_s2, system_from_planet
from astrobio.domain.star import Star

OPACITY = Path(__file__).parents[3] / "data" / "jwst" / "opacity_grid.json"
# K2-18 b (Benneke et al. 2019): 8.63 M_earth, 2.610 R_earth around a 0.4445 R_sun M dwarf.
K2_18B = Planet(name="K2-18 b", star=Star(name="K2-18", teff_k=3457.0, radius_sun=0.4445, mass_sun=0.4951),
                radius_earth=2.610, mass_earth=8.63, orbital_period_days=32.94,
                errors={"radius_earth": (0.087, 0.087), "mass_earth": (1.35, 1.35)})
# LHS 1140 b (Cadieux et al. 2024): 5.60 M_earth, 1.730 R_earth, host 0.2159 R_sun.
LHS1140B = Planet(name="LHS 1140 b",
                  star=Star(name="LHS 1140", teff_k=3096.0, radius_sun=0.2159, mass_sun=0.1844),
                  radius_earth=1.730, mass_earth=5.60, orbital_period_days=24.737,
                  errors={"radius_earth": (0.025, 0.025), "mass_earth": (0.19, 0.19)})


def test_catalog_planets_give_their_host_gravity_and_background() -> None:
    k2 = system_from_planet(K2_18B)
    assert k2.star_radius_sun == 0.4445 and k2.background == "H2"  # an envelope (JWST: H2-rich)
    assert k2.gravity_m_s2 == pytest.approx(9.80665 * 8.63 / 2.610**2)  # 12.4 m/s2
    lhs = system_from_planet(LHS1140B)
    assert lhs.background == "N2" and lhs.gravity_m_s2 == pytest.approx(18.35, abs=0.05)
    assert not k2.is_training_system and RetrievalSystem().is_training_system


def test_bad_systems_are_refused_naming_the_field() -> None:
    for kwargs, field in [({"star_radius_sun": 0.0}, "star_radius_sun"), ({"background": "CO"}, "background"),
                          ({"gravity_m_s2": -1.0}, "gravity_m_s2")]:
        with pytest.raises(InvalidQuantity) as err:
            RetrievalSystem(**kwargs)  # type: ignore[arg-type]
        assert err.value.field == field
    with pytest.raises(InvalidQuantity):
        gravity_m_s2(float("nan"), 1.0)


def test_forward_model_scales_with_the_host_and_the_background() -> None:
    base = IsothermalTransmissionModel(OPACITY)
    theta = np.array([[290.0, -3.0, -3.5, -5.0, -7.0, -7.0, -4.0, 1.0]])
    d0 = base.depth_ppm(theta)
    bigger_star = base.for_system(RetrievalSystem(star_radius_sun=0.24))
    # Transit depth (R_p / R_*)^2: twice the host radius, a quarter of the depth.
    assert bigger_star.depth_ppm(theta) == pytest.approx(d0 / 4.0, rel=1e-9)
    g = 9.80665 * 0.9718  # the Chen & Kipping gravity of a 1 R_earth planet, fixed explicitly
    n2 = base.for_system(RetrievalSystem(gravity_m_s2=g))
    h2 = base.for_system(RetrievalSystem(gravity_m_s2=g, background="H2"))
    # Same gravity: same spectrum as the default; an H2/He background (mu 2.3 vs 28) has ~12x the scale
    # height, so the features are an order of magnitude larger (more where the cloud deck moves up).
    assert n2.depth_ppm(theta) == pytest.approx(d0, rel=1e-6)
    amp_n2 = np.ptp(n2.depth_ppm(theta))
    amp_h2 = np.ptp(h2.depth_ppm(theta))
    assert 5.0 < amp_h2 / amp_n2 < 25.0


class _Codec:
    def read(self, data: bytes, fmt: str) -> ObservedSpectrum:
        grid = IsothermalTransmissionModel(OPACITY).grid
        return ObservedSpectrum(wavelength_um=grid.centres_um, depth_ppm=np.full(grid.n_bins, 1000.0),
                                sigma_ppm=np.full(grid.n_bins, 30.0))


class _Sampler:
    def __init__(self) -> None:
        self.models: list[Any] = []

    def with_model(self, model: Any) -> _Sampler:
        self.models.append(model)
        return self

    def run(self, spectrum: ObservedSpectrum, n_live: int, seed: int) -> Posterior:
        return Posterior(names=("a", "b"), samples=np.zeros((3, 2)), method="nested")


class _NoFlow:
    def sample(self, *args: Any) -> Any:
        raise AssertionError("the amortized flow must not answer for another system")


def test_another_system_is_retrieved_by_nested_sampling_over_that_system() -> None:
    sampler = _Sampler()
    model = IsothermalTransmissionModel(OPACITY)
    use_case = RetrieveAtmosphere(_Codec(), _NoFlow(), model, sampler)  # type: ignore[arg-type]
    command = RetrieveAtmosphereCommand(data=b"x", fmt="json", system=system_from_planet(K2_18B))
    post = use_case.execute(command)
    assert post.method == "nested" and "K2-18 b" in post.notes[0]
    assert post.provenance["background"] == "H2" and post.provenance["star_radius_sun"] == "0.4445"
    assert sampler.models[0].system.background == "H2"
