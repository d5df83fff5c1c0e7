"""Parse the NASA Exoplanet Archive's PSCompPars column set into domain planets.

The same parser reads the archive's CSV download (84 default columns, optionally preceded by
``#`` comment lines) and the TAP ``sync`` CSV answer to :data:`ADQL_QUERY` (just the columns
below, strings double-quoted, nulls empty). Rules:

* the whole snapshot fails with :class:`CatalogUnreadable` when it is empty, not UTF-8,
  truncated (a row with fewer or more fields than the header, an unterminated quote, NUL
  bytes) or lacks a required column: nothing partial is ever returned;
* a row with a non-numeric, non-finite or physically invalid value, without ``pl_name`` or
  ``hostname``, or repeating an earlier ``pl_name`` becomes a :class:`RejectedRow` (line
  number in the file, header = line 1 when there are no comment lines) and parsing goes on.

Mass provenance (``pl_bmassprov``, ``pl_bmasselim``):

* ``"Msini"``: the mass is an M sin i lower limit, ``mass_is_minimum=True``;
* ``"M-R relationship"``: PSCompPars filled the mass in from the planet's radius with a
  mass-radius relation. That is not a measurement, so ``mass_earth`` is left ``None``: our own
  code estimates the mass and flags it as estimated, instead of ingesting the archive's
  estimate as if it had been measured;
* ``pl_bmasselim == 1``: the value is an upper limit only, not a measured mass: ``None`` too;
  ``pl_bmasselim == -1``: a lower limit, kept with ``mass_is_minimum=True``;
* ``"Mass"`` and ``"Msin(i)/sin(i)"`` (M sin i with a known inclination): a measured mass.

``st_lum`` (log10 of L/Lsun in the archive) and ``sy_jmag`` are used when the source has them;
the bundled 2025-08 snapshot has neither, so luminosity and J stay ``None`` there.

``transits``: ``tran_flag == 1`` → ``True``; ``tran_flag == 0`` means "no transit reported",
which is not "known not to transit", so ``None``. Without a ``tran_flag`` (the bundled snapshot
has none) a planet discovered by ``Transit`` transits and any other is ``None`` (unknown): the
planets found by radial velocity and seen transiting later (HD 209458 b, 55 Cnc e ...) are then
``None``, which only the live archive (``tran_flag``) corrects.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterator, Mapping

from astrobio.domain.catalog import CatalogSnapshot, RejectedRow
from astrobio.domain.errors import CatalogUnreadable, DomainError, InvalidQuantity
from astrobio.domain.planet import Planet
from astrobio.domain.star import Star

REQUIRED_COLUMNS: tuple[str, ...] = (
    "pl_name",
    "hostname",
    "pl_rade",
    "pl_orbper",
    "pl_orbsmax",
    "st_teff",
    "st_rad",
    "st_mass",
    "sy_kmag",
)
# archive column -> domain field (the name a DomainError carries in ``.field``)
_PLANET_FLOATS: dict[str, str] = {
    "pl_rade": "radius_earth",
    "pl_orbper": "orbital_period_days",
    "pl_orbsmax": "semi_major_axis_au",
    "pl_orbeccen": "eccentricity",
}
_STAR_FLOATS: dict[str, str] = {
    "st_teff": "teff_k",
    "st_rad": "radius_sun",
    "st_mass": "mass_sun",
    "st_met": "metallicity_dex",
    "sy_jmag": "j_mag",
    "sy_kmag": "k_mag",
    "sy_dist": "distance_pc",
}
_OTHER: dict[str, str] = {
    "pl_name": "name",
    "hostname": "star.name",
    "pl_bmasse": "mass_earth",
    "pl_bmasselim": "mass_earth",
    "pl_bmassprov": "mass_earth",
    "st_lum": "star.luminosity_sun",
    "discoverymethod": "discovery_method",
    "disc_year": "discovery_year",
    "tran_flag": "transits",
}
_COLUMN_OF_FIELD: dict[str, str] = {
    **{field: col for col, field in _PLANET_FLOATS.items()},
    **{f"star.{field}": col for col, field in _STAR_FLOATS.items()},
    **{field: col for col, field in _OTHER.items() if col not in ("pl_bmasselim", "pl_bmassprov")},
}
#: every column the parser reads, in the order the TAP client asks for them
QUERY_COLUMNS: tuple[str, ...] = (
    "pl_name",
    "hostname",
    "discoverymethod",
    "disc_year",
    "pl_orbper",
    "pl_orbsmax",
    "pl_orbeccen",
    "pl_rade",
    "pl_bmasse",
    "pl_bmasselim",
    "pl_bmassprov",
    "st_teff",
    "st_rad",
    "st_mass",
    "st_lum",
    "st_met",
    "sy_dist",
    "sy_jmag",
    "sy_kmag",
    "tran_flag",
    "ra",
    "dec",
    *(f"{col}err{i}" for col in ("pl_rade", "pl_bmasse", "pl_orbper", "pl_orbsmax", "st_teff", "st_rad",
                                 "st_mass") for i in (1, 2)),
)
#: archive value column -> domain field whose (minus, plus) error its err2/err1 columns give
_ERROR_COLUMNS: dict[str, str] = {
    "pl_rade": "radius_earth",
    "pl_bmasse": "mass_earth",
    "pl_orbper": "orbital_period_days",
    "pl_orbsmax": "semi_major_axis_au",
    "st_teff": "star.teff_k",
    "st_rad": "star.radius_sun",
    "st_mass": "star.mass_sun",
}
ADQL_QUERY: str = f"select {','.join(QUERY_COLUMNS)} from pscomppars"
_COLUMNS_READ: frozenset[str] = frozenset(QUERY_COLUMNS)


def _text(row: Mapping[str, str | None], column: str) -> str | None:
    raw = row.get(column)
    if raw is None:
        return None
    raw = raw.strip()
    return raw or None


def _float(row: Mapping[str, str | None], column: str, field: str) -> float | None:
    raw = _text(row, column)
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidQuantity(f"{column} is not a number: {raw!r}", field=field) from None


def _mass(row: Mapping[str, str | None]) -> tuple[float | None, bool]:
    mass = _float(row, "pl_bmasse", "mass_earth")
    if mass is None:
        return None, False
    prov = (_text(row, "pl_bmassprov") or "").lower()
    limit = _float(row, "pl_bmasselim", "mass_earth")
    if limit not in (None, -1.0, 0.0, 1.0):
        raise InvalidQuantity(f"pl_bmasselim must be -1, 0 or 1, got {limit}", field="mass_earth")
    if prov.startswith("m-r") or limit == 1.0:  # estimated from the radius / upper limit only
        return None, False
    return mass, prov == "msini" or limit == -1.0


def _transits(row: Mapping[str, str | None]) -> bool | None:
    flag = _float(row, "tran_flag", "transits")
    if flag is None:  # no flag in this column set: a planet found by its transits transits
        return True if _text(row, "discoverymethod") == "Transit" else None
    if flag not in (0.0, 1.0):
        raise InvalidQuantity(f"tran_flag must be 0 or 1, got {flag}", field="transits")
    return True if flag == 1.0 else None  # 0 = no transit reported, not "known not to transit"


def _errors(row: Mapping[str, str | None], mass: float | None) -> dict[str, tuple[float, float]]:
    """(minus, plus) error magnitudes from ``<col>err2`` (<= 0) and ``<col>err1`` (>= 0).

    A column pair with a missing side is skipped; a wrong sign (err1 < 0 or err2 > 0) rejects the row.
    The mass error is kept only with a measured mass.
    """
    out: dict[str, tuple[float, float]] = {}
    for col, field in _ERROR_COLUMNS.items():
        if field == "mass_earth" and mass is None:
            continue
        plus = _float(row, f"{col}err1", f"errors.{field}")
        minus = _float(row, f"{col}err2", f"errors.{field}")
        if plus is None or minus is None:
            continue
        if plus < 0 or minus > 0:
            raise InvalidQuantity(
                f"{col}err1 must be >= 0 and {col}err2 <= 0, got {plus} / {minus}", field=f"errors.{field}")
        out[field] = (-minus, plus)
    return out


def planet_from_row(row: Mapping[str, str | None], *, source: str = "") -> Planet:
    """Build a :class:`Planet` from one PSCompPars row (column name -> raw text).

    Missing columns and empty strings are ``None``. Raises a :class:`DomainError` whose
    ``field`` names the domain field at fault (``radius_earth``, ``star.teff_k`` ...).
    """
    name = _text(row, "pl_name")
    if name is None:
        raise InvalidQuantity("pl_name is empty", field="name")
    host = _text(row, "hostname")
    if host is None:
        raise InvalidQuantity("hostname is empty", field="star.name")
    star_value = {field: _float(row, col, f"star.{field}") for col, field in _STAR_FLOATS.items()}
    log_lum = _float(row, "st_lum", "star.luminosity_sun")
    luminosity = None
    if log_lum is not None:
        try:
            luminosity = 10.0**log_lum
        except OverflowError:
            raise InvalidQuantity(f"st_lum={log_lum} overflows", field="star.luminosity_sun") from None
    planet_value = {field: _float(row, col, field) for col, field in _PLANET_FLOATS.items()}
    mass, mass_is_minimum = _mass(row)
    year = _float(row, "disc_year", "discovery_year")
    if year is not None and not (math.isfinite(year) and year.is_integer()):
        raise InvalidQuantity(f"disc_year is not a year: {year}", field="discovery_year")
    star = Star(
        name=host,
        teff_k=star_value["teff_k"],
        radius_sun=star_value["radius_sun"],
        mass_sun=star_value["mass_sun"],
        luminosity_sun=luminosity,
        j_mag=star_value["j_mag"],
        k_mag=star_value["k_mag"],
        distance_pc=star_value["distance_pc"],
        metallicity_dex=star_value["metallicity_dex"],
    )
    return Planet(
        name=name,
        star=star,
        radius_earth=planet_value["radius_earth"],
        mass_earth=mass,
        mass_is_minimum=mass_is_minimum,
        orbital_period_days=planet_value["orbital_period_days"],
        semi_major_axis_au=planet_value["semi_major_axis_au"],
        eccentricity=planet_value["eccentricity"],
        discovery_method=_text(row, "discoverymethod"),
        discovery_year=None if year is None else int(year),
        transits=_transits(row),
        source=source,
        errors=_errors(row, mass),
        ra_deg=_float(row, "ra", "ra_deg"),
        dec_deg=_float(row, "dec", "dec_deg"),
    )


def _reason(exc: DomainError, row: Mapping[str, str | None]) -> str:
    field = exc.field or "row"
    column = _COLUMN_OF_FIELD.get(field)
    where = f" (column {column}={row.get(column)!r})" if column and row.get(column) else ""
    return f"{field}: {exc.message}{where}"


class _Lines:
    """Physical lines of the text without ``#`` comment lines, remembering their numbers."""

    def __init__(self, text: str) -> None:
        self._lines = enumerate(io.StringIO(text, newline=""), start=1)
        self.pulled: list[int] = []

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        for number, line in self._lines:
            if not line.startswith("#"):
                self.pulled.append(number)
                return line
        raise StopIteration


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, fields) of each non-blank CSV record."""
    lines = _Lines(text)
    reader = csv.reader(lines, strict=True)
    while True:
        lines.pulled.clear()
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = lines.pulled[0] if lines.pulled else "?"
            raise CatalogUnreadable(f"line {line}: malformed CSV ({exc})") from exc
        if record and not (len(record) == 1 and not record[0].strip()):
            yield lines.pulled[0], record


def _header(record: list[str]) -> list[str]:
    names = [name.strip().lstrip("\ufeff").lower() for name in record]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise CatalogUnreadable(f"header repeats column(s): {', '.join(duplicated)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise CatalogUnreadable(f"header lacks required column(s): {', '.join(missing)}")
    return names


def parse_pscomppars(text: str, *, source: str) -> CatalogSnapshot:
    """Parse a PSCompPars CSV text (archive download or TAP answer) into a snapshot.

    Raises :class:`CatalogUnreadable` when the text as a whole cannot be trusted (see the
    module docstring); bad rows are returned in ``CatalogSnapshot.rejected``.
    """
    if "\x00" in text:
        raise CatalogUnreadable(f"{source}: contains NUL bytes (truncated or corrupt file)")
    records = _records(text)
    first = next(records, None)
    if first is None:
        raise CatalogUnreadable(f"{source}: empty (no header, no rows)")
    names = _header(first[1])
    wanted = [(name, i) for i, name in enumerate(names) if name in _COLUMNS_READ]
    planets: list[Planet] = []
    rejected: list[RejectedRow] = []
    seen: set[str] = set()
    rows_read = 0
    for line, record in records:
        if len(record) != len(names):
            raise CatalogUnreadable(
                f"{source}: line {line} has {len(record)} fields, the header {len(names)} "
                "(truncated or malformed file)"
            )
        rows_read += 1
        row = {name: record[i] for name, i in wanted}
        name = row["pl_name"].strip() or None
        if name is not None and name in seen:  # the first row of a name wins, valid or not
            rejected.append(RejectedRow(line=line, name=name, reason="duplicate planet name"))
            continue
        if name is not None:
            seen.add(name)
        try:
            planets.append(planet_from_row(row, source=source))
        except DomainError as exc:
            rejected.append(RejectedRow(line=line, name=name, reason=_reason(exc, row)))
    if rows_read == 0:
        raise CatalogUnreadable(f"{source}: header only, no data rows")
    return CatalogSnapshot(
        source=source, planets=tuple(planets), rejected=tuple(rejected), rows_read=rows_read
    )


def parse_pscomppars_bytes(data: bytes, *, source: str) -> CatalogSnapshot:
    """Decode UTF-8 (a BOM is allowed) and :func:`parse_pscomppars`; undecodable → unreadable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogUnreadable(f"{source}: not UTF-8 text (bad byte at offset {exc.start})") from exc
    return parse_pscomppars(text, source=source)
