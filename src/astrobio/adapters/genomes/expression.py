"""``TsvExpressionReader``: RNA-seq count tables (featureCounts-style or plain) and GFF3 feature lengths."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from astrobio.adapters.genomes.sequence_files import gff3_summary, open_text
from astrobio.application.ports.genomes import ExpressionReader
from astrobio.domain.errors import InvalidDataset

#: featureCounts' annotation columns between the id and the samples.
_FEATURECOUNTS = ("Chr", "Start", "End", "Strand", "Length")


class TsvExpressionReader(ExpressionReader):
    def counts(self, path: Path) -> tuple[list[str], list[str], np.ndarray]:
        with open_text(path) as fh:
            lines = [ln.rstrip("\n").split("\t") for ln in fh if ln.strip() and not ln.startswith("#")]
        if len(lines) < 2:
            raise InvalidDataset(f"{path.name}: no count rows", field="counts")
        header = lines[0]
        first = 1 + sum(1 for c in header[1:6] if c in _FEATURECOUNTS)
        samples = header[first:]
        ids, rows = [], []
        for n, r in enumerate(lines[1:], 2):
            if len(r) != len(header):
                raise InvalidDataset(
                    f"{path.name} line {n}: {len(r)} columns, header has {len(header)}", field="counts"
                )
            try:
                rows.append([float(x) for x in r[first:]])
            except ValueError:
                raise InvalidDataset(f"{path.name} line {n}: non-numeric count", field="counts") from None
            ids.append(r[0])
        return ids, samples, np.asarray(rows, dtype=np.float64)

    def feature_lengths(self, gff: Path, feature_type: str) -> dict[str, int]:
        return gff3_summary(gff, lengths_of=feature_type)[1]
