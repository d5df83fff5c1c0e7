"""Mamajek's mean dwarf colour / Teff table (Pecaut & Mamajek 2013) as a J-Ks sequence."""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

from astrobio.domain.errors import CatalogUnreadable, DomainError
from astrobio.domain.photometry import ColourSequence

_VERSION = re.compile(r"^#\s*Version\s+(\S+)", re.IGNORECASE)
_COLUMNS = ("Teff", "J-H", "H-Ks")


def _number(token: str) -> float | None:
    """The value of a table cell; ``None`` for the table's missing markers (``...``, ``.....``)
    and for anything else that is not a plain finite number (e.g. preliminary values marked ``*``)."""
    try:
        value = float(token)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def load_colour_sequence(path: str | os.PathLike[str]) -> ColourSequence:
    """Read ``EEM_dwarf_UBVIJHK_colors_Teff.txt`` into a J-Ks versus Teff sequence.

    Uses the first table (from the first ``#SpT`` header line to the next one, or to a blank
    line): J-Ks = (J-H) + (H-Ks), rows lacking either colour skipped, sorted by increasing
    Teff, the first row kept when two share a Teff.

    Raises
    ------
    CatalogUnreadable
        The file is missing or undecodable, has no ``#SpT`` header with Teff, J-H and H-Ks
        columns, a row with a different number of cells than the header, or fewer than two
        usable rows.
    """
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogUnreadable(f"cannot read colour table {path}: {exc}") from exc
    version = next((m.group(1) for line in lines if (m := _VERSION.match(line))), "unknown")
    start = next((i for i, line in enumerate(lines) if line.startswith("#SpT")), None)
    if start is None:
        raise CatalogUnreadable(f"{path}: no '#SpT' table header")
    header = lines[start].split()
    if any(c not in header for c in _COLUMNS):
        raise CatalogUnreadable(f"{path}: table header lacks one of {', '.join(_COLUMNS)}")
    i_teff, i_jh, i_hk = (header.index(c) for c in _COLUMNS)
    pairs: dict[float, float] = {}
    for number, line in enumerate(lines[start + 1 :], start=start + 2):
        cells = line.split()
        if line.startswith("#SpT") or not cells:  # the closing header (or a blank line) ends it
            break
        if line.startswith("#"):
            continue
        if len(cells) != len(header):
            raise CatalogUnreadable(f"{path}: line {number} has {len(cells)} cells, the header {len(header)}")
        teff, jh, hk = _number(cells[i_teff]), _number(cells[i_jh]), _number(cells[i_hk])
        if teff is None or jh is None or hk is None or teff in pairs:
            continue
        pairs[teff] = jh + hk
    teffs = sorted(pairs)
    try:
        return ColourSequence(
            teff_k=tuple(teffs),
            j_minus_ks=tuple(round(pairs[t], 6) for t in teffs),
            source=f"Pecaut & Mamajek (2013), Mamajek EEM table version {version}",
        )
    except DomainError as exc:
        raise CatalogUnreadable(f"{path}: {exc.message}") from exc
