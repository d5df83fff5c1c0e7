"""HTTP routes for KEGG pathways, genome-scale metabolic models, environment-conditioned FBA, graph VAE."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
