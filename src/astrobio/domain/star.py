"""The host star value object."""

from __future__ import annotations

from dataclasses import dataclass

from astrobio.domain.quantities import optional_finite, optional_positive


@dataclass(frozen=True, slots=True, kw_only=True)
class Star:
    """A host star with the properties the habitability metrics need.

    Every quantity is optional because real catalogs are incomplete; a value that is
    present must be physical (finite, and > 0 where that applies) or construction
    raises :class:`~astrobio.domain.errors.InvalidQuantity` naming the field.

    Attributes
    ----------
    name: host name (e.g. ``"TRAPPIST-1"``).
    teff_k: effective temperature, K.
    radius_sun, mass_sun, luminosity_sun: in nominal solar units.
    j_mag, k_mag: 2MASS J and Ks apparent magnitudes.
    j_mag_is_derived: True when ``j_mag`` was computed from Ks and a colour table,
        not measured.
    distance_pc: distance, pc.
    metallicity_dex: [Fe/H].
    """

    name: str
    teff_k: float | None = None
    radius_sun: float | None = None
    mass_sun: float | None = None
    luminosity_sun: float | None = None
    j_mag: float | None = None
    j_mag_is_derived: bool = False
    k_mag: float | None = None
    distance_pc: float | None = None
    metallicity_dex: float | None = None

    def __post_init__(self) -> None:
        for field in ("teff_k", "radius_sun", "mass_sun", "luminosity_sun", "distance_pc"):
            object.__setattr__(self, field, optional_positive(getattr(self, field), f"star.{field}"))
        for field in ("j_mag", "k_mag", "metallicity_dex"):
            object.__setattr__(self, field, optional_finite(getattr(self, field), f"star.{field}"))
