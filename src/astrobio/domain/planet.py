"""The planet entity (identity = name)."""

from __future__ import annotations

from dataclasses import dataclass, field

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quantities import optional_finite, optional_positive
from astrobio.domain.star import Star


@dataclass(frozen=True, slots=True, kw_only=True)
class Planet:
    """A known exoplanet and its host star.

    Identity is the planet name: two ``Planet`` values with the same name are the same
    planet (``==`` compares every field, :meth:`same_identity_as` compares names).

    Attributes
    ----------
    name: planet name as the archive spells it (``"TRAPPIST-1 e"``).
    star: the host :class:`Star`.
    radius_earth: radius, Earth radii.
    mass_earth: measured mass (or M sin i, see ``mass_is_minimum``), Earth masses.
    mass_is_minimum: True when ``mass_earth`` is an M sin i lower limit.
    orbital_period_days: orbital period, days.
    semi_major_axis_au: semi-major axis, AU.
    eccentricity: orbital eccentricity, 0 <= e < 1.
    discovery_method, discovery_year: archive bookkeeping.
    transits: True if the planet is known to transit, False if known not to, None unknown.
        Transmission/emission spectroscopy (TSM, ESM) needs a transiting planet.
    """

    name: str
    star: Star
    radius_earth: float | None = None
    mass_earth: float | None = None
    mass_is_minimum: bool = False
    orbital_period_days: float | None = None
    semi_major_axis_au: float | None = None
    eccentricity: float | None = None
    discovery_method: str | None = None
    discovery_year: int | None = None
    transits: bool | None = None
    source: str = field(default="", compare=True)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidQuantity("planet name must be a non-empty string", field="name")
        object.__setattr__(self, "name", self.name.strip())
        for f in ("radius_earth", "mass_earth", "orbital_period_days", "semi_major_axis_au"):
            object.__setattr__(self, f, optional_positive(getattr(self, f), f))
        e = optional_finite(self.eccentricity, "eccentricity")
        if e is not None and not 0.0 <= e < 1.0:
            raise InvalidQuantity(f"eccentricity must be in [0, 1), got {e}", field="eccentricity")
        object.__setattr__(self, "eccentricity", e)

    def same_identity_as(self, other: Planet) -> bool:
        """True when ``other`` is the same planet (same name), whatever its data."""
        return self.name == other.name
