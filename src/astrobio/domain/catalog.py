"""What a catalog source yields and what an ingestion reports."""

from __future__ import annotations

from dataclasses import dataclass, field

from astrobio.domain.planet import Planet


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectedRow:
    """A source row that was not ingested, with the reason (naming the field)."""

    line: int
    name: str | None
    reason: str


@dataclass(frozen=True, slots=True, kw_only=True)
class CatalogSnapshot:
    """The parsed content of one catalog source: valid planets and rejected rows."""

    source: str
    planets: tuple[Planet, ...]
    rejected: tuple[RejectedRow, ...] = ()
    rows_read: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestReport:
    """Counts of one ingestion; ``read = inserted + updated + unchanged + rejected``."""

    source: str
    read: int
    inserted: int
    updated: int
    unchanged: int
    rejected: tuple[RejectedRow, ...] = field(default_factory=tuple)
