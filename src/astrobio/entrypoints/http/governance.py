"""HTTP routes for quality reports, dataset versions, encryption, access control, audit log."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
