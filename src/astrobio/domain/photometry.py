"""Deriving a missing 2MASS J magnitude from Ks with a main-sequence colour sequence."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from astrobio.domain.errors import InvalidQuantity


@dataclass(frozen=True, slots=True, kw_only=True)
class ColourSequence:
    """Mean dwarf J-Ks colour as a function of Teff (Pecaut & Mamajek 2013, Table 5).

    Attributes
    ----------
    teff_k: strictly increasing effective temperatures, K, shape (n,).
    j_minus_ks: J - Ks colour at each Teff, mag, shape (n,).
    source: citation / file the table came from (recorded in provenance).
    """

    teff_k: tuple[float, ...]
    j_minus_ks: tuple[float, ...]
    source: str

    def __post_init__(self) -> None:
        if len(self.teff_k) != len(self.j_minus_ks) or len(self.teff_k) < 2:
            raise InvalidQuantity("colour sequence needs >= 2 matching (Teff, J-Ks) pairs")
        if any(b <= a for a, b in zip(self.teff_k, self.teff_k[1:], strict=False)):
            raise InvalidQuantity("colour sequence Teff must be strictly increasing")

    def j_minus_ks_at(self, teff_k: float) -> float | None:
        """Linear interpolation in Teff; ``None`` outside the table (never extrapolated)."""
        if not self.teff_k[0] <= teff_k <= self.teff_k[-1]:
            return None
        return float(np.interp(teff_k, self.teff_k, self.j_minus_ks))

    def derive_j_mag(self, k_mag: float, teff_k: float) -> float | None:
        """J = Ks + (J - Ks)(Teff), or ``None`` when Teff is outside the table."""
        colour = self.j_minus_ks_at(teff_k)
        return None if colour is None else k_mag + colour
