"""HTTP routes for NCBI assemblies and genomes, genome-model links, 1000 Genomes."""

from __future__ import annotations

from typing import Any

ROUTES: list[Any] = []
