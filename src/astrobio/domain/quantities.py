"""Validation helpers for physical quantities carried by domain values."""

from __future__ import annotations

import math

from astrobio.domain.errors import InvalidQuantity


def require_finite(value: float, field: str) -> float:
    """Return ``value`` as float, or raise if it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidQuantity(f"{field} must be a number, got {type(value).__name__}", field=field)
    v = float(value)
    if not math.isfinite(v):
        raise InvalidQuantity(f"{field} must be finite, got {v}", field=field)
    return v


def require_positive(value: float, field: str) -> float:
    """Return ``value`` if it is finite and > 0, else raise :class:`InvalidQuantity`."""
    v = require_finite(value, field)
    if v <= 0.0:
        raise InvalidQuantity(f"{field} must be > 0, got {v}", field=field)
    return v


def optional_positive(value: float | None, field: str) -> float | None:
    """Like :func:`require_positive` but lets ``None`` through."""
    return None if value is None else require_positive(value, field)


def optional_finite(value: float | None, field: str) -> float | None:
    """Like :func:`require_finite` but lets ``None`` through."""
    return None if value is None else require_finite(value, field)
