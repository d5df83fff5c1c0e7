"""HTTP routes: the end-to-end pipeline (runs as jobs) and biosignature-potential ranking."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
