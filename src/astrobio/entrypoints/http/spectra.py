"""HTTP routes: spectra, atmospheres, JWST detectability and the pipeline."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
