"""HTTP routes: KEGG pathways, pathway graphs and the graph VAE."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
