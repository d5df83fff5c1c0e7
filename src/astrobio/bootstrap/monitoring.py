"""Monitoring wiring: the Prometheus registry the HTTP edge exposes, and the hooks that feed it.

Entrypoints reach the metrics adapter only through here (the hexagon's rule).
"""

from __future__ import annotations

from typing import Any

from astrobio.adapters.monitoring.metrics import (
    CONTENT_TYPE,
    count_audit_failures,
    exposition,
    observe_http,
    observe_inference,
    register_database,
)

__all__ = ["CONTENT_TYPE", "count_audit_failures", "metrics_text", "observe_http", "observe_inference"]


def metrics_text(container: Any) -> bytes:
    """The process's metrics (and the database's job/version/run counts) in the text format."""
    register_database(container.engine())
    return exposition()
