"""HTTP routes: genome-scale metabolic models (SBML) and environment-conditioned FBA."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
