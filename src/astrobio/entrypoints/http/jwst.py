"""HTTP routes for JWST spectrum denoiser, neural posterior retrieval, planet-class classifier."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
