"""Typed domain errors. Every one is also a ``ValueError`` so plain callers can catch it."""

from __future__ import annotations


class DomainError(ValueError):
    """Base class of every rule the domain refuses to break.

    Parameters
    ----------
    message:
        Human-readable explanation.
    field:
        Name of the offending input field, when one is to blame (used by the
        entrypoints to name the field in a 422 body or a CLI line).
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidQuantity(DomainError):
    """A physical quantity is missing, not finite, or outside its physical range."""


class InsufficientData(DomainError):
    """The inputs do not determine the requested quantity (e.g. neither period nor a)."""


class NotFound(DomainError):
    """A requested entity does not exist."""


class Conflict(DomainError):
    """The request conflicts with the current state (e.g. a job already finished)."""


class CatalogUnreadable(DomainError):
    """A catalog source is truncated, malformed as a whole, or unreadable."""


class UpstreamUnavailable(DomainError):
    """An upstream service (archive, KEGG, NCBI) could not be reached or failed."""

    def __init__(self, service: str, detail: str = "") -> None:
        super().__init__(f"upstream service {service!r} unavailable" + (f": {detail}" if detail else ""))
        self.service = service


class InvalidDataset(DomainError):
    """A dataset (NetCDF file, cube, table) is corrupt, incomplete or not what it claims to be."""
