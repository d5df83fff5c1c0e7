"""The bundled model catalog (``data/metabolic_models/catalog.json``) as ingestion commands."""

from __future__ import annotations

import json
from pathlib import Path

from astrobio.application.use_cases.metabolism import IngestSbmlCommand
from astrobio.domain.errors import InvalidDataset


def bundled_sbml_commands(folder: Path) -> list[IngestSbmlCommand]:
    """One command per catalog entry: file, stable id, organism, taxid, class, overrides."""
    catalog = folder / "catalog.json"
    try:
        entries = json.loads(catalog.read_text())["models"]
    except (OSError, ValueError, KeyError) as exc:
        raise InvalidDataset(f"{catalog}: unreadable model catalog: {exc}", field="catalog") from None
    return [
        IngestSbmlCommand(
            path=str(folder / e["file"]), model_id=e["model_id"], organism=e.get("organism"),
            ncbi_taxid=e.get("ncbi_taxid"), organism_class=e.get("organism_class", "mesophile"),
            objective=e.get("objective"), base_medium=e.get("base_medium"), license=e.get("license"),
            reference=e.get("reference"), source=f"bundled:{e['file']}")
        for e in entries
    ]
