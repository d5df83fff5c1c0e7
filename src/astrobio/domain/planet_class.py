"""Mass from radius (Chen & Kipping 2017, as used by Kempton et al. 2018) and planet classes."""

from __future__ import annotations

from enum import Enum

from astrobio.domain.constants import M_JUPITER_EARTH
from astrobio.domain.quantities import require_positive

#: Chen & Kipping (2017) transitions, Earth masses.
TERRAN_NEPTUNIAN_MASS_EARTH = 2.04
NEPTUNIAN_JOVIAN_MASS_EARTH = 0.414 * M_JUPITER_EARTH
#: Deuterium-burning limit, 13 M_J.
DEUTERIUM_BURNING_MASS_EARTH = 13.0 * M_JUPITER_EARTH

#: Radius where Kempton's two power laws meet, R_earth.
_KEMPTON_BREAK_RADIUS_EARTH = 1.23
#: Radius at which 1.436 R^1.70 reaches the Neptunian/Jovian transition (about 14.3 R_earth).
#: Above it the Chen & Kipping relation is flat (R ~ M^-0.04): radius does not determine mass.
MAX_RADIUS_FOR_MASS_EARTH = (NEPTUNIAN_JOVIAN_MASS_EARTH / 1.436) ** (1.0 / 1.70)


class PlanetClass(Enum):
    """Composition classes (see :mod:`astrobio.domain.composition`): rocky, water-rich, H/He-envelope
    sub-Neptune, gas giant, brown dwarf. :func:`classify_by_mass` is the older mass-only rule (Chen &
    Kipping 2017), kept for the radius-to-mass relation's regimes; it never returns ``WATER_RICH``."""

    ROCKY = "rocky"
    WATER_RICH = "water_rich"
    SUB_NEPTUNE = "sub_neptune"
    GAS_GIANT = "gas_giant"
    BROWN_DWARF = "brown_dwarf"


def estimate_mass_earth(radius_earth: float) -> float | None:
    """Mass from radius as in Kempton et al. (2018) eq. 2 (after Chen & Kipping 2017).

    M = 0.9718 R^3.58 for R < 1.23 R_earth, M = 1.436 R^1.70 above. Returns ``None``
    above about 14.3 R_earth, where the relation no longer determines the mass.
    """
    r = require_positive(radius_earth, "radius_earth")
    if r < _KEMPTON_BREAK_RADIUS_EARTH:
        return float(0.9718 * r**3.58)
    if r <= MAX_RADIUS_FOR_MASS_EARTH:
        return float(1.436 * r**1.70)
    return None


def classify_by_mass(mass_earth: float) -> PlanetClass:
    """Rocky < 2.04 M_earth <= sub-Neptune < 0.414 M_J <= gas giant < 13 M_J <= brown dwarf."""
    m = require_positive(mass_earth, "mass_earth")
    if m < TERRAN_NEPTUNIAN_MASS_EARTH:
        return PlanetClass.ROCKY
    if m < NEPTUNIAN_JOVIAN_MASS_EARTH:
        return PlanetClass.SUB_NEPTUNE
    if m < DEUTERIUM_BURNING_MASS_EARTH:
        return PlanetClass.GAS_GIANT
    return PlanetClass.BROWN_DWARF
