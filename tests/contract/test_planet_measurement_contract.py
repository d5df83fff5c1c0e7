"""Every planet repository keeps the catalog's 1-sigma errors and the host's coordinates."""

from __future__ import annotations

from astrobio.application.ports.unit_of_work import UnitOfWorkFactory
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star


def test_errors_and_coordinates_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    p = Planet(
        name="LHS 1140 b",
        star=Star(name="LHS 1140", teff_k=3096.0, radius_sun=0.2159, mass_sun=0.1844),
        radius_earth=1.730, mass_earth=5.60, orbital_period_days=24.73723,
        errors={"radius_earth": (0.025, 0.025), "mass_earth": (0.19, 0.19), "star.teff_k": (48.0, 52.0)},
        ra_deg=0.9513, dec_deg=-15.2712,
    )
    with uow_factory() as uow:
        uow.planets.add(p)
        uow.commit()
    with uow_factory() as uow:
        got = uow.planets.get(p.name)
    assert got is not None and got == p
    assert got.error("star.teff_k") == (48.0, 52.0) and (got.ra_deg, got.dec_deg) == (0.9513, -15.2712)
