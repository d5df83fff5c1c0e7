"""Shared reading of upstream HTTP headers (archive, KEGG and NCBI clients)."""

from __future__ import annotations

import email.utils
import time


def retry_after_s(value: str | None, now: float | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header: delta-seconds or an HTTP-date (RFC 9110),
    relative to ``now`` (wall-clock seconds; the current time by default). ``None`` when absent
    or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
