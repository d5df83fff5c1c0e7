"""ComputeTpm: RNA-seq counts -> transcripts per million with feature lengths from a GFF3."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from astrobio.application.ports.genomes import ExpressionReader
from astrobio.domain.errors import InvalidDataset
from astrobio.domain.genome import tpm


@dataclass(frozen=True, slots=True, kw_only=True)
class ComputeTpmCommand:
    counts: Path
    gff: Path
    feature_type: str = "gene"


@dataclass(frozen=True, slots=True, kw_only=True)
class TpmTable:
    feature_ids: list[str]
    samples: list[str]
    tpm: np.ndarray
    lengths_bp: np.ndarray


class ComputeTpm:
    """TPM per sample (Wagner et al. 2012) with each feature's span length from the GFF3.

    Rules: every counted feature must be found in the GFF3 (by ID, Name or locus_tag) - a count
    without a length cannot be normalised, so the table is refused naming the first missing ids.
    """

    def __init__(self, reader: ExpressionReader) -> None:
        self._reader = reader

    def execute(self, command: ComputeTpmCommand) -> TpmTable:
        ids, samples, counts = self._reader.counts(command.counts)
        lengths = self._reader.feature_lengths(command.gff, command.feature_type)
        missing = [i for i in ids if i not in lengths]
        if missing:
            raise InvalidDataset(
                f"{len(missing)} counted feature(s) not in {command.gff.name}: {missing[:5]}",
                field="feature_id",
            )
        span = np.array([lengths[i] for i in ids], dtype=np.float64)
        return TpmTable(feature_ids=ids, samples=samples, tpm=tpm(counts, span), lengths_bp=span)
