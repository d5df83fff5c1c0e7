"""The planet entity (identity = name)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from astrobio.domain.errors import InvalidQuantity
from astrobio.domain.quantities import optional_finite, optional_positive
from astrobio.domain.star import Star

#: Fields whose catalog 1-sigma errors the uncertainty chain uses.
ERROR_FIELDS: tuple[str, ...] = (
    "radius_earth",
    "mass_earth",
    "orbital_period_days",
    "semi_major_axis_au",
    "star.teff_k",
    "star.radius_sun",
    "star.mass_sun",
)


def validate_errors(errors: Mapping[str, tuple[float, float]] | None) -> dict[str, tuple[float, float]]:
    """Check (minus, plus) 1-sigma errors: known fields, finite, both >= 0 (magnitudes).

    A catalog's lower error column is negative (``pl_radeerr2 = -0.03``); convert it to its
    magnitude before calling. Raises :class:`InvalidQuantity` naming ``errors.<field>``.
    """
    out: dict[str, tuple[float, float]] = {}
    for name, pair in (errors or {}).items():
        where = f"errors.{name}"
        if name not in ERROR_FIELDS:
            raise InvalidQuantity(f"unknown error field {name!r} (known: {', '.join(ERROR_FIELDS)})",
                                  field=where)
        try:
            minus, plus = (float(x) for x in pair)
        except (TypeError, ValueError):
            raise InvalidQuantity("an error is a pair [minus, plus] of numbers", field=where) from None
        if not (math.isfinite(minus) and math.isfinite(plus)):
            raise InvalidQuantity("errors must be finite numbers", field=where)
        if minus < 0 or plus < 0:
            raise InvalidQuantity(
                f"errors are magnitudes [minus, plus] >= 0, got [{minus}, {plus}]", field=where)
        out[name] = (minus, plus)
    return out


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
    errors: catalog 1-sigma errors (minus, plus) >= 0 by field name (:data:`ERROR_FIELDS`);
        a field without an entry has no error given.
    ra_deg, dec_deg: the host's ICRS coordinates, degrees (JWST field-of-regard visibility).
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
    errors: Mapping[str, tuple[float, float]] = field(default_factory=dict, hash=False)
    ra_deg: float | None = None
    dec_deg: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "errors", validate_errors(self.errors))
        ra = optional_finite(self.ra_deg, "ra_deg")
        dec = optional_finite(self.dec_deg, "dec_deg")
        if ra is not None and not 0.0 <= ra < 360.0:
            raise InvalidQuantity(f"ra_deg must be in [0, 360), got {ra}", field="ra_deg")
        if dec is not None and not -90.0 <= dec <= 90.0:
            raise InvalidQuantity(f"dec_deg must be in [-90, 90], got {dec}", field="dec_deg")
        object.__setattr__(self, "ra_deg", ra)
        object.__setattr__(self, "dec_deg", dec)
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidQuantity("planet name must be a non-empty string", field="name")
        object.__setattr__(self, "name", self.name.strip())
        for f in ("radius_earth", "mass_earth", "orbital_period_days", "semi_major_axis_au"):
            object.__setattr__(self, f, optional_positive(getattr(self, f), f))
        e = optional_finite(self.eccentricity, "eccentricity")
        if e is not None and not 0.0 <= e < 1.0:
            raise InvalidQuantity(f"eccentricity must be in [0, 1), got {e}", field="eccentricity")
        object.__setattr__(self, "eccentricity", e)

    def error(self, name: str) -> tuple[float, float] | None:
        """The (minus, plus) 1-sigma error of ``name`` (e.g. ``"star.teff_k"``), None if not given."""
        return self.errors.get(name)

    def same_identity_as(self, other: Planet) -> bool:
        """True when ``other`` is the same planet (same name), whatever its data."""
        return self.name == other.name
