"""AssessPlanet: habitability and observability metrics for one planet, no database."""

from __future__ import annotations

from dataclasses import dataclass

from astrobio.domain.assessment import Assessment, assess_planet
from astrobio.domain.photometry import ColourSequence
from astrobio.domain.planet import Planet


@dataclass(frozen=True, slots=True, kw_only=True)
class AssessPlanetCommand:
    planet: Planet


class AssessPlanet:
    """Compute T_eq, instellation, Kopparapu (2014) HZ, class, TSM, ESM and ESI.

    Business rules: the planet radius, stellar Teff and radius, and one of the period
    (with the stellar mass) or the semi-major axis are required; a missing mass is
    estimated from the radius and flagged; a missing J is derived from Ks and flagged;
    TSM is null without J or for Rp >= 10 R_earth, ESM is null without Ks; every
    derived or extrapolated value is listed in ``warnings``.
    """

    def __init__(self, colours: ColourSequence | None) -> None:
        self._colours = colours

    def execute(self, command: AssessPlanetCommand) -> Assessment:
        return assess_planet(command.planet, self._colours)
